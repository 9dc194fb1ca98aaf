"""The outbox: create deliveries with their documents, send them, retry, dead-letter, sweep.

The delivery row is the truth about where a document stands. Every send starts with
an atomic claim of the row (a conditional UPDATE), so a task delivered twice by the
broker, or re-sent by the sweeper, sends at most once at a time; the idempotency key
is fixed per row, so a plant that sees a resend after a crash can recognise it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hub.dispatch import policy
from hub.dispatch.connectors import Result
from hub.dispatch.connectors import http as http_connector
from hub.models import Delivery, DeliveryAttempt, Interchange

log = logging.getLogger(__name__)
OPEN = (Delivery.Status.PENDING, Delivery.Status.SENDING)


def _sequence_key(document: Any) -> str:
    return f"{document._meta.model_name}:{document.supplier_id}:{document.plant_id}"


def outbox_add(*, documents: Sequence[Any]) -> list[Delivery]:
    """Add one delivery per recipient for each stored document, in the caller's transaction.

    Call-offs go to their plant. The tasks are enqueued only when the transaction
    commits, so a worker never looks for a row that is not there yet.
    """
    if not documents:
        return []
    now = timezone.now()
    rows = [
        Delivery(
            document_type=doc.document.get("type", ""),
            document_id=doc.pk,
            document_number=doc.number[:80],
            recipient=Delivery.Recipient.PLANT,
            plant_id=doc.plant_id,
            supplier_id=doc.supplier_id,
            connector="http",
            payload=json.dumps(doc.document, ensure_ascii=False),
            sequence_key=_sequence_key(doc),
            next_attempt_at=now,
            enqueued_at=now,
        )
        for doc in documents
    ]
    created = Delivery.objects.bulk_create(rows, batch_size=1000)
    ids = [d.pk for d in created]
    transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: Sequence[int], countdown: float | None = None) -> None:
    from hub.dispatch.tasks import deliver

    for pk in ids:
        if countdown:
            deliver.apply_async((pk,), countdown=countdown)
        else:
            deliver.delay(pk)


def deliveries_supersede(*, document_ids: Sequence[Any]) -> int:
    """Stop deliveries of superseded documents that have not gone out yet."""
    return Delivery.objects.filter(document_id__in=list(document_ids), status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SUPERSEDED, last_error="superseded by a newer call-off before it was sent"
    )


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.HUB_DISPATCH_LEASE_SECONDS)
    claimed = (
        Delivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.PENDING, next_attempt_at__isnull=True)
            | Q(status=Delivery.Status.SENDING, lease_until__lt=now)
        )
        .update(status=Delivery.Status.SENDING, lease_until=lease)
    )
    if not claimed:
        return None
    return Delivery.objects.select_related("plant").get(pk=delivery_id)


def _release(delivery: Delivery, *, delay: float, reason: str, status: str = Delivery.Status.PENDING) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=status, next_attempt_at=timezone.now() + dt.timedelta(seconds=delay), lease_until=None, last_error=reason
    )


def _earlier_open(delivery: Delivery) -> bool:
    # In order per supplier/plant: an older delivery of the same sequence still on its
    # way holds this one back.
    return Delivery.objects.filter(sequence_key=delivery.sequence_key, pk__lt=delivery.pk, status__in=OPEN).exists()


def delivery_send(*, delivery_id: int) -> str:
    """Try to hand one delivery to its recipient; returns the resulting status.

    Idempotent: a delivery that is done, held, or being sent by another worker is left
    alone. Retryable failures schedule the next attempt with backoff; the last failed
    attempt, or a permanent failure, dead-letters the delivery.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    plant = delivery.plant
    if plant is not None and plant.paused:
        _release(delivery, delay=0, reason="plant dispatch is paused", status=Delivery.Status.HELD)
        return Delivery.Status.HELD
    if plant is not None and not plant.endpoint_url:
        _release(delivery, delay=0, reason=f"plant {plant.code} has no dispatch endpoint", status=Delivery.Status.HELD)
        return Delivery.Status.HELD
    if _earlier_open(delivery):
        _release(delivery, delay=2, reason="waiting for an earlier delivery of the same supplier and plant")
        _enqueue([delivery.pk], countdown=2)
        return Delivery.Status.PENDING
    attempt_no = delivery.attempts + 1
    started = timezone.now()
    clock = time.monotonic()
    result: Result = http_connector.send(
        url=plant.endpoint_url if plant else "",
        body=delivery.payload.encode("utf-8"),
        content_type=delivery.content_type,
        idempotency_key=str(delivery.idempotency_key),
        secret=plant.endpoint_secret if plant else "",
        headers={"X-Hub-Delivery": str(delivery.pk), "X-Hub-Document-Type": delivery.document_type},
    )
    elapsed = int((time.monotonic() - clock) * 1000)
    return _record(delivery, result, attempt_no, started, elapsed)


