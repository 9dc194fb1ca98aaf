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
    assert Delivery.objects.get(pk=second.pk).waiting_for_id == first.pk
    # The worker that ends the first sends the one waiting behind it right after.
    assert services.delivery_send(delivery_id=first.pk) == Delivery.Status.DELIVERED
    assert Delivery.objects.get(pk=second.pk).status == Delivery.Status.DELIVERED
    assert [x["number"] for x in plant_server.lines()] == ["A", "B"]


@pytest.fixture
def empty_broker(settings):
    """The dispatch queues start empty (messages of earlier tests were never consumed)."""
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def test_sweep_requeues_expired_leases_and_stale_rows(pending, empty_broker):
    from django.utils import timezone

    past = timezone.now() - timezone.timedelta(minutes=5)
    Delivery.objects.filter(pk=pending[0].pk).update(status=Delivery.Status.SENDING, lease_until=past, enqueued_at=past)
    Delivery.objects.filter(pk=pending[1].pk).update(enqueued_at=past)
    assert services.sweep()["deliveries"] == 2
    assert all(d.enqueued_at > past for d in Delivery.objects.filter(recipient="plant"))
    # Swept rows are not swept again until they are stale once more.
    assert services.sweep()["deliveries"] == 0


def test_sweep_leaves_rows_still_waiting_in_the_queue_alone_and_requeues_lost_ones(pending, empty_broker, settings):
    """A long queue is not a lost queue: re-queueing its rows every sweep made the backlog grow."""
    import redis
    from django.utils import timezone

    past = timezone.now() - timezone.timedelta(minutes=5)
    services._enqueue([(d.pk, "") for d in pending])  # both wait in the dispatch queue
    Delivery.objects.filter(pk__in=[d.pk for d in pending]).update(enqueued_at=past)
    assert services.sweep()["deliveries"] == 0
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # the broker lost its messages
    assert services.sweep()["deliveries"] == 2


def test_a_worker_that_lost_its_claim_writes_nothing(pending, plant_server):
    from django.utils import timezone

    d = pending[0]
    slow = services._claim(d.pk)
    # Its lease runs out (the worker hung) and another worker takes the row over.
    Delivery.objects.filter(pk=d.pk).update(lease_until=timezone.now() - timezone.timedelta(seconds=1))
    other = services._claim(d.pk)
    assert other is not None and other.claim_token != slow.claim_token
    from hub.dispatch.connectors import Result

    assert services._record(slow, Result(status_code=500, excerpt="late answer"), 1, timezone.now(), 5) == "lost"
    row = Delivery.objects.get(pk=d.pk)
    assert row.status == Delivery.Status.SENDING and row.claim_token == other.claim_token and row.last_error == ""
    assert services._record(other, Result(status_code=200, excerpt="ok"), 1, timezone.now(), 5) == Delivery.Status.DELIVERED


def test_a_slow_worker_is_not_a_dead_worker(pending, empty_broker):
    """While the lease lives, nobody else claims the row and the sweep leaves it alone."""
    from django.utils import timezone

    d = pending[0]
    assert services._claim(d.pk) is not None
    Delivery.objects.filter(pk=d.pk).update(enqueued_at=timezone.now() - timezone.timedelta(minutes=5))
    assert services._claim(d.pk) is None
    assert services.sweep()["deliveries"] == 0
    lease = Delivery.objects.get(pk=d.pk).lease_until - timezone.now()
    assert lease.total_seconds() > services.http_connector.attempt_seconds(), "the lease must outlast one attempt"


def test_parked_delivery_is_not_polled_and_is_woken_after_a_crash(world, receive_and_process, plant_server, settings, empty_broker):
    from django.utils import timezone

    Plant.objects.update(endpoint_url=plant_server.url)
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "A", parts=(("P1", (("1", "1", "20261130"),)),))], ref="R1"), admin)
    receive_and_process(delfor([message("1", "B", parts=(("P2", (("1", "1", "20261130"),)),))], ref="R2"), admin)
    first, second = Delivery.objects.filter(recipient="plant").order_by("id")
    assert services.delivery_send(delivery_id=second.pk) == Delivery.Status.PENDING
    # However long it waits, the sweep does not poll a parked delivery.
    Delivery.objects.filter(pk=second.pk).update(enqueued_at=timezone.now() - timezone.timedelta(hours=1))
    assert services.sweep() == {"deliveries": 0, "woken": 0}
    # The first ends, but its worker dies before waking the second: the sweep wakes it.
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.DELIVERED)
    assert services.sweep()["woken"] == 1
    assert services.delivery_send(delivery_id=second.pk) == Delivery.Status.DELIVERED
    assert [x["number"] for x in plant_server.lines()] == ["B"]


def test_followers_of_one_sequence_are_parked_when_queued_and_go_out_in_order(world, receive_and_process, plant_server, settings, empty_broker):
    Plant.objects.update(endpoint_url=plant_server.url)
    msgs = [message(str(m), f"ORD{m}", parts=((f"P{m}", (("1", "1", "20261130"),)),)) for m in range(1, 6)]
    receive_and_process(delfor(msgs, ref="R9"), world["users"]["admin"])
    rows = list(Delivery.objects.filter(recipient="plant").order_by("id"))
    services._enqueue([(d.pk, "") for d in rows])
    assert [Delivery.objects.get(pk=d.pk).waiting_for_id for d in rows] == [None] + [d.pk for d in rows[:-1]]
    assert services.delivery_send(delivery_id=rows[0].pk) == Delivery.Status.DELIVERED
    assert [x["number"] for x in plant_server.lines()] == [f"ORD{m}" for m in range(1, 6)]


def test_every_delivery_status_write_goes_through_the_lifecycle():
    """No plain ``.update(status=...)`` or ``.status = `` on deliveries in dispatch code: lifecycle.transition only."""
    import ast
    import pathlib

    root = pathlib.Path(services.__file__).resolve().parents[1]
    files = [*root.glob("dispatch/*.py"), root / "management" / "commands" / "dispatch.py"]
    offenders = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("update", "save") and any(k.arg == "status" for k in node.keywords):
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.Assign) and any(getattr(t, "attr", "") == "status" for t in node.targets):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_one_delivery_costs_a_claim_and_a_record(pending, plant_server):
    """Claim (UPDATE + one SELECT with everything needed), attempt and outcome, waiters: five statements, no transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert services.delivery_send(delivery_id=pending[0].pk) == Delivery.Status.DELIVERED
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert statements == ["UPDATE", "SELECT", "INSERT", "UPDATE", "SELECT"], statements
