"""Onboarding pages: what they show, and that staff of one plant see and act only on their plant's suppliers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from suppliers.invitations import invitation_create, invitation_link, registration_submit
from suppliers.models import Invitation, Registration, Supplier, SupplierImport
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
S = Supplier.Status


@pytest.fixture
def onboarding(world):
    """A new supplier for PLANT01 (the buyer's) and one for PLANT02 (not the buyer's)."""
    mine = SupplierFactory(number="MINE1", status=S.INVITED, email="a@mine.example")
    mine.plants.set([world["plants"][0]])
    other = SupplierFactory(number="OTHER1", status=S.TESTING, email="b@other.example")
    other.plants.set([world["plants"][1]])
    other_invitation = Invitation.objects.create(supplier=other, email=other.email, nonce="n", expires_at="2999-01-01T00:00Z")
    reg_mine = registration_submit(company="Mine Reg", country="DE", contact_name="A", email="a@reg.example", plant=world["plants"][0])
    reg_other = registration_submit(company="Other Reg", country="DE", contact_name="B", email="b@reg.example", plant=world["plants"][1])
    return {"mine": mine, "other": other, "other_invitation": other_invitation, "reg_mine": reg_mine, "reg_other": reg_other}


def login(client, world, role):
    client.force_login(world["users"][role])
    return client


def test_funnel_counts_per_state_and_plant_for_the_buyers_plants_only(client, world, onboarding):
    page = login(client, world, "buyer").get("/staff/onboarding/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "MINE1" in text and "OTHER1" not in text and "PLANT02" not in text
    assert 'id="funnel-chart"' in text
    assert "1 self-registration waits for approval" in text


def test_hq_sees_every_plant_in_the_funnel_but_cannot_act(client, world, onboarding):
    client = login(client, world, "hq")
    text = client.get("/staff/onboarding/").content.decode()
    assert "MINE1" in text and "OTHER1" in text and "PLANT02" in text
    assert client.post(reverse("staff-onboarding:supplier-action", args=[onboarding["mine"].pk]), {"action": "invite"}).status_code == 403


def test_supplier_users_and_anonymous_do_not_see_staff_pages(client, world, onboarding):
    assert client.get("/staff/onboarding/").status_code == 302  # to the login page
    client = login(client, world, "supplier")
    for url in ["/staff/onboarding/", "/staff/onboarding/registrations/", "/staff/onboarding/import/", f"/staff/onboarding/suppliers/{onboarding['mine'].pk}/"]:
        assert client.get(url).status_code == 404, url


def test_buyer_cannot_see_or_act_on_another_plants_supplier(client, world, onboarding):
    client = login(client, world, "buyer")
    other = onboarding["other"]
    assert client.get(f"/staff/onboarding/suppliers/{other.pk}/").status_code == 404
    url = reverse("staff-onboarding:supplier-action", args=[other.pk])
    assert client.post(url, {"action": "live"}).status_code == 404
    assert client.post(reverse("staff-onboarding:supplier-action", args=[onboarding["mine"].pk]), {"action": "revoke", "invitation": onboarding["other_invitation"].pk}).status_code == 404
    assert Supplier.objects.get(pk=other.pk).status == S.TESTING
    assert Invitation.objects.get(pk=onboarding["other_invitation"].pk).revoked_at is None
    assert client.get(f"/admin/suppliers/supplier/{other.pk}/history/").status_code == 404
    assert client.get(f"/admin/suppliers/supplier/{other.pk}/change/").status_code == 404  # out of scope is not found, in the admin too
    assert "OTHER1" not in client.get("/admin/suppliers/invitation/").content.decode()
    assert "Other Reg" not in client.get("/admin/suppliers/registration/").content.decode()


def test_buyer_acts_on_own_plants_supplier(client, world, onboarding):
    client = login(client, world, "buyer")
    mine = onboarding["mine"]
    page = client.get(f"/staff/onboarding/suppliers/{mine.pk}/")
    assert page.status_code == 200 and "Send invitation" in page.content.decode()
    client.post(reverse("staff-onboarding:supplier-action", args=[mine.pk]), {"action": "invite"})
    invitation = Invitation.objects.get(supplier=mine)
    assert invitation.created_by == world["users"]["buyer"] and invitation.base_url == "http://testserver"
    client.post(reverse("staff-onboarding:supplier-action", args=[mine.pk]), {"action": "live"})  # illegal: shown, not done
    assert Supplier.objects.get(pk=mine.pk).status == S.INVITED
    assert client.get(f"/admin/suppliers/supplier/{mine.pk}/history/").status_code == 200


def test_registration_queue_is_scoped_to_the_buyers_plants(client, world, onboarding):
    client = login(client, world, "buyer")
    text = client.get("/staff/onboarding/registrations/").content.decode()
    assert "Mine Reg" in text and "Other Reg" not in text
    decide = "staff-onboarding:registration-decide"
    assert client.post(reverse(decide, args=[onboarding["reg_other"].pk]), {"decision": "approve"}).status_code == 404
    assert Registration.objects.get(pk=onboarding["reg_other"].pk).status == "pending"
    client.post(reverse(decide, args=[onboarding["reg_mine"].pk]), {"decision": "approve", "number": "MINE2"})
    assert Supplier.objects.get(number="MINE2").status == S.INVITED


def test_admin_invite_action_on_a_filtered_set(client, world, onboarding):
    client = login(client, world, "buyer")
    client.post("/admin/suppliers/supplier/", {"action": "invite", "_selected_action": [str(onboarding["mine"].pk), str(onboarding["other"].pk)]})
    assert Invitation.objects.filter(supplier=onboarding["mine"]).count() == 1
    assert Invitation.objects.filter(supplier=onboarding["other"]).count() == 1  # only the fixture's: out of scope


def test_staff_import_preview_then_commit(client, world):
    client = login(client, world, "admin")
    data = b"supplier_number,name,country,plants\nWEB1,Web GmbH,DE,PLANT01\nWEB2,Bad,XX,PLANT01\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/staff/onboarding/import/", {"file": SimpleUploadedFile("m.csv", data)})
    batch = SupplierImport.objects.get()
    assert response.status_code == 302 and batch.summary["created"] == 1 and batch.summary["bad_rows"] == 1
    preview = client.get(f"/staff/onboarding/import/{batch.pk}/").content.decode()
    assert "XX" in preview and "ISO 3166" in preview and not Supplier.objects.filter(number="WEB1").exists()
    client.post(f"/staff/onboarding/import/{batch.pk}/")
    assert Supplier.objects.filter(number="WEB1").exists() and not Supplier.objects.filter(number="WEB2").exists()
    client.force_login(world["users"]["buyer"])
    assert client.get(f"/staff/onboarding/import/{batch.pk}/").status_code == 404  # another user's upload


def test_invitation_page_sets_password_and_signs_in(client, world, onboarding):
    invitation = invitation_create(supplier=onboarding["mine"])
    url = invitation_link(invitation=invitation).replace("http://127.0.0.1:8000", "")
    assert client.get(url).status_code == 200
    response = client.post(url, {"username": "mine-admin", "password1": "a-Long-pass-123", "password2": "a-Long-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/portal/profile/"
    assert client.get(url).status_code == 410
    assert Supplier.objects.get(pk=onboarding["mine"].pk).status == S.REGISTERED


def test_self_registration_page(client, world):
    response = client.post("/portal/register/", {"company": "Self GmbH", "country": "pl", "contact_name": "Jan", "email": "jan@self.example", "plant": "PLANT02"})
    assert response.status_code == 200 and Registration.objects.get(company="Self GmbH").plant.code == "PLANT02"
    assert client.post("/portal/register/", {"company": "X", "country": "QQ", "contact_name": "J", "email": "j@x.example", "plant": "PLANT02"}).status_code == 200
    assert not Registration.objects.filter(company="X").exists()
    assert not mail.outbox


def test_profile_wizard_is_only_for_supplier_users(client, world):
    client = login(client, world, "buyer")
    assert client.get("/portal/profile/").status_code == 404


def test_onboarding_pages_speak_german(client, world, onboarding):
    login(client, world, "buyer")
    text = client.get("/staff/onboarding/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Onboarding-Trichter" in text and "Verweildauer je Status" in text
    assert "Als Lieferant registrieren" in client.get("/portal/register/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_large_staff_import_runs_in_the_background_and_shows_progress(client, world, django_capture_on_commit_callbacks, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from suppliers import imports
    from suppliers.models import Supplier, SupplierImport
    from tests.suppliers.test_imports import csv_bytes, good_row

    monkeypatch.setattr(imports, "INLINE_ROWS", 5)
    monkeypatch.setattr("suppliers.staff_views.INLINE_ROWS", 5)
    login(client, world, "admin")
    data = csv_bytes(*(good_row(n) for n in range(1, 21)))
    client.post("/staff/onboarding/import/", {"file": SimpleUploadedFile("big.csv", data)})
    batch = SupplierImport.objects.get()
    queued = []
    monkeypatch.setattr("suppliers.tasks.commit_import.delay_on_commit", lambda *args: queued.append(args))
    client.post(f"/staff/onboarding/import/{batch.pk}/")
    batch.refresh_from_db()
    assert batch.status == "importing" and queued == [(batch.pk, world["users"]["admin"].pk)]
    page = client.get(f"/staff/onboarding/import/{batch.pk}/").content.decode()
    assert 'id="import-progress"' in page and 'http-equiv="refresh"' in page
    # What the Celery task runs: the import, with its progress recorded on the batch.
    from suppliers.tasks import commit_import

    assert commit_import(batch.pk, world["users"]["admin"].pk) == "committed"
    batch.refresh_from_db()
    assert batch.progress_done == batch.progress_total == 20 and batch.progress_stage == "write"
    assert batch.summary["committed"] and Supplier.objects.filter(number__startswith="NEW").count() == 20
    assert 'id="import-progress"' not in client.get(f"/staff/onboarding/import/{batch.pk}/").content.decode()
    assert commit_import(batch.pk, None) == "committed", "a second run changes nothing"
