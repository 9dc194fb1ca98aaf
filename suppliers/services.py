"""Services for suppliers, their identifiers and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from suppliers.identifiers import MUTUAL, IdentifierKey, identifier_key, normalise_value
from suppliers.models import ApiToken, PartnerIdentifier, PartnerProfile, Supplier, User

TOKEN_PREFIX = "hub_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, user: User, name: str = "api", days: int | None = None, scope: str = ApiToken.Scope.WRITE) -> str:
    """Create an API token for ``user`` and return it; only its SHA-256 is stored, so this is the one time it is seen."""
    return token_create(user=user, name=name, days=days, scope=scope)[1]


@transaction.atomic
def token_create(
    *, user: User, name: str = "api", days: int | None = None, scope: str = ApiToken.Scope.WRITE, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for ``user``: the stored row and the token itself (shown once, never again).

    It expires after ``days``, or at ``expires_at``, or never.
    """
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"unknown scope '{scope}': one of {', '.join(ApiToken.Scope.values)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=days) if days else expires_at
    row = ApiToken.objects.create(user=user, name=name[:100] or "api", scope=scope, prefix=token[:10], digest=_digest(token), expires_at=expires)
    return row, token


@transaction.atomic
def plant_system_user(*, username: str, plant_codes: list[str]) -> User:
    """The service account a plant's own system (ERP, MES) calls the API as: role ``buyer``, bound to its plants, no password.

    Created on first use; an existing account must already be such a service account
    (a person's login is never turned into one).
    """
    from hub.models import Plant

    plants = list(Plant.objects.filter(code__in=plant_codes))
    unknown = sorted(set(plant_codes) - {p.code for p in plants})
    if unknown:
        raise ValueError(f"unknown plant(s): {', '.join(unknown)}")
    user, created = User.objects.get_or_create(username=username, defaults={"role": User.Role.BUYER})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.role != User.Role.BUYER or user.has_usable_password():
        raise ValueError(f"'{username}' is a person's account, not a plant system's: choose another name")
    user.plants.add(*plants)
    return user


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke ``token`` at once; revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_authenticate(*, token: str) -> ApiToken | None:
    """Return the token row (with its user) for a valid token; None for unknown, expired or revoked tokens or inactive users."""
    if not token or len(token) > 200:
        return None
    found = ApiToken.objects.select_related("user").filter(digest=_digest(token), revoked_at__isnull=True).first()
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.expires_at is not None and found.expires_at <= now:
        return None
    # Recorded at most once a minute: a busy token must not write its row on every call.
    if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


def suppliers_by_party(*, party_ids: set[str], scheme: str = "edifact") -> dict[str, Supplier]:
    """Resolve many party ids at once (one query per table), for interchanges of thousands of messages.

    A supplier number is the group's own key and wins; otherwise only VERIFIED identifiers
    route, compared by their normalised key (``suppliers.identifiers``), so a pending
    claim on someone else's id never moves a document. The ``mutual`` qualifier family
    (ZZ/92 and friends) is preferred where a value exists in several families.
    """
    found: dict[str, Supplier] = {}
    if not party_ids:
        return found
    wanted = {normalise_value(p): p for p in party_ids if p}
    for supplier in Supplier.objects.filter(number__in=[p for p in party_ids if p]):
        found[supplier.number] = supplier
    missing = {k: raw for k, raw in wanted.items() if raw not in found}
    if missing:
        idents = (
            PartnerIdentifier.objects.filter(scheme=scheme, key__in=list(missing), status=PartnerIdentifier.Status.VERIFIED, plant=None)
            .select_related("profile__supplier")
            .order_by("pk")
        )
        for ident in sorted(idents, key=lambda i: i.family != MUTUAL):
            found.setdefault(missing[ident.key], ident.profile.supplier)
    return found


def reserved_identifier_owner(*, key: IdentifierKey, supplier: Supplier) -> str:
    """Who other than ``supplier`` already holds ``key`` by right: '' when nobody does.

    Another supplier's number (the group assigns those) or recorded DUNS, the plant
    systems' own sender ids, and another supplier's verified identifier are taken; pending claims are not
    (a squatter's claim must not block the real owner).
    """
    from django.conf import settings

    if key.value in {normalise_value(v) for v in settings.HUB_PLANT_SENDER_IDS}:
        return "the group's plant systems"
    if Supplier.objects.filter(number__iexact=key.value).exclude(pk=supplier.pk).exists():
        return "another supplier"
    if (key.scheme == "duns" or key.family == "duns") and Supplier.objects.filter(duns=key.value).exclude(pk=supplier.pk).exists():
        return "another supplier"  # master data: the DUNS staff recorded for another supplier
    clash = (
        PartnerIdentifier.objects.filter(scheme=key.scheme, family=key.family, key=key.value, plant=None, status=PartnerIdentifier.Status.VERIFIED)
        .exclude(profile__supplier=supplier)
        .exists()
    )
    return "another supplier" if clash else ""


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

    What a supplier claims here is ``pending`` until a buyer of one of its plants or an
    admin verifies it (``identifier_decide``); ids it already had keep their state.
    Raises ProfileError when an id is another supplier's (its number or a verified id)
    or the plant systems', compared by the normalised key.
    """
    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    wanted: dict[IdentifierKey, tuple[str, str, str]] = {}
    for s, q, v in identifiers:
        if v.strip():
            wanted.setdefault(identifier_key(s, q.strip()[:10], v.strip()[:80]), (s, q.strip()[:10], v.strip()[:80]))
    for key, (scheme, qualifier, value) in wanted.items():
        owner = reserved_identifier_owner(key=key, supplier=supplier)
        if owner:
            raise ProfileError(f"'{value}' ({scheme} {qualifier}) already identifies {owner}; ask the hub team if this is yours")
    current = {identifier_key(i.scheme, i.qualifier, i.value): i for i in profile.identifiers.filter(plant=None)}
    for key, ident in current.items():
        if key not in wanted:
            ident._history_user = by
            ident.delete()
    for key, (scheme, qualifier, value) in wanted.items():
        if key not in current:
            ident = PartnerIdentifier(profile=profile, scheme=scheme, qualifier=qualifier, value=value, status=PartnerIdentifier.Status.PENDING)
            ident._history_user = by
            ident.save()
    return profile


class IdentifierError(ValueError):
    """An identifier decision the hub cannot take (e.g. the id is verified for another supplier)."""


@transaction.atomic
def identifier_decide(*, identifier: PartnerIdentifier, by: User, verify: bool) -> PartnerIdentifier:
    """Verify or reject a supplier's identifier claim; the caller has checked ``by`` may decide for this supplier.

    Verifying refuses an id that meanwhile belongs to someone else by right (another
    supplier's number or verified id, the plant systems' ids).
    """
    identifier = PartnerIdentifier.objects.select_for_update().select_related("profile__supplier").get(pk=identifier.pk)
    if verify:
        key = identifier_key(identifier.scheme, identifier.qualifier, identifier.value)
        owner = reserved_identifier_owner(key=key, supplier=identifier.profile.supplier)
        if owner:
            raise IdentifierError(f"'{identifier.value}' already identifies {owner}; it cannot be verified for {identifier.profile.supplier.number}")
    identifier.status = PartnerIdentifier.Status.VERIFIED if verify else PartnerIdentifier.Status.REJECTED
    identifier.decided_by, identifier.decided_at = by, timezone.now()
    identifier._history_user = by
    identifier.save()
    return identifier


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
