"""``manage.py plant_simulator --port P [--fail-rate X] [--latency MS] [--record FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hub.dispatch.simulator import serve


class Command(BaseCommand):
    help = "Run a plant's HTTP receiver on 127.0.0.1 that records each delivery as a JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--fail-rate", type=float, default=0.0, help="share of requests answered 503 (0..1)")
        parser.add_argument("--latency", type=int, default=0, help="milliseconds before each answer")
        parser.add_argument("--record", default=None, help="append one JSON line per accepted delivery to FILE")
        parser.add_argument("--secret", default="", help="check X-Hub-Signature with this HMAC key")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["fail_rate"] <= 1:
            raise CommandError("--fail-rate must be between 0 and 1")
        record = Path(options["record"]) if options["record"] else None
        self.stdout.write(f"plant simulator on http://127.0.0.1:{options['port']}/ (record: {record or 'none'})")
        self.stdout.flush()
        try:
            serve(options["port"], record=record, fail_rate=options["fail_rate"], latency_ms=options["latency"], secret=options["secret"])
        except OSError as exc:
            raise CommandError(f"cannot listen on port {options['port']}: {exc.strerror}") from None
