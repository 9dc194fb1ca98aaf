"""What every API call shares: Idempotency-Key, rate limits, problem details, ETags, filters, translate."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from hub.models import IdempotencyRecord, Interchange
from suppliers.models import ApiToken
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def client_for(user, scope: str = "write") -> APIClient:
    return bearer(token_issue(user=user, scope=scope))


def post_file(client: APIClient, data: bytes, path: str = "/api/v1/interchanges/", key: str | None = None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.generic("POST", path, data, content_type="application/edifact", **extra)


# Idempotency-Key -----------------------------------------------------------------------


def test_a_retried_post_returns_the_first_answer_and_creates_nothing_new(world):
    client = client_for(world["users"]["admin"])
    data = delfor([message("1", "CO1")])
    first = post_file(client, data, key="upload-1")
    again = post_file(client, data, key="upload-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true" and again["Location"] == first["Location"]
    assert Interchange.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(world):
    client = client_for(world["users"]["admin"])
    assert post_file(client, delfor([message("1", "CO1")]), key="k").status_code == 201
    other = post_file(client, delfor([message("1", "CO2")]), key="k")
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert other.json()["type"] == "urn:supplier-hub:problem:idempotency-key"
    assert Interchange.objects.count() == 1


def test_keys_are_per_caller_and_a_multipart_retry_with_a_new_boundary_is_the_same_request(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = delfor([message("1", "CO1")])
    admin, buyer = client_for(world["users"]["admin"]), client_for(world["users"]["buyer"])
    first = admin.post("/api/v1/interchanges/", {"file": SimpleUploadedFile("a.edi", data)}, format="multipart", HTTP_IDEMPOTENCY_KEY="same")
    # APIClient draws the same boundary each time: send the retry with another one
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.edi\"\r\nContent-Type: text/plain\r\n\r\n" + data + b"\r\n--XyZ--\r\n")
    retry = admin.generic("POST", "/api/v1/interchanges/", body, content_type="multipart/form-data; boundary=XyZ", HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == 201 and retry.json()["id"] == first.json()["id"] and retry["Idempotent-Replayed"] == "true"
    theirs = post_file(buyer, delfor([message("1", "CO9", plant="PLANT01")]), key="same")
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


def test_a_key_still_running_answers_409_and_a_refused_answer_is_not_kept(world):
    client = client_for(world["users"]["admin"])
    data = delfor([message("1", "CO1")])
    assert post_file(client, data, key="busy").status_code == 201
    IdempotencyRecord.objects.filter(key="busy").update(status_code=None)  # as while the first request still runs
    busy = post_file(client, data, key="busy")
    assert busy.status_code == 409 and busy["Retry-After"] == "1" and busy.json()["code"] == "idempotency_key_in_use"
    readonly = client_for(world["users"]["admin"], scope="read")
    assert post_file(readonly, data, key="k2").status_code == 403
    assert not IdempotencyRecord.objects.filter(key="k2").exists()  # a 403 says nothing about the request: a retry runs again
    assert Interchange.objects.count() == 1


def test_an_invalid_key_is_a_400_problem(world):
    response = post_file(client_for(world["users"]["admin"]), delfor([message("1", "CO1")]), key="x" * 300)
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"
    assert not Interchange.objects.exists()


# rate limits ---------------------------------------------------------------------------------


def test_over_the_rate_a_token_gets_429_with_retry_after(world, settings):
    settings.HUB_API_RATE = "3/min"
    token = token_issue(user=world["users"]["supplier"])
    row = ApiToken.objects.get()
    caches["throttle"].delete(f"throttle_token_token:{row.pk}")
    client = bearer(token)
    codes = [client.get("/api/v1/call-offs/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/call-offs/")
    body = limited.json()
    assert limited["Content-Type"] == "application/problem+json" and body["type"].endswith("rate-limited")
    assert int(limited["Retry-After"]) >= 1 and body["retry_after"] == int(limited["Retry-After"])
    other = client_for(world["users"]["supplier"])  # a second token of the same user has its own bucket
    assert other.get("/api/v1/call-offs/").status_code == 200
    caches["throttle"].delete(f"throttle_token_token:{row.pk}")


# problem details, ETags, filters ------------------------------------------------------------


def test_unknown_api_paths_and_bad_ids_are_problems_not_html(world):
    client = client_for(world["users"]["admin"])
    for path in ("/api/v1/nothing-here/", "/api/v1/call-offs/not-a-uuid/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
        assert response.json() == {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not found."}


def test_document_details_carry_an_etag_and_answer_304_when_unchanged(world, receive_and_process):
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    client = client_for(world["users"]["supplier"])
    call_off = client.get("/api/v1/call-offs/").json()["results"][0]
    first = client.get(f"/api/v1/call-offs/{call_off['id']}/")
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and "Authorization" in first["Vary"]
    again = client.get(f"/api/v1/call-offs/{call_off['id']}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    assert client.get(f"/api/v1/call-offs/{call_off['id']}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_lists_filter_by_plant_supplier_part_status_and_changed_since(world, receive_and_process):
    receive_and_process(
        delfor([message("1", "CO1", plant="PLANT01", parts=(("P-1", (("5", "1", "20261201"),)),)), message("2", "CO2", plant="PLANT02", parts=(("P-2", (("5", "1", "20261201"),)),))]),
        world["users"]["admin"],
    )
    client = client_for(world["users"]["admin"])

    def numbers(query: str) -> set[str]:
        response = client.get(f"/api/v1/call-offs/?{query}")
        assert response.status_code == 200, response.content
        return {r["number"] for r in response.json()["results"]}

    assert numbers("plant=PLANT01") == {"CO1"} and numbers("plant__code=PLANT02") == {"CO2"}
    assert numbers("part=P-2") == {"CO2"} and numbers("part=S-P-1") == {"CO1"}
    assert numbers("supplier=SUP00001&status=current") == {"CO1", "CO2"}
    assert numbers("changed_since=2000-01-01T00:00:00Z") == {"CO1", "CO2"} and numbers("changed_since=2999-01-01T00:00:00Z") == set()
    bad = client.get("/api/v1/call-offs/?changed_since=yesterday")
    assert bad.status_code == 400 and bad.json()["type"].endswith("validation") and "changed_since" in bad.json()["errors"]
    files = client.get("/api/v1/interchanges/?message_format=edifact").json()["results"]
    assert len(files) == 1 and client.get("/api/v1/interchanges/?message_format=X12").json()["results"] == []
    assert client.get("/api/v1/deliveries/?plant=PLANT02&recipient=plant").json()["results"][0]["document_number"] == "CO2"


def test_another_tenants_documents_stay_out_of_filtered_lists(world, receive_and_process):
    receive_and_process(delfor([message("1", "CO1", supplier="SUP00002", plant="PLANT02")]), world["users"]["admin"])
    client = client_for(world["users"]["supplier"])
    for query in ("supplier=SUP00002", "plant=PLANT02", "part=4711-A", ""):
        assert client.get(f"/api/v1/call-offs/?{query}").json()["results"] == []


# translate ------------------------------------------------------------------------------------


def test_translate_answers_canonical_json_and_stores_nothing(world):
    client = client_for(world["users"]["supplier"], scope="read")  # a check, not a write: read scope will do
    response = post_file(client, delfor([message("1", "CO1")]), path="/api/v1/translate")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "EDIFACT" and [d["number"] for d in body["documents"]] == ["CO1"]
    assert body["documents"][0]["type"] == "delivery_schedule"
    assert not Interchange.objects.exists()


def test_translate_renders_another_format(world):
    response = post_file(client_for(world["users"]["admin"]), delfor([message("1", "CO1")]), path="/api/v1/translate?to=x12")
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response.content.startswith(b"ISA") and b"830" in response.content


def test_translate_says_each_format_error_with_its_position(world):
    bad = delfor([message("1", "CO1", parts=(("P-1", (("12,5x", "1", "20261201"),)),))])
    response = post_file(client_for(world["users"]["admin"]), bad, path="/api/v1/translate")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:supplier-hub:problem:format"
    assert body["segment"] and body["tag"] == "QTY" and body["element"] == 1 and body["component"] == 2 and body["message"] == "1"
    assert body["errors"][0]["code"] == "invalid_value" and "12,5x" in body["detail"]
    assert not Interchange.objects.exists()


def test_translate_refuses_an_unknown_target_and_an_empty_file(world):
    client = client_for(world["users"]["admin"])
    unknown = post_file(client, delfor([message("1", "CO1")]), path="/api/v1/translate?to=klingon")
    assert unknown.status_code == 400 and "to" in unknown.json()["errors"]
    assert post_file(client, b"", path="/api/v1/translate").status_code == 400
    garbage = post_file(client, b"hello world", path="/api/v1/translate")
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["code"] == "unsupported"


def test_translate_needs_credentials(world):
    response = APIClient().generic("POST", "/api/v1/translate", b"x", content_type="application/edifact")
    assert response.status_code == 401 and response.json()["status"] == 401
