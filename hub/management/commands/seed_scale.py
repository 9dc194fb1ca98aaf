"""``manage.py seed_scale``: fill PostgreSQL with group-size data (COPY), with a progress bar.

    python manage.py seed_scale --suppliers 10000 --plants 120 --schedule-lines 1000000 --interchanges 100000

Adds plants and suppliers up to the totals, then call-offs (10 lines each, a fifth current),
their firm and forecast quantities, ASNs, interchanges (8 % failed), deliveries in every
state and dead letters; then the big supplier ``SUP99999`` (login ``bigsupplier``: 5,000 parts,
two years of weekly call-offs at four plants, its ASNs, files and inbox; ``hub.groupdata_big``).
Meant for benchmarks (``bench/latency.py``, ``bench/overview.py``),
never for a production database: it writes past the services.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm


class Command(BaseCommand):
    help = "Fill the database with group-size data (plants, suppliers, call-offs, interchanges, deliveries) for benchmarks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--suppliers", type=int, default=10_000)
        parser.add_argument("--plants", type=int, default=120)
        parser.add_argument("--schedule-lines", type=int, default=1_000_000)
        parser.add_argument("--interchanges", type=int, default=100_000)
        parser.add_argument("--big-supplier-parts", type=int, default=5000, help="parts of the big supplier SUP99999 (0: none)")

    def handle(self, *args: Any, **options: Any) -> None:
        from hub.groupdata import seed
        from hub.groupdata_big import BIG_LOGIN, BIG_SUPPLIER, big_supplier_seed

        if connection.vendor != "postgresql":
            raise CommandError("seed_scale writes with PostgreSQL's COPY: set DATABASE_URL to a PostgreSQL database")
        started = time.monotonic()

        def progress(table: str, rows: Iterable[Any], total: int) -> Iterable[Any]:
            return tqdm(
                rows, desc=f"{table:28}", unit=" rows", unit_scale=True, total=total or None, mininterval=1.0, file=self.stderr._out
            )

        counts = seed(
            lines=options["schedule_lines"],
            interchanges=options["interchanges"],
            suppliers_total=options["suppliers"],
            plants_total=options["plants"],
            progress=progress,
        )
        self.stdout.write(", ".join(f"{name} {n:,}" for name, n in counts.items()) + f" in {time.monotonic() - started:.0f} s")
        if options["big_supplier_parts"]:
            started = time.monotonic()
            big = big_supplier_seed(parts=options["big_supplier_parts"], progress=progress)
            written = ", ".join(f"{name} {n:,}" for name, n in big.items()) or "there already"
            self.stdout.write(f"big supplier {BIG_SUPPLIER} (login {BIG_LOGIN}): {written} in {time.monotonic() - started:.0f} s")
