"""Search by business key: every key type is found, the scope holds, the page is a staff page."""

from __future__ import annotations

import pytest
from django.db import connection

from hub.search import search
from tests.staff.scenario import seed

pytestmark = pytest.mark.django_db


def _numbers(user, q: str) -> set[tuple[str, str]]:
    return {(h.kind, h.number) for h in search(user=user, q=q)}


def test_every_business_key_finds_its_document(world):
    seed(world)
    hq = world["users"]["hq"]
    assert ("call_off", "CO-P1") in _numbers(hq, "p2")  # part number on a schedule line, any case
    assert _numbers(hq, "co-p") >= {("call_off", "CO-P1"), ("call_off", "CO-P2")}  # call-off number
    assert ("despatch_advice", "ASN-P1") in _numbers(hq, "ASN-P1")  # ASN number
    assert ("despatch_advice", "ASN-P1") in _numbers(hq, "P1")  # part number on a despatch line
    assert ("interchange", "PREF1") in _numbers(hq, "pref1")  # interchange control reference
    assert {h.kind for h in search(user=hq, q="test.edi")} == {"interchange"}  # file name
    assert search(user=hq, q="x") == []  # too short to search


def test_order_number_and_unloading_point_on_lines(world):
    seed(world)
    from orders.models import ScheduleLine

    ScheduleLine.objects.filter(schedule__number="CO-P2").update(order_number="PO-4711", unloading_point="GATE-7")
    hq = world["users"]["hq"]
    assert _numbers(hq, "4711") == {("call_off", "CO-P2")}
    assert _numbers(hq, "gate-7") == {("call_off", "CO-P2")}


def test_a_plant01_buyer_finds_nothing_of_plant02(world):
    seed(world)
    buyer, hq = world["users"]["buyer"], world["users"]["hq"]
    assert ("call_off", "CO-P2") in _numbers(hq, "CO-P")
    found = search(user=buyer, q="CO-P")
    assert {h.number for h in found if h.kind == "call_off"} == {"CO-P1"}
    assert all(h.plant in ("PLANT01", "") for h in found)
    assert _numbers(buyer, "P3") == set()  # PLANT02's part


def test_hits_link_the_document_its_raw_file_and_its_deliveries(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    (hit,) = [h for h in search(user=world["users"]["buyer"], q="CO-P1") if h.kind == "call_off"]
    assert client.get(hit.url).status_code == 200
    assert client.get(hit.deliveries_url).status_code == 200
    # The plants' file carries PLANT02's call-off too: a PLANT01 buyer never gets its bytes.
    assert hit.raw_url == ""
    (asn_hit,) = [h for h in search(user=world["users"]["buyer"], q="ASN-P1") if h.kind == "despatch_advice"]
    assert client.get(asn_hit.raw_url).status_code == 200
    page = client.get(asn_hit.deliveries_url).content.decode()
    assert "ASN-P1" in page


def test_the_page_answers_staff_and_hides_from_suppliers(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    page = client.get("/staff/search/", {"q": "CO-P"}).content.decode()
    assert "CO-P1" in page and "CO-P2" not in page
    assert 'name="q"' in client.get("/staff/").content.decode()  # the box in the staff nav
    assert "at least" in client.get("/staff/search/", {"q": "C"}).content.decode()
    client.force_login(world["users"]["supplier"])
    assert client.get("/staff/search/", {"q": "CO-P"}).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_icontains_uses_the_trigram_index(world):
    from orders.models import ScheduleLine

    with connection.cursor() as cursor:
        # Only a bitmap scan is left to the planner: on a near-empty table it would otherwise
        # walk any small btree whole and filter (a plan choice, not what this test is about);
        # a btree cannot answer '%abc%', so the bitmap scan it finds must be the trigram index.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off")
        sql, params = ScheduleLine.objects.filter(buyer_part__icontains="abc").only("id").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan; RESET enable_indexscan; RESET enable_indexonlyscan")
    assert "schedule_line_buyer_part_trgm" in plan, plan
