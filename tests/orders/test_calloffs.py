"""Call-off versions, changes per part and date, cumulative quantities, and acknowledging once through dispatch."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Delivery
from orders.calloff_acknowledge import NotCurrent, call_off_acknowledge
from orders.calloffs import call_off_changes, call_off_grid, call_off_previous, call_off_versions, cumulative_shipped, unit_label
from orders.models import DeliverySchedule
from tests.calloff_versions import two_versions
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(world, receive_and_process):
    return two_versions(receive_and_process, world["users"]["admin"])


def test_versions_chain_newest_first_and_previous_is_the_named_one(versions):
    old, new = versions
    assert [v.number for v in call_off_versions(schedule=new)] == ["NEW", "OLD"]
    assert [v.number for v in call_off_versions(schedule=old)] == ["NEW", "OLD"]
    assert call_off_previous(schedule=new) == old
    assert call_off_previous(schedule=old) is None


def test_versions_stay_within_supplier_plant_and_parts(world, receive_and_process, versions):
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "OTHERPLANT", plant="PLANT02", parts=(("P1", (("1", "1", "20261130"),)),))], ref="R3"), admin)
    receive_and_process(delfor([message("1", "OTHERPART", parts=(("P9", (("1", "1", "20261130"),)),))], ref="R4"), admin)
    assert {v.number for v in call_off_versions(schedule=versions[1])} == {"NEW", "OLD"}


def test_changes_per_part_and_date_up_new_dropped(versions):
    old, new = versions
    changes = {(c.part, c.key): (c.kind, c.previous, c.current) for c in call_off_changes(current=new, previous=old)}
    assert changes == {
        ("P1", "2026-11-30"): ("up", Decimal(100), Decimal(150)),
        ("P1", "2026-12-14"): ("new", None, Decimal(80)),
        ("P2", "2026-11-30"): ("dropped", Decimal(50), None),
        ("P2", "2026-12-01"): ("new", None, Decimal(60)),
    }
    backwards = {(c.part, c.key): c.kind for c in call_off_changes(current=old, previous=new)}
    assert backwards[("P1", "2026-11-30")] == "down" and backwards[("P1", "2026-12-14")] == "dropped"


def test_grid_marks_commitments_changes_and_firm_horizon(versions):
    old, new = versions
    grid = call_off_grid(schedule=new)
    assert grid.previous == old
    assert [c.key for c in grid.columns] == ["2026-11-30", "2026-12-01", "2026-12-07", "2026-12-14"]
    p1, p2 = grid.rows
    assert [(c.quantity, c.commitment, c.change) for c in p1.cells] == [
        (Decimal(150), "firm", "up"), (None, "", ""), (Decimal(250), "forecast", ""), (Decimal(80), "forecast", "new"),
    ]
    assert [c.change for c in p2.cells] == ["dropped", "new", "", ""]
    assert p1.firm_until == dt.date(2026, 11, 30) and p2.firm_until == dt.date(2026, 12, 1)
    assert p1.unit == "pcs" and unit_label("KGM") == "kg" and unit_label("XYZ") == "XYZ"


def test_cumulative_shipped_counts_the_suppliers_asns_of_the_year_until_the_date(world, receive_and_process, versions):
    supplier = world["users"]["supplier"]
    receive_and_process(edifact([asn("ASN1", part="P1", quantity="120")], ref="S1"), supplier)
    receive_and_process(edifact([asn("ASN2", part="P1", quantity="30"), asn("ASN3", part="P2", quantity="7")], ref="S2"), supplier)
    new = versions[1]
    shipped = cumulative_shipped(supplier_id=new.supplier_id, plant_id=new.plant_id, until={"P1": dt.date(2026, 11, 30), "P2": dt.date(2026, 11, 1), "P3": None})
    assert shipped == {"P1": Decimal(150)}  # P2 shipped after its date; nothing of P3
    row = call_off_grid(schedule=new).rows[0]
    assert row.cumulative_received == Decimal(5000)
    assert row.cumulative_difference == row.cumulative_shipped - Decimal(5000)


def test_grid_queries_do_not_grow_with_the_number_of_parts(world, receive_and_process):
    admin = world["users"]["admin"]

    def queries(n: int, prefix: str) -> int:
        parts = tuple((f"{prefix}{i}", (("10", "1", "20261130"), ("20", "4", "20261207"))) for i in range(n))
        receive_and_process(delfor([message("1", f"{prefix}A", parts=parts, issued="20261120")], ref=f"{prefix}1"), admin)
        more = tuple((f"{prefix}{i}", (("11", "1", "20261130"),)) for i in range(n))
        receive_and_process(delfor([message("1", f"{prefix}B", parts=more, issued="20261121")], ref=f"{prefix}2"), admin)
        schedule = DeliverySchedule.objects.get(number=f"{prefix}B")
        with CaptureQueriesContext(connection) as ctx:
            grid = call_off_grid(schedule=schedule)
            assert len(grid.rows) == n and all(row.changed for row in grid.rows)
        return len(ctx.captured_queries)

    assert queries(2, "S") == queries(60, "L")


def test_acknowledge_sends_one_acknowledgement_to_the_plant_once(versions, django_capture_on_commit_callbacks):
    new = versions[1]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = call_off_acknowledge(schedule=new)
    assert first.created and len(callbacks) == 1
    second = call_off_acknowledge(schedule=new)
    assert not second.created and second.delivery == first.delivery
    sent = Delivery.objects.filter(document_type="acknowledgement", document_id=new.pk)
    assert sent.count() == 1
    delivery = sent.get()
    assert delivery.recipient == "plant" and delivery.plant.code == "PLANT01" and delivery.status == "pending"
    # behind the call-off's own plant delivery, so the plant never gets the answer first
    assert delivery.sequence_key == Delivery.objects.get(document_id=new.pk, recipient="plant", document_type="delivery_schedule").sequence_key
    body = json.loads(delivery.payload)
    assert body["type"] == "acknowledgement" and body["status"] == "accepted"
    assert body["acknowledges"]["number"] == "NEW" and body["sender"]["id"] == "SUP00001"
    new.refresh_from_db()
    assert new.acknowledged_at is not None and new.acknowledged_at == second.schedule.acknowledged_at


def test_a_superseded_call_off_cannot_be_acknowledged(versions):
    old = versions[0]
    with pytest.raises(NotCurrent, match="superseded"):
        call_off_acknowledge(schedule=old)
    assert not Delivery.objects.filter(document_type="acknowledgement").exists()


def test_plant_grid_gathers_the_current_line_of_each_part_from_its_own_call_off(world, receive_and_process):
    """VDA 4905 style: one call-off per part; the plant grid puts them side by side, each against the line it replaced."""
    from orders.calloffs import plant_grid

    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "A1", parts=(("PA", (("10", "1", "20261130"),)),), issued="20261120")], ref="V1"), admin)
    receive_and_process(delfor([message("1", "B1", parts=(("PB", (("5", "4", "20261207"),)),), issued="20261120")], ref="V2"), admin)
    receive_and_process(delfor([message("1", "A2", parts=(("PA", (("12", "1", "20261130"),)),), issued="20261122")], ref="V3"), admin)
    a2 = DeliverySchedule.objects.get(number="A2")
    grid = plant_grid(supplier=a2.supplier, plant=a2.plant)
    assert [(row.line.buyer_part, row.line.schedule.number) for row in grid.rows] == [("PA", "A2"), ("PB", "B1")]
    assert [c.key for c in grid.columns] == ["2026-11-30", "2026-12-07"]
    pa, pb = grid.rows
    assert (pa.cells[0].quantity, pa.cells[0].change, pa.cells[0].previous) == (Decimal(12), "up", Decimal(10))
    assert (pb.cells[1].quantity, pb.cells[1].change) == (Decimal(5), "new")  # B1 replaced nothing


def test_the_acknowledgement_reaches_the_plant_after_the_call_off(world, receive_and_process, plant_server, settings):
    """Through the real dispatch path to a real HTTP receiver: never before the call-off it answers."""
    from hub.dispatch import services
    from hub.models import Plant

    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/x")
    new = two_versions(receive_and_process, world["users"]["admin"])[1]
    call_off = Delivery.objects.get(document_id=new.pk, recipient="plant", document_type="delivery_schedule")
    ack = call_off_acknowledge(schedule=new).delivery
    services.delivery_send(delivery_id=ack.pk, follow=0)
    assert Delivery.objects.get(pk=ack.pk).status != Delivery.Status.DELIVERED  # waits for the call-off
    assert services.delivery_send(delivery_id=call_off.pk) == Delivery.Status.DELIVERED
    if Delivery.objects.get(pk=ack.pk).status != Delivery.Status.DELIVERED:  # not followed in this process: send it now
        assert services.delivery_send(delivery_id=ack.pk) == Delivery.Status.DELIVERED
    assert [line["number"] for line in plant_server.lines()] == ["NEW", "ACK-NEW"]


@pytest.mark.django_db(transaction=True)
def test_two_acknowledgements_racing_send_one(world, receive_and_process):
    """Two requests at once (a double click, a retried API call) on real PostgreSQL: the row lock lets one send."""
    import threading

    from django.db import connections

    new = two_versions(receive_and_process, world["users"]["admin"])[1]
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def acknowledge() -> None:
        try:
            barrier.wait(timeout=60)
            results.append(call_off_acknowledge(schedule=new).created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=acknowledge) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [False, False, False, True]
    assert Delivery.objects.filter(document_type="acknowledgement", document_id=new.pk).count() == 1


def test_pdf_of_a_wide_grid_with_unusual_text_is_built(world, receive_and_process):
    from orders.calloff_exports import grid_csv, grid_pdf

    parts = (("=HYPERLINK(1)", tuple((str(d), "1", f"202612{d + 1:02d}") for d in range(30))), ("Teil-Üß", (("1", "4", "20261201"),)))
    receive_and_process(delfor([message("1", "WIDE", parts=parts)], ref="W1"), world["users"]["admin"])
    grid = call_off_grid(schedule=DeliverySchedule.objects.get(number="WIDE"))
    assert len(grid.columns) == 30
    assert grid_pdf(grid).startswith(b"%PDF")
    assert b"'=HYPERLINK(1)" in grid_csv(grid)  # never a formula in a spreadsheet


def test_a_plant_whose_format_has_no_acknowledgement_gets_canonical_json(world, receive_and_process, plant_server, settings):
    from hub.dispatch import services
    from hub.models import Plant

    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/x", outbound_format="vda")
    new = two_versions(receive_and_process, world["users"]["admin"])[1]
    Delivery.objects.filter(document_id=new.pk, document_type="delivery_schedule").update(status=Delivery.Status.DELIVERED)
    ack = call_off_acknowledge(schedule=new).delivery
    assert ack.content_type == "application/json" and json.loads(bytes(ack.rendered))["acknowledges"]["number"] == "NEW"
    assert services.delivery_send(delivery_id=ack.pk) == Delivery.Status.DELIVERED
    assert [line["number"] for line in plant_server.lines()] == ["ACK-NEW"]
    Plant.objects.update(outbound_format="edifact")
    other = call_off_acknowledge(schedule=new)  # already acknowledged: nothing new
    assert not other.created
