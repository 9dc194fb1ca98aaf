"""Dispatch benchmark: N call-offs through real workers to a local plant simulator.

Reports deliveries/s and p50/p99 latency from commit to plant receipt, beside the bare
Celery floor (tasks that only count themselves, on the same broker and worker) in the
same run, and writes the figures to bench/results/dispatch.txt.

Needs PostgreSQL and Redis on 127.0.0.1 (``make bench`` starts them). Usage:
    .venv/bin/python bench/dispatch.py [--deliveries N] [--concurrency C] [--latency MS]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_DB", "hubbench")  # a database of its own, dropped and created per run
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/9")  # flushed per run


def setup_django(tmp: Path) -> None:
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        CELERY_BROKER_URL=BROKER,
        HUB_OUTBOUND_ALLOWLIST="127.0.0.1",
        HUB_MEDIA_ROOT=str(tmp / "media"),
        HUB_VAR_DIR=str(tmp / "var"),
        SECRET_KEY="bench-only",
        SECURE_SSL_REDIRECT="false",
    )
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def start_worker(tmp: Path, concurrency: int) -> subprocess.Popen:
    log = open(tmp / "worker.log", "wb")  # noqa: SIM115 - lives as long as the worker
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "hub", "worker", "-c", str(concurrency), "-l", "warning", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def floor(n: int) -> float:
    """Send n counting tasks and time until all ran: tasks/s of the bare Celery floor."""
    import redis

    from hub.dispatch.tasks import bench_tick

    client = redis.Redis.from_url(BROKER)
    key = f"bench:{time.time()}"
    started = time.monotonic()
    for _ in range(n):
        bench_tick.apply_async((key,), queue="dispatch")
    while int(client.get(key) or 0) < n:
        time.sleep(0.01)
    return n / (time.monotonic() - started)


def run(n: int, tag: str, admin, record: Path, Delivery) -> dict:
    """Upload n call-offs, process them here, and time dispatch from commit to the last receipt."""
    from hub.ingest.pipeline import interchange_process
    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user
    from tests.delfor_builder import delfor, message

    msgs = [
        message(str(m), f"{tag}{m:06d}", supplier=f"SUP{m % 300 + 1:05d}", plant=f"PLANT{m % 12 + 1:02d}", parts=((f"P{m}", (("1", "1", "20261130"),)),))
        for m in range(1, n + 1)
    ]
    interchange = interchange_receive(stream=io.BytesIO(delfor(msgs, ref=f"BENCH-{tag}")), channel="command", party=party_of_user(admin))
    before = sum(1 for _ in record.open()) if record.exists() else 0
    interchange_process(interchange_id=interchange.pk)
    committed = time.monotonic()
    deadline = committed + 600
    while time.monotonic() < deadline:
        done = (sum(1 for _ in record.open()) if record.exists() else 0) - before
        if done >= n:
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - committed
    lines = [json.loads(x) for x in record.read_text().splitlines()[before:]]
    created = {str(k): c.timestamp() for k, c in Delivery.objects.filter(recipient="plant", document_number__startswith=tag).values_list("idempotency_key", "created_at")}
    latencies = sorted(line["at"] - created[line["idempotency_key"]] for line in lines if line["idempotency_key"] in created)
    return {"n": n, "got": len(lines), "seconds": elapsed, "rate": len(lines) / elapsed, "p50": statistics.median(latencies), "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deliveries", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--latency", type=int, default=0, help="simulated plant latency in ms")
    ap.add_argument("--batch", type=int, default=50, help="batch size of the second run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hubbench-"))
    setup_django(tmp)
    import redis

    from hub.demo import seed_master_data
    from hub.dispatch.simulator import PlantSimulator
    from hub.models import Delivery, Plant
    from suppliers.models import User

    redis.Redis.from_url(BROKER).flushdb()
    record = tmp / "plant.jsonl"
    sim = PlantSimulator(0, record=record, latency_ms=args.latency)
    threading.Thread(target=sim.serve_forever, daemon=True).start()
    seed_master_data(plant_url=f"http://127.0.0.1:{sim.server_address[1]}/plants/{{plant}}")
    Plant.objects.update(max_in_flight=args.concurrency)
    # The real path: every plant has its secret (seed_demo), the hub signs, the plant checks.
    secrets = dict(Plant.objects.values_list("code", "endpoint_secret"))
    sim.secret_for = lambda path: next((secret for code, secret in secrets.items() if f"/{code}" in path), "")
    worker = start_worker(tmp, args.concurrency)
    try:
        time.sleep(4)
        floor_rate = floor(args.deliveries)
        admin = User.objects.get(username="admin")
        single = run(args.deliveries, "S", admin, record, Delivery)
        Plant.objects.update(batch_size=args.batch)
        batched = run(args.deliveries, "T", admin, record, Delivery)
    finally:
        worker.kill()
        sim.shutdown()
    def line(name: str, r: dict) -> str:
        return (
            f"{name}: {r['got']} of {r['n']} deliveries in {r['seconds']:.1f} s = {r['rate']:.0f} deliveries/s "
            f"({r['rate'] / floor_rate:.0%} of the floor); commit-to-receipt latency p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s\n"
        )

    report = (
        f"dispatch benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python {platform.python_version()}\n"
        f"worker: celery prefork -c {args.concurrency}, broker Redis, database PostgreSQL, plant latency {args.latency} ms,"
        f" 12 plants, signed requests checked by the simulator, pinned keep-alive connections;"
        f" each call-off also gets a supplier portal copy (taken 200 per task)\n"
        f"bare Celery floor (tasks that only count themselves, same broker and worker): {floor_rate:.0f} tasks/s\n"
        + line("one delivery per request", single)
        + line(f"batches of up to {args.batch} per request", batched)
    )
    print(report)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "dispatch.txt").write_text(report)
    from django.db import connections

    connections.close_all()


if __name__ == "__main__":
    main()
