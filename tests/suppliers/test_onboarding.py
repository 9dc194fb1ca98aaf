"""The onboarding state machine, invitations, self-registration and the profile wizard services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from suppliers.invitations import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_link,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    registration_approve,
    registration_submit,
)
from suppliers.models import Invitation, OnboardingTransition, PartnerIdentifier, Supplier
from suppliers.onboarding import IllegalTransition, allowed_next, onboarding_transition
from suppliers.services import ProfileError, profile_complete, profile_propose, profile_set_format, profile_set_identifiers
from suppliers.tasks import send_invitation
from tests.delfor_builder import delfor, message
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
S = Supplier.Status


@pytest.fixture
def newcomer(world):
    s = SupplierFactory(number="NEW00001", status=S.INVITED, email="edi@newcomer.example")
    s.plants.set([world["plants"][0]])
    return s


def token_of(message_body: str) -> str:
    link = next(w for w in message_body.split() if "/portal/invitation/" in w)
    return link.rstrip("/").rsplit("/", 1)[1]


def test_states_go_forward_one_step_at_a_time(newcomer, world):
    for to in (S.REGISTERED, S.PROFILE_COMPLETE, S.TESTING, S.LIVE):
        onboarding_transition(supplier=newcomer, to=to, by=world["users"]["buyer"])
    newcomer.refresh_from_db()
    assert newcomer.status == S.LIVE
    assert list(newcomer.transitions.values_list("to_status", flat=True)) == ["registered", "profile_complete", "testing", "live"]
    assert newcomer.history.first().history_user == world["users"]["buyer"]


def test_an_illegal_transition_raises_a_clear_error(newcomer):
    with pytest.raises(IllegalTransition, match="cannot go from 'invited' to 'live'; allowed: registered, suspended"):
        onboarding_transition(supplier=newcomer, to=S.LIVE)
    with pytest.raises(IllegalTransition, match="not an onboarding state"):
        onboarding_transition(supplier=newcomer, to="bogus")
    assert Supplier.objects.get(pk=newcomer.pk).status == S.INVITED


def test_suspend_from_any_state_and_resume_where_it_was(newcomer):
    onboarding_transition(supplier=newcomer, to=S.REGISTERED)
    onboarding_transition(supplier=newcomer, to=S.SUSPENDED)
    assert allowed_next(supplier=newcomer) == [S.REGISTERED]
    with pytest.raises(IllegalTransition):
        onboarding_transition(supplier=newcomer, to=S.LIVE)
    onboarding_transition(supplier=newcomer, to=S.REGISTERED)
    assert Supplier.objects.get(pk=newcomer.pk).status == S.REGISTERED


def test_invitation_mail_link_creates_the_first_user_once(newcomer, settings):
    settings.HUB_PUBLIC_URL = "https://hub.example"
    invitation = invitation_create(supplier=newcomer)
    assert send_invitation.apply(args=[invitation.pk]).get() is True
    assert send_invitation.apply(args=[invitation.pk]).get() is False  # idempotent: mailed once
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["edi@newcomer.example"]
    assert "https://hub.example/portal/invitation/" in mail.outbox[0].body
    token = token_of(mail.outbox[0].body)
    user = invitation_accept(token=token, username="newbie", password="a-Long-pass-123")
    assert user.supplier == newcomer and user.role == "supplier" and user.check_password("a-Long-pass-123")
    assert Supplier.objects.get(pk=newcomer.pk).status == S.REGISTERED
    with pytest.raises(InvitationError, match="already used"):
        invitation_accept(token=token, username="second", password="a-Long-pass-123")


def test_expired_revoked_and_replaced_links_do_not_work(newcomer):
    invitation = invitation_create(supplier=newcomer)
    token = token_of(invitation_link(invitation=invitation))
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=token, username="u1", password="a-Long-pass-123")
    invitation.refresh_from_db()
    invitation = invitation_resend(invitation=invitation)  # fresh link and expiry
    with pytest.raises(InvitationError, match="replaced"):
        invitation_accept(token=token, username="u1", password="a-Long-pass-123")
    new_token = token_of(invitation_link(invitation=invitation))
    invitation_revoke(invitation=invitation)
    with pytest.raises(InvitationError, match="withdrawn"):
        invitation_accept(token=new_token, username="u1", password="a-Long-pass-123")
    with pytest.raises(InvitationError, match="not valid"):
        invitation_accept(token=new_token[:-3] + "xyz", username="u1", password="a-Long-pass-123")
    assert not invitation_send(invitation_id=invitation.pk) and not mail.outbox


def test_resend_mails_a_new_link(newcomer):
    invitation = invitation_create(supplier=newcomer)
    invitation_send(invitation_id=invitation.pk)
    invitation_resend(invitation=invitation)
    invitation_send(invitation_id=invitation.pk)
    assert len(mail.outbox) == 2 and token_of(mail.outbox[0].body) != token_of(mail.outbox[1].body)


def test_inviting_again_revokes_the_open_invitation(newcomer):
    first = invitation_create(supplier=newcomer)
    invitation_create(supplier=newcomer)
    first.refresh_from_db()
    assert first.state == "revoked"


def test_only_invited_suppliers_with_an_email_are_invited(world):
    with pytest.raises(InvitationError, match="already"):
        invitation_create(supplier=world["suppliers"][0])  # live
    s = SupplierFactory(number="NOMAIL", status=S.INVITED, email="")
    with pytest.raises(InvitationError, match="no contact e-mail"):
        invitation_create(supplier=s)


def test_self_registration_approval_creates_and_invites_the_supplier(world):
    reg = registration_submit(company="Fresh GmbH", country="de", contact_name="Eva", email="eva@fresh.example", plant=world["plants"][0])
    supplier = registration_approve(registration=reg, by=world["users"]["buyer"])
    assert supplier.number == "REG00001" and supplier.status == S.INVITED and supplier.country == "DE"
    assert list(supplier.plants.values_list("code", flat=True)) == ["PLANT01"]
    invitation = Invitation.objects.get(supplier=supplier)
    assert invitation.email == "eva@fresh.example"
    assert OnboardingTransition.objects.filter(supplier=supplier).exists()
    with pytest.raises(InvitationError, match="already decided"):
        registration_approve(registration=reg, by=world["users"]["buyer"])


def test_a_sample_proposes_the_profile():
    proposal = profile_propose(data=delfor([message("1", "CO1", supplier="ABC42")], sender="ABC42"))
    assert proposal["format"] == "EDIFACT" and proposal["version"] == "D96A" and proposal["message_types"] == ["DELFOR"]
    assert ["edifact", "ZZ", "ABC42"] in [list(i) for i in proposal["identifiers"]]


def test_profile_wizard_completes_the_profile_and_issues_a_token(newcomer):
    onboarding_transition(supplier=newcomer, to=S.REGISTERED)
    user = newcomer.users.create(username="u", role="supplier")
    profile_set_format(supplier=newcomer, by=user, format="edifact", version="D96A", message_types=["DELFOR", " desadv"])
    with pytest.raises(ProfileError, match="another supplier"):
        profile_set_identifiers(supplier=newcomer, by=user, identifiers=[("edifact", "92", "SUP00002")])
    profile_set_identifiers(supplier=newcomer, by=user, identifiers=[("edifact", "ZZ", "NEW00001"), ("edifact", "", "")])
    token = profile_complete(supplier=newcomer, by=user, channel="api")
    assert token.startswith("hub_")
    newcomer.refresh_from_db()
    assert newcomer.status == S.PROFILE_COMPLETE
    assert newcomer.profile.inbound_formats == ["EDIFACT:DELFOR", "EDIFACT:DESADV"]
    # ZZ and 92 are one id (one qualifier family): the verified one the supplier already had is kept, not re-claimed.
    assert list(PartnerIdentifier.objects.filter(profile=newcomer.profile).values_list("key", "status")) == [("NEW00001", "verified")]
    assert newcomer.profile.history.count() >= 2
