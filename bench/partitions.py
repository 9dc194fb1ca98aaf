"""Benchmark: the outbox on monthly partitions against the same rows in plain tables, and retention's two ways.

Usage (PostgreSQL):
    [PARTITION_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_partition_bench] .venv/bin/python bench/partitions.py [--months 24] [--per-month 10000]

Fills its own database once: ``--months`` months of deliveries (``--per-month`` each, one
attempt each, all delivered but a few of this month's) and a fifth as many interchanges.
Then, on the partitioned tables (hub 0016) and again after unapplying 0016 (plain tables),
measures in-process, median of 25, what dispatch does per delivery: the claim
(``hub.dispatch.services._claim``: a conditional UPDATE and the SELECT with the sequence's
open predecessor; each round also puts the row back to pending first, by the same filter)
by id alone (an old task message) and by id with ``created_at`` (what the tasks carry now,
pruned to one month), a delivery by id with and without ``created_at``, a lookup by idempotency key, a new delivery (with its key claimed in
``hub_delivery_key`` on the partitioned side), and a page of 50 deliveries with their
interchanges. It times the migration both ways, then retention: the oldest month dropped
by partition, and the next month deleted row by row (a short-retention partner). Records
everything with the load average in bench/results/partitions.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
# its own database always: it truncates the outbox it fills, so never the one DATABASE_URL names
os.environ["DATABASE_URL"] = os.environ.get("PARTITION_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_partition_bench")
RESULTS = ROOT / "bench" / "results" / "partitions.txt"
ROUNDS = 25
BEFORE = ("hub", "0015_retention_days_and_loose_foreign_keys")


def seed(months: int, per_month: int) -> dict[str, int]:
    """COPY the rows into the parents (old months land in DEFAULT), then give every month its partition."""
    from django.db import connection
    from django.utils import timezone

    from hub import partitions
    from hub.groupdata import Copier
    from hub.models import Plant
    from suppliers.models import Supplier

    plant, _ = Plant.objects.get_or_create(code="BENCH1", defaults={"name": "Bench plant"})
    supplier, _ = Supplier.objects.get_or_create(number="BENCH00001", defaults={"name": "Bench supplier", "country": "DE"})
    now = timezone.now()
    first = partitions.month_add(partitions.month_start(now), -(months - 1))
    inter_ids: list[tuple[uuid.UUID, dt.datetime]] = []
    for m in range(months):
        start = partitions.month_add(first, m)
        span = (min(partitions.month_add(start, 1), now) - start).total_seconds()
        for n in range(per_month // 5):
            inter_ids.append((uuid.uuid4(), start + dt.timedelta(seconds=span * n / (per_month // 5))))
    with connection.cursor() as cur:
        copier = Copier(cur)
        counts = {
            "interchanges": copier.copy(
                "hub_interchange",
                [
                    "id",
                    "received_at",
                    "channel",
                    "sender_supplier_id",
                    "raw",
                    "size",
                    "sha256",
                    "status",
                    "errors",
                    "warnings",
                    "test_report",
                    "on_behalf_of",
                    "envelope",
                ],
                (
                    (
                        pk,
                        at.isoformat(),
                        "api",
                        supplier.pk,
                        f"interchanges/bench/{pk}",
                        100,
                        pk.hex * 2,
                        "processed",
                        "[]",
                        "[]",
                        "[]",
                        "[]",
                        "{}",
                    )
                    for pk, at in inter_ids
                ),
            )
        }

        def deliveries():
            for n, (pk, at) in enumerate(inter_ids):
                for k in range(5):
                    created = at + dt.timedelta(seconds=k)
                    status = "pending" if created > now - dt.timedelta(hours=1) and n % 100 == 0 else "delivered"
                    yield (
                        uuid.uuid4(),
                        created.isoformat(),
                        "delivery_schedule",
                        uuid.uuid4(),
                        "plant",
                        plant.pk,
                        pk,
                        "{}",
                        f"BENCH1/{n % 500}",
                        status,
                    )

        counts["deliveries"] = copier.copy(
            "hub_delivery",
            [
                "idempotency_key",
                "created_at",
                "document_type",
                "document_id",
                "recipient",
                "plant_id",
                "interchange_id",
                "payload",
                "sequence_key",
                "status",
            ],
            deliveries(),
        )
        cur.execute(
            "INSERT INTO hub_deliveryattempt (delivery_id, number, started_at, duration_ms, url, outcome, response_excerpt) "
            "SELECT id, 1, created_at, 120, '', 'delivered', '' FROM hub_delivery"
        )
        counts["attempts"] = cur.rowcount
    partitions.partitions_ensure(months_ahead=3)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return counts


def median_ms(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(label: str) -> list[tuple[str, float]]:
    """What dispatch does per delivery, median of ROUNDS, on whichever tables are there now."""
    import random

    from django.db import connection

    from hub.dispatch.services import _claim
    from hub.models import Delivery, Plant

    with connection.cursor() as cur:
        cur.execute("ANALYZE hub_delivery; ANALYZE hub_interchange; ANALYZE hub_deliveryattempt")
    plant = Plant.objects.get(code="BENCH1")
    ids = list(Delivery.objects.filter(status="delivered").order_by("?").values_list("pk", flat=True)[:ROUNDS])
    keys = list(Delivery.objects.filter(pk__in=ids).values_list("idempotency_key", flat=True))
    created = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "created_at"))
    picks = iter(ids * 2)

    def claim() -> None:
        pk = next(picks)
        Delivery.objects.filter(pk=pk).update(status="pending", next_attempt_at=None, claim_token=None)
        assert _claim(pk) is not None

    def claim_pruned() -> None:
        pk = next(picks)
        Delivery.objects.by_id(pk, created[pk]).update(status="pending", next_attempt_at=None, claim_token=None)
        assert _claim(pk, created[pk]) is not None

    def by_id_pruned() -> None:
        pk = random.choice(ids)
        Delivery.objects.by_id(pk, created[pk]).get()

    found = []
    found.append((f"{label}: claim one delivery (conditional UPDATE + SELECT with predecessor)", median_ms(claim)))
    found.append((f"{label}: claim one delivery with created_at (the same, pruned to its month)", median_ms(claim_pruned)))
    found.append(
        (f"{label}: find a delivery by idempotency key", median_ms(lambda: Delivery.objects.get(idempotency_key=random.choice(keys))))
    )
    found.append(
        (
            f"{label}: create a delivery",
            median_ms(
                lambda: Delivery.objects.create(
                    document_type="x", document_id=uuid.uuid4(), payload="{}", sequence_key="bench", plant=plant
                )
            ),
        )
    )
    found.append(
        (
            f"{label}: page of 50 deliveries with their interchanges",
            median_ms(lambda: list(Delivery.objects.filter(plant=plant).select_related("interchange").order_by("-created_at")[:50])),
        )
    )
    found.append(
        (
            f"{label}: delivery by id",
            median_ms(lambda: Delivery.objects.get(pk=random.choice(ids))),
        )
    )
    found.append((f"{label}: delivery by id and created_at", median_ms(by_id_pruned)))
    Delivery.objects.filter(pk__in=ids).update(status="delivered", plant=plant)
    for name, ms in found:
        print(f"{ms:8.2f} ms  {name}", flush=True)
    return found


def migrate(target: list[tuple[str, str]]) -> float:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    started = time.perf_counter()
    executor = MigrationExecutor(connection)
    executor.migrate(target or executor.loader.graph.leaf_nodes())
    return time.perf_counter() - started


def retention() -> list[tuple[str, float]]:
    """The oldest month by partition drop, then the next month row by row (its partner's retention is one day)."""
    from django.test import override_settings

    from hub import partitions
    from hub.models import Delivery, Plant
    from hub.retention import retention_apply
    from suppliers.models import Supplier

    oldest = partitions.partitions("hub_delivery")[0]
    rows = Delivery.objects.filter(created_at__lt=oldest.end).count()
    with override_settings(HUB_RETENTION_DAYS=3650):
        started = time.perf_counter()
        report = retention_apply(now=oldest.end + dt.timedelta(days=3650), progress=lambda line: None)
        drop = time.perf_counter() - started
        assert report.partitions_dropped, report
        nxt = partitions.partitions("hub_delivery")[0]
        Plant.objects.filter(code="BENCH1").update(retention_days=1)
        Supplier.objects.filter(number="BENCH00001").update(retention_days=1)
        row_wise = Delivery.objects.filter(created_at__lt=nxt.end).count()
        started = time.perf_counter()
        report = retention_apply(now=nxt.end + dt.timedelta(days=1), progress=lambda line: None)
        rows_s = time.perf_counter() - started
        assert not report.partitions_dropped and report.deliveries == row_wise, report
    found = [
        (f"retention: {oldest.start:%Y-%m} dropped by partition ({rows} deliveries, their attempts and interchanges)", drop * 1000),
        (f"retention: {nxt.start:%Y-%m} deleted row by row ({row_wise} deliveries, their attempts and interchanges)", rows_s * 1000),
    ]
    for name, ms in found:
        print(f"{ms:10.0f} ms  {name}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--per-month", type=int, default=10_000)
    args = parser.parse_args()
    from bench.overview import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hub.models import Delivery

    call_command("migrate", verbosity=0)
    counts: dict[str, int] = {}
    started = time.monotonic()
    if Delivery.objects.count() < args.months * args.per_month:
        with connection.cursor() as cur:
            cur.execute("TRUNCATE hub_delivery, hub_deliveryattempt, hub_interchange")
        counts = seed(args.months, args.per_month)
    seeded = time.monotonic() - started
    load = os.getloadavg()
    results = measure("partitioned")
    unpartition = migrate([BEFORE])
    results += measure("plain tables")
    partition = migrate([])
    results += [
        (f"migration 0016 back to plain tables ({Delivery.objects.count()} deliveries)", unpartition * 1000),
        ("migration 0016 to monthly partitions (the same rows)", partition * 1000),
    ]
    results += retention()
    RESULTS.write_text(
        f"# bench/partitions.py, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.uname().nodename}, {os.cpu_count()} cores (shared)\n"
        f"# data: {args.months} months x {args.per_month} deliveries (one attempt each), a fifth as many interchanges; "
        f"seeded now: {counts or 'already there'} in {seeded:.0f} s\n"
        f"# load average while measuring (1, 5, 15 min): {load} then {os.getloadavg()}\n"
        f"# in-process wall time, median of {ROUNDS} for the per-delivery rows\n\n"
        + "\n".join(f"{ms:10.2f} ms  {name}" for name, ms in results)
        + "\n"
    )
    print(f"see {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
