"""``manage.py retention [--dry-run]``: apply retention now (what the daily maintenance task does), saying what goes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Remove interchanges and deliveries past their partner's retention (whole months by partition on PostgreSQL); --dry-run only says what would go."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="change nothing; print what would be dropped and deleted")
        parser.add_argument("--no-partitions", action="store_true", help="do not create next months' partitions first")

    def handle(self, *args: Any, **options: Any) -> None:
        from hub import partitions, retention

        def say(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        dry_run = options["dry_run"]
        if not dry_run and not options["no_partitions"]:
            for name in partitions.partitions_ensure(months_ahead=settings.HUB_PARTITION_MONTHS_AHEAD):
                say(f"created partition {name}")
        say(
            f"retention: {settings.HUB_RETENTION_DAYS} days unless a partner says otherwise; in use: {sorted(retention.retention_days_in_use())}"
        )
        retention.retention_apply(dry_run=dry_run, progress=say)
