"""Benchmark: page and API latency at group size under concurrent clients (locust, headless).

Usage (PostgreSQL):
    .venv/bin/python bench/latency.py [--users 20] [--seconds 60] [--reseed] [--mix both|pages|full]
        [--suppliers 10000 --plants 120 --schedule-lines 1000000 --interchanges 100000]

Fills ``hub_scale_bench`` once with ``manage.py seed_scale`` (``--reseed`` drops it first),
with the big supplier ``SUP99999`` (``hub.groupdata_big``), starts the web tier as
production runs it (gunicorn, 4 processes, DEBUG off, the cache in Redis: ``CACHE_URL``,
db 6, emptied before each run), and runs locust's users from
``bench/locustfile.py`` against it: suppliers in the portal (dashboard, call-off list and
grid, inbox) and their systems on the API (call-off list, cursor pages), each as an
ordinary supplier and as the big one, a buyer's supplier search and search by business key
(``bench/search.py``'s terms), and the live overview
(buyer and headquarters, page and API). ``--mix pages`` leaves the overview users out (their
slow pages hold gunicorn workers and inflate every other page's p95), ``--mix full`` runs
everyone, ``--mix both`` (default) runs the two one after the other, each after one warm-up
request per page (so the overview's cache is warm, as it is while anybody looks). Records p50 and p95
per page in bench/results/latency.txt, with the EXPLAIN (ANALYZE) of each page's slowest
query. Target: p95 under 300 ms for every page.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATABASE_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_scale_bench")
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "hub.settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
})
TARGET_MS = 300.0
# The user classes of bench/locustfile.py (named here: importing locust here would patch ssl too late).
PAGE_USERS = ["Supplier", "BigSupplier", "SupplierSystem", "BigSupplierSystem", "BuyerSearch"]
OVERVIEW_USERS = ["BuyerOverview", "Headquarters"]
RESULTS = ROOT / "bench" / "results" / "latency.txt"
# The web tier's shared cache, as in deploy/compose.yaml; only the gunicorn processes use it,
# so the in-process EXPLAIN pass below always computes.
CACHE_URL = os.environ.get("HUB_BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args: argparse.Namespace) -> tuple[dict, float]:
    """Migrate and seed (once); make the sessions, tokens and call-off ids the users need."""
    from overview import ensure_database

    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from orders.models import DeliverySchedule, ScheduleLine
    from suppliers.models import User
    from suppliers.services import token_issue

    call_command("migrate", verbosity=0)
    if args.reseed:
        from hub.groupdata import documents_clear

        documents_clear()
    seeded = 0.0
    if ScheduleLine.objects.count() < args.schedule_lines:
        started = time.monotonic()
        call_command(
            "seed_scale", suppliers=args.suppliers, plants=args.plants, schedule_lines=args.schedule_lines, interchanges=args.interchanges
        )
        seeded = time.monotonic() - started
    from hub.groupdata_big import BIG_LOGIN, big_supplier_seed

    if not User.objects.filter(username=BIG_LOGIN, supplier__call_offs__isnull=False).exists():
        big_supplier_seed()
    users = {role: User.objects.get(username=role) for role in ("supplier", BIG_LOGIN, "buyer", "hq")}
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies["sessionid"].value
    auth = {
        "sessions": sessions,
        "tokens": {role: token_issue(user=users[role]) for role in ("supplier", BIG_LOGIN, "hq")},
        # The newest fifty call-offs (current and superseded): what a dispatcher opens.
        "call_offs": {
            role: [str(pk) for pk in DeliverySchedule.objects.filter(supplier=users[role].supplier).order_by("-created_at").values_list("pk", flat=True)[:50]]
            for role in ("supplier", BIG_LOGIN)
        },
    }
    return auth, seeded


PAGES = {
    "portal call-off list": ("supplier", "/portal/call-offs/"),
    "portal call-off grid": ("supplier", "/portal/call-offs/{call_off}/"),
    "api call-off list": ("supplier", "/api/v1/call-offs/?status=current"),
    "portal dashboard (big)": ("bigsupplier", "/portal/"),
    "portal call-off list (big)": ("bigsupplier", "/portal/call-offs/"),
    "portal call-off grid (big)": ("bigsupplier", "/portal/call-offs/{call_off}/"),
    "portal inbox (big)": ("bigsupplier", "/portal/inbox/"),
    "api call-off list (big)": ("bigsupplier", "/api/v1/call-offs/?status=current"),
    "staff overview (buyer)": ("buyer", "/staff/overview/"),
    "staff supplier search (buyer)": ("buyer", "/admin/suppliers/supplier/?q=Supplier+4711"),
    "staff search by business key (buyer)": ("buyer", "/staff/search/?q=CO00054321"),
    "staff search, broad prefix (buyer)": ("buyer", "/staff/search/?q=5Q1"),
    "staff overview (hq)": ("hq", "/staff/overview/"),
    "api overview (hq)": ("hq", "/api/v1/overview/"),
}


def explain(auth: dict) -> list[tuple[str, int, float, str, str]]:
    """Each page once in-process: its query count and its slowest query with EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from suppliers.models import User

    found = []
    for name, (role, path) in PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=role))
        url = path.format(call_off=auth["call_offs"][role][0] if auth["call_offs"].get(role) else "")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = captured.captured_queries
        if not queries:
            continue
        slowest = max(queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            plan = "\n".join(r[0] for r in cur.fetchall())
        found.append((name, len(queries), float(slowest["time"]) * 1000, slowest["sql"], plan))
    return found


def run_locust(auth: dict, users: int, seconds: int, workdir: Path, classes: list[str]) -> list[dict]:
    """gunicorn on a free port, then locust headless against it; returns locust's rows per page."""
    port = _free_port()
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()  # every run starts with the overview's figures cold
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "hub.wsgi", "-b", f"127.0.0.1:{port}", "-w", "4", "--timeout", "120"],
        cwd=ROOT, env={**os.environ, "CACHE_URL": CACHE_URL}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        import requests

        for _ in range(300):
            try:
                if requests.get(f"http://127.0.0.1:{port}/portal/", timeout=5).status_code < 500:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        # One warm-up request per page, so the run measures the steady state: the overview's
        # first computation after an idle minute (its cache empty) is bench/overview.py's
        # "cold" figure, not one of these users' polls.
        for role, path in PAGES.values():
            url = path.format(call_off=(auth["call_offs"].get(role) or [""])[0])
            requests.get(f"http://127.0.0.1:{port}{url}", cookies={"sessionid": auth["sessions"][role]}, timeout=120)
        prefix = workdir / "locust"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users), "-r", str(max(1, users // 4)),
             "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", *classes],
            cwd=ROOT, env={**os.environ, "HUB_BENCH_AUTH": json.dumps(auth)}, check=False,
        )
        with open(f"{prefix}_stats.csv", newline="") as fh:
            return [row for row in csv.DictReader(fh) if row["Name"] != "Aggregated"]
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers still inside a slow overview request
            os.killpg(web.pid, signal.SIGKILL)
            web.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--plants", type=int, default=120)
    parser.add_argument("--schedule-lines", type=int, default=1_000_000)
    parser.add_argument("--interchanges", type=int, default=100_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--mix", choices=["both", "pages", "full"], default="both", help="pages: without the overview users; full: everyone; both: one, then the other")
    args = parser.parse_args()
    auth, seeded = prepare(args)
    from orders.models import ScheduleLine

    mixes = {"pages": ("without the overview users", PAGE_USERS), "full": ("the full mix, overview users included", PAGE_USERS + OVERVIEW_USERS)}
    runs = []
    for mix in ("pages", "full") if args.mix == "both" else (args.mix,):
        load_before = os.getloadavg()
        with tempfile.TemporaryDirectory(prefix="hub-latency-") as tmp:
            rows = run_locust(auth, args.users, args.seconds, Path(tmp), mixes[mix][1])
        runs.append((mixes[mix][0], rows, load_before, os.getloadavg()))
    plans = explain(auth)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("w") as out:
        out.write(f"# bench/latency.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores\n")
        out.write(f"# data: {ScheduleLine.objects.count():,} schedule lines ({f'seeded now in {seeded:.0f} s' if seeded else 'seeded before'}), "
                  "with the big supplier SUP99999 (5,000 parts, two years of weekly call-offs; pages marked (big)); "
                  f"{args.users} locust users for {args.seconds} s per run against gunicorn -w 4, DEBUG off, cache in Redis\n")
        out.write(f"# target: p95 under {TARGET_MS:.0f} ms per page\n")
        for title, rows, load_before, load_after in runs:
            over = [r for r in rows if float(r["95%"]) > TARGET_MS]
            out.write(f"\n## {title}: over the target {len(over)} of {len(rows)}\n")
            out.write(f"# load average (1, 5, 15 min) before: {tuple(round(x, 2) for x in load_before)}, at the end: {tuple(round(x, 2) for x in load_after)}\n")
            out.write(f"{'page':44} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7}\n")
            for r in sorted(rows, key=lambda r: r["Name"]):
                out.write(f"{r['Name']:44} {r['Request Count']:>8} {r['Failure Count']:>6} {r['50%']:>7} {r['95%']:>7}\n")
        out.write("\n# each page once, in-process: queries, and the slowest with its plan\n")
        for name, count, ms, sql, plan in plans:
            out.write(f"\n== {name}: {count} queries; slowest {ms:.1f} ms\n{sql}\n{plan}\n")
    print(RESULTS.read_text().split("\n# each page")[0])


if __name__ == "__main__":
    main()
