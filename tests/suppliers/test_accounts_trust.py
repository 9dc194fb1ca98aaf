"""Trust finding 11, brute force: login lockout (django-axes) and rate limits on the anonymous account pages.

Each test is named after the attack it stops and asserts what the attacker (or the
locked-out user) sees: the page, its status, and whether anything was saved or sent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from suppliers.models import Registration
from suppliers.services import token_issue

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def _login(client: Client, username: str, password: str, path: str = "/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_brute_force_300_wrong_passwords_then_the_right_one_is_locked_out(world):
    client = Client()
    statuses = [_login(client, "supplier", f"guess-{n}").status_code for n in range(300)]
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with its error
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    response = _login(client, "supplier", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    page = response.content.decode()
    assert "Login blocked for now" in page
    assert "You can try again at" in page and "UTC" in page
    retry = int(response["Retry-After"])
    assert 14 * 60 <= retry <= 15 * 60
    assert client.get("/portal/call-offs/").status_code == 302  # still anonymous


def test_brute_force_lockout_page_speaks_german(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "supplier", f"guess-{n}")
    response = _login(client, "supplier", PASSWORD, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Anmeldung vorerst gesperrt" in page
    assert "Sie können es um" in page


def test_brute_force_on_the_admin_login_is_locked_out(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "admin", f"guess-{n}", path="/admin/login/")
    response = _login(client, "admin", PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert "Login blocked for now" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_password_spraying_from_one_address_over_many_user_names_is_locked_out(world):
    client = Client()
    names = [f"someone{n}" for n in range(settings.AXES_FAILURE_LIMIT)]
    for name in names:
        _login(client, name, "Summer2026!")
    response = _login(client, "buyer", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)


def test_brute_force_from_many_addresses_on_one_user_name_is_locked_out(world):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "hq", f"guess-{n}")
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(client, "hq", PASSWORD).status_code == 429
    assert not _logged_in(client)


def test_brute_force_lockout_does_not_touch_other_users_on_other_addresses(world):
    for n in range(settings.AXES_FAILURE_LIMIT + 5):
        _login(Client(REMOTE_ADDR="203.0.113.9"), "supplier", f"guess-{n}")
    client = Client(REMOTE_ADDR="198.51.100.7")
    response = _login(client, "supplier2", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_brute_force_lockout_ends_after_the_cool_off(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "supplier", f"guess-{n}")
    assert _login(client, "supplier", PASSWORD).status_code == 429
    # the cool-off has passed since the last failure (moved back instead of waiting)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = _login(client, "supplier", PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_brute_force_failures_during_the_lockout_do_not_prolong_it(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "supplier", f"guess-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    for n in range(20):
        assert _login(client, "supplier", f"more-{n}").status_code == 429
    retry = int(_login(client, "supplier", PASSWORD)["Retry-After"])
    assert retry <= 60  # still ends a cool-off after the 10th failure


def test_brute_force_on_the_portal_does_not_lock_out_api_tokens(world):
    """Portal failures of another user from the same address leave a supplier's API token working."""
    token = token_issue(user=world["users"]["supplier"])
    attacker = Client()
    for n in range(settings.AXES_FAILURE_LIMIT + 5):
        _login(attacker, "supplier2", f"guess-{n}")
    for n in range(settings.AXES_FAILURE_LIMIT + 5):
        _login(attacker, "supplier", f"guess-{n}")  # even the token owner's own name
    assert _login(attacker, "supplier", PASSWORD).status_code == 429
    api = Client()  # same address 127.0.0.1
    response = api.get("/api/v1/call-offs/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert "results" in response.json()


# -- rate limits: self-registration and password reset -------------------------------------------


def _register(client: Client, email: str):
    data = {"company": "Flood GmbH", "country": "DE", "contact_name": "Bot", "email": email, "plant": "PLANT01"}
    return client.post("/portal/register/", data)


def test_registration_flood_30_in_a_row_from_one_address_is_refused(world):
    client = Client()
    statuses = [_register(client, f"bot{n}@flood.example").status_code for n in range(30)]
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    assert Registration.objects.count() == 5
    refused = _register(client, "late@flood.example")
    page = refused.content.decode()
    assert "too many registrations from your network" in page
    assert "Please try again in about" in page
    assert int(refused["Retry-After"]) > 0


def test_registration_flood_for_one_email_from_many_addresses_is_refused(world):
    statuses = [_register(Client(REMOTE_ADDR=f"203.0.113.{n + 1}"), "victim@example.com").status_code for n in range(6)]
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert Registration.objects.filter(email="victim@example.com").count() == 3
    assert "too many registrations for this e-mail address" in _register(Client(REMOTE_ADDR="198.51.100.1"), "VICTIM@example.com").content.decode()


def test_registration_flood_is_refused_in_german(world):
    client = Client()
    for n in range(5):
        _register(client, f"bot{n}@flood.example")
    response = client.post(
        "/portal/register/",
        {"company": "X", "country": "DE", "contact_name": "B", "email": "x@flood.example", "plant": "PLANT01"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()


def test_password_reset_flood_for_one_email_is_refused(world):
    user = world["users"]["supplier"]
    user.email = "supplier@sup.example"
    user.save()
    statuses = [Client(REMOTE_ADDR=f"203.0.113.{n + 1}").post("/accounts/password_reset/", {"email": user.email}).status_code for n in range(6)]
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert len(mail.outbox) == 3
    page = Client().post("/accounts/password_reset/", {"email": user.email}).content.decode()
    assert "too many password reset requests for this e-mail address" in page


def test_password_reset_flood_from_one_address_is_refused(world):
    client = Client()
    statuses = [client.post("/accounts/password_reset/", {"email": f"nobody{n}@example.com"}).status_code for n in range(15)]
    assert statuses[:10] == [302] * 10
    assert set(statuses[10:]) == {429}


def test_brute_force_cannot_dodge_the_lockout_with_forged_forwarded_for_headers(world):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"someone{n}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}", HTTP_X_REAL_IP=f"198.51.100.{n}")
    response = _login(client, "buyer", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1", HTTP_X_REAL_IP="192.0.2.1")
    assert response.status_code == 429


def test_registration_flood_cannot_dodge_the_limit_with_forged_forwarded_for_headers(world):
    client = Client()
    statuses = [
        client.post(
            "/portal/register/",
            {"company": "Flood GmbH", "country": "DE", "contact_name": "Bot", "email": f"bot{n}@flood.example", "plant": "PLANT01"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(8)
    ]
    assert statuses[5:] == [429, 429, 429]


def test_behind_a_proxy_the_lockout_counts_the_address_the_proxy_reports(world, settings):
    settings.HUB_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    proxy = Client(REMOTE_ADDR="10.0.0.1")  # every request comes through the proxy
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(proxy, f"someone{n}", "guess", HTTP_X_REAL_IP="203.0.113.66")
    assert _login(proxy, "buyer", PASSWORD, HTTP_X_REAL_IP="203.0.113.66").status_code == 429  # the attacker
    assert _login(proxy, "buyer", PASSWORD, HTTP_X_REAL_IP="198.51.100.5").status_code == 302  # a colleague elsewhere
