"""Plants that accept batches get several documents per POST, oldest first, each under its own key."""

from __future__ import annotations

import pytest

from hub.dispatch import batching, services
from hub.models import Delivery, Plant
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def backlog(world, receive_and_process, plant_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/batch", batch_size=4)
    msgs = [message(str(m), f"B{m:02d}", parts=((f"P{m}", (("1", "1", "20261130"),)),)) for m in range(1, 11)]
    receive_and_process(delfor(msgs), world["users"]["admin"])
    return list(Delivery.objects.filter(recipient="plant").order_by("id"))


def test_backlog_goes_out_in_batches_in_order(backlog, plant_server):
    assert batching.batch_send(plant_id=backlog[0].plant_id) == 10
    lines = plant_server.lines()
    assert [x["number"] for x in lines] == [f"B{m:02d}" for m in range(1, 11)]
    assert [x["batch"] for x in lines] == [4] * 4 + [4] * 4 + [2] * 2
    assert {x["idempotency_key"] for x in lines} == {str(d.idempotency_key) for d in backlog}
    assert Delivery.objects.filter(recipient="plant", status="delivered").count() == 10
    assert all(d.attempt_log.count() == 1 for d in Delivery.objects.filter(recipient="plant"))


def test_single_delivery_task_of_a_batching_plant_sends_a_batch(backlog, plant_server):
    assert services.delivery_send(delivery_id=backlog[0].pk) == Delivery.Status.DELIVERED
    assert len(plant_server.lines()) == 10


def test_a_failed_batch_is_retried_whole_and_keeps_its_keys(backlog, plant_server):
    plant_server.fail_rate = 1.0
    assert batching.batch_send(plant_id=backlog[0].plant_id) == 0
    first = Delivery.objects.filter(recipient="plant").order_by("id")[:4]
    assert all(d.status == "pending" and d.attempts == 1 for d in first)
    assert Delivery.objects.filter(recipient="plant", attempts=0).count() == 6, "the batch after a failure is not sent"
    plant_server.fail_rate = 0.0
    Delivery.objects.update(next_attempt_at=backlog[0].created_at)
    assert batching.batch_send(plant_id=backlog[0].plant_id) == 10
    assert sorted(x["number"] for x in plant_server.lines()) == [f"B{m:02d}" for m in range(1, 11)]


def test_one_batch_in_flight_per_plant(backlog):
    assert batching._lock(backlog[0].plant_id)
    assert batching.batch_send(plant_id=backlog[0].plant_id) is None
    batching._unlock(backlog[0].plant_id)


def test_batch_tasks_are_one_per_batch_size(backlog):
    members = batching.batch_plants([d.pk for d in backlog])
    assert len(members) == 10 and len(batching.batch_tasks(members)) == 3


def test_a_paused_batching_plant_holds_its_deliveries_until_resumed(backlog, plant_server):
    plant = Plant.objects.get(pk=backlog[0].plant_id)
    services.plant_pause(plant=plant)
    assert batching.batch_send(plant_id=plant.pk) == 0
    assert set(Delivery.objects.filter(recipient="plant").values_list("status", flat=True)) == {"held"}
    assert services.plant_resume(plant=plant) == 10
    assert batching.batch_send(plant_id=plant.pk) == 10
