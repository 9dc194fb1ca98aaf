"""Dispatch under failure, with real Redis, real worker processes and real HTTP.

Every test waits for an outcome (bounded in time) and then checks what the plant
received: per idempotency key applied exactly once, nothing lost, order kept.
"""

from __future__ import annotations

import collections
import io
import socket
import subprocess
import threading
import time

import pytest
from django.utils import timezone

from hub.dispatch.simulator import PlantSimulator
from hub.ingest.receive import interchange_receive
from hub.models import Delivery, Interchange, Plant
from hub.parties import party_of_user
from tests.delfor_builder import delfor, message
from tests.integration.conftest import wait_progress, wait_until

pytestmark = pytest.mark.integration


def calloffs(n: int, tag: str, plants: int = 3, suppliers: int = 3) -> bytes:
    msgs = [
        message(str(m), f"{tag}{m:05d}", supplier=f"SUP{m % suppliers + 1:05d}", plant=f"PLANT{m % plants + 1:02d}", parts=((f"P{m}", (("5", "1", "20261130"),)),))
        for m in range(1, n + 1)
    ]
    return delfor(msgs, ref=f"ICR-{tag}")


def receive(user, data: bytes, *, via_sweeper: bool = False) -> Interchange:
    interchange = interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(user), filename="f.edi")
    if via_sweeper:
        # Let the worker's sweeper pick it up: this process's broker is not the worker's.
        Interchange.objects.filter(pk=interchange.pk).update(enqueued_at=timezone.now() - timezone.timedelta(minutes=5))
    return interchange


