"""The hub spread over processes as production runs it: a gunicorn web tier and worker pools
per queue, on Redis and on RabbitMQ (quorum queues).

Everything here is a separate process talking to the real broker and the test database:
the test itself only uploads over HTTP and reads the plant's record, so what passes is the
topology, not this process's Celery app.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from hub.models import Delivery, Interchange, Plant
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message
from tests.integration.conftest import ROOT, wait_until

pytestmark = pytest.mark.integration

RABBIT = "amqp://guest:guest@127.0.0.1:5672"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def rabbitmq_vhost():
    """A fresh RabbitMQ virtual host for one test (so no queue of another run is in the way)."""
    import amqp

    if not shutil.which("rabbitmqctl"):
        pytest.skip("RabbitMQ is not installed here (rabbitmqctl not found); scripts/services.sh starts it where it is")
    try:
        amqp.Connection("127.0.0.1:5672", userid="guest", password="guest", connect_timeout=5).connect()
    except OSError as exc:
        pytest.skip(f"RabbitMQ does not answer on 127.0.0.1:5672: {exc}")
    vhost = f"hub-test-{uuid.uuid4().hex[:8]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True, capture_output=True)
    yield f"{RABBIT}/{vhost}"
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True)


class WebTier:
    """``gunicorn hub.wsgi`` on a free port, with the workers' environment."""

    def __init__(self, env: dict[str, str], log_path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")  # noqa: SIM115 - lives as long as the server
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "hub.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            wait_until(self._answers, 90, f"gunicorn did not answer on {self.url}")
        except BaseException:
            self.stop()
            raise

    def _answers(self) -> bool:
        assert self.proc.poll() is None, f"gunicorn exited: {Path(self.log.name).read_text(errors='replace')[-2000:]}"
        with contextlib.suppress(requests.RequestException):  # still booting: refused or slow
            return requests.get(self.url + "/healthz", timeout=10).status_code == 200
        return False

    def stop(self) -> None:
        import os
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def _calloffs(n: int, tag: str) -> bytes:
    msgs = [
        message(str(m), f"{tag}{m:04d}", supplier=f"SUP{m % 3 + 1:05d}", plant=f"PLANT{m % 3 + 1:02d}", parts=((f"P{m}", (("5", "1", "20261130"),)),))
        for m in range(1, n + 1)
    ]
    return delfor(msgs, ref=f"ICR-{tag}")


def _tasks_run(log: str) -> set[str]:
    """The task names a worker log says it received."""
    return set(re.findall(r"Task (hub\.[\w.]+|suppliers\.[\w.]+)\[", log))


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_web_tier_and_per_queue_worker_pools_carry_calloffs_once(broker, world, workers, plant_server, tmp_path, request):
    """An ingest pool and a dispatch pool, each consuming only its queues, behind gunicorn:
    every call-off reaches its plant once, and neither pool ran the other's work."""
    workers.env["PYTHONUNBUFFERED"] = "1"  # the logs are read below
    if broker == "rabbitmq":
        workers.env["CELERY_BROKER_URL"] = request.getfixturevalue("rabbitmq_vhost")
    Plant.objects.update(endpoint_url=plant_server.url + "/in")
    token = token_issue(user=world["users"]["admin"])
    web = WebTier(workers.env, tmp_path / "gunicorn.log")
    try:
        ingest_pool = workers.start(concurrency=1, queues=["ingest"])
        dispatch_pool = workers.start(concurrency=2, queues=["dispatch", "maintenance"])
        response = requests.post(
            web.url + "/api/v1/interchanges/", data=_calloffs(30, broker[:3].upper()), timeout=60,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/edifact"},
        )
        assert response.status_code == 201, response.text
        try:
            wait_until(lambda: len({x["number"] for x in plant_server.lines()}) >= 30, 120, f"not every call-off reached its plant over {broker}")
        except BaseException:
            print(workers.logs())
            raise
        assert Interchange.objects.get(pk=response.json()["id"]).status == "processed"
        lines = plant_server.lines()
        assert len(lines) == 30 and all(x["applied"] for x in lines), "a call-off was delivered twice"
        # The plant has them all; the worker records each answer right after it, so wait for
        # the records rather than read them at once (27 of 30 on a loaded machine).
        wait_until(
            lambda: Delivery.objects.filter(recipient="plant", status="delivered").count() == 30,
            60, "the plant has every call-off but the hub did not record each as delivered",
        )
        time.sleep(1)  # let the pools flush their logs
        logs = [p.read_text(errors="replace") for p in sorted(tmp_path.glob("worker-*.log"))]
        ran_ingest, ran_dispatch = _tasks_run(logs[0]), _tasks_run(logs[1])
        # The ingest pool parsed the file and nothing else; the dispatch pool delivered and
        # swept (maintenance), and never parsed.
        assert ran_ingest == {"hub.ingest.tasks.process_interchange"}, ran_ingest
        assert "hub.ingest.tasks.process_interchange" not in ran_dispatch, ran_dispatch
        assert {t for t in ran_dispatch if t.startswith("hub.dispatch.tasks.deliver")}, ran_dispatch
        assert ingest_pool.poll() is None and dispatch_pool.poll() is None
    finally:
        web.stop()
