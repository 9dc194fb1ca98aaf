"""``manage.py seed_scale`` fills a PostgreSQL database with consistent group-size data."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule, ScheduleLine, ScheduleQuantity
from suppliers.models import Supplier


@pytest.mark.django_db(transaction=True)
def test_seed_scale_writes_the_asked_volumes_and_every_document_names_a_plant_its_supplier_serves():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError):
            call_command("seed_scale", stdout=io.StringIO(), stderr=io.StringIO())
        return
    out = io.StringIO()
    call_command("seed_scale", suppliers=320, plants=15, schedule_lines=400, interchanges=60, stdout=out, stderr=io.StringIO())
    assert Plant.objects.count() == 15 and Supplier.objects.count() == 320
    assert ScheduleLine.objects.count() == 400 and DeliverySchedule.objects.count() == 40
    assert ScheduleQuantity.objects.filter(commitment="firm").count() == 800
    assert Interchange.objects.count() == 60 and Interchange.objects.filter(status="failed").exists()
    assert set(Delivery.objects.values_list("status", flat=True)) >= {"delivered", "pending"}
    served = set(Supplier.plants.through.objects.values_list("supplier_id", "plant_id"))
    assert all((s, p) in served for s, p in DeliverySchedule.objects.values_list("supplier_id", "plant_id"))
    assert all(DeliverySchedule.objects.filter(status=s).exists() for s in ("current", "superseded"))
    assert "schedule_lines 400" in out.getvalue()
