"""A real hub stack on 127.0.0.1 for end-to-end benchmarks, and everything to take it down.

``Stack`` creates a fresh PostgreSQL database (``hubbench_<pid>``) and takes an empty Redis
db, migrates, starts ``manage.py plant_simulator --record`` on a free port, seeds the demo
data with every plant pointing at the simulator, and starts the web server
(``runserver --noreload``) and Celery workers (``celery -A hub worker``, prefork), each in
its own process group. ``down()`` kills those groups, drops the database, flushes the
Redis db and removes the temporary directory (``--keep`` keeps the logs).

The benchmark process itself talks to the same database through Django (``django_setup``)
to read the timestamps the hub wrote. Every wait is a wait on progress (``wait_progress``):
it fails with a clear message when nothing moved for ``stall`` seconds, never at a fixed
deadline, because the machine may be busy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG = ["-h", "127.0.0.1", "-U", "postgres"]
# Redis dbs the benchmarks may take: the engineers' tests use 1-8, bench/dispatch.py 9,
# scripts/test.sh 14 by default; the first of these that is empty is ours.
REDIS_CANDIDATES = (12, 13, 11, 10, 15)


class BenchError(RuntimeError):
    """A benchmark cannot go on; the message says what did not happen."""


def log(text: str) -> None:
    """Progress on stderr, so that stdout carries only the figures."""
    print(text, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_progress(label: str, probe: Callable[[], tuple[bool, Any]], *, stall: float = 120.0, every: float = 0.1, report: float = 5.0) -> float:
    """Call ``probe`` until it says done; fail when its progress value stays the same for ``stall`` s.

    ``probe`` returns ``(done, progress)``; ``progress`` is anything comparable that
    changes while work is being done (a count, a status). Returns the monotonic time at
    which ``done`` was first seen. Prints the progress every ``report`` seconds.
    """
    started = last_change = last_report = time.monotonic()
    last: Any = object()
    while True:
        done, progress = probe()
        now = time.monotonic()
        if done:
            return now
        if progress != last:
            last, last_change = progress, now
        elif now - last_change > stall:
            raise BenchError(f"{label}: no progress for {stall:.0f} s (still at {progress}) after {now - started:.0f} s")
        if now - last_report >= report:
            log(f"  [{now - started:6.1f} s] {label}: {progress}")
            last_report = now
        time.sleep(every)


class RssSampler(threading.Thread):
    """Sample VmRSS of every process in a process group (the worker and its prefork children)."""

    def __init__(self, pgid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pgid = pgid
        self.every = every
        self.peak_process_kb = 0  # the largest single process seen
        self.peak_group_kb = 0  # the largest sum over the group at one sample
        self.stopped = threading.Event()

    def pids(self) -> list[int]:
        found = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp ...
            if len(fields) > 2 and int(fields[2]) == self.pgid:
                found.append(int(name))
        return found

    @staticmethod
    def rss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def run(self) -> None:
        while not self.stopped.is_set():
            sizes = [self.rss_kb(pid) for pid in self.pids()]
            if sizes:
                self.peak_process_kb = max(self.peak_process_kb, max(sizes))
                self.peak_group_kb = max(self.peak_group_kb, sum(sizes))
            self.stopped.wait(self.every)

    def stop(self) -> None:
        self.stopped.set()


class Stack:
    """The hub on a fresh database and Redis db, with a plant simulator, web server and workers."""

    def __init__(self, *, workers: int = 1, concurrency: int = 2, redis_db: int | None = None, keep: bool = False, stall: float = 120.0) -> None:
        self.workers = workers
        self.concurrency = concurrency
        self.keep = keep
        self.stall = stall
        self.db = f"hubbench_{os.getpid()}"
        self.redis_db = redis_db
        self.tmp = Path(tempfile.mkdtemp(prefix="hubbench-"))
        self.record = self.tmp / "plant.jsonl"
        self.procs: dict[str, subprocess.Popen] = {}
        self.db_created = False
        self.web = ""
        self.plant_port = 0
        self.env: dict[str, str] = {}
        self._redis: Any = None

    # -- up ----------------------------------------------------------------------------

    def up(self) -> Stack:
        """Start everything; raise BenchError (after taking down what started) when a part does not come up."""
        import redis

        if self.redis_db is None:
            for candidate in REDIS_CANDIDATES:
                if redis.Redis(host="127.0.0.1", db=candidate).dbsize() == 0:
                    self.redis_db = candidate
                    break
            else:
                raise BenchError(f"no empty Redis db among {REDIS_CANDIDATES}; pass --redis-db N")
        self._redis = redis.Redis(host="127.0.0.1", db=self.redis_db)
        broker = f"redis://127.0.0.1:6379/{self.redis_db}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.db}",
            "CELERY_BROKER_URL": broker,
            "HUB_OUTBOUND_ALLOWLIST": "127.0.0.1",
            "HUB_VAR_DIR": str(self.tmp / "var"),
            "HUB_MEDIA_ROOT": str(self.tmp / "media"),
            "SECRET_KEY": f"bench-{os.getpid()}-not-secret-but-long-enough-for-the-checks",
            "DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        os.environ.update({k: self.env[k] for k in ("DATABASE_URL", "CELERY_BROKER_URL", "HUB_OUTBOUND_ALLOWLIST", "HUB_VAR_DIR", "HUB_MEDIA_ROOT", "SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "ALLOWED_HOSTS", "LOG_LEVEL")})
        log(f"stack: database {self.db}, Redis db {self.redis_db}, logs in {self.tmp}")
        subprocess.run(["createdb", *PG, self.db], check=True)
        self.db_created = True
        self._redis.flushdb()
        self.manage("migrate", "--noinput")
        self.plant_port = free_port()
        self.start("plant", [sys.executable, "manage.py", "plant_simulator", "--port", str(self.plant_port), "--record", str(self.record)])
        self._wait_http("plant simulator", f"http://127.0.0.1:{self.plant_port}/")
        self.manage("seed_demo", "--no-call-offs", "--plant-url", f"http://127.0.0.1:{self.plant_port}/plants/{{plant}}")
        port = free_port()
        self.web = f"http://127.0.0.1:{port}"
        self.start("web", [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"])
        self._wait_http("web server /healthz", f"{self.web}/healthz")
        for n in range(self.workers):
            self.start(
                f"worker{n}",
                [sys.executable, "-m", "celery", "-A", "hub", "worker", "-c", str(self.concurrency), "-n", f"bench{n}@%h", "-l", "warning", "--without-gossip", "--without-mingle"],
            )
        return self

    def manage(self, *args: str) -> str:
        """Run ``manage.py ARGS`` against the stack; its output, or BenchError with its last lines."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True)
        if done.returncode:
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
            raise BenchError(f"manage.py {' '.join(args)} exited {done.returncode}:\n{tail}")
        return done.stdout

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        logfile = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def _wait_http(self, label: str, url: str) -> None:
        import requests

        def probe() -> tuple[bool, Any]:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise BenchError(f"{name} exited with {proc.returncode}: {self.log_tail(name)}")
            try:
                code = requests.get(url, timeout=5).status_code
            except requests.RequestException as exc:
                code = type(exc).__name__
            return code == 200, code

        # Nothing to count while a server boots: the stall bound is the whole wait here.
        wait_progress(f"waiting for {label}", probe, stall=self.stall, every=0.2)

    def log_tail(self, name: str, lines: int = 5) -> str:
        try:
            return " | ".join((self.tmp / f"{name}.log").read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def check_alive(self) -> None:
        """BenchError when a process of the stack died (called from progress probes)."""
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise BenchError(f"{name} exited with {proc.returncode}: {self.log_tail(name)}")

    def worker_pgids(self) -> list[int]:
        return [p.pid for name, p in self.procs.items() if name.startswith("worker")]

    def token(self, username: str) -> str:
        """A new API token for ``username``, as ``manage.py issue_token`` prints it."""
        return self.manage("issue_token", username, "--name", "bench").strip().splitlines()[-1]

    def records(self) -> list[dict[str, Any]]:
        """The simulator's record so far, one dict per delivery it accepted."""
        if not self.record.exists():
            return []
        out = []
        for line in self.record.read_text().splitlines():
            with contextlib.suppress(ValueError):  # a line being written right now
                out.append(json.loads(line))
        return out

    # -- measurements shared by the benchmarks ---------------------------------------------

    def celery_floor(self, n: int) -> float:
        """Bare Celery round trips per second: n no-op tasks (each counts itself in Redis) through the
        same broker and workers, from the first send to the last run."""
        from hub.dispatch.tasks import bench_tick

        key = f"bench:floor:{time.time()}"
        started = time.monotonic()
        for _ in range(n):
            bench_tick.apply_async((key,), queue="dispatch")

        def probe() -> tuple[bool, Any]:
            self.check_alive()
            count = int(self._redis.get(key) or 0)
            return count >= n, f"{count} of {n} no-op tasks ran"

        ended = wait_progress("bare Celery floor", probe, stall=self.stall, every=0.01)
        return n / (ended - started)

    def warm_up(self) -> None:
        """Wait until the workers run tasks (their first task proves they consume the queues)."""
        from hub.dispatch.tasks import bench_tick

        key = f"bench:warm:{time.time()}"
        for _ in range(self.workers * self.concurrency * 2):
            bench_tick.apply_async((key,), queue="dispatch")

        def probe() -> tuple[bool, Any]:
            self.check_alive()
            return int(self._redis.get(key) or 0) > 0, "workers starting"

        wait_progress("waiting for the Celery workers", probe, stall=self.stall, every=0.1)

    # -- down --------------------------------------------------------------------------

    def down(self) -> None:
        """Kill every process group started, drop the database, flush the Redis db, remove the files."""
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)
            with contextlib.suppress(ProcessLookupError):  # prefork children may outlive their parent
                os.killpg(proc.pid, signal.SIGKILL)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"stack: process {proc.pid} did not end after SIGKILL")
        self.procs.clear()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if self.db_created:
            subprocess.run(["dropdb", *PG, "--if-exists", "--force", self.db], check=False)
            self.db_created = False
        if self._redis is not None:
            self._redis.flushdb()
            self._redis = None
        if self.keep:
            log(f"stack: logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Stack:
        # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so that down() runs.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        try:
            return self.up()
        except BaseException:
            self.down()
            raise

    def __exit__(self, *exc: object) -> None:
        self.down()


def django_setup() -> None:
    """Point this process's Django at the stack's database (after ``Stack.up``)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
