"""The portal's call-off pages: filters, the grid with changes and versions, acknowledge, exports, isolation, query counts."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from hub.models import Delivery
from orders.models import DeliverySchedule
from tests.calloff_versions import two_versions
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(world, receive_and_process):
    old, new = two_versions(receive_and_process, world["users"]["admin"])
    receive_and_process(delfor([message("1", "THEIRS", supplier="SUP00002", plant="PLANT02", parts=(("X1", (("5", "1", "20261130"),)),))], ref="R9"), world["users"]["admin"])
    return old, new, DeliverySchedule.objects.get(number="THEIRS")


def test_the_grid_highlights_changes_per_date_and_links_the_previous_call_off(client, world, versions):
    old, new, _ = versions
    client.force_login(world["users"]["supplier"])
    page = client.get(f"/portal/call-offs/{new.pk}/").content.decode()
    assert 'data-change="up"' in page and 'data-change="new"' in page and 'data-change="dropped"' in page
    assert f'href="/portal/call-offs/{old.pk}/" id="previous-call-off"' in page
    assert "c-firm" in page and "c-forecast" in page and ">pcs<" in page
    assert f"?from={old.pk}" in page  # every earlier version can be compared
    assert 'id="acknowledge"' in page


def test_a_superseded_call_off_says_so_and_links_the_current_one(client, world, versions):
    old, new, _ = versions
    client.force_login(world["users"]["supplier"])
    page = client.get(f"/portal/call-offs/{old.pk}/").content.decode()
    assert 'class="status status-superseded" id="call-off-status"' in page
    assert "status-current\" id=\"call-off-status" not in page
    assert 'id="superseded-notice"' in page and f"/portal/call-offs/{new.pk}/" in page
    assert 'id="acknowledge"' not in page


def test_list_filters_by_status_plant_part_search_and_dates(client, world, versions):
    client.force_login(world["users"]["admin"])

    def numbers(query: str) -> set[str]:
        page = client.get(f"/portal/call-offs/?{query}").content.decode()
        return {n for n in ("OLD", "NEW", "THEIRS") if f">{n}</a>" in page}

    assert numbers("") == {"NEW", "THEIRS"}
    assert numbers("status=all") == {"OLD", "NEW", "THEIRS"}
    assert numbers("status=superseded") == {"OLD"}
    plant02 = world["plants"][1].pk
    assert numbers(f"status=all&plant={plant02}") == {"THEIRS"}
    assert numbers("status=all&part=P2") == {"OLD", "NEW"}
    assert numbers("status=all&q=x") == {"THEIRS"}
    assert numbers("status=all&issued_from=2026-11-21&issued_to=2026-11-30") == {"NEW", "THEIRS"}
    assert numbers("status=all&issued_from=notadate") == set()  # an invalid filter shows its error, not everything


def test_a_supplier_is_offered_and_shown_only_its_own(client, world, versions):
    client.force_login(world["users"]["supplier"])
    page = client.get("/portal/call-offs/?status=all").content.decode()
    assert ">NEW</a>" in page and "THEIRS" not in page and "PLANT03" not in page


def test_another_suppliers_ids_answer_404_everywhere(client, world, versions):
    old, new, theirs = versions
    client.force_login(world["users"]["supplier2"])
    for url in (f"/portal/call-offs/{new.pk}/", f"/portal/call-offs/{new.pk}/export.csv", f"/portal/call-offs/{new.pk}/export.pdf", f"/portal/call-offs/{new.pk}/export.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/portal/call-offs/{new.pk}/acknowledge").status_code == 404
    client.force_login(world["users"]["supplier"])
    assert client.get(f"/portal/call-offs/{new.pk}/?from={theirs.pk}").status_code == 404
    assert client.get(f"/portal/call-offs/{new.pk}/export.csv?from={theirs.pk}").status_code == 404
    assert client.get(f"/portal/call-offs/{new.pk}/?from=not-a-uuid").status_code == 404
    assert client.get(f"/portal/call-offs/{new.pk}/export.exe").status_code == 404
    assert not Delivery.objects.filter(document_type="acknowledgement").exists()


def test_supplier_acknowledges_once_plant_staff_and_hq_may_not(client, world, versions):
    new = versions[1]
    for role in ("buyer", "hq"):
        client.force_login(world["users"][role])
        assert client.post(f"/portal/call-offs/{new.pk}/acknowledge").status_code == 403, role
        assert 'id="acknowledge"' not in client.get(f"/portal/call-offs/{new.pk}/").content.decode()
    client.force_login(world["users"]["supplier"])
    assert client.post(f"/portal/call-offs/{new.pk}/acknowledge").status_code == 302
    assert client.post(f"/portal/call-offs/{new.pk}/acknowledge").status_code == 302
    assert Delivery.objects.filter(document_type="acknowledgement", document_id=new.pk, recipient="plant").count() == 1
    page = client.get(f"/portal/call-offs/{new.pk}/").content.decode()
    assert 'id="acknowledge"' not in page and "already acknowledged" in page
    assert client.get(f"/portal/call-offs/{new.pk}/acknowledge").status_code == 405


def test_superseded_call_off_acknowledge_is_refused_with_a_message(client, world, versions):
    old = versions[0]
    client.force_login(world["users"]["supplier"])
    page = client.post(f"/portal/call-offs/{old.pk}/acknowledge", follow=True).content.decode()
    assert "was superseded by a newer one" in page
    assert not Delivery.objects.filter(document_type="acknowledgement").exists()


def test_exports_hold_the_grid_as_shown(client, world, versions):
    old, new, _ = versions
    client.force_login(world["users"]["supplier"])
    response = client.get(f"/portal/call-offs/{new.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv") and 'filename="call-off-NEW.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Part", "Supplier part", "Description", "Unit"] and rows[0][7:] == ["2026-11-30", "2026-12-01", "2026-12-07", "2026-12-14"]
    assert rows[1][0] == "P1" and rows[1][7:] == ["150.000", "", "250.000", "80.000"]
    book = load_workbook(io.BytesIO(client.get(f"/portal/call-offs/{new.pk}/export.xlsx").content))
    sheet = book.active
    assert sheet.cell(row=4, column=1).value == "P1" and sheet.cell(row=4, column=8).value == 150
    assert sheet.cell(row=4, column=8).fill.fgColor.rgb.endswith("D5F2DD")  # up since OLD
    changes = [[c.value for c in r] for r in book["Changes"].iter_rows(min_row=2)]
    assert ["P1", "up", 100, 150] in [[r[0], r[3], r[4], r[5]] for r in changes]
    pdf = client.get(f"/portal/call-offs/{new.pk}/export.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    compared = client.get(f"/portal/call-offs/{old.pk}/export.csv")
    assert compared.status_code == 200


def test_pages_speak_german_with_local_dates_and_units(client, world, versions):
    new = versions[1]
    client.force_login(world["users"]["supplier"])
    page = client.get(f"/portal/call-offs/{new.pk}/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    for german in ("Abruf", "Vorheriger Abruf", "Abruf bestätigen", "Fest bis", "Stk", "30.11.2026", "Versionen", "Prognose"):
        assert german in page, german
    for english in ("Acknowledge call-off", "Firm until", "Versions", ">pcs<", "forecast<"):
        assert english not in page, english
    listing = client.get("/portal/call-offs/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    for german in ("Teilenummer suchen", "Werk", "Ausgestellt ab", "Bestätigt", "Filtern", "Aktuelle Abrufe je Werk"):
        assert german in listing, german


def _bulk(receive_and_process, admin, prefix: str, parts: int, call_offs: int) -> DeliverySchedule:
    for n in range(call_offs):
        lines = tuple((f"{prefix}{i}", ((str(10 + n), "1", "20261130"), ("20", "4", "20261207"))) for i in range(parts))
        receive_and_process(delfor([message("1", f"{prefix}{n}", parts=lines, issued=f"202611{10 + n}")], ref=f"{prefix}R{n}"), admin)
    return DeliverySchedule.objects.get(number=f"{prefix}{call_offs - 1}")


def test_query_counts_do_not_grow_with_parts_or_call_offs(client, world, receive_and_process):
    admin = world["users"]["admin"]
    small = _bulk(receive_and_process, admin, "S", parts=2, call_offs=2)
    large = _bulk(receive_and_process, admin, "L", parts=80, call_offs=6)
    client.force_login(world["users"]["supplier"])

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(f"/portal/call-offs/{small.pk}/") == count(f"/portal/call-offs/{large.pk}/")
    assert count(f"/portal/call-offs/{small.pk}/export.xlsx") == count(f"/portal/call-offs/{large.pk}/export.xlsx")
    listing = count("/portal/call-offs/?status=all&q=S")
    assert count("/portal/call-offs/?status=all") == listing


def test_plant_grid_shows_every_current_part_with_its_call_off_and_changes(client, world, versions):
    old, new, _ = versions
    plant01 = world["plants"][0]
    client.force_login(world["users"]["supplier"])
    page = client.get(f"/portal/call-offs/plant/?plant={plant01.pk}").content.decode()
    assert f'href="/portal/call-offs/{new.pk}/">P1</a>' in page and f'href="/portal/call-offs/{new.pk}/">P2</a>' in page
    assert 'data-change="up"' in page and 'data-change="dropped"' in page
    assert ">X1<" not in page  # (a bare "X1" could be part of the page's CSRF token)
    assert "P2" not in client.get(f"/portal/call-offs/plant/?plant={plant01.pk}&q=p1").content.decode().split('id="call-off-grid"')[1]
    csv_rows = list(csv.reader(io.StringIO(client.get(f"/portal/call-offs/plant/export.csv?plant={plant01.pk}").content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in csv_rows[1:]] == ["P1", "P2"]
    assert client.get(f"/portal/call-offs/plant/export.pdf?plant={plant01.pk}").content.startswith(b"%PDF")
    assert client.get("/portal/call-offs/plant/").status_code == 200  # the form alone


def test_plant_grid_answers_404_outside_the_scope(client, world, versions):
    plant01, plant02 = world["plants"][0], world["plants"][1]
    client.force_login(world["users"]["supplier2"])
    assert client.get(f"/portal/call-offs/plant/?plant={plant01.pk}").status_code == 404  # SUP00002 has no call-off there
    assert client.get(f"/portal/call-offs/plant/export.csv?plant={plant01.pk}").status_code == 404
    assert client.get("/portal/call-offs/plant/?plant=999999").status_code == 404
    client.force_login(world["users"]["buyer"])
    assert client.get(f"/portal/call-offs/plant/?plant={plant01.pk}&supplier=SUP00001").status_code == 200
    assert client.get(f"/portal/call-offs/plant/?plant={plant01.pk}&supplier=SUP00003").status_code == 404
    assert client.get(f"/portal/call-offs/plant/?plant={plant02.pk}&supplier=SUP00001").status_code == 404
    assert "Enter the supplier number" in client.get(f"/portal/call-offs/plant/?plant={plant01.pk}").content.decode()


def test_plant_grid_queries_do_not_grow_with_parts(client, world, receive_and_process):
    admin = world["users"]["admin"]
    _bulk(receive_and_process, admin, "S", parts=2, call_offs=2)
    client.force_login(world["users"]["supplier"])
    plant = world["plants"][0].pk

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/portal/call-offs/plant/?plant={plant}").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _bulk(receive_and_process, admin, "L", parts=80, call_offs=3)
    assert count() == few


def test_a_long_call_off_is_shown_a_page_of_parts_at_a_time_and_searchable(client, world, receive_and_process, settings):
    from suppliers import calloff_views

    admin = world["users"]["admin"]
    schedule = _bulk(receive_and_process, admin, "G", parts=7, call_offs=1)
    client.force_login(world["users"]["supplier"])
    original, calloff_views.PARTS_PER_PAGE = calloff_views.PARTS_PER_PAGE, 3
    try:
        first = client.get(f"/portal/call-offs/{schedule.pk}/").content.decode()
        third = client.get(f"/portal/call-offs/{schedule.pk}/?page=3").content.decode()
        found = client.get(f"/portal/call-offs/{schedule.pk}/?q=g6").content.decode()
        german = client.get(f"/portal/call-offs/{schedule.pk}/?page=2", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    finally:
        calloff_views.PARTS_PER_PAGE = original
    rows = lambda page: page.split('id="call-off-grid"')[1].count('<th scope="row">')  # noqa: E731
    assert rows(first) == 3 and "Parts 1–3 of 7" in first and "page=2" in first
    assert rows(third) == 1 and "page=2" in third
    assert "Teile 4–6 von 7" in german and "weiter" in german and "zurück" in german
    assert rows(found) == 1 and 'id="pager"' not in found
    csv_rows = client.get(f"/portal/call-offs/{schedule.pk}/export.csv").content.decode("utf-8-sig").splitlines()
    assert len(csv_rows) == 8  # exports hold every part, not the page