@transaction.atomic
def _record(delivery: Delivery, result: Result, attempt_no: int, started: dt.datetime, elapsed_ms: int) -> str:
    now = timezone.now()
    fields: dict[str, Any] = {"attempts": attempt_no, "lease_until": None}
    if result.ok:
        outcome = Delivery.Status.DELIVERED
        fields.update(status=outcome, delivered_at=now, last_error="")
    elif result.permanent or not policy.is_retryable(result.status_code) or attempt_no >= settings.HUB_DISPATCH_MAX_ATTEMPTS:
        outcome = Delivery.Status.DEAD
        why = f"HTTP {result.status_code}: {result.excerpt}" if result.status_code else result.excerpt
        fields.update(status=outcome, last_error=f"attempt {attempt_no}: {why}"[:2000])
    else:
        outcome = Delivery.Status.PENDING
        delay = policy.backoff_seconds(attempt_no, result.retry_after)
        why = f"HTTP {result.status_code}" if result.status_code else result.excerpt
        fields.update(status=outcome, next_attempt_at=now + dt.timedelta(seconds=delay), enqueued_at=now, last_error=f"attempt {attempt_no}: {why}"[:2000])
        transaction.on_commit(lambda: _enqueue([delivery.pk], countdown=delay))
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=attempt_no,
        started_at=started,
        duration_ms=elapsed_ms,
        url=result.url[:500],
        status_code=result.status_code,
        outcome="delivered" if outcome == Delivery.Status.DELIVERED else ("dead" if outcome == Delivery.Status.DEAD else "retry"),
        response_excerpt=result.excerpt[:500],
    )
    # Only the claim holder writes the outcome: a row reclaimed after a lost lease
    # belongs to the newer attempt.
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(**fields)
    return outcome


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Put a dead-lettered or held delivery back in the queue (staff action)."""
    if delivery.status not in (Delivery.Status.DEAD, Delivery.Status.HELD):
        raise ValueError(f"a {delivery.status} delivery cannot be retried")
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.PENDING, next_attempt_at=now, enqueued_at=now, lease_until=None)
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


def sweep(*, limit: int = 1000) -> dict[str, int]:
    """Re-enqueue what a crash or a lost message left behind; safe to run anywhere, any time.

    Picks up interchanges received but never processed (or whose worker died), and
    deliveries that are due but were not enqueued recently, or whose sending lease ran out.
    """
    from hub.ingest.services import _enqueue as enqueue_interchange

    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.HUB_SWEEP_STALE_SECONDS)
    due = list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now, enqueued_at__lt=stale)
            | Q(status=Delivery.Status.SENDING, lease_until__lt=now, enqueued_at__lt=stale)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    if due:
        Delivery.objects.filter(pk__in=due).update(enqueued_at=now)
        _enqueue(due)
    stuck_before = now - dt.timedelta(seconds=settings.HUB_SWEEP_STALE_SECONDS * 4)
    waiting = list(
        Interchange.objects.filter(
            Q(status=Interchange.Status.RECEIVED, enqueued_at__lt=stale)
            | Q(status=Interchange.Status.RECEIVED, enqueued_at__isnull=True)
            | Q(status=Interchange.Status.PROCESSING, processing_started_at__lt=stuck_before)
        ).values_list("pk", flat=True)[:limit]
    )
    if waiting:
        Interchange.objects.filter(pk__in=waiting).update(enqueued_at=now)
        for pk in waiting:
            enqueue_interchange(pk)
    return {"deliveries": len(due), "interchanges": len(waiting)}
