"""``manage.py generate_sample``: see ``hub.formats.cli`` (manage.py runs it without Django)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from hub.formats.cli import generate_sample


class Command(BaseCommand):
    help = "Write a valid sample file of N random documents in any format the hub renders (no database needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", dest="fmt", required=True)
        parser.add_argument("--messages", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--format", options["fmt"], "--messages", str(options["messages"]), "--seed", str(options["seed"]), "--output", options["output"]]
        code = generate_sample(argv)
        if code:
            sys.exit(code)
