"""Batched dispatch for plants that accept several documents in one POST.

A plant with ``batch_size > 1`` (and canonical JSON as its format) gets its deliveries
as ``{"deliveries": [{"idempotency_key", "delivery_id", "document"}, ...]}``, oldest
first, under a batch ``Idempotency-Key`` derived from the member keys (so a resent
batch carries the same key). One batch per plant is in flight at a time (a lease on
the plant row), which keeps the order per supplier/plant and lets one task drain a
backlog in a few requests instead of one task and one request per document.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hub.dispatch import policy
from hub.dispatch.connectors import Result
from hub.dispatch.connectors import http as http_connector
from hub.dispatch.incarnation import incarnation
from hub.lifecycle import DELIVERY, transition
from hub.models import Delivery, DeliveryAttempt, Plant

BATCH_NAMESPACE = uuid.UUID("8c1f3a52-5f0e-4bd6-9d5e-3b7a0c61a9e2")
MAX_ROUNDS = 50  # one task drains at most this many batches, then leaves the rest to the next


def batch_plants(delivery_ids: Sequence[int], created_at: Sequence[dt.datetime | None] | None = None) -> dict[int, tuple[int, int, str]]:
    """Map those of ``delivery_ids`` that go to batching plants to (plant id, batch size, queue); ``created_at`` as ``Delivery.objects.by_ids``."""
    rows = (
        Delivery.objects.by_ids(delivery_ids, created_at)
        .filter(recipient=Delivery.Recipient.PLANT, plant__batch_size__gt=1, plant__outbound_format="json", plant__connector="http")
        .values_list("pk", "plant_id", "plant__batch_size", "plant__queue")
    )
    return {pk: (plant_id, size, queue) for pk, plant_id, size, queue in rows}


def batches_for(delivery: Delivery) -> bool:
    """True when ``delivery`` goes to a plant that takes batches (the same test as ``batch_plants``)."""
    plant = delivery.plant if delivery.recipient == Delivery.Recipient.PLANT else None
    return plant is not None and plant.batch_size > 1 and plant.outbound_format == "json" and plant.connector == "http"


def batch_tasks(members: dict[int, tuple[int, int, str]]) -> list[tuple[int, str]]:
    """How many batch tasks to enqueue per plant: one per ``batch_size`` deliveries."""
    per_plant = Counter((plant_id, size, queue) for plant_id, size, queue in members.values())
    return [(plant_id, queue) for (plant_id, size, queue), n in per_plant.items() for _ in range(math.ceil(n / size))]


def _lock(plant_id: int) -> bool:
    now = timezone.now()
    until = now + dt.timedelta(seconds=settings.HUB_DISPATCH_LEASE_SECONDS)
    return bool(
        Plant.objects.filter(pk=plant_id)
        .filter(Q(batch_lease_until__isnull=True) | Q(batch_lease_until__lt=now))
        .update(batch_lease_until=until)
    )


def _unlock(plant_id: int) -> None:
    Plant.objects.filter(pk=plant_id).update(batch_lease_until=None)


def _claim(plant: Plant) -> list[Delivery]:
    """Claim up to ``batch_size`` due deliveries of the plant, oldest first, under one new claim token."""
    from hub.dispatch.services import _lease

    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        # Not services.due_now: a batching plant's deliveries are never parked behind one another
        # (one batch in flight per plant, oldest first, keeps their order), so a delivery parked
        # before its plant took batches is taken here too, and set free (waiting_for=None).
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(plant=plant, recipient=Delivery.Recipient.PLANT)
            .filter(Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(status=Delivery.Status.SENDING, lease_until__lt=now))
            .order_by("id")
            .values_list("pk", "created_at")[: plant.batch_size]
        )
        ids, stamps = [pk for pk, _ in rows], [at for _, at in rows]
        if ids:
            transition(
                DELIVERY,
                Delivery.objects.by_ids(ids, stamps),
                source=(Delivery.Status.PENDING, Delivery.Status.SENDING),
                target=Delivery.Status.SENDING,
                claim_token=token,
                lease_until=_lease(now),
                waiting_for=None,
                claimed_by=incarnation(),
            )
    return list(
        Delivery.objects.by_ids(ids, stamps)
        .filter(claim_token=token)
        .order_by("id")
        .only("pk", "created_at", "idempotency_key", "payload", "attempts", "status", "claim_token")
    )


def due_count(plant_id: int) -> int:
    """How many of a plant's deliveries are due now (pending and past their next attempt)."""
    return Delivery.objects.filter(
        plant_id=plant_id, recipient=Delivery.Recipient.PLANT, status=Delivery.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).count()


