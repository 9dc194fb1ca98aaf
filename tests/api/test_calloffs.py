"""Call-off versions, changes and acknowledge over the API: the portal's services, scoped, idempotent."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from hub.models import Delivery
from orders.models import DeliverySchedule
from tests.calloff_versions import two_versions
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    from suppliers.services import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def versions(world, receive_and_process):
    old, new = two_versions(receive_and_process, world["users"]["admin"])
    receive_and_process(delfor([message("1", "THEIRS", supplier="SUP00002", plant="PLANT02")], ref="R9"), world["users"]["admin"])
    return old, new, DeliverySchedule.objects.get(number="THEIRS")


def test_versions_list_the_chain_newest_first(world, versions):
    old, new, _ = versions
    body = api(world["users"]["supplier"]).get(f"/api/v1/call-offs/{old.pk}/versions").json()
    assert [v["number"] for v in body["results"]] == ["NEW", "OLD"] and set(body) == {"next", "previous", "results"}
    assert body["results"][1]["status"] == "superseded"


def test_changes_default_to_the_previous_version_and_take_from(world, versions):
    old, new, _ = versions
    client = api(world["users"]["supplier"])
    body = client.get(f"/api/v1/call-offs/{new.pk}/changes").json()
    assert body["from"] == str(old.pk) and body["to"] == str(new.pk)
    assert {(c["part"], c["date"], c["kind"]) for c in body["changes"]} == {
        ("P1", "2026-11-30", "up"), ("P1", "2026-12-14", "new"), ("P2", "2026-11-30", "dropped"), ("P2", "2026-12-01", "new"),
    }
    up = next(c for c in body["changes"] if c["kind"] == "up")
    assert up["previous"] == "100.000" and up["current"] == "150.000" and up["commitment"] == "firm"
    back = client.get(f"/api/v1/call-offs/{old.pk}/changes?from={new.pk}").json()
    assert ("P1", "2026-11-30", "down") in {(c["part"], c["date"], c["kind"]) for c in back["changes"]}
    assert client.get(f"/api/v1/call-offs/{old.pk}/changes").json() == {"from": None, "to": str(old.pk), "changes": []}


def test_acknowledge_is_idempotent_and_for_the_supplier_only(world, versions):
    old, new, _ = versions
    for role in ("buyer", "hq"):
        assert api(world["users"][role]).post(f"/api/v1/call-offs/{new.pk}/acknowledge").status_code == 403, role
    client = api(world["users"]["supplier"])
    first = client.post(f"/api/v1/call-offs/{new.pk}/acknowledge")
    assert first.status_code == 200 and first.json()["sent_now"] is True and first.json()["number"] == "NEW"
    again = client.post(f"/api/v1/call-offs/{new.pk}/acknowledge").json()
    assert again["sent_now"] is False and again["delivery"] == first.json()["delivery"] and again["acknowledged_at"] == first.json()["acknowledged_at"]
    assert Delivery.objects.filter(document_type="acknowledgement", recipient="plant").count() == 1
    assert client.get(f"/api/v1/call-offs/{new.pk}/").json()["acknowledged_at"] == first.json()["acknowledged_at"]
    refused = client.post(f"/api/v1/call-offs/{old.pk}/acknowledge")
    assert refused.status_code == 409 and "superseded" in refused.json()["detail"]


def test_another_suppliers_ids_answer_404(world, versions):
    old, new, theirs = versions
    other = api(world["users"]["supplier2"])
    for url in (f"/api/v1/call-offs/{new.pk}/versions", f"/api/v1/call-offs/{new.pk}/changes"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/api/v1/call-offs/{new.pk}/acknowledge").status_code == 404
    mine = api(world["users"]["supplier"])
    assert mine.get(f"/api/v1/call-offs/{new.pk}/changes?from={theirs.pk}").status_code == 404
    assert mine.get(f"/api/v1/call-offs/{new.pk}/changes?from=nonsense").status_code == 404
    assert not Delivery.objects.filter(document_type="acknowledgement").exists()
    # the buyer of PLANT01 sees neither SUP00002's PLANT02 call-off
    assert api(world["users"]["buyer"]).get(f"/api/v1/call-offs/{theirs.pk}/versions").status_code == 404


def test_schema_documents_the_call_off_operations(world):
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    paths = schema["paths"]
    assert "get" in paths["/api/v1/call-offs/{id}/versions"] and "get" in paths["/api/v1/call-offs/{id}/changes"]
    acknowledge = paths["/api/v1/call-offs/{id}/acknowledge"]["post"]
    assert {"200", "403", "404", "409"} <= set(acknowledge["responses"])


def test_schema_stays_valid_openapi_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/call-offs/{id}/acknowledge" in (tmp_path / "schema.yaml").read_text()
