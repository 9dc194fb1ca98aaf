"""``manage.py formats``: see ``hub.formats.cli``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hub.formats.cli import formats


class Command(BaseCommand):
    help = "List the supported formats, versions and message types."

    def handle(self, *args: Any, **options: Any) -> None:
        formats([])
