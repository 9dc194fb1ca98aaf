"""The supplier hub: Django project package and integration engine.

The Celery app is loaded lazily (``hub.celery_app``, and by ``HubConfig.ready`` whenever
Django starts) so that the codec commands that run without Django (``manage.py
translate``, ``formats``, ``generate_sample``, all in ``hub.formats.cli``) do not pay
for importing Celery: ``import hub.formats`` must stay light.
"""

from typing import Any

__all__ = ["celery_app"]


def __getattr__(name: str) -> Any:
    if name == "celery_app":
        from hub.celery import app

        return app
    raise AttributeError(f"module 'hub' has no attribute {name!r}")
