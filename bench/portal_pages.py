"""Benchmark: every portal page of the biggest supplier, in-process, timed and with its query count.

Usage (PostgreSQL, the database ``bench/latency.py`` fills):
    .venv/bin/python bench/portal_pages.py [--runs 7] [--login bigsupplier] [--explain]

Runs Django's test Client against ``hub_scale_bench`` (``HUB_BENCH_DATABASE_URL``; seeded as
``bench/latency.py`` does when empty, the big supplier added when missing) with
DEBUG off, signed in as the big supplier ``SUP99999`` (``hub.groupdata_big``: 5,000 parts,
two years of weekly call-offs at four plants, its ASNs, files and inbox), and asks each
portal page ``--runs`` times after one warm-up. Records per page the median and the worst
time, the number of queries and the time spent in them, in bench/results/portal_pages.txt;
``--explain`` adds the EXPLAIN (ANALYZE) of the slowest query of each page over the target.
In-process timings leave out the network and gunicorn, so they show what the page itself
costs, also while others load the machine (the load average is recorded beside them).
Target: every page under 300 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATABASE_URL = os.environ.get("HUB_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_scale_bench")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
    }
)
TARGET_MS = 300.0
RESULTS = ROOT / "bench" / "results" / "portal_pages.txt"


def pages(login: str) -> list[tuple[str, str]]:
    """(name, URL) of every portal page worth measuring for ``login``'s supplier, with its heaviest real arguments."""
    from hub.models import Delivery, Interchange
    from orders.models import DeliverySchedule, DespatchAdvice
    from suppliers.models import User

    user = User.objects.get(username=login)
    mine = DeliverySchedule.objects.filter(supplier=user.supplier_id).defer("document")
    current = mine.filter(status="current").order_by("plant__code", "-created_at").first()
    older = mine.filter(plant=current.plant_id, status="superseded").order_by("-created_at")
    previous, oldest = older.first(), older.last()
    line = current.lines.order_by("position")[10]
    advice = DespatchAdvice.objects.filter(supplier=user.supplier_id).order_by("-created_at").first()
    files = Interchange.objects.filter(sender_supplier=user.supplier_id)
    good, bad = (
        files.filter(status="processed").order_by("-received_at").first(),
        files.filter(status="failed").order_by("-received_at").first(),
    )
    inbox = Delivery.objects.filter(supplier=user.supplier_id, recipient="supplier").order_by("-delivered_at").first()
    plant = current.plant_id
    out = [
        ("dashboard", "/portal/"),
        ("call-off list", "/portal/call-offs/"),
        ("call-off list, all versions", "/portal/call-offs/?status=all"),
        ("call-off list, plant", f"/portal/call-offs/?status=all&plant={plant}"),
        ("call-off list, part", f"/portal/call-offs/?status=all&part={line.buyer_part}"),
        ("call-off list, search", f"/portal/call-offs/?status=all&q={line.buyer_part[-4:]}"),
        ("call-off list, issued range", "/portal/call-offs/?status=all&issued_from=2026-01-01&issued_to=2026-06-30"),
        ("call-off grid (current)", f"/portal/call-offs/{current.pk}/"),
        ("call-off grid, page 12", f"/portal/call-offs/{current.pk}/?page=12"),
        ("call-off grid, search", f"/portal/call-offs/{current.pk}/?q={line.buyer_part[-4:]}"),
        ("call-off grid vs oldest version", f"/portal/call-offs/{current.pk}/?from={oldest.pk}"),
        ("call-off grid (superseded)", f"/portal/call-offs/{previous.pk}/"),
        ("plant grid", f"/portal/call-offs/plant/?plant={plant}"),
        ("plant grid, search", f"/portal/call-offs/plant/?plant={plant}&q={line.buyer_part[-4:]}"),
        ("export CSV (call-off)", f"/portal/call-offs/{current.pk}/export.csv"),
        ("export XLSX (call-off)", f"/portal/call-offs/{current.pk}/export.xlsx"),
        ("export PDF (call-off)", f"/portal/call-offs/{current.pk}/export.pdf"),
        ("export CSV (plant grid)", f"/portal/call-offs/plant/export.csv?plant={plant}"),
        ("ASN list", "/portal/despatch-advices/"),
        ("ASN form from call-off", f"/portal/despatch-advices/new/?call_off={current.pk}"),
        ("ASN form copy", f"/portal/despatch-advices/new/?copy={advice.pk}"),
        ("ASN detail", f"/portal/despatch-advices/{advice.pk}/"),
        ("ASN labels PDF", f"/portal/despatch-advices/{advice.pk}/labels.pdf"),
        ("inbox", "/portal/inbox/"),
        ("inbox, unread", "/portal/inbox/?state=unread"),
        ("inbox download", f"/portal/inbox/{inbox.pk}/download"),
        ("files", "/portal/interchanges/"),
        ("file (accepted)", f"/portal/interchanges/{good.pk}/"),
        ("file (rejected)", f"/portal/interchanges/{bad.pk}/"),
        ("upload form", "/portal/upload/"),
        ("account", "/portal/account/"),
        ("API tokens", "/portal/tokens/"),
    ]
    return out


