"""Sending deliveries to a real HTTP receiver: success, retry, dead letter, SSRF, order."""

from __future__ import annotations

import json

import pytest

from hub.dispatch import services
from hub.dispatch.connectors.outbound import OutboundRefused, check_url
from hub.models import Delivery, Plant
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world, receive_and_process, plant_server, settings):
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/x")
    receive_and_process(delfor([message("1", "CO1"), message("2", "CO2", plant="PLANT02")]), world["users"]["admin"])
    return list(Delivery.objects.filter(recipient="plant").order_by("id"))


def test_delivery_reaches_the_plant_with_key_and_signature(pending, plant_server):
    Plant.objects.filter(code="PLANT01").update(endpoint_secret="s3cret")
    plant_server.secret = "s3cret"
    first = pending[0]
    assert services.delivery_send(delivery_id=first.pk) == Delivery.Status.DELIVERED
    (line,) = plant_server.lines()
    assert line["idempotency_key"] == str(first.idempotency_key) and line["applied"] is True and line["number"] == "CO1"
    first.refresh_from_db()
    assert first.delivered_at is not None and first.attempts == 1
    assert first.attempt_log.get().status_code == 200
    body = json.loads(first.payload)
    assert body["type"] == "delivery_schedule" and body["lines"][0]["schedule"][0]["quantity"] == "100"


def test_bad_signature_is_a_permanent_failure(pending, plant_server):
    plant_server.secret = "expected-secret"
    assert services.delivery_send(delivery_id=pending[0].pk) == Delivery.Status.DEAD
    assert "HTTP 401" in Delivery.objects.get(pk=pending[0].pk).last_error


def test_server_errors_are_retried_then_dead_lettered(pending, plant_server, settings):
    settings.HUB_DISPATCH_MAX_ATTEMPTS = 2
    plant_server.fail_rate = 1.0
    d = pending[0]
    assert services.delivery_send(delivery_id=d.pk) == Delivery.Status.PENDING
    d.refresh_from_db()
    assert d.attempts == 1 and d.next_attempt_at is not None and "HTTP 503" in d.last_error
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=d.created_at)  # due now
    assert services.delivery_send(delivery_id=d.pk) == Delivery.Status.DEAD
    plant_server.fail_rate = 0.0
    services.delivery_retry(delivery=Delivery.objects.get(pk=d.pk))
    assert services.delivery_send(delivery_id=d.pk) == Delivery.Status.DELIVERED
    assert [a.outcome for a in Delivery.objects.get(pk=d.pk).attempt_log.all()] == ["retry", "dead", "delivered"]


def test_a_claimed_delivery_is_not_sent_twice(pending, plant_server):
    d = pending[0]
    assert services._claim(d.pk) is not None
    assert services.delivery_send(delivery_id=d.pk) == "skipped"
    assert plant_server.lines() == []


def test_connection_refused_is_retried(pending, settings):
    Plant.objects.update(endpoint_url="http://127.0.0.1:9/closed")
    assert services.delivery_send(delivery_id=pending[0].pk) == Delivery.Status.PENDING
    assert "connection failed" in Delivery.objects.get(pk=pending[0].pk).last_error


def test_private_addresses_are_refused_unless_allow_listed(settings):
    settings.HUB_OUTBOUND_ALLOWLIST = []
    for url in ("http://127.0.0.1/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]/x", "ftp://example.com/x"):
        with pytest.raises(OutboundRefused):
            check_url(url)
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.0/8"]
    assert check_url("http://127.0.0.1:8001/x") == ["127.0.0.1"]


def test_refused_endpoint_dead_letters_without_sending(pending, settings, plant_server):
    settings.HUB_OUTBOUND_ALLOWLIST = []
    assert services.delivery_send(delivery_id=pending[0].pk) == Delivery.Status.DEAD
    assert "not a public address" in Delivery.objects.get(pk=pending[0].pk).last_error
    assert plant_server.lines() == []


def test_paused_plant_holds_deliveries(pending):
    Plant.objects.filter(code="PLANT01").update(paused=True)
    assert services.delivery_send(delivery_id=pending[0].pk) == Delivery.Status.HELD


def test_later_call_off_waits_for_an_earlier_one_of_the_same_supplier_and_plant(world, receive_and_process, plant_server, settings):
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    Plant.objects.update(endpoint_url=plant_server.url)
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "A", parts=(("P1", (("1", "1", "20261130"),)),))], ref="R1"), admin)
    receive_and_process(delfor([message("1", "B", parts=(("P2", (("1", "1", "20261130"),)),))], ref="R2"), admin)
    first, second = Delivery.objects.filter(recipient="plant").order_by("id")
    assert services.delivery_send(delivery_id=second.pk) == Delivery.Status.PENDING
    assert plant_server.lines() == []
    assert services.delivery_send(delivery_id=first.pk) == Delivery.Status.DELIVERED
    Delivery.objects.filter(pk=second.pk).update(next_attempt_at=second.created_at)
    assert services.delivery_send(delivery_id=second.pk) == Delivery.Status.DELIVERED
    assert [x["number"] for x in plant_server.lines()] == ["A", "B"]


def test_sweep_requeues_expired_leases_and_stale_rows(pending):
    from django.utils import timezone

    past = timezone.now() - timezone.timedelta(minutes=5)
    Delivery.objects.filter(pk=pending[0].pk).update(status=Delivery.Status.SENDING, lease_until=past, enqueued_at=past)
    Delivery.objects.filter(pk=pending[1].pk).update(enqueued_at=past)
    assert services.sweep()["deliveries"] == 2
    assert all(d.enqueued_at > past for d in Delivery.objects.filter(recipient="plant"))
    # Swept rows are not swept again until they are stale once more.
    assert services.sweep()["deliveries"] == 0
