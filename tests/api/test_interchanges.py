"""The REST API: upload by raw body or multipart, status, errors, and who sees what."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from hub.models import Interchange
from orders.models import DeliverySchedule
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


def upload(client: APIClient, data: bytes, content_type: str = "application/edifact"):
    return client.generic("POST", "/api/v1/interchanges/", data, content_type=content_type)


def test_raw_body_upload_answers_201_with_id_and_status(world):
    response = upload(client_for(world["users"]["admin"]), delfor([message("1", "CO1")]))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "received" and Interchange.objects.filter(pk=body["id"]).exists()


def test_any_content_type_is_accepted_and_format_detected_from_bytes(world, django_capture_on_commit_callbacks, eager_celery):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client_for(world["users"]["admin"]), delfor([message("1", "CO1")]), "application/x-www-form-urlencoded")
    assert response.status_code == 201
    detail = client_for(world["users"]["admin"]).get(f"/api/v1/interchanges/{response.json()['id']}/").json()
    assert detail["status"] == "processed" and detail["format"] == "EDIFACT"
    assert [d["number"] for d in detail["documents"]] == ["CO1"]


def test_multipart_upload_with_field_file(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world["users"]["admin"])
    response = client.post("/api/v1/interchanges/", {"file": SimpleUploadedFile("calloff.edi", delfor([message("1", "CO1")]))}, format="multipart")
    assert response.status_code == 201
    assert Interchange.objects.get(pk=response.json()["id"]).filename == "calloff.edi"
    missing = client.post("/api/v1/interchanges/", {"other": SimpleUploadedFile("x", b"y")}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]


def test_same_file_twice_is_201_with_status_duplicate(world):
    client = client_for(world["users"]["admin"])
    data = delfor([message("1", "CO1")])
    first = upload(client, data).json()
    second = upload(client, data)
    assert second.status_code == 201
    assert second.json()["status"] == "duplicate" and second.json()["duplicate_of"] == first["id"]


def test_failed_interchange_shows_positioned_errors_and_raw_bytes(world, receive_and_process):
    segs = message("1", "CO1")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    data = delfor([segs])
    interchange = receive_and_process(data, world["users"]["buyer"])  # call-offs come from the plant side
    client = client_for(world["users"]["buyer"])
    detail = client.get(f"/api/v1/interchanges/{interchange.pk}/").json()
    assert detail["status"] == "failed"
    assert detail["errors"][0]["position"] == "segment 14 (QTY), element 1, component 2"
    assert "'12,5x' is not a number" in detail["errors"][0]["text"]
    raw = client.get(detail["raw_url"])
    assert raw.status_code == 200 and b"".join(raw.streaming_content) == data


def test_empty_body_is_a_clear_400(world):
    response = upload(client_for(world["users"]["admin"]), b"")
    assert response.status_code == 400 and response.json()["detail"] == "the file is empty"


def test_oversized_upload_is_413(world, settings):
    settings.HUB_MAX_INTERCHANGE_BYTES = 100
    response = upload(client_for(world["users"]["admin"]), b"U" * 101)
    assert response.status_code == 413 and "larger than the limit" in response.json()["detail"]


def test_wrong_or_missing_token_is_401(world):
    assert APIClient().get("/api/v1/call-offs/").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer hub_not-a-real-token")
    response = bad.get("/api/v1/call-offs/")
    assert response.status_code == 401 and "unknown, expired or revoked" in response.json()["detail"]


def test_headquarters_is_read_only(world):
    response = upload(client_for(world["users"]["hq"]), delfor([message("1", "CO1")]))
    assert response.status_code == 403 and Interchange.objects.count() == 0


def test_each_role_sees_only_its_call_offs_and_interchanges(world, receive_and_process):
    admin = world["users"]["admin"]
    receive_and_process(
        delfor([message("1", "S1P1", supplier="SUP00001"), message("2", "S2P1", supplier="SUP00002"), message("3", "S1P2", supplier="SUP00001", plant="PLANT02")]),
        admin,
    )
    receive_and_process(delfor([message("1", "FROMSUP1")], ref="B1"), world["users"]["buyer"])  # PLANT01's buyer, for SUP00001
    own = receive_and_process(edifact([asn("DN-S1")], sender="SUP00001", ref="S1"), world["users"]["supplier"])
    assert own.status == "processed", own.errors

    def numbers(user):
        return sorted(r["number"] for r in client_for(user).get("/api/v1/call-offs/").json()["results"])

    assert numbers(world["users"]["supplier"]) == ["FROMSUP1", "S1P1", "S1P2"]
    assert numbers(world["users"]["supplier2"]) == ["S2P1"]
    assert numbers(world["users"]["buyer"]) == ["FROMSUP1", "S1P1", "S2P1"]
    assert numbers(world["users"]["hq"]) == ["FROMSUP1", "S1P1", "S1P2", "S2P1"]
    theirs = DeliverySchedule.objects.get(number="S2P1")
    assert client_for(world["users"]["supplier"]).get(f"/api/v1/call-offs/{theirs.pk}/").status_code == 404
    assert client_for(world["users"]["supplier2"]).get(f"/api/v1/interchanges/{own.pk}/").status_code == 404
    assert client_for(world["users"]["supplier2"]).get(f"/api/v1/interchanges/{own.pk}/raw").status_code == 404
    listed = client_for(world["users"]["supplier2"]).get("/api/v1/interchanges/").json()["results"]
    assert listed == []
    assert client_for(world["users"]["supplier"]).get(f"/api/v1/call-offs/{theirs.pk}/").json()["detail"] == "Not found."


def test_lists_are_cursor_paginated(world, receive_and_process):
    receive_and_process(delfor([message(str(n), f"CO{n}", parts=((f"P{n}", (("1", "1", "20261130"),)),)) for n in range(1, 6)]), world["users"]["admin"])
    page = client_for(world["users"]["admin"]).get("/api/v1/call-offs/?page_size=2").json()
    assert set(page) == {"next", "previous", "results"} and len(page["results"]) == 2 and page["next"]
    seen = [r["number"] for r in page["results"]]
    while page["next"]:
        page = client_for(world["users"]["admin"]).get(page["next"]).json()
        seen += [r["number"] for r in page["results"]]
    assert sorted(seen) == [f"CO{n}" for n in range(1, 6)]


def test_formats_lists_delfor(world):
    results = client_for(world["users"]["supplier"]).get("/api/v1/formats/").json()["results"]
    assert any("DELFOR" in f["message_types"] for f in results)


def test_openapi_schema_is_served(world):
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200 and b"/api/v1/interchanges/" in response.content
