"""Many machines: the web tier and two worker pools, each on a host of its own (a network
namespace on a virtual bridge), reach PostgreSQL, Redis and the plant over the network and
carry call-offs from upload to plant exactly once while one worker host is cut off and
comes back.

The services host is the root namespace: PostgreSQL, Redis and the plant simulator listen
on 127.0.0.1 there, and relays make them reachable at the bridge address, as over a LAN.
A cut host's connections stall (no reset), which is what a pulled cable or a broken switch
does: the other pool must take over the cut pool's claims once their lease runs out, and
the cut pool, when it comes back, must write nothing over them.
"""

from __future__ import annotations

import collections
import contextlib
import re
import sys
import time
from pathlib import Path

import pytest
import requests

from hub.models import Delivery, Interchange, Plant
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message
from tests.integration.conftest import ROOT, wait_until
from tests.integration.netns import Network, Relay, netns_available

pytestmark = pytest.mark.integration


@pytest.fixture
def network():
    reason = netns_available()
    if reason:
        pytest.skip(f"no network namespaces here: {reason}")
    net = Network()
    yield net
    net.remove()


def _calloffs(n: int) -> bytes:
    msgs = [
        message(str(m), f"MH{m:04d}", supplier=f"SUP{m % 3 + 1:05d}", plant=f"PLANT{m % 3 + 1:02d}", parts=((f"P{m}", (("5", "1", "20261130"),)),))
        for m in range(1, n + 1)
    ]
    return delfor(msgs, ref="ICR-MULTIHOST")


def _deliveries_received(log: Path) -> int:
    return len(re.findall(r"Task hub\.dispatch\.tasks\.deliver\w*\[", log.read_text(errors="replace"))) if log.exists() else 0


def _process_tree(pid: int) -> set[int]:
    """``pid`` and its descendants (a worker's pool processes), read from /proc."""
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            todo += [int(c) for c in task.read_text().split()]
    return tree


def test_web_and_two_worker_hosts_deliver_once_while_one_host_is_cut_off(world, workers, plant_server, network, settings, tmp_path):
    from django.db import connection

    gw = network.gateway
    db = connection.settings_dict
    broker_db = settings.CELERY_BROKER_URL.rsplit("/", 1)[1]
    relays = [Relay((gw, 5432), ("127.0.0.1", int(db["PORT"] or 5432))), Relay((gw, 6379), ("127.0.0.1", 6379))]
    plant_port = plant_server.server_address[1]
    relays.append(Relay((gw, plant_port), ("127.0.0.1", plant_port)))
    plant_server.latency = 0.4  # requests in flight when the cut comes
    Plant.objects.update(endpoint_url=f"http://{gw}:{plant_port}/in")
    web_host, host_a, host_b = network.host("web"), network.host("a"), network.host("b")
    env = {
        **workers.env,
        "DATABASE_URL": f"postgres://{db['USER']}@{gw}:5432/{db['NAME']}",
        "CELERY_BROKER_URL": f"redis://{gw}:6379/{broker_db}",
        "HUB_OUTBOUND_ALLOWLIST": gw,
        "ALLOWED_HOSTS": web_host.address,
        "PYTHONUNBUFFERED": "1",
        # b may be cut off inside a transaction: its locks go when the server ends the session
        "HUB_DB_IDLE_IN_TRANSACTION_SECONDS": "5",
    }
    try:
        with open(tmp_path / "web.log", "wb") as log:
            web_host.run([sys.executable, "-m", "gunicorn", "hub.wsgi", "-b", f"{web_host.address}:8000", "-w", "2"], env=env, cwd=str(ROOT), log=log)
        logs = {host.name: tmp_path / f"worker-{host.name}.log" for host in (host_a, host_b)}

        def start_worker(host) -> None:
            with open(logs[host.name], "wb") as log:
                host.run([sys.executable, "-m", "celery", "-A", "hub", "worker", "-n", f"{host.name}@%h", "-c", "2", "-l", "info", "--without-gossip", "--without-mingle"], env=env, cwd=str(ROOT), log=log)

        # Host b starts alone, so that it surely holds deliveries when the cut comes (with
        # both running, a busy machine may let host a take everything first).
        start_worker(host_b)
        web = f"http://{web_host.address}:8000"

        def web_answers() -> bool:
            with contextlib.suppress(requests.RequestException):
                return requests.get(web + "/healthz", timeout=5).status_code == 200
            return False

        wait_until(web_answers, 90, f"the web host did not answer at {web}")
        token = token_issue(user=world["users"]["admin"])
        posted = requests.post(web + "/api/v1/interchanges/", data=_calloffs(60), headers={"Authorization": f"Bearer {token}", "Content-Type": "application/edifact"}, timeout=60)
        assert posted.status_code == 201, posted.text

        # Host b works; it goes off the network in the middle of it, and host a comes up to
        # carry on, taking over b's claims once their lease has run out.
        def b_holds_a_claim() -> bool:
            b_pids = _process_tree(host_b.procs[0].pid)
            holders = Delivery.objects.filter(recipient="plant", status="sending").values_list("claimed_by", flat=True)
            return any(int(h.rpartition(":")[2]) in b_pids for h in holders if h)

        wait_until(b_holds_a_claim, 120, "host b never held a delivery")
        host_b.cut()
        cut_at = len(plant_server.lines())
        assert cut_at < 60, "everything was delivered before the cut: the test proves nothing"
        start_worker(host_a)
        wait_until(lambda: _deliveries_received(logs["a"]) > 0, 120, "host a took no dispatch work")
        wait_until(lambda: len({x["number"] for x in plant_server.lines()}) >= 60, 180, "host a did not finish what the cut-off host b held")
        host_b.restore()
        # Host b's stalled connections resume: whatever it still meant to write must change nothing.
        time.sleep(8)
        lines = plant_server.lines()
        keys, applied = collections.defaultdict(set), collections.Counter()
        for line in lines:
            keys[line["number"]].add(line["idempotency_key"])
            applied[line["idempotency_key"]] += line["applied"]
        assert len(keys) == 60
        assert all(len(k) == 1 for k in keys.values()), "a call-off reached its plant under two keys"
        assert set(applied.values()) == {1}, "a key was applied twice (or never)"
        assert Delivery.objects.filter(recipient="plant").exclude(status="delivered").count() == 0
        assert Interchange.objects.get(pk=posted.json()["id"]).status == "processed"
        print(f"\n60 call-offs once each; host b cut off after {cut_at} plant requests; {len(lines)} requests in all")
    finally:
        for relay in relays:
            relay.close()
