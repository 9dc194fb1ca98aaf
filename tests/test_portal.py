"""Portal pages: login, call-offs and files scoped to the user, upload with its result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.models import Interchange
from orders.models import DeliverySchedule
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_offs(world, receive_and_process):
    receive_and_process(delfor([message("1", "MINE1"), message("2", "THEIRS2", supplier="SUP00002", plant="PLANT02")]), world["users"]["admin"])
    return {s.number: s for s in DeliverySchedule.objects.all()}


def login(client, user):
    client.force_login(user)
    return client


def test_login_page_has_username_and_password(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in page and 'name="password"' in page


def test_pages_need_a_login(client):
    response = client.get("/portal/call-offs/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_supplier_sees_only_its_call_offs(client, world, call_offs):
    page = login(client, world["users"]["supplier"]).get("/portal/call-offs/").content.decode()
    assert "MINE1" in page and "THEIRS2" not in page
    assert client.get(f"/portal/call-offs/{call_offs['MINE1'].pk}/").status_code == 200
    assert client.get(f"/portal/call-offs/{call_offs['THEIRS2'].pk}/").status_code == 404


def test_buyer_sees_only_its_plants_call_offs(client, world, call_offs):
    page = login(client, world["users"]["buyer"]).get("/portal/call-offs/").content.decode()
    assert "MINE1" in page and "THEIRS2" not in page
    assert client.get(f"/portal/call-offs/{call_offs['THEIRS2'].pk}/").status_code == 404


def test_plant_interchange_is_not_shown_to_suppliers(client, world, call_offs):
    interchange = Interchange.objects.get()
    login(client, world["users"]["supplier"])
    assert client.get(f"/portal/interchanges/{interchange.pk}/").status_code == 404
    assert client.get(f"/portal/interchanges/{interchange.pk}/raw").status_code == 404


def test_upload_page_stores_the_file_and_shows_its_result(client, world, django_capture_on_commit_callbacks):
    login(client, world["users"]["supplier"])
    data = edifact([asn("UP1")], sender="SUP00001")  # suppliers send despatch advices
    response = client.post("/portal/upload/", {"file": SimpleUploadedFile("up.edi", data)})
    interchange = Interchange.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/interchanges/{interchange.pk}/"
    from hub.ingest.pipeline import interchange_process

    interchange_process(interchange_id=interchange.pk)
    assert Interchange.objects.get().status == "processed"
    page = client.get(response["Location"]).content.decode()
    assert "UP1" in page and "processed" in page
    raw = client.get(f"/portal/interchanges/{interchange.pk}/raw")
    assert b"".join(raw.streaming_content) == data


def test_failed_upload_shows_the_error_with_its_position(client, world, receive_and_process):
    segs = message("1", "BAD1")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    interchange = receive_and_process(delfor([segs], sender="SUP00001"), world["users"]["supplier"])
    page = login(client, world["users"]["supplier"]).get(f"/portal/interchanges/{interchange.pk}/").content.decode()
    assert "segment 14 (QTY), element 1, component 2" in page and "is not a number" in page


def test_headquarters_cannot_upload(client, world):
    response = login(client, world["users"]["hq"]).post("/portal/upload/", {"file": SimpleUploadedFile("x.edi", b"UNB")})
    assert response.status_code == 403 and Interchange.objects.count() == 0


def test_admin_lists_are_scoped_for_buyers(client, world, call_offs):
    login(client, world["users"]["buyer"])
    page = client.get("/admin/orders/deliveryschedule/").content.decode()
    assert "MINE1" in page and "THEIRS2" not in page
    assert client.get(f"/admin/orders/deliveryschedule/{call_offs['THEIRS2'].pk}/change/").status_code in (302, 404)


def test_admin_shows_interchange_with_raw_download(client, world, call_offs):
    interchange = Interchange.objects.get()
    page = login(client, world["users"]["admin"]).get(f"/admin/hub/interchange/{interchange.pk}/change/").content.decode()
    assert f"/portal/interchanges/{interchange.pk}/raw" in page


def test_german_browser_gets_german(client, world):
    login(client, world["users"]["supplier"])
    page = client.get("/portal/call-offs/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert "Abrufe" in page
    page = client.get("/portal/call-offs/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Call-offs" in page


def test_inbox_lists_and_downloads_only_own_documents(client, world, call_offs):
    from hub.dispatch.services import delivery_send
    from hub.models import Delivery

    for d in Delivery.objects.filter(recipient="supplier"):
        assert delivery_send(delivery_id=d.pk) == "delivered"
    mine = Delivery.objects.get(recipient="supplier", document_number="MINE1")
    theirs = Delivery.objects.get(recipient="supplier", document_number="THEIRS2")
    page = login(client, world["users"]["supplier"]).get("/portal/inbox/").content.decode()
    assert "MINE1" in page and "THEIRS2" not in page
    download = client.get(f"/portal/inbox/{mine.pk}/download")
    assert download.status_code == 200 and b'"number": "MINE1"' in download.content
    assert client.get(f"/portal/inbox/{theirs.pk}/download").status_code == 404