def api_pages(login: str) -> list[tuple[str, str]]:
    """The API's call-off list and one call-off, as the supplier's system reads them."""
    from orders.models import DeliverySchedule
    from suppliers.models import User

    user = User.objects.get(username=login)
    current = DeliverySchedule.objects.filter(supplier=user.supplier_id, status="current").order_by("-created_at").first()
    return [
        ("API call-off list (current)", "/api/v1/call-offs/?status=current"),
        ("API call-off list (all)", "/api/v1/call-offs/"),
        ("API call-off (1,250 lines)", f"/api/v1/call-offs/{current.pk}/"),
    ]


STAFF = [
    ("admin supplier search (buyer)", "buyer", "/admin/suppliers/supplier/?q=Supplier+4711"),
    ("admin supplier search (admin)", "admin", "/admin/suppliers/supplier/?q=Supplier+4711"),
    ("admin supplier search by number (admin)", "admin", "/admin/suppliers/supplier/?q=SUP04711"),
    ("admin supplier list (admin)", "admin", "/admin/suppliers/supplier/"),
]


def measure(client, url: str, runs: int, headers: dict[str, str] | None = None) -> dict:
    """Median and worst of ``runs`` requests after a warm-up; queries and their time from one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}
    status = client.get(url, **headers).status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **headers)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda q: float(q["time"])) if queries else None
    return {
        "status": status,
        "median": statistics.median(times),
        "worst": max(times),
        "queries": len(queries),
        "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
        "slowest": slowest,
    }


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(r[0] for r in cur.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--login", default="bigsupplier")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    args = parser.parse_args()
    from overview import ensure_database

    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from hub.groupdata_big import big_supplier_seed

    call_command("migrate", verbosity=0)
    from orders.models import ScheduleLine as Lines

    if not Lines.objects.exists():  # a fresh database: what bench/latency.py would seed
        call_command("seed_scale")
    big_supplier_seed()  # idempotent: adds the big supplier to a database seeded before it existed

    from orders.models import ScheduleLine
    from suppliers.models import User
    from suppliers.services import token_issue

    load_before = os.getloadavg()
    user = User.objects.get(username=args.login)
    portal = Client()
    portal.force_login(user)
    api = Client()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user, name='bench portal_pages', days=1)}"}
    rows = []
    todo = [(name, portal, url, None) for name, url in pages(args.login)] + [
        (name, api, url, bearer) for name, url in api_pages(args.login)
    ]
    for name, role, url in STAFF:
        staff = Client()
        staff.force_login(User.objects.get(username=role))
        todo.append((name, staff, url, None))
    for name, client, url, headers in todo:
        if args.only and args.only not in name:
            continue
        try:
            found = measure(client, url, args.runs, headers)
        except Exception as exc:  # noqa: BLE001 - a broken page is a finding, the others still get measured
            print(f"{name:42} error: {exc!r}", flush=True)
            found = {"status": 500, "median": 0.0, "worst": 0.0, "queries": 0, "sql_ms": 0.0, "slowest": None}
        rows.append((name, url, found))
        print(
            f"{name:42} {found['status']:>4} {found['median']:8.0f} {found['worst']:8.0f} {found['queries']:>5} {found['sql_ms']:8.1f}",
            flush=True,
        )
    over = [r for r in rows if r[2]["median"] > TARGET_MS]
    supplier = user.supplier
    lines = ScheduleLine.objects.filter(schedule__supplier=supplier).count()
    parts = ScheduleLine.objects.filter(schedule__supplier=supplier).values("buyer_part").distinct().count()
    if args.only:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("w") as out:
        out.write(f"# bench/portal_pages.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores\n")
        out.write(
            f"# data: {ScheduleLine.objects.count():,} schedule lines in all; signed in as {args.login} ({supplier.number}): {parts:,} parts, "
            f"{supplier.call_offs.count():,} call-offs, {lines:,} call-off lines\n"
        )
        out.write(f"# in-process (Django test Client, DEBUG off, no network): {args.runs} requests per page after a warm-up\n")
        out.write(
            f"# load average (1, 5, 15 min) before: {tuple(round(x, 2) for x in load_before)}, after: {tuple(round(x, 2) for x in os.getloadavg())}\n"
        )
        out.write(f"# target: every page under {TARGET_MS:.0f} ms (median); over it: {len(over)} of {len(rows)}\n\n")
        out.write(f"{'page':42} {'status':>6} {'median ms':>9} {'worst ms':>8} {'queries':>7} {'sql ms':>7}\n")
        for name, _url, f in rows:
            out.write(f"{name:42} {f['status']:>6} {f['median']:9.0f} {f['worst']:8.0f} {f['queries']:>7} {f['sql_ms']:7.1f}\n")
        out.write("\n# the URLs\n")
        for name, url, _f in rows:
            out.write(f"{name:42} {url}\n")
        if args.explain:
            for name, _url, f in rows:
                if f["slowest"] is not None and (f["median"] > TARGET_MS or float(f["slowest"]["time"]) * 1000 > 50):
                    out.write(
                        f"\n== {name}: slowest query {float(f['slowest']['time']) * 1000:.1f} ms\n{f['slowest']['sql']}\n{explain(f['slowest']['sql'])}\n"
                    )
    print(RESULTS.read_text().split("\n# the URLs")[0])


if __name__ == "__main__":
    main()
