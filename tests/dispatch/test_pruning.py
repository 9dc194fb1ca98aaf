"""Dispatch on the monthly partitions: a claim and every write by id read only the delivery's month (PostgreSQL).

The tasks carry each delivery's ``created_at`` beside its id; the plans below are what
PostgreSQL makes of the very statements dispatch sent, so a statement that lost its
``created_at`` shows up here as a scan of every month. Messages queued before the change
(ids alone) must still deliver.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub import partitions
from hub.dispatch import services, tasks
from hub.dispatch.fanout import fanout_send
from hub.models import Delivery, Plant
from tests.delfor_builder import delfor, message
from tests.plans import partitions_in_plan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]
PARTITION = re.compile(r"^hub_delivery_(p\d{4}_\d{2}|default)$")
BY_ID = re.compile(r'"hub_delivery"\."id" (=|IN)')


@pytest.fixture
def months(db):
    """Delivered rows in the three months before this one, each month in its own partition."""
    now = timezone.now()
    for back in (1, 2, 3):
        at = partitions.month_add(partitions.month_start(now), -back) + dt.timedelta(days=3)
        old = Delivery.objects.create(
            document_type="delivery_schedule",
            document_id=uuid.uuid4(),
            payload="{}",
            sequence_key=f"old{back}",
            status=Delivery.Status.DELIVERED,
        )
        Delivery.objects.filter(pk=old.pk).update(created_at=at)
    partitions.partitions_ensure(months_ahead=3)
    return len(partitions.partitions("hub_delivery")) + 1  # and DEFAULT


@pytest.fixture
def pending(world, receive_and_process, plant_server, settings, months):
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/x", max_in_flight=10)
    receive_and_process(delfor([message("1", "CO1"), message("2", "CO2", plant="PLANT02")]), world["users"]["admin"])
    return list(Delivery.objects.filter(recipient="plant", status=Delivery.Status.PENDING).order_by("id"))


def delivery_partitions(sql: str) -> set[str]:
    """The partitions of hub_delivery the plan of ``sql`` reads or writes, leaving out its subqueries (other deliveries)."""
    return partitions_in_plan(sql, PARTITION, subqueries=False)


def by_id_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if BY_ID.search(q["sql"])]


def month_of(delivery: Delivery) -> str:
    return partitions.partition_name("hub_delivery", partitions.month_start(delivery.created_at))


def test_the_claim_with_created_at_reads_and_writes_only_the_deliverys_month(pending, months):
    first, second = pending[0], pending[1]
    assert months >= 7
    with CaptureQueriesContext(connection) as queries:
        assert services._claim(first.pk, first.created_at) is not None
    statements = by_id_statements(queries)
    assert [s.split()[0] for s in statements] == ["UPDATE", "SELECT"]
    assert all(delivery_partitions(sql) == {month_of(first)} for sql in statements)

    # The old shape, the id alone: the same statements are planned over every month.
    with CaptureQueriesContext(connection) as queries:
        assert services._claim(second.pk) is not None
    statements = by_id_statements(queries)
    assert [s.split()[0] for s in statements] == ["UPDATE", "SELECT"]
    assert all(len(delivery_partitions(sql)) == months for sql in statements)


def test_every_statement_by_id_on_the_send_path_is_pruned(pending, plant_server):
    first = pending[0]
    with CaptureQueriesContext(connection) as queries:
        assert services.delivery_send(delivery_id=first.pk, created_at=first.created_at) == Delivery.Status.DELIVERED
    statements = by_id_statements(queries)
    assert len(statements) >= 3  # claim, its SELECT, the outcome under the claim token
    assert all(delivery_partitions(sql) == {month_of(first)} for sql in statements), statements
    first.refresh_from_db()
    assert first.attempts == 1 and first.claim_token is None and first.attempt_log.get().outcome == "delivered"


def test_fanout_with_created_at_claims_and_records_within_the_months(pending, plant_server):
    ids, stamps = [d.pk for d in pending], [d.created_at for d in pending]
    with CaptureQueriesContext(connection) as queries:
        assert fanout_send(delivery_ids=ids, created_at=stamps) == len(ids)
    statements = by_id_statements(queries)
    assert statements
    assert all(delivery_partitions(sql) == {month_of(pending[0])} for sql in statements), statements


def test_a_batching_plant_claims_and_records_its_batch_within_the_months(pending, plant_server):
    from hub.dispatch.batching import batch_send

    plant = pending[0].plant
    Plant.objects.filter(pk=plant.pk).update(batch_size=50)
    mine = [d for d in pending if d.plant_id == plant.pk]
    with CaptureQueriesContext(connection) as queries:
        assert batch_send(plant_id=plant.pk) == len(mine)
    statements = by_id_statements(queries)
    assert [s.split()[0] for s in statements].count("UPDATE") >= 2  # the claim and the outcome
    assert all(delivery_partitions(sql) == {month_of(mine[0])} for sql in statements), statements
    assert set(Delivery.objects.filter(pk__in=[d.pk for d in mine]).values_list("status", flat=True)) == {Delivery.Status.DELIVERED}


def test_enqueue_puts_created_at_in_the_task_and_the_worker_delivers_it(pending, plant_server):
    first = pending[0]
    with mock.patch.object(tasks.deliver, "apply_async") as sent:
        services._enqueue([(first.pk, "", first.created_at)])
    (args,), _ = sent.call_args
    args = json.loads(json.dumps(args))  # what the broker carries
    assert args == [first.pk, first.created_at.isoformat()]
    assert tasks.deliver.apply(args=args).get() == Delivery.Status.DELIVERED


def test_enqueue_of_many_puts_their_created_at_beside_the_ids(pending):
    with mock.patch.object(tasks.deliver_fanout, "apply_async") as sent:
        services._enqueue([(d.pk, "", d.created_at) for d in pending])
    (args,), _ = sent.call_args
    assert list(args) == [[d.pk for d in pending], [d.created_at.isoformat() for d in pending]]


def test_enqueue_without_created_at_sends_the_old_shape(pending):
    with mock.patch.object(tasks.deliver, "apply_async") as sent:
        services._enqueue([(pending[0].pk, "")])
    (args,), _ = sent.call_args
    assert list(args) == [pending[0].pk]


def test_old_task_messages_with_ids_alone_still_deliver(pending, plant_server):
    """Messages queued before the deploy carry a bare id or a list of ids."""
    first, second = pending[0], pending[1]
    assert tasks.deliver.apply(args=(first.pk,)).get() == Delivery.Status.DELIVERED
    assert tasks.deliver_fanout.apply(args=([second.pk],)).get() == 1
    assert sorted(x["number"] for x in plant_server.lines()) == ["CO1", "CO2"]
    assert Delivery.objects.filter(pk__in=[first.pk, second.pk], status=Delivery.Status.DELIVERED).count() == 2


def test_old_inbox_messages_with_ids_alone_still_deliver(world, receive_and_process, months):
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    copies = list(Delivery.objects.filter(recipient="supplier", connector="portal"))
    assert copies
    assert tasks.deliver_many.apply(args=([d.pk for d in copies],)).get() == len(copies)


def test_inbox_with_created_at_delivers_within_the_month(world, receive_and_process, months):
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    copies = list(Delivery.objects.filter(recipient="supplier", connector="portal"))
    args = json.loads(json.dumps([[d.pk for d in copies], [d.created_at.isoformat() for d in copies]]))
    with CaptureQueriesContext(connection) as queries:
        assert tasks.deliver_many.apply(args=args).get() == len(copies)
    statements = by_id_statements(queries)
    assert statements and all(delivery_partitions(sql) == {month_of(copies[0])} for sql in statements), statements


def test_a_created_at_that_is_not_the_deliverys_claims_nothing(pending, plant_server):
    """The key must match the row: a wrong one finds no row, never another delivery (ids are unique)."""
    first = pending[0]
    wrong = first.created_at - dt.timedelta(days=40)
    assert services.delivery_send(delivery_id=first.pk, created_at=wrong) == "skipped"
    assert Delivery.objects.get(pk=first.pk).status == Delivery.Status.PENDING


def test_new_deliveries_are_queued_with_the_created_at_they_were_stored_with(
    world, receive_and_process, months, django_capture_on_commit_callbacks
):
    """A stamp that differed from the row by a microsecond would make the worker find nothing: compare with what was stored."""
    from orders.models import DeliverySchedule

    receive_and_process(delfor([message("1", "CO1"), message("2", "CO2", plant="PLANT02")]), world["users"]["admin"])
    documents = list(DeliverySchedule.objects.select_related("plant"))
    sent: dict[int, str] = {}
    with (
        mock.patch.object(tasks.deliver, "apply_async") as one,
        mock.patch.object(tasks.deliver_fanout, "apply_async") as many,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.outbox_add(documents=documents, recipients=("plant",))
        services.outbox_add(documents=documents[:1], recipients=("plant",))
    for call in many.call_args_list:
        ids, stamps = call.args[0]
        sent.update(zip(ids, stamps, strict=True))
    for call in one.call_args_list:
        pk, stamp = call.args[0]
        sent[pk] = stamp
    assert len(sent) == len(documents) + 1
    stored = {pk: at.isoformat() for pk, at in Delivery.objects.filter(pk__in=sent).values_list("pk", "created_at")}
    assert sent == stored


def test_the_sweep_queues_stale_deliveries_with_their_created_at(pending, settings):
    settings.HUB_SWEEP_STALE_SECONDS = 0
    stale = Delivery.objects.filter(status=Delivery.Status.PENDING)
    stale.update(enqueued_at=timezone.now() - dt.timedelta(minutes=5))
    with (
        mock.patch.object(tasks.deliver_fanout, "apply_async") as many,
        mock.patch.object(tasks.deliver_many, "apply_async") as inbox,
        mock.patch.object(services, "_queued_dispatch_messages", return_value=None),
    ):
        assert services.deliveries_sweep()["deliveries"] == stale.count() > len(pending)
    sent: dict[int, str] = {}
    for call in many.call_args_list + inbox.call_args_list:
        ids, stamps = call.args[0]
        sent.update(zip(ids, stamps, strict=True))
    assert sent == {pk: at.isoformat() for pk, at in stale.values_list("pk", "created_at")}
