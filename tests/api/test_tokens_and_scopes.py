"""API tokens: scopes, expiry, revocation, last use; the token endpoints, the portal page and issue_token."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from hub.models import Interchange
from suppliers.models import ApiToken, User
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def post_file(client: APIClient, data: bytes, path: str = "/api/v1/interchanges/", **extra):
    return client.generic("POST", path, data, content_type="application/edifact", **extra)


def test_a_read_only_token_reads_but_cannot_write(world):
    client = bearer(token_issue(user=world["users"]["admin"], scope="read"))
    assert client.get("/api/v1/call-offs/").status_code == 200
    response = post_file(client, delfor([message("1", "CO1")]))
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:supplier-hub:problem:token-scope" and body["status"] == 403 and "'read'" in body["detail"]
    assert not Interchange.objects.exists()


def test_an_expired_or_revoked_token_answers_401_problem(world):
    token = token_issue(user=world["users"]["admin"], days=1)
    row = ApiToken.objects.get()
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = post_file(bearer(token), delfor([message("1", "CO1")]))
    assert response.status_code == 401 and response.json()["title"] == "Unauthorized" and "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"
    revoked = token_issue(user=world["users"]["admin"])
    ApiToken.objects.filter(revoked_at__isnull=True, expires_at__isnull=True).update(revoked_at=timezone.now())
    assert bearer(revoked).get("/api/v1/call-offs/").status_code == 401
    assert not Interchange.objects.exists()


def test_last_use_is_recorded(world):
    token = token_issue(user=world["users"]["supplier"])
    assert ApiToken.objects.get().last_used_at is None
    bearer(token).get("/api/v1/call-offs/")
    assert ApiToken.objects.get().last_used_at is not None


def test_headquarters_with_a_write_token_is_still_read_only(world):
    response = post_file(bearer(token_issue(user=world["users"]["hq"], scope="admin")), delfor([message("1", "CO1")]))
    assert response.status_code == 403 and "read-only" in response.json()["detail"]


def test_token_endpoints_list_own_tokens_and_issue_only_with_admin_scope(world):
    supplier = world["users"]["supplier"]
    token_issue(user=world["users"]["supplier2"], name="theirs")
    writer = bearer(token_issue(user=supplier, name="erp", scope="write"))
    listed = writer.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["erp"] and "digest" not in listed[0] and listed[0]["state"] == "active"
    refused = writer.post("/api/v1/tokens/", {"name": "more", "scope": "admin"}, format="json")
    assert refused.status_code == 403 and refused.json()["type"].endswith("token-scope")
    manager = bearer(token_issue(user=supplier, name="manager", scope="admin"))
    created = manager.post("/api/v1/tokens/", {"name": "dashboard", "scope": "read", "days": 30}, format="json")
    assert created.status_code == 201
    new = created.json()
    assert new["token"].startswith("hub_") and new["scope"] == "read" and new["expires_at"]
    assert bearer(new["token"]).get("/api/v1/call-offs/").status_code == 200
    assert manager.get("/api/v1/tokens/").json()["results"][0]["name"] == "dashboard"
    assert "token" not in manager.get("/api/v1/tokens/").json()["results"][0]
    revoked = manager.post(f"/api/v1/tokens/{new['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert bearer(new["token"]).get("/api/v1/call-offs/").status_code == 401


def test_another_persons_token_answers_404(world):
    token_issue(user=world["users"]["supplier2"], name="theirs")
    theirs = ApiToken.objects.get(name="theirs")
    manager = bearer(token_issue(user=world["users"]["supplier"], scope="admin"))
    response = manager.post(f"/api/v1/tokens/{theirs.pk}/revoke")
    assert response.status_code == 404 and response.json()["detail"] == "Not found."
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    admin = bearer(token_issue(user=world["users"]["admin"], scope="admin"))
    assert admin.post(f"/api/v1/tokens/{theirs.pk}/revoke").status_code == 404  # the API manages one's own; admins use the admin


def test_issue_token_command_keeps_its_interface_and_takes_a_scope(world):
    out = io.StringIO()
    call_command("issue_token", "supplier", "--name", "ci", "--days", "7", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("hub_") and "\n" not in token
    row = ApiToken.objects.get(name="ci")
    assert row.scope == "write" and row.expires_at is not None
    out = io.StringIO()
    call_command("issue_token", "supplier", "--scope", "read", stdout=out)
    assert ApiToken.objects.get(prefix=out.getvalue().strip()[:10]).scope == "read"


def test_a_plant_system_token_is_a_service_buyer_of_its_plant(world):
    out = io.StringIO()
    call_command("issue_token", "plant01-mes", "--plant", "PLANT01", "--name", "mes", stdout=out)
    system = User.objects.get(username="plant01-mes")
    assert system.role == "buyer" and not system.has_usable_password() and list(system.plants.values_list("code", flat=True)) == ["PLANT01"]
    client = bearer(out.getvalue().strip())
    assert {p["code"] for p in client.get("/api/v1/plants/").json()["results"]} == {"PLANT01"}
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="person's account"):
        call_command("issue_token", "buyer", "--plant", "PLANT01", stdout=io.StringIO())


def test_portal_token_page_creates_shows_once_and_revokes(client, world):
    user = world["users"]["supplier"]
    token_issue(user=world["users"]["supplier2"], name="theirs")
    client.force_login(user)
    page = client.get("/portal/tokens/")
    assert page.status_code == 200 and "theirs" not in page.content.decode()
    created = client.post("/portal/tokens/", {"name": "erp", "scope": "write", "days": "30"})
    text = created.content.decode()
    row = ApiToken.objects.get(user=user)
    assert created.status_code == 200 and row.name == "erp" and row.scope == "write" and row.expires_at is not None
    token = text.split('<code id="token-value">')[1].split("<")[0]
    assert token.startswith(row.prefix) and created["Cache-Control"] == "no-store"
    assert token not in client.get("/portal/tokens/").content.decode()  # shown once
    assert bearer(token).get("/api/v1/call-offs/").status_code == 200
    theirs = ApiToken.objects.get(name="theirs")
    assert client.post(f"/portal/tokens/{theirs.pk}/revoke").status_code == 404
    assert client.post(f"/portal/tokens/{row.pk}/revoke").status_code == 302
    assert ApiToken.objects.get(pk=row.pk).state == "revoked"


def test_headquarters_cannot_create_tokens_in_the_portal(client, world):
    client.force_login(world["users"]["hq"])
    assert client.get("/portal/tokens/").status_code == 200
    assert client.post("/portal/tokens/", {"name": "x", "scope": "read"}).status_code == 403
    assert not ApiToken.objects.exists()
