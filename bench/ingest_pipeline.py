"""Benchmark: the ingest pipeline alone (claim -> parse -> route -> persist -> acknowledge), in process.

Usage (PostgreSQL, as in production):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hubbench CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python bench/ingest_pipeline.py [--messages N]

Migrates the database, seeds the demo master data, writes a DELFOR of N call-offs from
the plants (OEMPLANTS, demo suppliers and plants), receives it through the real service
and runs ``interchange_process`` in this process (the released deliveries' tasks go to the
broker; no worker sends them, so the figure is ingest's, not dispatch's). Prints
and appends to bench/results/ingest_pipeline.txt: messages/s and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import resource
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
# PostgreSQL and Redis as in production (``make bench`` sets neither; make run's SQLite would
# measure another engine): a database of the benchmarks' own, created when missing.
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hubbench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")


def delfor(path: Path, n: int, seed: int = 7) -> None:
    """Write a DELFOR D.96A of ``n`` call-offs for SUP00001..SUP00300 and PLANT01..PLANT12, one segment per line."""
    rnd = random.Random(seed)
    base = date(2026, 11, 30)
    with path.open("w", encoding="ascii") as out:
        out.write(f"UNA:+.? '\nUNB+UNOB:3+OEMPLANTS:ZZ+SUPPLIERHUB:ZZ+261124:0930+B{seed:06d}{n}'\n")
        for m in range(1, n + 1):
            body = [f"UNH+{m}+DELFOR:D:96A:UN:A01051", f"BGM+241+B{seed}-{m:07d}+5", "DTM+137:20261124:102", "NAD+BY+OEM::92",
                    f"NAD+SE+SUP{m % 300 + 1:05d}::92++Lieferant {m} GmbH", "UNS+D", f"NAD+ST+PLANT{m % 12 + 1:02d}::92"]  # fmt: skip
            for _ in range(rnd.randint(1, 3)):
                part = f"4{rnd.randint(0, 99):02d}C{rnd.randint(0, 9999):04d}"
                body += [f"LIN+++{part}:IN", f"PIA+1+S-{part}:SA", "LOC+11+DOCK1", "RFF+ON:PO4711", "QTY+70:5000:PCE", "DTM+51:20260101:102"]
                for k in range(rnd.randint(3, 12)):
                    body += [f"QTY+1:{rnd.randint(1, 5000)}:PCE", f"SCC+{1 if k < 2 else 4}", f"DTM+2:{(base + timedelta(days=7 * k)):%Y%m%d}:102"]
            body += ["UNS+S", f"UNT+{len(body) + 2}+{m}"]
            out.write("'\n".join(body) + "'\n")
        out.write(f"UNZ+{n}+B{seed:06d}{n}'\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    if os.environ["DATABASE_URL"].startswith("postgres"):
        from bench.overview import ensure_database

        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hub.ingest.pipeline import interchange_process
    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user
    from suppliers.models import User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    if os.environ["CELERY_BROKER_URL"].startswith("redis"):
        import redis

        redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()  # the last run's unsent delivery tasks
    tmp = ROOT / "bench" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / f"delfor-{args.messages}.edi"
    delfor(path, args.messages, seed=random.randrange(10**6))
    with path.open("rb") as fh:
        interchange = interchange_receive(stream=fh, channel="command", party=party_of_user(User.objects.get(username="admin")))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    started = time.perf_counter()
    ended = interchange_process(interchange_id=interchange.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    size = path.stat().st_size / 1e6
    line = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%MZ}  {args.messages} call-offs ({size:.1f} MB)  registry.stream  "
        f"{ended.status}, {ended.document_count} documents in {seconds:.1f} s = {args.messages / seconds:,.0f} msgs/s  "
        f"peak RSS {peak} MB (before processing {before} MB)  ({connection.vendor}, Python {platform.python_version()}, {os.cpu_count()} CPUs)"
    )
    print(line)
    with (ROOT / "bench" / "results" / "ingest_pipeline.txt").open("a") as out:
        out.write(line + "\n")
    path.unlink()


if __name__ == "__main__":
    main()
