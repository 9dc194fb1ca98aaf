"""What the plant answers decides the next step: retry (with its Retry-After), dead letter, timeout."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from hub.dispatch import policy, services
from hub.models import Delivery, Plant
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


class Answer(BaseHTTPRequestHandler):
    """Answers every POST with the server's ``status`` (and headers), after ``delay`` seconds."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(self.server.delay)
        self.send_response(self.server.status)
        for name, value in self.server.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"no")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def plant(world, receive_and_process):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.status, server.headers, server.delay = 200, {}, 0.0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Plant.objects.update(endpoint_url=f"http://127.0.0.1:{server.server_address[1]}/in")
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    server.delivery = Delivery.objects.get(recipient="plant")
    yield server
    server.shutdown()
    server.server_close()


def test_which_answers_are_retried():
    assert all(policy.is_retryable(code) for code in (None, 408, 409, 425, 429, 500, 502, 503, 504))
    assert not any(policy.is_retryable(code) for code in (400, 401, 403, 404, 410, 413, 422))


def test_backoff_grows_with_jitter_and_stays_capped(settings):
    settings.HUB_DISPATCH_BACKOFF_SECONDS, settings.HUB_DISPATCH_BACKOFF_MAX_SECONDS = 5.0, 60.0
    assert all(2.5 <= policy.backoff_seconds(1) <= 5.0 for _ in range(50))
    assert all(2.5 <= policy.backoff_seconds(10) <= 60.0 for _ in range(50))
    assert max(policy.backoff_seconds(4) for _ in range(200)) > 20  # the window widens with the attempt


def test_429_is_retried_no_earlier_than_retry_after(plant):
    plant.status, plant.headers = 429, {"Retry-After": "120"}
    before = timezone.now()
    assert services.delivery_send(delivery_id=plant.delivery.pk) == Delivery.Status.PENDING
    d = Delivery.objects.get(pk=plant.delivery.pk)
    assert (d.next_attempt_at - before).total_seconds() >= 119 and "HTTP 429" in d.last_error


def test_a_client_error_is_dead_lettered_at_once_with_the_answer_recorded(plant):
    plant.status = 404
    assert services.delivery_send(delivery_id=plant.delivery.pk) == Delivery.Status.DEAD
    attempt = Delivery.objects.get(pk=plant.delivery.pk).attempt_log.get()
    assert (attempt.status_code, attempt.outcome, attempt.response_excerpt) == (404, "dead", "no")


def test_a_plant_that_does_not_answer_in_time_is_retried(plant, settings):
    settings.HUB_DISPATCH_TIMEOUT_SECONDS = 0.3
    plant.delay = 1.0
    assert services.delivery_send(delivery_id=plant.delivery.pk) == Delivery.Status.PENDING
    assert "no answer within 0.3 s" in Delivery.objects.get(pk=plant.delivery.pk).last_error
