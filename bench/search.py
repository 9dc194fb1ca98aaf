"""Benchmark: search by business key at group size, with EXPLAIN.

Usage (PostgreSQL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_scale_bench .venv/bin/python bench/search.py [--lines N] [--interchanges N]
        [--suppliers 10000] [--plants 120]

Uses the latency and overview benchmarks' database (``make bench`` fills it once for all
three; filling a second one would cost minutes of the 30 the whole run may take): alone,
creates and migrates it if needed and fills it once with ``hub.groupdata.seed`` (1,000,000
schedule lines, 100,000 interchanges, ASNs, 10,000 suppliers, 120 plants).
Then runs ``hub.search.search`` for a part number, a call-off number, an ASN number, a
broad prefix and a term found nowhere, as headquarters and as PLANT01's buyer, best of
three, and records each whole search and its slowest query with its EXPLAIN (ANALYZE,
BUFFERS) in bench/results/search.txt. Target: every search under one second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_scale_bench")
TARGET_MS = 1000.0
RESULTS = ROOT / "bench" / "results" / "search.txt"
TERMS = ("5Q12301", "CO00054321", "DN00001234", "5Q1", "NOWHERE-42")


def measure() -> list[dict]:
    """Each term as hq and as PLANT01's buyer: the whole search, best of three, and its slowest query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hub.search import search
    from suppliers.models import User

    users = {"hq": User.objects.get(username="hq"), "buyer": User.objects.get(username="buyer")}
    found = []
    for term in TERMS:
        for who, user in users.items():
            best, hits, slowest = float("inf"), 0, {"time": "0", "sql": ""}
            for _round in range(3):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    hits = len(search(user=user, q=term))
                    ms = (time.perf_counter() - started) * 1000
                if ms < best:
                    best = ms
                    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join(r[0] for r in cur.fetchall())
            name = f"{term!r} ({who}): {hits} hits; slowest query {float(slowest['time']) * 1000:.1f} ms"
            found.append({"name": name, "ms": best, "sql": slowest["sql"], "plan": plan})
            print(f"{best:8.1f} ms  {name}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--interchanges", type=int, default=100_000)
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--plants", type=int, default=120)
    args = parser.parse_args()
    from bench.overview import ensure_database, write_results

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from orders.models import ScheduleLine

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    counts = {}
    if ScheduleLine.objects.count() < args.lines:
        from hub.groupdata import seed

        counts = seed(lines=args.lines, interchanges=args.interchanges, suppliers_total=args.suppliers, plants_total=args.plants)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    seeded = time.monotonic() - started
    results = measure()
    slow = write_results(
        RESULTS, script="bench/search.py", unit="search", target_ms=TARGET_MS, results=results, counts=counts, seeded=seeded
    )
    print(f"{len(results)} searches, {slow} over {TARGET_MS:.0f} ms; see {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
