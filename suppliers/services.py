"""Services for suppliers, their identifiers and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from suppliers.models import ApiToken, PartnerIdentifier, PartnerProfile, Supplier, User

TOKEN_PREFIX = "hub_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user: User, name: str = "api", days: int | None = None) -> str:
    """Create an API token for ``user`` and return it; only its SHA-256 is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=days) if days else None
    ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=_digest(token), expires_at=expires)
    return token


def token_authenticate(*, token: str) -> User | None:
    """Return the active user a token belongs to, or None for unknown, expired or revoked tokens."""
    if not token or len(token) > 200:
        return None
    found = ApiToken.objects.select_related("user").filter(digest=_digest(token), revoked_at__isnull=True).first()
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.expires_at is not None and found.expires_at <= now:
        return None
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def supplier_for_party(*, party_id: str, scheme: str = "edifact", qualifier: str = "") -> Supplier | None:
    """Resolve a party id from a document (NAD+SE, N1*SU, VDA number) to a supplier.

    Looks in the partner profiles' identifiers of ``scheme`` first (with the qualifier
    when given), then falls back to the supplier number itself.
    """
    if not party_id:
        return None
    idents = PartnerIdentifier.objects.filter(scheme=scheme, value=party_id).select_related("profile__supplier")
    if qualifier:
        exact = [i for i in idents if i.qualifier == qualifier]
        idents = exact or list(idents)
    for ident in idents:
        return ident.profile.supplier
    return Supplier.objects.filter(number=party_id).first()


def suppliers_by_party(*, party_ids: set[str], scheme: str = "edifact") -> dict[str, Supplier]:
    """Resolve many party ids at once (one query per table), for interchanges of thousands of messages."""
    found: dict[str, Supplier] = {}
    if not party_ids:
        return found
    for ident in PartnerIdentifier.objects.filter(scheme=scheme, value__in=party_ids).select_related("profile__supplier"):
        found.setdefault(ident.value, ident.profile.supplier)
    missing = party_ids - found.keys()
    if missing:
        for supplier in Supplier.objects.filter(number__in=missing):
            found[supplier.number] = supplier
    return found


@transaction.atomic
def profile_ensure(*, supplier: Supplier, identifiers: list[tuple[str, str, str]], inbound_formats: list[str] | None = None) -> PartnerProfile:
    """Make sure ``supplier`` has a profile carrying ``identifiers`` (scheme, qualifier, value)."""
    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier, defaults={"inbound_formats": inbound_formats or []})
    if inbound_formats is not None and profile.inbound_formats != inbound_formats:
        profile.inbound_formats = inbound_formats
        profile.save(update_fields=["inbound_formats", "updated_at"])
    for scheme, qualifier, value in identifiers:
        PartnerIdentifier.objects.get_or_create(profile=profile, scheme=scheme, qualifier=qualifier, value=value, plant=None)
    return profile
