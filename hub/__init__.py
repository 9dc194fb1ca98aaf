"""The supplier hub: Django project package and integration engine."""

from hub.celery import app as celery_app

__all__ = ["celery_app"]