def summary(lines: list[dict]) -> tuple[dict, collections.Counter]:
    keys = collections.defaultdict(set)
    applied = collections.Counter()
    for line in lines:
        keys[line["number"]].add(line["idempotency_key"])
        applied[line["idempotency_key"]] += line["applied"]
    return keys, applied


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_simulator(port: int, record, **kwargs) -> PlantSimulator:
    server = PlantSimulator(port, record=record, **kwargs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_thousand_deliveries_arrive_once_each_with_the_worker_killed_twice(world, workers, plant_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/in", max_in_flight=2)
    receive(world["users"]["admin"], calloffs(1000, "K"))
    worker = workers.start(concurrency=2)
    arrived = lambda: len({x["number"] for x in plant_server.lines()})  # noqa: E731
    for threshold in (150, 550):
        wait_progress(arrived, threshold, f"deliveries before kill at {threshold} ({workers.logs()[-600:]})")
        workers.kill(worker)
        worker = workers.start(concurrency=2)
    # A killed worker's delivery waits for its lease (6 s here) and the sweep; the machine may
    # be busy: fail only when nothing arrives for a long while, not when the clock runs out.
    wait_progress(arrived, 1000, f"not all 1000 arrived ({workers.logs()[-600:]})")
    keys, applied = summary(plant_server.lines())
    assert len(keys) == 1000 and all(len(k) == 1 for k in keys.values())
    assert set(applied.values()) == {1}
    wait_progress(lambda: Delivery.objects.filter(recipient="plant", status="delivered").count(), 1000, "rows marked delivered")


def test_redis_restarted_mid_run_loses_nothing(world, workers, plant_server, tmp_path):
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    redis = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        workers.env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{port}/0"
        Plant.objects.update(endpoint_url=plant_server.url + "/in")
        plant_server.latency = 0.05
        receive(world["users"]["admin"], calloffs(200, "R"), via_sweeper=True)
        worker = workers.start(concurrency=2)
        wait_until(lambda: len(plant_server.lines()) >= 30, 90, f"dispatch did not start ({workers.logs()[-600:]})")
        redis.kill()  # everything queued in Redis is gone with it
        redis.wait()
        time.sleep(2)
        redis = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)

        def all_arrived() -> bool:
            nonlocal worker
            # Celery's worker sometimes exits ("Unrecoverable error" in kombu's
            # restore_unacked) when Redis vanishes mid-ack; deployments run it under a
            # supervisor that starts it again, as this does.
            if worker.poll() is not None:
                worker = workers.start(concurrency=2)
            return len({x["number"] for x in plant_server.lines()}) >= 200

        wait_until(all_arrived, 180, f"not all 200 arrived after the restart ({workers.logs()[-600:]})")
    finally:
        redis.kill()
        redis.wait()
    keys, applied = summary(plant_server.lines())
    assert len(keys) == 200 and all(len(k) == 1 for k in keys.values()) and set(applied.values()) == {1}


def test_plant_down_then_back_gets_everything_in_order(world, workers, tmp_path):
    port = free_port()
    Plant.objects.update(endpoint_url=f"http://127.0.0.1:{port}/in")
    # 12 call-offs of one supplier for one plant, each for another part: order must hold.
    msgs = [message(str(m), f"ORD{m:03d}", parts=((f"P{m}", (("1", "1", "20261130"),)),)) for m in range(1, 13)]
    receive(world["users"]["admin"], delfor(msgs, ref="ICR-ORDER"))
    workers.start(concurrency=2)
    wait_until(lambda: Delivery.objects.filter(recipient="plant", attempts__gte=1).exists(), 60, "no attempt was made while the plant was down")
    time.sleep(3)
    assert not Delivery.objects.filter(recipient="plant", status="delivered").exists()
    server = start_simulator(port, tmp_path / "back.jsonl")
    try:
        wait_until(lambda: Delivery.objects.filter(recipient="plant", status="delivered").count() == 12, 120, f"not delivered after the plant came back ({workers.logs()[-600:]})")
    finally:
        server.shutdown()
        server.server_close()
    numbers = [line["number"] for line in map(__import__("json").loads, (tmp_path / "back.jsonl").read_text().splitlines())]
    assert [n for i, n in enumerate(numbers) if n not in numbers[:i]] == [f"ORD{m:03d}" for m in range(1, 13)]


def test_plant_down_past_the_retry_budget_is_dead_lettered_and_replay_delivers(world, workers, tmp_path):
    from hub.dispatch.services import delivery_retry

    port = free_port()
    Plant.objects.update(endpoint_url=f"http://127.0.0.1:{port}/in")
    workers.env.update(HUB_DISPATCH_MAX_ATTEMPTS="3", HUB_CIRCUIT_FAILURES="100")
    receive(world["users"]["admin"], calloffs(6, "D", plants=1))
    workers.start(concurrency=2)
    wait_until(lambda: Delivery.objects.filter(recipient="plant", status="dead").count() == 6, 120, f"deliveries were not dead-lettered ({workers.logs()[-600:]})")
    assert all(d.attempt_log.count() == 3 for d in Delivery.objects.filter(recipient="plant"))
    server = start_simulator(port, tmp_path / "replay.jsonl")
    try:
        for d in Delivery.objects.filter(recipient="plant", status="dead"):
            delivery_retry(delivery=d)  # enqueued on this process's broker; the worker's sweeper would too
        Delivery.objects.filter(recipient="plant").update(enqueued_at=timezone.now() - timezone.timedelta(minutes=5))
        wait_until(lambda: Delivery.objects.filter(recipient="plant", status="delivered").count() == 6, 90, "the retried deliveries did not arrive")
    finally:
        server.shutdown()
        server.server_close()


def test_a_hanging_plant_does_not_hold_up_the_others(world, workers, plant_server, tmp_path):
    slow = start_simulator(free_port(), tmp_path / "slow.jsonl", latency_ms=3000)
    try:
        Plant.objects.filter(code="PLANT01").update(endpoint_url=f"http://127.0.0.1:{slow.server_address[1]}/slow")
        Plant.objects.exclude(code="PLANT01").update(endpoint_url=plant_server.url + "/fast")
        # 30 call-offs for the hanging PLANT01 first, then 30 for PLANT02.
        msgs = [message(str(m), f"SLOW{m:03d}", plant="PLANT01", supplier=f"SUP{m % 3 + 1:05d}", parts=((f"P{m}", (("1", "1", "20261130"),)),)) for m in range(1, 31)]
        msgs += [message(str(m + 30), f"FAST{m:03d}", plant="PLANT02", supplier=f"SUP{m % 3 + 1:05d}", parts=((f"Q{m}", (("1", "1", "20261130"),)),)) for m in range(1, 31)]
        receive(world["users"]["admin"], delfor(msgs, ref="ICR-SLOW"))
        started = time.monotonic()
        workers.start(concurrency=2)
        wait_until(lambda: len({x["number"] for x in plant_server.lines()}) >= 30, 60, f"the healthy plant waited behind the hanging one ({workers.logs()[-600:]})")
        fast_seconds = time.monotonic() - started
        slow_done = Delivery.objects.filter(plant__code="PLANT01", recipient="plant", status="delivered").count()
        print(f"\nhealthy plant: 30 deliveries in {fast_seconds:.1f} s while the hanging plant had {slow_done} of 30")
        assert slow_done < 15, "the hanging plant was not hanging: the test proves nothing"
    finally:
        slow.shutdown()
        slow.server_close()


def test_a_worker_can_serve_a_subset_of_plants(world, workers, plant_server, settings):
    from hub.ingest.pipeline import interchange_process

    workers.env["HUB_DISPATCH_QUEUES"] = "dispatch,dispatch.eu"
    settings.HUB_DISPATCH_QUEUES = ["dispatch", "dispatch.eu"]
    Plant.objects.update(endpoint_url=plant_server.url + "/in")
    Plant.objects.filter(code="PLANT02").update(queue="dispatch.eu")
    interchange = receive(world["users"]["admin"], delfor([message("1", "EU1", plant="PLANT02"), message("2", "HOME1", plant="PLANT01")], ref="ICR-Q"))
    interchange_process(interchange_id=interchange.pk)
    eu_only = workers.start_for(["dispatch.eu"])
    wait_until(lambda: [x["number"] for x in plant_server.lines()] == ["EU1"], 60, f"the dispatch.eu worker did not deliver EU1 ({workers.logs()[-600:]})")
    time.sleep(2)
    assert [x["number"] for x in plant_server.lines()] == ["EU1"], "a worker for dispatch.eu delivered another plant's call-off"
    workers.kill(eu_only)
    workers.start()  # no -Q: every queue, including dispatch.eu
    wait_until(lambda: sorted(x["number"] for x in plant_server.lines()) == ["EU1", "HOME1"], 60, "the default worker did not deliver the rest")


def test_a_restarted_worker_resumes_a_killed_workers_claims_without_waiting_for_their_lease(world, workers, plant_server):
    """With a lease of ten minutes, the deliveries the killed worker held would wait that long;
    the restarted worker sees their holder is gone and sends them at once."""
    workers.env["HUB_DISPATCH_LEASE_SECONDS"] = "600"
    Plant.objects.update(endpoint_url=plant_server.url + "/in")
    plant_server.latency = 1.0  # the kill lands while requests are in flight
    receive(world["users"]["admin"], calloffs(12, "LEASE"))
    first = workers.start(concurrency=2)
    wait_until(lambda: Delivery.objects.filter(recipient="plant", status="sending").exists(), 60, "no delivery was claimed before the kill")
    workers.kill(first)
    held = set(Delivery.objects.filter(recipient="plant", status="sending").values_list("claimed_by", flat=True))
    assert held and all(h.startswith(f"{socket.gethostname()}:") for h in held), held
    workers.start(concurrency=2)
    wait_until(lambda: len({x["number"] for x in plant_server.lines()}) >= 12, 60, "the dead worker's claims waited for their lease")
    keys, applied = summary(plant_server.lines())
    assert all(len(k) == 1 for k in keys.values()) and set(applied.values()) == {1}
