"""Retention per partner: whole months dropped by partition when every partner is past them, the rest row by row."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hub import partitions
from hub.models import Delivery, DeliveryAttempt, Interchange, InterchangePlant
from hub.retention import retention_apply
from hub.tasks import maintain
from orders.models import DeliverySchedule, ScheduleLine
from tests.delfor_builder import delfor, message

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")


def stored(*, received_at: dt.datetime, supplier=None, plants=(), data: bytes | None = None) -> Interchange:
    data = data or uuid.uuid4().bytes
    row = Interchange.objects.create(
        received_at=received_at,
        channel="api",
        raw=ContentFile(data, name="raw.bin"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        sender_supplier=supplier,
    )
    InterchangePlant.objects.bulk_create([InterchangePlant(interchange=row, plant=p) for p in plants])
    return row


def sent(*, created_at: dt.datetime, plant=None, supplier=None, status: str = Delivery.Status.DELIVERED) -> Delivery:
    delivery = Delivery.objects.create(
        document_type="delivery_schedule",
        document_id=uuid.uuid4(),
        payload="{}",
        sequence_key=str(uuid.uuid4()),
        recipient=Delivery.Recipient.PLANT if plant else Delivery.Recipient.SUPPLIER,
        plant=plant,
        supplier=supplier,
        status=status,
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=created_at)
    DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=created_at, outcome="delivered")
    return delivery


def keys(*deliveries: Delivery) -> set[uuid.UUID]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT idempotency_key FROM hub_delivery_key WHERE idempotency_key = ANY(%s)", [[d.idempotency_key for d in deliveries]]
        )
        return {k for (k,) in cursor.fetchall()}


@postgres_only
def test_a_month_past_every_partner_is_dropped_with_its_documents_and_a_shared_raw_file_survives(world, receive_and_process):
    admin = world["users"]["admin"]
    first = receive_and_process(delfor([message("1", "CO-OLD")]), admin)
    assert first.status == "processed"
    schedule = DeliverySchedule.objects.get(interchange=first)
    deliveries = list(Delivery.objects.filter(interchange=first))
    assert deliveries
    old = timezone.now() - dt.timedelta(days=800)
    Interchange.objects.filter(pk=first.pk).update(received_at=old)
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(created_at=old, status=Delivery.Status.DELIVERED)
    for d in deliveries:
        DeliveryAttempt.objects.create(delivery=d, number=1, started_at=old, outcome="delivered")
    # the same bytes again, today: a duplicate sharing the stored file
    again = receive_and_process(delfor([message("1", "CO-OLD")]), admin)
    assert again.status == "duplicate" and again.duplicate_of_id == first.pk and again.raw.name == first.raw.name
    partitions.partitions_ensure(months_ahead=3)
    month = partitions.month_start(old)

    report = retention_apply()

    assert {partitions.partition_name(t, month) for t in partitions.PARTITIONED} <= set(report.partitions_dropped)
    assert month not in {p.start for p in partitions.partitions("hub_interchange")}
    assert not Interchange.objects.filter(pk=first.pk).exists()
    assert not DeliverySchedule.objects.filter(pk=schedule.pk).exists()
    assert not ScheduleLine.objects.filter(schedule_id=schedule.pk).exists()
    assert not Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).exists()
    assert not DeliveryAttempt.objects.filter(delivery_id__in=[d.pk for d in deliveries]).exists()
    assert keys(*deliveries) == set()
    again.refresh_from_db()
    assert again.duplicate_of_id is None
    assert again.raw.storage.exists(again.raw.name)  # still referenced by the newer interchange

    # once the newer one is past retention too (row by row: its month has no partition any more), the file goes
    Interchange.objects.filter(pk=again.pk).update(received_at=old)
    report = retention_apply()
    assert report.interchanges == 1 and report.files == 1
    assert not again.raw.storage.exists(again.raw.name)


@pytest.mark.django_db
def test_rows_of_a_partner_with_a_shorter_retention_go_row_by_row_and_the_others_stay(world):
    sup1, sup2, _ = world["suppliers"]
    plant1, plant2, plant3 = world["plants"]
    sup1.retention_days = 30
    sup1.save()
    plant3.retention_days = 30
    plant3.save()
    when = timezone.now() - dt.timedelta(days=60)
    short = stored(received_at=when, supplier=sup1)
    other = stored(received_at=when, supplier=sup2)
    shared = stored(received_at=when, supplier=sup1, plants=[plant2])  # plant2 keeps it two years
    plant_only = stored(received_at=when, plants=[plant3])
    recent = stored(received_at=timezone.now() - dt.timedelta(days=5), supplier=sup1)
    to_sup1 = sent(created_at=when, supplier=sup1)
    to_plant1 = sent(created_at=when, plant=plant1)
    open_to_sup1 = sent(created_at=when, supplier=sup1, status=Delivery.Status.PENDING)
    held_for_sup1 = sent(created_at=when, supplier=sup1, status=Delivery.Status.HELD)  # its plant paused longer than the retention

    report = retention_apply()

    assert report.partitions_dropped == []
    left = set(Interchange.objects.values_list("pk", flat=True))
    assert short.pk not in left and plant_only.pk not in left
    assert {other.pk, shared.pk, recent.pk} <= left
    assert not short.raw.storage.exists(short.raw.name)
    assert set(Delivery.objects.values_list("pk", flat=True)) == {to_plant1.pk, open_to_sup1.pk, held_for_sup1.pk}
    assert not DeliveryAttempt.objects.filter(delivery_id=to_sup1.pk).exists()
    assert (report.interchanges, report.deliveries, report.attempts) == (2, 1, 1)
    if connection.vendor == "postgresql":
        assert keys(to_sup1) == set() and keys(to_plant1) == {to_plant1.idempotency_key}


@postgres_only
@pytest.mark.parametrize("status", [Delivery.Status.PENDING, Delivery.Status.HELD, Delivery.Status.STAGED])
def test_a_month_holding_a_delivery_not_yet_ended_is_not_dropped(world, status):
    old = timezone.now() - dt.timedelta(days=800)
    stored(received_at=old, supplier=world["suppliers"][0])
    waiting = sent(created_at=old, plant=world["plants"][0], status=status)
    partitions.partitions_ensure(months_ahead=3)

    report = retention_apply()

    assert report.partitions_dropped == [] and report.months_kept == [f"{old:%Y-%m}"]
    assert Delivery.objects.filter(pk=waiting.pk).exists()
    assert not Interchange.objects.filter(received_at=old).exists()  # its interchange still goes, row by row


@postgres_only
def test_the_dry_run_says_what_would_go_and_changes_nothing(world):
    old = timezone.now() - dt.timedelta(days=800)
    kept = stored(received_at=old, supplier=world["suppliers"][0])
    sent(created_at=old, plant=world["plants"][0])
    partitions.partitions_ensure(months_ahead=3)
    out = io.StringIO()

    call_command("retention", "--dry-run", stdout=out)

    text = out.getvalue()
    assert f"would drop {partitions.partition_name('hub_deliveryattempt', partitions.month_start(old))} (1 rows)" in text
    assert "would remove: 3 partitions, 1 interchanges, 1 deliveries, 1 attempts" in text
    assert Interchange.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_the_maintenance_task_runs_once_a_day_however_many_workers_schedule_it(world):
    stored(received_at=timezone.now() - dt.timedelta(days=800), supplier=world["suppliers"][0])
    first = maintain()
    assert first["ran"] is True and first["interchanges"] == 1
    assert maintain() == {"ran": False}
