"""Call-offs supersede older ones per supplier/plant/part; superseded ones are not sent."""

from __future__ import annotations

import pytest

from hub.models import Delivery
from orders.models import DeliverySchedule, ScheduleLine
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def test_newer_call_off_supersedes_the_older_and_stops_its_delivery(world, receive_and_process):
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "OLD", issued="20261120")], ref="R1"), admin)
    receive_and_process(delfor([message("1", "NEW", issued="20261124")], ref="R2"), admin)
    old, new = DeliverySchedule.objects.get(number="OLD"), DeliverySchedule.objects.get(number="NEW")
    assert old.status == DeliverySchedule.Status.SUPERSEDED and new.status == DeliverySchedule.Status.CURRENT
    assert ScheduleLine.objects.get(schedule=old).superseded_by == new
    assert Delivery.objects.get(document_number="OLD", recipient="plant").status == Delivery.Status.SUPERSEDED
    assert Delivery.objects.get(document_number="NEW", recipient="plant").status == Delivery.Status.PENDING


def test_an_older_call_off_arriving_late_is_stored_superseded(world, receive_and_process):
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "NEW", issued="20261124")], ref="R1"), admin)
    receive_and_process(delfor([message("1", "LATE", issued="20261101")], ref="R2"), admin)
    assert DeliverySchedule.objects.get(number="LATE").status == DeliverySchedule.Status.SUPERSEDED
    assert DeliverySchedule.objects.get(number="NEW").status == DeliverySchedule.Status.CURRENT
    assert not Delivery.objects.filter(document_number="LATE", status=Delivery.Status.PENDING).exists()


def test_other_parts_and_plants_are_not_superseded(world, receive_and_process):
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "A", parts=(("P1", (("1", "1", "20261130"),)),))], ref="R1"), admin)
    receive_and_process(delfor([message("1", "B", parts=(("P2", (("1", "1", "20261130"),)),))], ref="R2"), admin)
    receive_and_process(delfor([message("1", "C", plant="PLANT02", parts=(("P1", (("1", "1", "20261130"),)),))], ref="R3"), admin)
    assert set(DeliverySchedule.objects.values_list("status", flat=True)) == {"current"}
