"""One DELFOR from upload to plant, through a real web server, Redis, a Celery worker and HTTP.

The plant receiver is the hub's simulator on 127.0.0.1; the web server is Django's
live server; the worker is a separate ``celery -A hub worker`` process with no -Q.
"""

from __future__ import annotations

import collections
import json
import time

import pytest
import requests

from hub.models import Delivery, Interchange, Plant
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def post_file(live_server, token: str, data: bytes) -> dict:
    response = requests.post(
        f"{live_server.url}/api/v1/interchanges/", data=data, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/edifact"}, timeout=30
    )
    assert response.status_code == 201, response.text
    return response.json()


def status_of(live_server, token: str, pk: str) -> dict:
    return requests.get(f"{live_server.url}/api/v1/interchanges/{pk}/", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()


def many(n: int, seed: int = 1) -> bytes:
    msgs = [
        message(str(m), f"CO{seed}{m:05d}", supplier=f"SUP{(m % 3) + 1:05d}", plant=f"PLANT{(m % 3) + 1:02d}", parts=((f"P{m}", (("10", "1", "20261130"), (str(m), "4", "20261207"))),))
        for m in range(1, n + 1)
    ]
    return delfor(msgs, ref=f"ICR{seed}")


def test_uploaded_delfor_reaches_its_plants_once_and_a_resend_is_a_duplicate(world, workers, plant_server, live_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/in")
    token = token_issue(user=world["users"]["admin"])
    workers.start()
    data = many(12)
    created = post_file(live_server, token, data)
    wait_until(lambda: status_of(live_server, token, created["id"])["status"] == "processed", 60, "the interchange was not processed")
    wait_until(lambda: len(plant_server.lines()) >= 12, 60, f"12 call-offs did not reach the plant ({workers.logs()[-800:]})")
    lines = plant_server.lines()
    assert sorted(x["number"] for x in lines) == sorted(f"CO1{m:05d}" for m in range(1, 13))
    assert {x["idempotency_key"] for x in lines} == {str(k) for k in Delivery.objects.filter(recipient="plant").values_list("idempotency_key", flat=True)}
    again = post_file(live_server, token, data)
    assert again["status"] == "duplicate"
    time.sleep(3)
    assert len(plant_server.lines()) == 12


def test_every_delivery_arrives_exactly_once_per_key_with_a_worker_killed_mid_dispatch(world, workers, plant_server, live_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/in")
    plant_server.latency = 0.25  # slow plant: the kill lands while requests are in flight
    token = token_issue(user=world["users"]["admin"])
    first = workers.start(concurrency=2)
    created = post_file(live_server, token, many(40, seed=2))
    wait_until(lambda: len(plant_server.lines()) >= 2, 60, "no delivery reached the plant before the kill")
    workers.kill(first)
    killed_at = len(plant_server.lines())
    assert killed_at < 40, "everything was delivered before the kill: the test proves nothing"
    workers.start(concurrency=2)
    wait_until(lambda: len({x["number"] for x in plant_server.lines()}) >= 40, 120, f"not every call-off arrived after the kill ({workers.logs()[-800:]})")
    keys_per_number = collections.defaultdict(set)
    applied = collections.Counter()
    for line in plant_server.lines():
        keys_per_number[line["number"]].add(line["idempotency_key"])
        applied[line["idempotency_key"]] += line["applied"]
    assert all(len(keys) == 1 for keys in keys_per_number.values()), keys_per_number
    assert set(applied.values()) == {1}, "a key was applied twice or never"
    assert Interchange.objects.get(pk=created["id"]).status == "processed"
    wait_until(lambda: Delivery.objects.filter(status="delivered", recipient="plant").count() == 40, 30, "delivery rows were not all marked delivered")


def test_interchange_left_unprocessed_by_a_crash_is_picked_up_by_the_sweeper(world, workers, plant_server, live_server, real_services):
    Plant.objects.update(endpoint_url=plant_server.url + "/x")
    token = token_issue(user=world["users"]["admin"])
    created = post_file(live_server, token, many(3, seed=3))
    real_services.flushdb()  # the queued task is lost, as if the broker had crashed
    Interchange.objects.filter(pk=created["id"]).update(enqueued_at=Interchange.objects.get(pk=created["id"]).received_at.replace(year=2000))
    workers.start()
    wait_until(lambda: len(plant_server.lines()) >= 3, 60, "the sweeper did not recover the lost interchange")
    assert json.loads(json.dumps(status_of(live_server, token, created["id"])))["status"] == "processed"
