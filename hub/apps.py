"""The hub app: plants, interchanges, the outbox and the engine around them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Integration engine")

    def ready(self) -> None:
        # The Celery app must exist before any shared_task is used (it was imported by
        # hub/__init__.py, which now stays light for the codec commands).
        import hub.celery  # noqa: F401