def batch_send(*, plant_id: int) -> int | None:
    """Send a plant's due deliveries in batches until none is due; returns how many were delivered.

    Returns None at once when another batch for the plant is in flight (the caller may
    try again shortly: that task may have finished draining just before new rows came).
    """
    if not _lock(plant_id):
        return None
    delivered = 0
    try:
        plant = Plant.objects.get(pk=plant_id)
        if plant.paused or not plant.endpoint_url:
            # Held for staff, as single deliveries are: resuming or setting the endpoint releases them.
            reason = f"dispatch to plant {plant.code} is paused" if plant.paused else f"plant {plant.code} has no dispatch endpoint"
            transition(
                DELIVERY,
                Delivery.objects.filter(plant=plant, recipient=Delivery.Recipient.PLANT),
                source=Delivery.Status.PENDING,
                target=Delivery.Status.HELD,
                last_error=reason,
                waiting_for=None,
            )
            return 0
        if plant.circuit_open_until and plant.circuit_open_until > timezone.now():
            Delivery.objects.filter(plant=plant, recipient=Delivery.Recipient.PLANT, status=Delivery.Status.PENDING).update(
                next_attempt_at=plant.circuit_open_until
            )
            return 0
        for _ in range(MAX_ROUNDS):
            batch = _claim(plant)
            if not batch:
                break
            ok = _send(plant, batch)
            if not ok:
                break
            delivered += len(batch)
    finally:
        _unlock(plant_id)
    return delivered


def _send(plant: Plant, batch: list[Delivery]) -> bool:
    keys = [str(d.idempotency_key) for d in batch]
    body = (
        '{"deliveries":['
        + ",".join(f'{{"idempotency_key":"{d.idempotency_key}","delivery_id":{d.pk},"document":{d.payload}}}' for d in batch)
        + "]}"
    ).encode("utf-8")
    batch_key = str(uuid.uuid5(BATCH_NAMESPACE, ",".join(keys)))
    started = timezone.now()
    clock = time.monotonic()
    result = http_connector.send(
        url=plant.endpoint_url,
        body=body,
        content_type="application/json",
        idempotency_key=batch_key,
        secret=plant.endpoint_secret,
        headers={"X-Hub-Batch": str(len(batch)), "X-Hub-Document-Type": "batch"},
    )
    _record(plant, batch, result, started, int((time.monotonic() - clock) * 1000))
    return result.ok


@transaction.atomic
def _record(plant: Plant, batch: list[Delivery], result: Result, started: dt.datetime, elapsed_ms: int) -> None:
    from hub.dispatch.services import _circuit, _enqueue

    now = timezone.now()
    why = f"HTTP {result.status_code}: {result.excerpt}" if result.status_code else result.excerpt
    groups: dict[str, list[int]] = {"delivered": [], "dead": [], "retry": []}
    attempts = []
    for d in batch:
        number = d.attempts + 1
        if result.ok:
            outcome = "delivered"
        elif result.permanent or not policy.is_retryable(result.status_code) or number >= settings.HUB_DISPATCH_MAX_ATTEMPTS:
            outcome = "dead"
        else:
            outcome = "retry"
        groups[outcome].append(d.pk)
        attempts.append(
            DeliveryAttempt(
                delivery=d,
                number=number,
                started_at=started,
                duration_ms=elapsed_ms,
                url=result.url[:500],
                status_code=result.status_code,
                outcome=outcome,
                response_excerpt=result.excerpt[:500],
            )
        )
    # One UPDATE per outcome, not one per delivery: a batch of 50 costs three statements.
    # Only rows still under this batch's claim token are written: a row another worker took
    # over after our lease ran out belongs to that worker's attempt.
    token = batch[0].claim_token
    common = {"attempts": F("attempts") + 1, "lease_until": None, "claim_token": None}

    created = {d.pk: d.created_at for d in batch}

    def write(ids: list[int], target: str, **fields: object) -> None:
        if ids:
            transition(
                DELIVERY,
                Delivery.objects.by_ids(ids, [created[pk] for pk in ids]),
                source=Delivery.Status.SENDING,
                target=target,
                token=token,
                **common,
                **fields,
            )

    write(groups["delivered"], Delivery.Status.DELIVERED, delivered_at=now, last_error="")
    write(groups["dead"], Delivery.Status.DEAD, last_error=f"batch of {len(batch)}: {why}"[:2000])
    delay = max(1.0, policy.backoff_seconds(min(d.attempts for d in batch) + 1, result.retry_after))
    write(
        groups["retry"],
        Delivery.Status.PENDING,
        next_attempt_at=now + dt.timedelta(seconds=delay),
        enqueued_at=now,
        last_error=f"batch of {len(batch)}: {why}"[:2000],
    )
    DeliveryAttempt.objects.bulk_create(attempts)
    if not result.permanent:
        _circuit(plant, ok=result.ok)
    if groups["retry"]:
        first = groups["retry"][0]
        transaction.on_commit(lambda: _enqueue([(first, plant.queue, created[first])], countdown=delay))
