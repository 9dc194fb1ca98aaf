"""Benchmark: the live overview's aggregate queries at group size, with EXPLAIN.

Usage (PostgreSQL):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_scale_bench .venv/bin/python bench/overview.py [--lines N] [--interchanges N]
        [--suppliers 10000] [--plants 120] [--reseed]

Uses the latency benchmark's group-size database (``make bench`` fills it once for
latency, overview and search, with ``seed_scale``; a second one would cost minutes of the
30 the whole run may take). Alone, it creates the database if needed, migrates it, seeds
the demo plants and suppliers and extends them to 10,000 suppliers and 120 plants, then
(once; ``--reseed`` drops and refills) writes with COPY: N/10 call-offs of 10 lines each
(1,000,000 schedule lines by default) with 3 quantities per line (two firm, one forecast,
dates around today), N interchanges (100,000; 8 % failed, each naming a plant), ASNs,
deliveries and dead-letter attempts. Then runs every figure of ``hub.overview`` (as
headquarters, all plants, and as PLANT01's buyer) and the charts' queries, each three
times, and records the best time per query with its EXPLAIN (ANALYZE, BUFFERS) in
bench/results/overview.txt. Target: every query under 200 ms. Then times a whole page's
figures and charts in this process, with the page cache (``hub.overview.cached``) cold
and warm.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_scale_bench")
TARGET_MS = 200.0
RESULTS = ROOT / "bench" / "results" / "overview.txt"


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def measure() -> list[dict]:
    """Each overview query as hq and as PLANT01's buyer, best of three, with its EXPLAIN ANALYZE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hub import overview
    from suppliers.models import User

    users = {"hq": User.objects.get(username="hq"), "buyer": User.objects.get(username="buyer")}
    found = []
    # An explicit moment: the queries themselves, never the page cache (hub.overview.cached).
    jobs = [
        (f"{key} ({who})", who, (lambda u, k=key: overview.overview(user=u, keys=(k,), moment=overview.Moment.at())))
        for key in overview.FIGURES
        for who in users
    ]
    jobs += [(f"charts ({who})", who, (lambda u: overview.charts(user=u, moment=overview.Moment.at()))) for who in users]
    for name, who, job in jobs:
        best: dict[str, float] = {}
        sqls: dict[str, str] = {}
        for _round in range(3):
            with CaptureQueriesContext(connection) as captured:
                job(users[who])
            for n, q in enumerate(captured.captured_queries):
                label = f"{name} q{n}"
                ms = float(q["time"]) * 1000
                best[label] = min(best.get(label, ms), ms)
                sqls[label] = q["sql"]
        for label, ms in best.items():
            if 'FROM "hub_plant"' in sqls[label] and "GROUP BY" not in sqls[label]:
                continue  # the list of visible plants, not a figure
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sqls[label])
                plan = "\n".join(r[0] for r in cur.fetchall())
            found.append({"name": label, "ms": ms, "sql": sqls[label], "plan": plan})
            print(f"{ms:8.1f} ms  {label}", flush=True)
    return found


def measure_pages() -> list[dict]:
    """What one overview page costs in this process: every figure and chart for hq and for the buyer, cache cold and warm."""
    from django.core.cache import cache
    from django.test import override_settings

    from hub import overview
    from suppliers.models import User

    found = []
    for who in ("hq", "buyer"):
        user = User.objects.get(username=who)
        for state in ("cold", "warm"):
            best = float("inf")
            with override_settings(HUB_OVERVIEW_CACHE_SECONDS=60):
                for _round in range(3):
                    if state == "cold":  # only the overview's entries: a shared CACHE_URL also holds rate-limit counts
                        cache.delete_many([overview.cache_key(what, user) for what in ("figures:all", "charts")])
                    started = time.perf_counter()
                    overview.overview(user=user)
                    overview.charts(user=user)
                    best = min(best, (time.perf_counter() - started) * 1000)
            found.append({"name": f"overview page data ({who}), cache {state}", "ms": best})
            print(f"{best:8.1f} ms  overview page data ({who}), cache {state}", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--interchanges", type=int, default=100_000)
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--plants", type=int, default=120)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from orders.models import ScheduleLine

    call_command("migrate", verbosity=0)
    if args.reseed:
        from hub.groupdata import documents_clear

        documents_clear()
    started = time.monotonic()
    counts = {}
    if ScheduleLine.objects.count() < args.lines:
        from hub.groupdata import seed

        counts = seed(lines=args.lines, interchanges=args.interchanges, suppliers_total=args.suppliers, plants_total=args.plants)
    seeded = time.monotonic() - started
    results = measure()
    pages = measure_pages()
    slow = write_results(
        RESULTS, script="bench/overview.py", unit="query", target_ms=TARGET_MS, results=results, counts=counts, seeded=seeded, pages=pages
    )
    print(f"{len(results)} queries, {slow} over {TARGET_MS:.0f} ms; see {RESULTS.relative_to(ROOT)}")


def write_results(
    path: Path, *, script: str, unit: str, target_ms: float, results: list[dict], counts: dict, seeded: float, pages: Sequence[dict] = ()
) -> int:
    """Record timings (``name``, ``ms``) with their SQL and plan, under a header naming the data and the load; returns how many missed the target."""
    from orders.models import ScheduleLine

    slow = sum(1 for r in results if r["ms"] > target_ms)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write(f"# {script}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores (shared)\n")
        out.write(f"# data: {ScheduleLine.objects.count():,} schedule lines; seeded now: {counts or 'already there'} in {seeded:.0f} s\n")
        out.write(f"# load average while measuring (1, 5, 15 min): {os.getloadavg()} -- the machine is shared with other engineers\n")
        out.write(f"# target: every {unit} under {target_ms:.0f} ms; over it: {slow}\n\n")
        for r in results:
            out.write(f"{r['ms']:8.1f} ms  {r['name']}\n")
        if pages:
            out.write("\n# a whole page's figures and charts in this process (all the queries above, one after another), best of 3:\n")
            for r in pages:
                out.write(f"{r['ms']:8.1f} ms  {r['name']}\n")
        for r in results:
            out.write(f"\n== {r['name']}: {r['ms']:.1f} ms\n{r['sql']}\n{r['plan']}\n")
    return slow


if __name__ == "__main__":
    main()
