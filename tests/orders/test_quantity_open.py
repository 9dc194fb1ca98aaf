"""Each quantity keeps its call-off's plant, supplier and part, and ``open`` follows supersede; ASN lines keep their ASN's.

The live overview counts ``open`` firm quantities per plant (hub.overview); these tests hold
the kept columns against the truth they repeat (the line's ``superseded_by`` and its
call-off's status, plant and supplier) through the ways call-offs come and go.
"""

from __future__ import annotations

import pytest

from hub.ingest.pipeline import interchange_process
from hub.ingest.receive import interchange_reprocess
from orders.models import DeliverySchedule, DespatchLine, ScheduleQuantity
from tests.delfor_builder import delfor, message
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

P1 = ("P1", (("10", "1", "20261130"), ("20", "4", "20261207")))
P2 = ("P2", (("30", "1", "20261130"),))


def open_parts(number: str) -> dict[str, bool]:
    """Buyer part -> whether its quantities are open, for call-off ``number`` (one answer per part)."""
    found: dict[str, set[bool]] = {}
    for part, is_open in ScheduleQuantity.objects.filter(line__schedule__number=number).values_list("buyer_part", "open"):
        found.setdefault(part, set()).add(is_open)
    assert all(len(v) == 1 for v in found.values()), found
    return {part: v.pop() for part, v in found.items()}


def assert_kept_columns_agree() -> None:
    """Every kept copy equals what it repeats; ``open`` means line in force on a current call-off."""
    for q in ScheduleQuantity.objects.select_related("line__schedule"):
        schedule = q.line.schedule
        assert (q.plant_id, q.supplier_id, q.buyer_part) == (schedule.plant_id, schedule.supplier_id, q.line.buyer_part)
        assert q.open == (q.line.superseded_by_id is None and schedule.status == DeliverySchedule.Status.CURRENT), q
    for line in DespatchLine.objects.select_related("despatch_advice"):
        advice = line.despatch_advice
        assert (line.plant_id, line.supplier_id, line.arrives) == (
            advice.plant_id,
            advice.supplier_id,
            advice.arrival_date or advice.ship_date,
        )


def test_a_stored_call_off_keeps_its_plant_supplier_and_part_on_each_quantity(world, receive_and_process):
    receive_and_process(
        delfor([message("1", "A", parts=(P1, P2)), message("2", "B", plant="PLANT02", parts=(P1,))], ref="R1"), world["users"]["admin"]
    )
    a = ScheduleQuantity.objects.filter(line__schedule__number="A")
    assert a.count() == 3 and {q.plant.code for q in a} == {"PLANT01"} and {q.supplier.number for q in a} == {"SUP00001"}
    assert open_parts("A") == {"P1": True, "P2": True} and open_parts("B") == {"P1": True}
    assert {q.plant.code for q in ScheduleQuantity.objects.filter(line__schedule__number="B")} == {"PLANT02"}
    assert_kept_columns_agree()


def test_a_new_version_closes_the_old_quantities_of_the_parts_it_covers_only(world, receive_and_process):
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "V1", issued="20261120", parts=(P1, P2))], ref="R1"), admin)
    receive_and_process(delfor([message("1", "V2", issued="20261124", parts=(P1,))], ref="R2"), admin)
    assert open_parts("V1") == {"P1": False, "P2": True} and open_parts("V2") == {"P1": True}
    receive_and_process(delfor([message("1", "V3", issued="20261126", parts=(P1, P2))], ref="R3"), admin)
    assert DeliverySchedule.objects.get(number="V1").status == DeliverySchedule.Status.SUPERSEDED
    assert open_parts("V1") == {"P1": False, "P2": False} and open_parts("V2") == {"P1": False}
    assert open_parts("V3") == {"P1": True, "P2": True}
    assert_kept_columns_agree()


def test_an_older_version_arriving_late_is_stored_closed(world, receive_and_process):
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "NEW", issued="20261124", parts=(P1,))], ref="R1"), admin)
    receive_and_process(delfor([message("1", "LATE", issued="20261101", parts=(P1,))], ref="R2"), admin)
    assert open_parts("LATE") == {"P1": False} and open_parts("NEW") == {"P1": True}
    assert_kept_columns_agree()


def test_two_versions_in_one_file_leave_only_the_later_open(world, receive_and_process):
    receive_and_process(
        delfor([message("1", "FIRST", issued="20261124", parts=(P1,)), message("2", "SECOND", issued="20261124", parts=(P1,))], ref="R1"),
        world["users"]["admin"],
    )
    assert open_parts("FIRST") == {"P1": False} and open_parts("SECOND") == {"P1": True}
    assert_kept_columns_agree()


def test_a_refused_call_off_stores_no_quantity_and_once_reprocessed_after_the_fix_closes_the_older(world, receive_and_process):
    admin = world["users"]["admin"]
    # SUP00009 is not known to the hub yet: the newer call-off is refused at routing and dropped.
    refused = receive_and_process(delfor([message("1", "NEWER", supplier="SUP00009", issued="20261124", parts=(P1,))], ref="R1"), admin)
    assert refused.status == "failed" and not ScheduleQuantity.objects.filter(line__schedule__number="NEWER").exists()
    SupplierFactory(number="SUP00009").plants.set([world["plants"][0]])
    receive_and_process(delfor([message("1", "OLDER", supplier="SUP00009", issued="20261120", parts=(P1,))], ref="R2"), admin)
    assert open_parts("OLDER") == {"P1": True}
    interchange_reprocess(interchange=refused)
    interchange_process(interchange_id=refused.pk)
    refused.refresh_from_db()
    assert refused.status == "processed", refused.errors
    assert open_parts("NEWER") == {"P1": True} and open_parts("OLDER") == {"P1": False}
    assert DeliverySchedule.objects.get(number="OLDER").status == DeliverySchedule.Status.SUPERSEDED
    assert_kept_columns_agree()


def test_a_resent_file_is_a_duplicate_and_changes_no_quantity(world, receive_and_process):
    admin = world["users"]["admin"]
    data = delfor([message("1", "ONCE", parts=(P1,))], ref="R1")
    receive_and_process(data, admin)
    again = receive_and_process(data, admin)
    assert again.status == "duplicate"
    assert ScheduleQuantity.objects.filter(line__schedule__number="ONCE").count() == 2 and open_parts("ONCE") == {"P1": True}
    assert_kept_columns_agree()


def test_an_asn_line_keeps_its_asns_supplier_plant_and_arrival_or_ship_date(world, receive_and_process):
    from tests.documents import asn, edifact

    arriving = asn("ASN-A", plant="PLANT01", part="P1", quantity="10")
    arriving.arrival_date, arriving.ship_date = "2026-12-03", "2026-12-01"
    shipped_only = asn("ASN-S", plant="PLANT02", part="P1", quantity="10")
    shipped_only.arrival_date, shipped_only.ship_date = "", "2026-12-02"
    done = receive_and_process(edifact([arriving, shipped_only], sender="SUP00001", ref="S1"), world["users"]["supplier"])
    assert done.status == "processed", done.errors
    kept = {line.despatch_advice.number: (line.plant.code, line.supplier.number, str(line.arrives)) for line in DespatchLine.objects.all()}
    assert kept == {"ASN-A": ("PLANT01", "SUP00001", "2026-12-03"), "ASN-S": ("PLANT02", "SUP00001", "2026-12-02")}
    assert_kept_columns_agree()
