"""Persist an interchange's documents batch by batch under the worker's claim, then end it.

Every write checks the claim token: a batch's transaction starts by moving the
interchange's progress forward (``messages_done``, heartbeat) with a conditional UPDATE
on ``claim_token``, which also locks the row. A worker that lost its claim writes
nothing and gives up (``LostClaim``); a worker that takes over resumes after the last
committed batch, so no document or delivery is stored twice.

Deliveries are created ``staged`` and only released when the interchange is accepted,
in its final transaction, together with the set-wise supersede of older call-offs and
the sender's acknowledgement. A file refused as a whole (an envelope fault at its end,
the reject_all failure policy) loses the documents stored so far instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from hub.dispatch.services import (
    deliveries_acknowledge,
    deliveries_supersede,
    interchange_deliveries_drop,
    interchange_deliveries_release,
    outbox_add,
)
from hub.lifecycle import INTERCHANGE, transition
from hub.models import ControlReference, Interchange, InterchangePlant, Plant
from orders.kinds import Routed, stored_kinds
from orders.services import schedules_supersede
from suppliers.models import Supplier

PROCESSING = Interchange.Status.PROCESSING


class LostClaim(Exception):
    """Another worker took the interchange over (our lease ran out): stop, write nothing more."""


def claimed(interchange: Interchange, token: Any) -> Any:
    """The interchange while ``token`` still holds its claim, in its month's partition (by ``received_at``)."""
    return Interchange.objects.by_id(interchange.pk, interchange.received_at).filter(status=PROCESSING, claim_token=token)


def progress(*, interchange: Interchange, token: Any, **fields: Any) -> None:
    """Refresh the heartbeat (and record ``fields``) under the claim; ``LostClaim`` when it is not ours any more."""
    if not claimed(interchange, token).update(heartbeat_at=timezone.now(), **fields):
        raise LostClaim(f"interchange {interchange.pk} was taken over by another worker")


def control_reference_claim(*, interchange: Interchange, token: Any, namespace: str) -> int | None:
    """Take the envelope's control reference for this interchange; the id of the interchange that had it first, if any.

    Claimed as soon as the envelope is read (and its sender is bound to the sending
    party), so a resend is recognised before any of its documents is stored. References
    are unique per ``namespace``, the verified sender (``authority.control_namespace``),
    never the raw envelope string, so nobody can spend another's references. A file that
    ends failed gives its reference back.
    """
    if not (interchange.control_ref and interchange.sender_id) or interchange.test_run:
        return None
    sender = namespace
    try:
        with transaction.atomic():
            progress(interchange=interchange, token=token)
            held = ControlReference.objects.filter(sender=sender, reference=interchange.control_ref).first()
            if held is None:
                ControlReference.objects.create(sender=sender, reference=interchange.control_ref, interchange=interchange)
                return None
    except IntegrityError:  # another file with the same reference got there a moment before
        held = ControlReference.objects.filter(sender=sender, reference=interchange.control_ref).first()
    if held is None or held.interchange_id == interchange.pk:
        return None
    return held.interchange_id


def batch_persist(*, interchange: Interchange, token: Any, routed: Sequence[Routed], messages_done: int, document_count: int) -> None:
    """Store one batch of routed documents with their staged deliveries, and the progress, in one transaction."""
    with transaction.atomic():
        progress(interchange=interchange, token=token, messages_done=messages_done, document_count=document_count, attempts=1)
        if interchange.test_run:
            return  # a test file is checked and reported, never stored
        for kind in stored_kinds():
            mine = [r for r in routed if r.document.type == kind.type]
            if mine:
                stored = kind.store(interchange=interchange, routed=mine)
                outbox_add(documents=stored, recipients=kind.recipients, interchange=interchange, staged=True)


def interchange_finish(
    *,
    interchange: Interchange,
    token: Any,
    status: str,
    errors: list[dict[str, Any]],
    acknowledgements: Sequence[Routed] = (),
    fields: dict[str, Any] | None = None,
    after: Any = None,
) -> None:
    """End the interchange as ``status`` in one transaction with everything that goes with it.

    Accepted (``processed``): supersede older call-offs set-wise, release the staged
    deliveries, apply inbound acknowledgements. Otherwise: remove what was stored and give
    the control reference back. ``after(interchange)`` runs last in the same transaction
    (the acknowledgement). ``LostClaim`` when the claim is not ours any more.
    """
    now = timezone.now()
    with transaction.atomic():
        moved = transition(
            INTERCHANGE, Interchange.objects.by_id(interchange.pk, interchange.received_at), source=PROCESSING, target=status, token=token,
            errors=errors, processed_at=now, heartbeat_at=None, **(fields or {}),
        )  # fmt: skip
        if not moved:
            raise LostClaim(f"interchange {interchange.pk} was taken over by another worker")
        interchange.status = status
        if status == Interchange.Status.PROCESSED and not interchange.test_run:
            deliveries_supersede(document_ids=schedules_supersede(interchange=interchange))
            interchange_deliveries_release(interchange=interchange)
            for item in acknowledgements:
                doc = item.document
                note = "; ".join(f"{e.position}: {e.text}" if e.position else e.text for e in getattr(doc, "errors", []))
                deliveries_acknowledge(deliveries=item.deliveries, status=getattr(doc, "status", ""), note=note)
        else:
            documents_drop(interchange=interchange)
            if status != Interchange.Status.DUPLICATE:
                ControlReference.objects.filter(interchange=interchange).delete()
        if after is not None:
            after(interchange)


def documents_drop(*, interchange: Interchange) -> None:
    """Remove the documents and staged deliveries stored so far for an interchange that was not accepted."""
    interchange_deliveries_drop(interchange=interchange)
    for kind in reversed(stored_kinds()):  # responses before the orders they refer to
        kind.model.objects.filter(interchange=interchange).delete()


# A file names few plants (the group has about 120); a hostile one may name thousands of
# made-up codes, which are not kept beyond this many.
NAMED_PLANTS_MAX = 500


def named_plants_collect(codes: set[str], documents: Sequence[Any]) -> None:
    """Add the ship-to plant codes ``documents`` name to ``codes`` (bounded)."""
    for doc in documents:
        ship_to = getattr(doc, "ship_to", None)
        if ship_to is None or len(codes) >= NAMED_PLANTS_MAX:
            continue
        codes.update(c[:20] for c in (getattr(ship_to, "plant", ""), getattr(ship_to, "id", "")) if c)


def named_plants_record(*, interchange: Interchange, codes: set[str]) -> int:
    """Record the plants an ended interchange concerns, failed or not, so their staff see it.

    The known plants among the ship-to codes it named; a file naming none (unreadable,
    refused before a message was read) concerns the plants its sending supplier supplies.
    """
    plant_ids = set(Plant.objects.filter(code__in=codes).values_list("pk", flat=True)) if codes else set()
    if not plant_ids and interchange.sender_supplier_id is not None:
        plant_ids = set(Supplier.plants.through.objects.filter(supplier_id=interchange.sender_supplier_id).values_list("plant_id", flat=True))
    InterchangePlant.objects.bulk_create(
        [InterchangePlant(interchange_id=interchange.pk, plant_id=pk) for pk in plant_ids], ignore_conflicts=True
    )
    return len(plant_ids)
