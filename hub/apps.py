"""The hub app: plants, interchanges, the outbox and the engine around them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Integration engine")
