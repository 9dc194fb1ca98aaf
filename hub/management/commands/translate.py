"""``manage.py translate``: see ``hub.formats.cli`` (manage.py runs it without Django)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from hub.formats.cli import translate


class Command(BaseCommand):
    help = "Translate FILE to canonical JSON or another format (no database needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--from", dest="source")
        parser.add_argument("--to", dest="target", default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [options["file"], "--to", options["target"]] + (["--from", options["source"]] if options["source"] else [])
        code = translate(argv)
        if code:
            sys.exit(code)
