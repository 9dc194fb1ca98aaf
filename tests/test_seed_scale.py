"""``manage.py seed_scale`` fills a PostgreSQL database with consistent group-size data."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule, DespatchLine, ScheduleLine, ScheduleQuantity
from suppliers.models import Supplier


@pytest.mark.django_db(transaction=True)
def test_seed_scale_writes_the_asked_volumes_and_every_document_names_a_plant_its_supplier_serves():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError):
            call_command("seed_scale", stdout=io.StringIO(), stderr=io.StringIO())
        return
    out = io.StringIO()
    call_command(
        "seed_scale", suppliers=320, plants=15, schedule_lines=400, interchanges=60, big_supplier_parts=0, stdout=out, stderr=io.StringIO()
    )
    assert Plant.objects.count() == 15 and Supplier.objects.count() == 320
    assert ScheduleLine.objects.count() == 400 and DeliverySchedule.objects.count() == 40
    assert ScheduleQuantity.objects.filter(commitment="firm").count() == 800
    assert Interchange.objects.count() == 60 and Interchange.objects.filter(status="failed").exists()
    assert set(Delivery.objects.values_list("status", flat=True)) >= {"delivered", "pending"}
    served = set(Supplier.plants.through.objects.values_list("supplier_id", "plant_id"))
    assert all((s, p) in served for s, p in DeliverySchedule.objects.values_list("supplier_id", "plant_id"))
    assert all(DeliverySchedule.objects.filter(status=s).exists() for s in ("current", "superseded"))
    assert "schedule_lines 400" in out.getvalue()
    _kept_copies_agree()


@pytest.mark.django_db(transaction=True)
def test_the_big_supplier_has_its_parts_at_its_plants_in_weekly_versions_with_asns_files_and_inbox():
    if connection.vendor != "postgresql":
        return  # COPY
    from hub.groupdata import master_data_extend
    from hub.groupdata_big import BIG_LOGIN, BIG_SUPPLIER, big_supplier_seed
    from orders.calloffs import call_off_previous, call_off_versions
    from orders.models import DespatchAdvice
    from suppliers.models import User

    master_data_extend(suppliers=0, plants=3)
    counts = big_supplier_seed(parts=12, weeks=3, plants=3)
    assert big_supplier_seed(parts=12, weeks=3, plants=3) == {}  # idempotent
    supplier = Supplier.objects.get(number=BIG_SUPPLIER)
    assert counts["call_offs"] == 9 and counts["schedule_lines"] == 9 * 4 and counts["schedule_quantities"] == 9 * 4 * 6
    current = DeliverySchedule.objects.filter(supplier=supplier, status="current")
    assert current.count() == 3 and {c.plant_id for c in current} == set(supplier.plants.values_list("pk", flat=True))
    newest = current.order_by("plant__code").first()
    versions = list(call_off_versions(schedule=newest))
    assert len(versions) == 3 and versions[0] == newest and call_off_previous(schedule=newest) == versions[1]
    assert not ScheduleLine.objects.filter(schedule=newest, superseded_by__isnull=False).exists()
    assert ScheduleLine.objects.filter(schedule=versions[1], superseded_by=newest).count() == 4
    assert DespatchAdvice.objects.filter(supplier=supplier).exists() and Interchange.objects.filter(sender_supplier=supplier, status="failed").count() == 3
    admin = User.objects.get(username=BIG_LOGIN)
    assert admin.supplier == supplier and Delivery.objects.filter(supplier=supplier, recipient="supplier", connector="portal", status="delivered").count() == 9
    _kept_copies_agree()


def _kept_copies_agree() -> None:
    """The overview's kept copies on quantities and ASN lines agree with what they repeat (orders.models)."""
    quantities = ScheduleQuantity.objects.all()
    assert not quantities.exclude(
        plant=F("line__schedule__plant"), supplier=F("line__schedule__supplier"), buyer_part=F("line__buyer_part")
    ).exists()
    in_force = Q(line__superseded_by__isnull=True, line__schedule__status="current")
    assert quantities.filter(open=True).count() == quantities.filter(in_force).count() > 0
    assert not quantities.filter(open=True).exclude(in_force).exists()
    lines = DespatchLine.objects.all()
    assert lines.exists() and not lines.exclude(plant=F("despatch_advice__plant"), supplier=F("despatch_advice__supplier")).exists()
    assert not lines.exclude(arrives=Coalesce("despatch_advice__arrival_date", "despatch_advice__ship_date")).exists()
