"""The buttons and links a buyer repairs with: Retry on a dead letter's page, Reprocess… beside a failed file, Correct on a call-off."""

from __future__ import annotations

from unittest import mock

import pytest

from hub.models import Delivery
from orders.models import DeliverySchedule
from tests.staff.scenario import seed

pytestmark = pytest.mark.django_db


def _dead(plant_code: str = "PLANT01") -> Delivery:
    delivery = Delivery.objects.filter(plant__code=plant_code, recipient="plant").first()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DEAD, attempts=1, last_error="attempt 1: HTTP 401")
    return delivery


def test_a_buyer_retries_a_dead_letter_from_its_page_under_the_same_key(world, client):
    seed(world)
    delivery = _dead()
    client.force_login(world["users"]["buyer"])
    page = f"/admin/hub/delivery/{delivery.pk}/change/"
    assert 'id="retry-button"' in client.get(page).content.decode()
    with mock.patch("hub.dispatch.services._enqueue_one") as enqueue:
        response = client.post(f"/admin/hub/delivery/{delivery.pk}/retry/")
    assert response.status_code == 302 and response["Location"] == page
    retried = Delivery.objects.get(pk=delivery.pk)
    assert retried.status == Delivery.Status.PENDING and retried.idempotency_key == delivery.idempotency_key
    assert enqueue.called or retried.enqueued_at is not None
    assert 'id="retry-button"' not in client.get(page).content.decode()  # nothing left to retry
    assert client.post(f"/admin/hub/delivery/{delivery.pk}/retry/").status_code == 302  # said, not done twice
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.PENDING


def test_headquarters_sees_no_retry_and_may_not_post_one_and_plant02_does_not_exist_for_a_plant01_buyer(world, client):
    seed(world)
    mine, other = _dead("PLANT01"), _dead("PLANT02")
    client.force_login(world["users"]["hq"])
    assert 'id="retry-button"' not in client.get(f"/admin/hub/delivery/{mine.pk}/change/").content.decode()
    assert client.post(f"/admin/hub/delivery/{mine.pk}/retry/").status_code == 403
    client.force_login(world["users"]["buyer"])
    assert client.post(f"/admin/hub/delivery/{other.pk}/retry/").status_code == 404
    assert Delivery.objects.get(pk=other.pk).status == Delivery.Status.DEAD


def test_failed_files_list_offers_reprocess_where_the_user_may(world, client):
    refused = seed(world)["refused"]
    client.force_login(world["users"]["buyer"])
    page = client.get("/staff/overview/interchanges_failed_24h/?plant=PLANT01").content.decode()
    assert f'href="/admin/hub/interchange/{refused.pk}/reprocess/"' in page
    client.force_login(world["users"]["hq"])  # read-only: the file's details, no reprocess
    page = client.get("/staff/overview/interchanges_failed_24h/").content.decode()
    assert "/reprocess/" not in page and f'href="/admin/hub/interchange/{refused.pk}/change/"' in page


def test_a_call_off_page_offers_a_correction_to_whoever_may_issue_call_offs(world, client):
    seed(world)
    call_off = DeliverySchedule.objects.get(number="CO-P1")
    for user, offered in (("buyer", True), ("admin", True), ("hq", False), ("supplier", False)):
        client.force_login(world["users"][user])
        page = client.get(f"/portal/call-offs/{call_off.pk}/").content.decode()
        assert ('id="correct-call-off"' in page) is offered, user
