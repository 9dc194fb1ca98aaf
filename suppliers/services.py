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


# -- partner profile wizard ----------------------------------------------------------------

FORMAT_SCHEMES = {"EDIFACT": "edifact", "X12": "x12", "VDA": "vda"}
PROFILE_FORMATS = ["EDIFACT", "X12", "VDA", "XML", "CSV"]


class ProfileError(ValueError):
    """A profile value the hub cannot accept (e.g. an identifier of another supplier)."""


def profile_propose(*, data: bytes) -> dict:
    """Read a sample file (nothing stored) and propose format, version, message types and identifiers.

    The identifiers come from the envelope (UNB/ISA sender with its qualifier) and the
    supplier parties of the documents (NAD+SE / N1*SU).
    """
    from hub.formats import registry

    detection, result = registry.parse(data)
    family = detection.family if detection.family != "unknown" else ""
    scheme = FORMAT_SCHEMES.get(family, "")
    identifiers: list[tuple[str, str, str]] = []
    if scheme:
        for env in result.envelopes:
            if env.sender.get("id"):
                identifiers.append((scheme, env.sender.get("scheme", "")[:10], env.sender["id"][:80]))
        for doc in result.documents:
            if doc.supplier.id:
                identifiers.append((scheme, "92" if scheme in ("edifact", "x12") else "", doc.supplier.id[:80]))
    types = sorted({m.type for m in result.messages if m.type} | set(detection.message_types))
    return {
        "format": family if family in PROFILE_FORMATS else ("XML" if family in ("UBL", "CXML") else family),
        "version": detection.version,
        "message_types": types,
        "identifiers": list(dict.fromkeys(identifiers)),
        "errors": [str(e) for e in result.all_errors][:20],
    }


@transaction.atomic
def profile_set_format(*, supplier: Supplier, by: User | None, format: str, version: str, message_types: list[str]) -> PartnerProfile:
    """Wizard step 1: which format and version the supplier sends, and which message types."""
    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    profile.format = format.upper()[:20]
    profile.version = version.strip()[:20]
    profile.inbound_formats = [f"{profile.format}:{t.strip().upper()}" for t in message_types if t.strip()]
    profile._history_user = by
    profile.save()
    return profile


@transaction.atomic
def profile_set_identifiers(*, supplier: Supplier, by: User | None, identifiers: list[tuple[str, str, str]]) -> PartnerProfile:
    """Wizard step 2: the ids the supplier's files carry; replaces the profile's plant-less identifiers.

    Raises ProfileError when an id already identifies another supplier.
    """
    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    wanted = list(dict.fromkeys((s, q.strip()[:10], v.strip()[:80]) for s, q, v in identifiers if v.strip()))
    for scheme, qualifier, value in wanted:
        clash = PartnerIdentifier.objects.filter(scheme=scheme, qualifier=qualifier, value=value, plant=None).exclude(profile=profile)
        if clash.exists():
            raise ProfileError(f"'{value}' ({scheme} {qualifier}) already identifies another supplier; ask the hub team if this is yours")
    current = {(i.scheme, i.qualifier, i.value): i for i in profile.identifiers.filter(plant=None)}
    for key, ident in current.items():
        if key not in wanted:
            ident._history_user = by
            ident.delete()
    for scheme, qualifier, value in wanted:
        if (scheme, qualifier, value) not in current:
            ident = PartnerIdentifier(profile=profile, scheme=scheme, qualifier=qualifier, value=value)
            ident._history_user = by
            ident.save()
    return profile


@transaction.atomic
def profile_complete(*, supplier: Supplier, by: User, channel: str) -> str | None:
    """Wizard step 3: the channel; completes the profile. Returns a new API token for the API channel.

    A supplier still ``registered`` becomes ``profile_complete``. The token is returned
    once and stored hashed.
    """
    from suppliers.onboarding import onboarding_transition

    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    if channel not in PartnerProfile.Channel.values:
        raise ProfileError(f"'{channel}' is not a channel ({', '.join(PartnerProfile.Channel.values)})")
    if not profile.identifiers.exists() and channel != PartnerProfile.Channel.WEB:
        raise ProfileError("add at least one identifier first: the hub recognises your files by it")
    profile.channel = channel
    profile._history_user = by
    profile.save()
    token = token_issue(user=by, name="onboarding") if channel == PartnerProfile.Channel.API else None
    if supplier.status == Supplier.Status.REGISTERED:
        onboarding_transition(supplier=supplier, to=Supplier.Status.PROFILE_COMPLETE, by=by, note="partner profile completed")
    return token


def column_mappings_of(profile: PartnerProfile) -> list:
    """The profile's CSV/XLSX column mappings as the tabular codec takes them; ValueError when one is invalid."""
    from hub.formats.tabular.mapping import ColumnMapping

    if not isinstance(profile.column_mappings, list):
        raise ValueError("column mappings must be a list of {document_type, columns}")
    mappings = []
    for index, item in enumerate(profile.column_mappings, 1):
        if not isinstance(item, dict) or not isinstance(item.get("columns"), dict):
            raise ValueError(f"mapping {index}: needs 'document_type' and a 'columns' object")
        try:
            mappings.append(ColumnMapping.from_dict(str(item.get("document_type", "")), item["columns"], name=str(item.get("name", ""))))
        except ValueError as exc:
            raise ValueError(f"mapping {index}: {exc}") from None
    return mappings
