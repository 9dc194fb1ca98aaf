"""``manage.py plant_simulator --port P [--fail-rate X] [--latency MS] [--record FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hub.dispatch.simulator import PlantSecrets, serve


class Command(BaseCommand):
    help = "Run a plant's HTTP receiver on 127.0.0.1 that records each delivery as a JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--fail-rate", type=float, default=0.0, help="share of requests answered 503 (0..1)")
        parser.add_argument("--latency", type=int, default=0, help="milliseconds before each answer")
        parser.add_argument("--record", default=None, help="append one JSON line per accepted delivery to FILE")
        parser.add_argument("--secret", default="", help="check X-Hub-Signature with this HMAC key for every plant")
        parser.add_argument(
            "--no-plant-secrets", action="store_true", help="without --secret: accept unsigned requests instead of checking each plant's endpoint_secret"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["fail_rate"] <= 1:
            raise CommandError("--fail-rate must be between 0 and 1")
        record = Path(options["record"]) if options["record"] else None
        secret_for = None if options["secret"] or options["no_plant_secrets"] else PlantSecrets()
        checks = "one secret for all" if options["secret"] else ("none" if secret_for is None else "each plant's endpoint_secret, by the plant code in the path")
        self.stdout.write(f"plant simulator on http://127.0.0.1:{options['port']}/ (record: {record or 'none'}; signatures: {checks})")
        self.stdout.flush()
        try:
            serve(options["port"], record=record, fail_rate=options["fail_rate"], latency_ms=options["latency"], secret=options["secret"], secret_for=secret_for)
        except OSError as exc:
            raise CommandError(f"cannot listen on port {options['port']}: {exc.strerror}") from None
