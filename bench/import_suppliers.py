"""Benchmark: import 10,000 supplier rows (CSV) through the real service, then re-import them.

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hubbench .venv/bin/python bench/import_suppliers.py [--rows N]

Migrates the database, makes sure the demo plants exist, imports N generated rows
(prefix BENCH), re-imports the same file (nothing new), removes the BENCH suppliers
again, and appends the rates to bench/results/import_suppliers.txt.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
# PostgreSQL and Redis as in production (``make bench`` sets neither; make run's SQLite would
# measure another engine): a database of the benchmarks' own, created when missing.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hubbench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")

COLUMNS = ["supplier_number", "name", "duns", "vat_id", "country", "street", "city", "postcode", "email", "plants", "edi_format", "edi_id", "edi_qualifier"]


def generate(rows: int, seed: int = 5) -> bytes:
    """A master-data CSV of ``rows`` valid suppliers, like the group's ERP export."""
    rnd = random.Random(seed)
    out = io.StringIO()
    w = csv.DictWriter(out, COLUMNS)
    w.writeheader()
    for i in range(1, rows + 1):
        w.writerow({
            "supplier_number": f"BENCH{i:06d}", "name": f"Zulieferer {i} GmbH & Co. KG", "duns": f"{500000000 + i:09d}",
            "vat_id": f"DE{200000000 + i:09d}", "country": rnd.choice(["DE", "CZ", "PL", "ES", "SK", "HU", "PT", "MX"]),
            "street": f"Werkstraße {i % 300}", "city": "Wolfsburg", "postcode": f"{38440 + i % 50:05d}", "email": f"edi{i}@zulieferer{i}.example",
            "plants": ";".join(f"PLANT{1 + (i + k) % 12:02d}" for k in range(1 + i % 3)),
            "edi_format": rnd.choice(["EDIFACT", "VDA", "X12", ""]), "edi_id": f"BENCH{i:06d}", "edi_qualifier": "ZZ",
        })  # fmt: skip
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if os.environ["DATABASE_URL"].startswith("postgres"):
        from bench.overview import ensure_database

        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from hub.demo import seed_master_data
    from hub.models import Plant
    from suppliers.imports import suppliers_import
    from suppliers.models import Supplier

    call_command("migrate", verbosity=0)
    if Plant.objects.filter(code__startswith="PLANT").count() < 12:
        seed_master_data()
    Supplier.objects.filter(number__startswith="BENCH").delete()
    data = generate(args.rows)
    t0 = time.perf_counter()
    first = suppliers_import(data=data, filename="bench.csv")
    t1 = time.perf_counter()
    second = suppliers_import(data=data, filename="bench.csv")
    t2 = time.perf_counter()
    assert first.created == args.rows and not first.errors, first.as_dict()["errors"][:3]
    assert second.created == 0 and second.unchanged == args.rows
    Supplier.objects.filter(number__startswith="BENCH").delete()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    line = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M}Z  {args.rows} rows  import {t1 - t0:.2f} s = {args.rows / (t1 - t0):,.0f} rows/s  "
        f"re-import {t2 - t1:.2f} s = {args.rows / (t2 - t1):,.0f} rows/s  ({engine}, Python {platform.python_version()}, {os.cpu_count()} CPUs)"
    )
    print(line)
    results = ROOT / "bench" / "results" / "import_suppliers.txt"
    with results.open("a") as fh:
        fh.write(line + "\n")


if __name__ == "__main__":
    main()
