"""Real parts for integration tests: PostgreSQL, Redis, Celery worker processes, HTTP.

Integration tests run only against PostgreSQL and Redis (``make test`` points
DATABASE_URL and CELERY_BROKER_URL at them); on other settings they skip with the reason.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_services(transactional_db, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("integration tests need PostgreSQL: set DATABASE_URL (make test does)")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("integration tests need Redis: set CELERY_BROKER_URL (make test does)")
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {settings.CELERY_BROKER_URL} does not answer: {exc}")
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    return client


class Workers:
    """Start real ``celery -A hub worker`` processes on the test database; kill them at the end."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []

    def start(self, concurrency: int = 2, queues: list[str] | None = None) -> subprocess.Popen:
        log = open(self.log_dir / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115 - lives as long as the worker
        only = ["-Q", ",".join(queues)] if queues else []
        proc = subprocess.Popen(
            # A node name per worker: on RabbitMQ two workers of one name fight over one
            # exclusive control queue and the second dies.
            [sys.executable, "-m", "celery", "-A", "hub", "worker", "-n", f"w{len(self.procs)}@%h", "-c", str(concurrency), "-l", "info", "--without-gossip", "--without-mingle", *only],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def start_for(self, queues: list[str]) -> subprocess.Popen:
        """A worker that consumes only ``queues`` (e.g. the dispatch queue of some plants)."""
        return self.start(queues=queues)

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children at once, as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                self.kill(proc)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.log_dir.glob("worker-*.log")))


@pytest.fixture
def workers(real_services, settings, tmp_path):
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "HUB_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "HUB_OUTBOUND_ALLOWLIST": "127.0.0.1",
        "HUB_SWEEP_INTERVAL_SECONDS": "1",
        "HUB_SWEEP_STALE_SECONDS": "3",
        "HUB_DISPATCH_LEASE_SECONDS": "6",
        "HUB_DISPATCH_TIMEOUT_SECONDS": "4",
        "HUB_DISPATCH_BACKOFF_SECONDS": "0.5",
        "SECURE_SSL_REDIRECT": "false",
    }
    pool = Workers(env, tmp_path)
    yield pool
    pool.stop_all()


def progress_marker() -> tuple:
    """What the engine has done so far, as the database shows it: changes while work goes on.

    Deliveries per status with their attempts, the attempts recorded, interchanges per
    status. A worker that sends, retries, dead-letters or processes moves it; an idle
    worker's sweep (which only re-enqueues) does not.
    """
    from django.db.models import Count, Sum

    from hub.models import Delivery, DeliveryAttempt, Interchange

    deliveries = tuple(sorted(Delivery.objects.order_by().values_list("status").annotate(n=Count("id"), tries=Sum("attempts"))))
    interchanges = tuple(sorted(Interchange.objects.order_by().values_list("status").annotate(n=Count("id"))))
    return deliveries, DeliveryAttempt.objects.count(), interchanges


def wait_until(predicate, stall: float, what: str, interval: float = 0.2, progress=progress_marker):
    """Poll ``predicate`` until it returns something truthy; fail saying ``what`` did not happen
    only when nothing progressed for ``stall`` seconds.

    A fixed deadline fails on a busy machine although the hub is working; so the clock
    restarts whenever ``progress()`` (by default the engine's state in the database, see
    ``progress_marker``) changes. A test that must prove something did NOT happen, or
    happened in time, asserts that separately.
    """
    last = progress()
    last_change = time.monotonic()
    while True:
        value = predicate()
        if value:
            return value
        now = progress()
        if now != last:
            last, last_change = now, time.monotonic()
        elif time.monotonic() - last_change > stall:
            pytest.fail(f"{what}: nothing progressed for {stall:g} s (engine state: {now})")
        time.sleep(interval)


def wait_progress(measure, target: int, what: str, stall: float = 120.0, interval: float = 0.2) -> int:
    """Poll ``measure()`` until it reaches ``target``; fail only when it made no progress for ``stall`` seconds."""
    seen: list[int] = []

    def reached() -> bool:
        seen.append(measure())
        return seen[-1] >= target

    wait_until(reached, stall, f"{what} (target {target})", interval, progress=measure)
    return seen[-1]
