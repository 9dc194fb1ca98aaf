"""Invitations and self-registrations: how a supplier's first user comes to exist.

An invitation is an e-mail with a signed link (``django.core.signing``) holding the
invitation's id and a nonce. The link works once (``used_at``), until it expires
(``expires_at``, HUB_INVITATION_DAYS), and until it is revoked or resent (a resend
rotates the nonce, which kills every earlier link). Mail goes out through the Celery
task ``suppliers.tasks.send_invitation`` after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hub.models import Plant
from suppliers.models import Invitation, OnboardingTransition, Registration, Supplier, User
from suppliers.onboarding import onboarding_transition

SALT = "suppliers.invitation"


class InvitationError(ValueError):
    """The invitation cannot be used or changed (expired, used, revoked, bad link, no e-mail)."""


def _token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=True)


def invitation_link(*, invitation: Invitation) -> str:
    """The absolute link the invitation e-mail carries."""
    base = (invitation.base_url or settings.HUB_PUBLIC_URL).rstrip("/")
    return base + reverse("portal:invitation", args=[_token(invitation)])


def _enqueue(invitation_id: int) -> None:
    from suppliers.tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation_id))


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.HUB_INVITATION_DAYS)


@transaction.atomic
def invitation_create(*, supplier: Supplier, by: User | None = None, email: str = "", base_url: str = "") -> Invitation:
    """Invite ``supplier``'s contact to create the first user; earlier open invitations are revoked."""
    email = email or supplier.email
    if supplier.status != Supplier.Status.INVITED:
        raise InvitationError(_("Supplier %(number)s is already %(status)s; invitations are for new suppliers.") % {"number": supplier.number, "status": supplier.get_status_display()})
    if not email:
        raise InvitationError(_("Supplier %(number)s has no contact e-mail address.") % {"number": supplier.number})
    now = timezone.now()
    Invitation.objects.filter(supplier=supplier, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    invitation = Invitation.objects.create(
        supplier=supplier, email=email, nonce=secrets.token_hex(8), base_url=base_url[:200], created_by=by, expires_at=_expiry()
    )
    _enqueue(invitation.pk)
    return invitation


@transaction.atomic
def invitations_create(*, suppliers: Iterable[Supplier], by: User | None = None, base_url: str = "") -> tuple[int, list[str]]:
    """Invite a filtered set of suppliers at once; returns (invited, reasons the others were skipped)."""
    invited, skipped = 0, []
    for supplier in suppliers:
        try:
            invitation_create(supplier=supplier, by=by, base_url=base_url)
        except InvitationError as exc:
            skipped.append(str(exc))
        else:
            invited += 1
    return invited, skipped


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """Send a fresh link (new nonce, new expiry); every earlier link stops working."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at:
        raise InvitationError(_("This invitation was already used."))
    if locked.revoked_at:
        raise InvitationError(_("This invitation was revoked; invite the supplier again."))
    locked.nonce = secrets.token_hex(8)
    locked.expires_at = _expiry()
    locked.sent_at = None
    locked.save(update_fields=["nonce", "expires_at", "sent_at"])
    _enqueue(locked.pk)
    return locked


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User | None = None) -> Invitation:
    """Make the invitation's link stop working."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at:
        raise InvitationError(_("This invitation was already used."))
    if not locked.revoked_at:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


@transaction.atomic
def invitation_send(*, invitation_id: int) -> bool:
    """E-mail the invitation's current link (idempotent: a link is mailed once); True when sent."""
    invitation = Invitation.objects.select_for_update().select_related("supplier").filter(pk=invitation_id).first()
    if invitation is None or invitation.state not in ("pending", "sent") or invitation.sent_nonce == invitation.nonce:
        return False
    link = invitation_link(invitation=invitation)
    parts = []
    for lang in ("en", "de"):
        with translation.override(lang):
            parts.append(
                _(
                    "Hello,\n\n%(supplier)s is invited to the supplier hub of the group. Follow this link to create "
                    "your first user and set a password:\n\n%(link)s\n\nThe link works once and until %(expires)s.\n"
                )
                % {"supplier": f"{invitation.supplier.name} ({invitation.supplier.number})", "link": link, "expires": f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC"}
            )
    subject = f"{translation.gettext('Your invitation to the supplier hub')} / Ihre Einladung zum Lieferanten-Hub"
    send_mail(subject, "\n----\n\n".join(parts), settings.DEFAULT_FROM_EMAIL, [invitation.email])
    invitation.sent_at = timezone.now()
    invitation.sent_nonce = invitation.nonce
    invitation.send_count += 1
    invitation.save(update_fields=["sent_at", "sent_nonce", "send_count"])
    return True


def invitation_check(*, token: str) -> Invitation:
    """Return the open invitation a link stands for; InvitationError saying why it cannot be used."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvitationError(_("This invitation link is not valid.")) from None
    invitation = Invitation.objects.select_related("supplier").filter(pk=data.get("i")).first()
    if invitation is None or invitation.nonce != data.get("n"):
        raise InvitationError(_("This invitation link was replaced by a newer one or is not valid."))
    state = invitation.state
    if state == "used":
        raise InvitationError(_("This invitation link was already used. Sign in instead."))
    if state == "revoked":
        raise InvitationError(_("This invitation was withdrawn."))
    if state == "expired":
        raise InvitationError(_("This invitation link has expired; ask for a new one."))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create the supplier's first user from an invitation link; the supplier becomes ``registered``."""
    invitation = invitation_check(token=token)
    invitation = Invitation.objects.select_for_update().select_related("supplier").get(pk=invitation.pk)
    if invitation.used_at:  # a second click that raced the first
        raise InvitationError(_("This invitation link was already used. Sign in instead."))
    if User.objects.filter(username__iexact=username).exists():
        raise InvitationError(_("The user name %(name)s is taken; choose another.") % {"name": username})
    user = User(
        username=username, email=invitation.email, first_name=first_name, last_name=last_name,
        role=User.Role.SUPPLIER, supplier=invitation.supplier,
    )  # fmt: skip
    validate_password(password, user)
    user.set_password(password)
    user.save()
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    if invitation.supplier.status == Supplier.Status.INVITED:
        onboarding_transition(supplier=invitation.supplier, to=Supplier.Status.REGISTERED, by=user, note="invitation accepted")
    return user


# -- self-registration -------------------------------------------------------------------


@transaction.atomic
def registration_submit(
    *, company: str, country: str, contact_name: str, email: str, plant: Plant, duns: str = "", vat_id: str = "", note: str = ""
) -> Registration:
    """Record a supplier's request to join; it waits for the plant's purchasing staff."""
    return Registration.objects.create(
        company=company, country=country.upper(), contact_name=contact_name, email=email, plant=plant, duns=duns, vat_id=vat_id, note=note
    )


def _next_number() -> str:
    taken = set(Supplier.objects.filter(number__startswith="REG").values_list("number", flat=True))
    n = len(taken) + 1
    while f"REG{n:05d}" in taken:
        n += 1
    return f"REG{n:05d}"


@transaction.atomic
def registration_approve(*, registration: Registration, by: User, number: str = "", base_url: str = "") -> Supplier:
    """Accept a self-registration: create the supplier (``invited``) and invite its contact."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != Registration.Status.PENDING:
        raise InvitationError(_("This registration was already decided."))
    number = (number or "").strip() or _next_number()
    if Supplier.objects.filter(number=number).exists():
        raise InvitationError(_("Supplier number %(number)s exists already.") % {"number": number})
    supplier = Supplier(
        number=number, name=locked.company, country=locked.country, email=locked.email, duns=locked.duns, vat_id=locked.vat_id,
        status=Supplier.Status.INVITED,
    )  # fmt: skip
    supplier._history_user = by
    supplier.save()
    supplier.plants.add(locked.plant)
    OnboardingTransition.objects.create(supplier=supplier, from_status="", to_status=supplier.status, by=by, note="self-registration approved")
    locked.status = Registration.Status.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.supplier = supplier
    locked.save()
    invitation_create(supplier=supplier, by=by, base_url=base_url)
    return supplier


@transaction.atomic
def registration_reject(*, registration: Registration, by: User, reason: str = "") -> Registration:
    """Turn a self-registration down, with the reason kept."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status != Registration.Status.PENDING:
        raise InvitationError(_("This registration was already decided."))
    locked.status = Registration.Status.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.reason = reason[:300]
    locked.save()
    return locked


__all__ = [
    "InvitationError",
    "invitation_accept",
    "invitation_check",
    "invitation_create",
    "invitation_link",
    "invitation_resend",
    "invitation_revoke",
    "invitation_send",
    "invitations_create",
    "registration_approve",
    "registration_reject",
    "registration_submit",
]
