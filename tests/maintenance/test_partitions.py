"""Monthly partitions of interchanges, deliveries and attempts (PostgreSQL): created by the migration, kept ahead, rows where they belong."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hub import partitions
from hub.models import Delivery, DeliveryAttempt, Interchange

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
BEFORE = ("hub", "0015_retention_days_and_loose_foreign_keys")


def interchange(received_at: dt.datetime, data: bytes = b"UNA:+.? 'UNB+UNOC:3+X:ZZ+Y:ZZ+261124:0930+1'UNZ+0+1'") -> Interchange:
    import hashlib

    return Interchange.objects.create(
        received_at=received_at,
        channel="api",
        raw=ContentFile(data, name="raw.bin"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_the_three_tables_are_partitioned_by_month_with_a_default(db):
    month = partitions.month_start(timezone.now())
    for table in partitions.PARTITIONED:
        names = [p.name for p in partitions.partitions(table)]
        assert partitions.partition_name(table, month) in names
        assert partitions.partition_name(table, partitions.month_add(month, 3)) in names
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s AND relispartition", [f"{table}_default"])
            assert cursor.fetchone()


def test_an_interchange_of_an_old_month_waits_in_default_then_moves_to_its_own_partition(db):
    old = timezone.now() - dt.timedelta(days=800)
    row = interchange(old)
    assert partitions.partition_of("hub_interchange", row.pk) == "hub_interchange_default"

    created = partitions.partitions_ensure(months_ahead=3)

    name = partitions.partition_name("hub_interchange", partitions.month_start(old))
    assert name in created
    assert partitions.partition_of("hub_interchange", row.pk) == name
    assert Interchange.objects.get(pk=row.pk).received_at == row.received_at
    assert partitions.partitions_ensure(months_ahead=3) == []  # idempotent


def test_a_new_interchange_lands_in_this_months_partition(db):
    row = interchange(timezone.now())
    assert partitions.partition_of("hub_interchange", row.pk) == partitions.partition_name(
        "hub_interchange", partitions.month_start(timezone.now())
    )


def test_an_idempotency_key_stays_unique_across_months(db):
    first = Delivery.objects.create(document_type="delivery_schedule", document_id=uuid.uuid4(), payload="{}", sequence_key="a")
    second = Delivery.objects.create(document_type="delivery_schedule", document_id=uuid.uuid4(), payload="{}", sequence_key="b")
    Delivery.objects.filter(pk=second.pk).update(created_at=timezone.now() - dt.timedelta(days=70))  # another partition
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.filter(pk=second.pk).update(idempotency_key=first.idempotency_key)
    with pytest.raises(IntegrityError), transaction.atomic():
        third = Delivery(
            document_type="delivery_schedule",
            document_id=uuid.uuid4(),
            payload="{}",
            sequence_key="c",
            idempotency_key=first.idempotency_key,
        )
        third.save()
    # a deleted delivery's key is released with it
    Delivery.objects.filter(pk=first.pk).delete()
    Delivery.objects.create(
        document_type="delivery_schedule", document_id=uuid.uuid4(), payload="{}", sequence_key="c", idempotency_key=first.idempotency_key
    )


def test_select_for_update_and_claims_work_on_the_partitioned_outbox(db):
    row = Delivery.objects.create(document_type="delivery_schedule", document_id=uuid.uuid4(), payload="{}", sequence_key="a")
    token = uuid.uuid4()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=row.pk)
        claimed = Delivery.objects.filter(pk=locked.pk, status=Delivery.Status.PENDING, claim_token=None).update(
            status=Delivery.Status.SENDING, claim_token=token
        )
    assert claimed == 1
    assert Delivery.objects.filter(pk=row.pk, claim_token=token).update(status=Delivery.Status.DELIVERED) == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_partitions_a_database_that_already_has_rows():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'hub_interchange'::regclass")
            assert cursor.fetchone() is None  # a plain table again
        old = timezone.now() - dt.timedelta(days=400)
        kept = interchange(old)
        delivery = Delivery.objects.create(
            document_type="delivery_schedule", document_id=uuid.uuid4(), payload="{}", sequence_key="a", interchange=kept
        )
        Delivery.objects.filter(pk=delivery.pk).update(created_at=old)
        attempt = DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=old, outcome="retry")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert partitions.enabled()
    assert Interchange.objects.get(pk=kept.pk).sha256 == kept.sha256
    month = partitions.month_start(old)
    assert partitions.partition_of("hub_interchange", kept.pk) == partitions.partition_name("hub_interchange", month)
    assert partitions.partition_of("hub_delivery", delivery.pk) == partitions.partition_name("hub_delivery", month)
    assert partitions.partition_of("hub_deliveryattempt", attempt.pk) == partitions.partition_name("hub_deliveryattempt", month)
    assert Delivery.objects.get(pk=delivery.pk).interchange_id == kept.pk
    newer = Delivery.objects.create(document_type="delivery_schedule", document_id=uuid.uuid4(), payload="{}", sequence_key="a")
    assert newer.pk > delivery.pk  # the id sequence carried on
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            document_type="x", document_id=uuid.uuid4(), payload="{}", sequence_key="a", idempotency_key=delivery.idempotency_key
        )
