"""Reads for onboarding, every one scoped to the user through ``hub.scope.scoped``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.utils import timezone

from hub.models import Interchange, Plant
from hub.scope import scoped
from suppliers.identifiers import FORMAT_SCHEMES, IdentifierKey, identifier_key
from suppliers.models import ApiToken, Invitation, OnboardingTransition, PartnerIdentifier, Registration, Supplier, SupplierImport, User
from suppliers.onboarding import ORDER, allowed_next, required_message_types, test_runs_summary

STATES = [*ORDER, Supplier.Status.SUSPENDED]


def suppliers_for(*, user: User) -> QuerySet[Supplier]:
    """The suppliers ``user`` may see (buyers: those supplying their plants)."""
    return scoped(Supplier.objects.all(), user)


def registrations_for(*, user: User, status: str = "") -> QuerySet[Registration]:
    """Self-registrations naming the user's plants (all for hq and admin), pending first."""
    qs = scoped(Registration.objects.select_related("plant", "decided_by", "supplier"), user)
    if status:
        qs = qs.filter(status=status)
    pending_first = Case(When(status=Registration.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.order_by(pending_first, "-created_at")


def imports_for(*, user: User) -> QuerySet[SupplierImport]:
    """Master-data uploads: a buyer's own, every one for admins and headquarters."""
    qs = SupplierImport.objects.all()
    if user.is_superuser or user.role in (User.Role.ADMIN, User.Role.HQ):
        return qs
    return qs.filter(created_by=user)


def _human(seconds: float) -> str:
    days = seconds / 86400
    if days >= 1:
        return f"{days:.1f} d"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours >= 1 else f"{max(seconds, 0) / 60:.0f} min"


def onboarding_funnel(*, user: User, stuck_limit: int = 25, now: dt.datetime | None = None) -> dict[str, Any]:
    """Counts per state per plant, time spent per state, and the suppliers stuck longest."""
    now = now or timezone.now()
    suppliers = suppliers_for(user=user)
    plants = list(scoped(Plant.objects.all(), user).order_by("code"))
    through = Supplier.plants.through
    per_plant: dict[str, dict[str, int]] = {p.code: dict.fromkeys(STATES, 0) for p in plants}
    rows = (
        through.objects.filter(supplier_id__in=suppliers.values("pk"), plant__in=plants)
        .values_list("plant__code", "supplier__status")
        .annotate(n=Count("supplier_id", distinct=True))
    )
    for code, status, n in rows:
        per_plant[code][status] = n
    totals = dict.fromkeys(STATES, 0)
    for status, n in suppliers.order_by().values_list("status").annotate(n=Count("pk", distinct=True)):
        totals[status] = n
    peak = max(totals.values()) or 1
    # Time per state: finished stays from consecutive transitions, plus the current stay.
    spent: dict[str, list[float]] = defaultdict(list)
    last: dict[Any, tuple[str, dt.datetime]] = {}
    for sid, to_status, at in (
        OnboardingTransition.objects.filter(supplier__in=suppliers.values("pk")).order_by("supplier_id", "at", "id").values_list("supplier_id", "to_status", "at")
    ):
        if sid in last:
            prev_status, prev_at = last[sid]
            spent[prev_status].append((at - prev_at).total_seconds())
        last[sid] = (to_status, at)
    for status, since in suppliers.order_by().values_list("status", "status_changed_at"):
        spent[status].append((now - since).total_seconds())
    time_per_state = [
        {"status": s, "label": Supplier.Status(s).label, "stays": len(spent[s]), "average": _human(sum(spent[s]) / len(spent[s])) if spent[s] else "–",
         "longest": _human(max(spent[s])) if spent[s] else "–"}
        for s in STATES
    ]  # fmt: skip
    stuck = (
        suppliers.exclude(status__in=[Supplier.Status.LIVE, Supplier.Status.SUSPENDED])
        .order_by("status_changed_at")
        .prefetch_related(Prefetch("plants", queryset=Plant.objects.only("code")))[:stuck_limit]
    )
    return {
        "states": [{"status": s, "label": Supplier.Status(s).label, "count": totals[s], "percent": round(100 * totals[s] / peak)} for s in STATES],
        "per_plant": [{"plant": code, "counts": [counts[s] for s in STATES], "total": sum(counts.values())} for code, counts in per_plant.items()],
        "time_per_state": time_per_state,
        "stuck": [{"supplier": s, "since": s.status_changed_at, "waiting": _human((now - s.status_changed_at).total_seconds())} for s in stuck],
        "pending_registrations": scoped(Registration.objects.filter(status=Registration.Status.PENDING), user).count(),
        "total": sum(totals.values()),
    }


def supplier_onboarding(*, user: User, pk: Any) -> dict[str, Any]:
    """One supplier's onboarding: state, next steps, timeline, invitations, test files (DoesNotExist outside scope)."""
    supplier = suppliers_for(user=user).select_related("profile").get(pk=pk)
    return {
        "supplier": supplier,
        "allowed": allowed_next(supplier=supplier),
        "transitions": supplier.transitions.select_related("by").order_by("-at", "-id")[:50],
        "invitations": Invitation.objects.filter(supplier=supplier).order_by("-created_at")[:20],
        "test_summary": test_runs_summary(supplier=supplier),
        "required_types": required_message_types(supplier=supplier),
        "test_files": Interchange.objects.filter(sender_supplier=supplier, test_run=True).order_by("-received_at")[:20],
        "identifiers": list(supplier.profile.identifiers.all()) if hasattr(supplier, "profile") else [],
    }


def invitation_for(*, user: User, pk: Any) -> Invitation:
    """One invitation inside the user's scope (DoesNotExist otherwise)."""
    return scoped(Invitation.objects.select_related("supplier"), user).get(pk=pk)


def verified_identities(*, supplier: Supplier) -> set[IdentifierKey]:
    """The normalised keys a supplier may send under: its verified identifiers and its own number.

    The supplier number counts in every envelope scheme: the group assigned it, so it
    needs no verification.
    """
    keys = {
        IdentifierKey(scheme, family, key)
        for scheme, family, key in PartnerIdentifier.objects.filter(
            profile__supplier=supplier, status=PartnerIdentifier.Status.VERIFIED
        ).values_list("scheme", "family", "key")
    }
    # Another supplier's number is that supplier's, whatever an old import may have stored.
    taken = set(Supplier.objects.filter(number__in={k.value for k in keys}).exclude(pk=supplier.pk).values_list("number", flat=True))
    keys = {k for k in keys if k.value not in taken}
    keys |= {identifier_key(scheme, "", supplier.number) for scheme in FORMAT_SCHEMES.values()}
    return keys


def identifier_claims_for(*, user: User, status: str = PartnerIdentifier.Status.PENDING) -> QuerySet[PartnerIdentifier]:
    """Identifier claims the user may decide on: a buyer those of its plants' suppliers, an admin all (hq reads)."""
    qs = scoped(PartnerIdentifier.objects.select_related("profile__supplier", "plant", "decided_by"), user)
    return qs.filter(status=status).order_by("profile__supplier__number", "scheme", "key") if status else qs


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """A person's own API tokens, newest first: nobody else's, whatever the role (admins use the admin)."""
    if user is None or not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at")
