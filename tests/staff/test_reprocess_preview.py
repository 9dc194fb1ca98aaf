"""Reprocess with a diff: before (stored) and after (parsed again, nothing stored), then confirm."""

from __future__ import annotations

import pytest

from hub.ingest.pipeline import interchange_process
from hub.ingest.preview import reprocess_preview
from hub.models import Interchange
from orders.models import DeliverySchedule, DespatchAdvice
from tests.factories import UserFactory
from tests.staff.scenario import seed

pytestmark = pytest.mark.django_db


def _fix_the_profile(world) -> None:
    """SUP00002 now supplies PLANT01: its refused ASN would be routed."""
    world["suppliers"][1].plants.add(world["plants"][0])


def test_the_preview_shows_what_a_fix_would_change_and_stores_nothing(world):
    refused = seed(world)["refused"]
    unchanged = reprocess_preview(interchange=refused)
    assert unchanged.documents == [] and not unchanged.changed
    assert unchanged.errors_after == refused.errors
    _fix_the_profile(world)
    preview = reprocess_preview(interchange=refused)
    assert [(d.key, d.change) for d in preview.documents] == [("despatch_advice ASN-BAD", "added")]
    assert preview.errors_before and preview.errors_after == [] and preview.changed
    assert '"number": "ASN-BAD"' in preview.documents[0].after
    assert any(kind == "add" and "ASN-BAD" in line for kind, line in preview.documents[0].diff)
    assert not DespatchAdvice.objects.filter(number="ASN-BAD").exists()
    assert Interchange.objects.get(pk=refused.pk).status == "failed"


def test_the_preview_diffs_a_stored_document_against_todays_reading(world):
    calloffs = seed(world)["calloffs"]
    stored = DeliverySchedule.objects.get(number="CO-P2")
    stored.document = {**stored.document, "lines": [{**stored.document["lines"][0], "buyer_part": "OLD-P3"}]}
    stored.save()
    preview = reprocess_preview(interchange=calloffs)
    changes = {d.key: d for d in preview.documents}
    assert changes["delivery_schedule CO-P1"].change == "same"
    diff = changes["delivery_schedule CO-P2"].diff
    assert changes["delivery_schedule CO-P2"].change == "changed"
    assert ("del", '-      "buyer_part": "OLD-P3",') in diff and ("add", '+      "buyer_part": "P3",') in diff


def test_a_buyer_sees_the_diff_confirms_and_the_file_is_processed_again(world, client):
    refused = seed(world)["refused"]
    _fix_the_profile(world)
    client.force_login(world["users"]["buyer"])
    change = client.get(f"/admin/hub/interchange/{refused.pk}/change/").content.decode()
    assert f"/admin/hub/interchange/{refused.pk}/reprocess/" in change
    page = client.get(f"/admin/hub/interchange/{refused.pk}/reprocess/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ASN-BAD" in html and 'id="reprocess-confirm"' in html
    response = client.post(f"/admin/hub/interchange/{refused.pk}/reprocess/")
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/hub/interchange/{refused.pk}/change/")
    assert Interchange.objects.get(pk=refused.pk).status == "received"
    interchange_process(interchange_id=refused.pk)
    assert Interchange.objects.get(pk=refused.pk).status == "processed"
    assert DespatchAdvice.objects.get(number="ASN-BAD").plant.code == "PLANT01"


def test_one_selected_file_in_the_list_action_opens_its_diff(world, client):
    refused = seed(world)["refused"]
    client.force_login(world["users"]["admin"])
    response = client.post("/admin/hub/interchange/", {"action": "reprocess", "_selected_action": [str(refused.pk)]})
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/hub/interchange/{refused.pk}/reprocess/")
    assert Interchange.objects.get(pk=refused.pk).status == "failed"


def test_who_may_not_reprocess(world, client):
    refused = seed(world)["refused"]
    url = f"/admin/hub/interchange/{refused.pk}/reprocess/"
    client.force_login(world["users"]["hq"])
    assert client.get(url).status_code == 403  # sees the file, may not reprocess it
    assert client.post(url).status_code == 403
    assert "reprocess-link" not in client.get(f"/admin/hub/interchange/{refused.pk}/change/").content.decode()
    other = UserFactory(username="buyer3", role="buyer", is_staff=True, plants=[world["plants"][2]])
    client.force_login(other)
    assert client.get(url).status_code == 404  # another plant's file does not exist for it
    assert client.post(url).status_code == 404
    client.force_login(world["users"]["supplier2"])
    assert client.get(url).status_code == 302  # not staff: the admin's login gate
    assert Interchange.objects.get(pk=refused.pk).status == "failed"


def test_a_processed_file_is_previewed_but_not_reprocessed(world, client):
    calloffs = seed(world)["calloffs"]
    client.force_login(world["users"]["admin"])
    url = f"/admin/hub/interchange/{calloffs.pk}/reprocess/"
    html = client.get(url).content.decode()
    assert 'id="no-change"' in html and 'id="reprocess-confirm"' not in html
    client.post(url)
    assert Interchange.objects.get(pk=calloffs.pk).status == "processed"
