"""The onboarding states of a supplier, enforced in one place.

invited -> registered -> profile_complete -> testing -> live, and suspended from any
state (a suspended supplier resumes in the state it was suspended from). Every change
goes through ``onboarding_transition``, which records who moved the supplier and when
(``OnboardingTransition`` for the funnel, django-simple-history for the audit trail).
"""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from suppliers.models import OnboardingTransition, Supplier, User

S = Supplier.Status
ORDER = [S.INVITED, S.REGISTERED, S.PROFILE_COMPLETE, S.TESTING, S.LIVE]
NEXT: dict[str, set[str]] = {
    S.INVITED: {S.REGISTERED},
    S.REGISTERED: {S.PROFILE_COMPLETE},
    S.PROFILE_COMPLETE: {S.TESTING},
    S.TESTING: {S.LIVE, S.PROFILE_COMPLETE},  # back to the wizard when the profile was wrong
    S.LIVE: set(),
}


class IllegalTransition(ValueError):
    """A state change the onboarding workflow does not allow."""


def allowed_next(*, supplier: Supplier) -> list[str]:
    """The states ``supplier`` may move to from where it is now."""
    if supplier.status == S.SUSPENDED:
        resume = _suspended_from(supplier)
        return [resume] if resume else []
    return sorted(NEXT.get(supplier.status, set()), key=ORDER.index) + [S.SUSPENDED]


def _suspended_from(supplier: Supplier) -> str:
    last = supplier.transitions.filter(to_status=S.SUSPENDED).order_by("-at", "-id").first()
    return last.from_status if last and last.from_status else S.INVITED


@transaction.atomic
def onboarding_transition(*, supplier: Supplier, to: str, by: User | None = None, note: str = "") -> Supplier:
    """Move ``supplier`` to state ``to``; raises IllegalTransition when the workflow forbids it.

    The row is locked first, so two staff members (or a worker and a person) cannot
    both move the same supplier from the same state.
    """
    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if to not in S.values:
        raise IllegalTransition(f"'{to}' is not an onboarding state; states: {', '.join(S.values)}")
    allowed = allowed_next(supplier=locked)
    if to not in allowed:
        raise IllegalTransition(
            f"supplier {locked.number} cannot go from '{locked.status}' to '{to}'; allowed: {', '.join(allowed) or 'nothing'}"
        )
    now = timezone.now()
    OnboardingTransition.objects.create(supplier=locked, from_status=locked.status, to_status=to, at=now, by=by, note=note[:200])
    locked.status = to
    locked.status_changed_at = now
    locked._history_user = by  # simple_history: who made the change (no request in tasks and commands)
    locked._change_reason = note[:100] or f"onboarding: {to}"
    locked.save(update_fields=["status", "status_changed_at"])
    supplier.status, supplier.status_changed_at = locked.status, locked.status_changed_at
    return supplier


def test_runs_summary(*, supplier: Supplier) -> dict[str, dict[str, int]]:
    """Per message type: how many test files came back clean and how many did not."""
    from hub.models import Interchange

    summary: dict[str, dict[str, int]] = {}
    rows = Interchange.objects.filter(sender_supplier=supplier, test_run=True).exclude(
        status__in=[Interchange.Status.RECEIVED, Interchange.Status.PROCESSING, Interchange.Status.DUPLICATE]
    )
    for status, types, errors in rows.values_list("status", "message_types", "errors"):
        clean = status == Interchange.Status.PROCESSED and not errors
        for mtype in [t for t in (types or "").split(",") if t] or ["?"]:
            entry = summary.setdefault(mtype, Counter(clean=0, failed=0))
            entry["clean" if clean else "failed"] += 1
    return {k: dict(v) for k, v in summary.items()}


def required_message_types(*, supplier: Supplier) -> list[str]:
    """The message types the profile says the supplier will send (``EDIFACT:DESADV`` -> ``DESADV``)."""
    profile = getattr(supplier, "profile", None)
    formats = profile.inbound_formats if profile is not None else []
    return sorted({f.split(":", 1)[-1] for f in formats if f})


def test_run_recorded(*, supplier_id: object) -> Supplier | None:
    """After a test file was checked: go live once every message type has enough clean files.

    "Enough" is ``HUB_ONBOARDING_CLEAN_FILES`` (default 3) clean test files for each
    message type in the profile (or, with no types in the profile, for each type sent).
    Returns the supplier when it went live, else None.
    """
    supplier = Supplier.objects.select_related("profile").filter(pk=supplier_id, status=S.TESTING).first()
    if supplier is None:
        return None
    needed = settings.HUB_ONBOARDING_CLEAN_FILES
    summary = test_runs_summary(supplier=supplier)
    types = required_message_types(supplier=supplier) or [t for t in summary if t != "?"]
    if not types or any(summary.get(t, {}).get("clean", 0) < needed for t in types):
        return None
    try:
        return onboarding_transition(supplier=supplier, to=S.LIVE, note=f"automatic: {needed} clean test files per message type")
    except IllegalTransition:
        return None  # someone else moved it meanwhile
