"""Call-offs issued by plants: a staff form, received as the buyer's file, sent to the supplier by the pipeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hub.ingest.pipeline import interchange_process
from hub.models import Delivery, Interchange
from orders.models import DeliverySchedule, ScheduleLine
from tests.staff.scenario import seed

pytestmark = pytest.mark.django_db

URL = "/staff/call-offs/new/"


def _day(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def _form(**changes) -> dict:
    return {"supplier": "SUP00001", "plant": "PLANT01", "number": "CO-NEW", "previous_number": "CO-P1", "unloading_point": "G7",
            "rows": f"P1;{_day(3)};40;firm\nP1\t{_day(10)}\t60,5\tforecast\nP7;{_day(3)};5", **changes}  # fmt: skip


def test_a_buyer_issues_a_call_off_that_reaches_the_supplier(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    response = client.post(URL, _form())
    interchange = Interchange.objects.get(filename="call-off-CO-NEW.xml")
    assert response.status_code == 302 and response["Location"] == f"/portal/interchanges/{interchange.pk}/"
    assert interchange.uploaded_by == world["users"]["buyer"] and interchange.status == "received"
    interchange_process(interchange_id=interchange.pk)
    interchange.refresh_from_db()
    assert interchange.status == "processed", interchange.errors
    call_off = DeliverySchedule.objects.get(number="CO-NEW")
    assert (call_off.plant.code, call_off.supplier.number, call_off.previous_number) == ("PLANT01", "SUP00001", "CO-P1")
    lines = {line.buyer_part: line for line in call_off.lines.all()}
    assert sorted(lines) == ["P1", "P7"] and lines["P1"].unloading_point == "G7"
    assert sorted((str(q.quantity), q.commitment) for q in lines["P1"].quantities.all()) == [("40.000", "firm"), ("60.500", "forecast")]
    # The old call-off's P1 line is superseded and kept in history.
    old = ScheduleLine.objects.get(schedule__number="CO-P1", buyer_part="P1")
    assert old.superseded_by_id == call_off.pk
    assert Delivery.objects.filter(document_id=call_off.pk, recipient="supplier", supplier__number="SUP00001").exists()


def test_another_plant_or_supplier_is_refused_with_a_message_and_nothing_is_received(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    before = Interchange.objects.count()
    page = client.post(URL, _form(plant="PLANT02")).content.decode()
    assert "Plant PLANT02 is not one of the plants supplier SUP00001 delivers to." in page
    page = client.post(URL, _form(supplier="SUP00003")).content.decode()
    assert "Name a supplier you may send for" in page
    page = client.post(URL, _form(rows=f"P1;{_day(1)};lots\nP1;someday;4;firm\nP2")).content.decode()
    assert "Row 1: lots is not a quantity." in page and "Row 3: write part;date;quantity;commitment." in page
    page = client.post(URL, _form(rows=f"P1;someday;4;firm\nP2;{_day(1)};1;maybe")).content.decode()
    assert "someday is not a date" in page and "Commitment is one of" in page
    assert Interchange.objects.count() == before


def test_correcting_prefills_the_form_from_a_call_off_in_scope(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    mine = DeliverySchedule.objects.get(number="CO-P1")
    page = client.get(URL, {"from": str(mine.pk)}).content.decode()
    assert 'value="CO-P1"' in page and f"P1;{_day(0)};100;firm" in page and "Correct a call-off" in page
    other = DeliverySchedule.objects.get(number="CO-P2")
    assert client.get(URL, {"from": str(other.pk)}).status_code == 404  # PLANT02's call-off does not exist for a PLANT01 buyer
    assert client.get(URL, {"from": "not-an-id"}).status_code == 404


def test_who_may_issue_call_offs(world, client):
    client.force_login(world["users"]["hq"])
    assert client.get(URL).status_code == 403  # headquarters is read-only
    assert client.post(URL, _form()).status_code == 403
    assert "Issue a call-off" not in client.get("/staff/").content.decode()
    client.force_login(world["users"]["supplier"])
    assert client.get(URL).status_code == 404
    client.force_login(world["users"]["admin"])
    assert client.get(URL).status_code == 200
