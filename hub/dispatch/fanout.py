"""Fan-out: many deliveries, each in its own HTTP request, claimed and recorded set-wise by one task.

One task per delivery pays a broker round trip, a claim, a read, an insert and an update
for every document. When many deliveries are queued at once (an interchange's call-offs,
a sweep, a released plant), ``_enqueue`` gives them to ``fanout_send`` in chunks: one
UPDATE claims the chunk under one token, one SELECT reads it with everything the checks
need, the requests go out concurrently over pooled, pinned connections (each delivery in
its own request, under its own Idempotency-Key), and the outcomes are written set-wise.
The rules are those of ``services.delivery_send``: holds, circuit, order per sequence,
requests in flight per plant; what a rule stops is released or parked as there.

The task carries each delivery's ``created_at`` beside its id, and every statement on the
chunk's own rows filters by both (``Delivery.objects.by_ids``), so PostgreSQL reads only the
months they were created in instead of every monthly partition. An old message (ids alone)
is read by id once; the ``created_at`` that read returns narrows the claim and what follows.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from django.db.models import Count, F, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from hub.dispatch import services
from hub.dispatch.connectors import Result
from hub.lifecycle import DELIVERY, transition
from hub.models import Delivery, DeliveryAttempt

CHUNK = 50  # deliveries per fan-out task
THREADS = 8  # requests in flight from one worker process at most
SLOW_SECONDS = 1.0  # a round slower than this stops following: a slow plant must not set the pace for the others

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    """One thread pool per worker process, made after the fork (threads keep their HTTP sessions)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="hub-send")
        return _executor


def fanout_send(
    *, delivery_ids: Sequence[int], created_at: Sequence[dt.datetime] | None = None, follow_seconds: float = services.FOLLOW_SECONDS
) -> int:
    """Send the due deliveries among ``delivery_ids``, then those they wake, for up to ``follow_seconds``; returns how many arrived.

    ``created_at``, parallel to ``delivery_ids`` when given, prunes every read and write to the deliveries' months.
    """
    until = time.monotonic() + follow_seconds
    ids = list(delivery_ids)
    stamps: list[dt.datetime | None] | None = list(created_at) if created_at is not None else None
    delivered = 0
    while ids:
        started = time.monotonic()
        plants: dict[int, int] = {}
        count, woken = _fanout_once(ids, stamps, plants)
        delivered += count
        if not woken:
            break
        now = time.monotonic()
        if now >= until or now - started > SLOW_SECONDS:
            # Queued per plant: the next of a fast plant no longer waits for a slow one.
            _enqueue_per_plant(woken, plants)
            break
        ids, stamps = [item[0] for item in woken], [item[2] for item in woken]
    return delivered


def _enqueue_per_plant(work: list[services.Work], plants: dict[int, int], countdown: float | None = None) -> None:
    groups: dict[int | None, list[services.Work]] = defaultdict(list)
    for item in work:
        groups[plants.get(item[0])].append(item)
    for group in groups.values():
        services._enqueue(group, countdown)


def _within_limits(ids: list[int], stamps: list[dt.datetime | None] | None, due: Q, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """The due deliveries a claim may take, as (id, created_at): per plant no more than its free request slots.

    Claiming more and giving the rest back would count them as in flight for a moment,
    and a concurrent worker would find the plant busy and give its own back too. What is
    left out is queued again (per plant, shortly), as the in-flight limit does for single deliveries.
    """
    rows = list(
        Delivery.objects.by_ids(ids, stamps)
        .filter(due)
        .order_by("pk")
        .values_list("pk", "recipient", "plant_id", "plant__max_in_flight", "plant__queue", "created_at")
    )
    plant_ids = {plant for _, recipient, plant, _, _, _ in rows if recipient == Delivery.Recipient.PLANT and plant}
    flying = (
        dict(
            Delivery.objects.filter(
                plant_id__in=plant_ids, recipient=Delivery.Recipient.PLANT, status=Delivery.Status.SENDING, lease_until__gte=now
            )
            .values("plant_id")
            .annotate(n=Count("pk"))
            .values_list("plant_id", "n")
        )
        if plant_ids
        else {}
    )
    take: list[tuple[int, dt.datetime]] = []
    left: list[services.Work] = []
    plants: dict[int, int] = {}
    for pk, recipient, plant, limit, queue, at in rows:
        if recipient != Delivery.Recipient.PLANT or not plant:
            take.append((pk, at))
        elif flying.get(plant, 0) < max(1, limit or 1):
            flying[plant] = flying.get(plant, 0) + 1
            take.append((pk, at))
        else:
            left.append((pk, queue or services.DEFAULT_QUEUE, at))
            plants[pk] = plant
    if left:
        _enqueue_per_plant(left, plants, countdown=0.2 + random.uniform(0, 0.6))
    return take


def _claim(ids: list[int], stamps: list[dt.datetime | None] | None) -> list[Delivery]:
    now = timezone.now()
    token = uuid.uuid4()
    due = services.due_now(now)
    take = _within_limits(ids, stamps, due, now)
    # From here on the created_at the read returned narrows every statement (it never changes).
    ids, stamps = [pk for pk, _ in take], [at for _, at in take]
    if not ids or not services.claim_due(Delivery.objects.by_ids(ids, stamps), now=now, token=token):
        return []
    earlier, flying = services.open_predecessor(), services.in_flight_to_plant(now)
    return list(
        Delivery.objects.select_related("plant", "supplier__profile")
        .annotate(earlier_open=Subquery(earlier), flying=Coalesce(Subquery(flying), 0))
        .by_ids(ids, stamps)
        .filter(claim_token=token)
        .order_by("pk")
    )


def _fanout_once(
    ids: list[int], stamps: list[dt.datetime | None] | None, plants: dict[int, int]
) -> tuple[int, list[tuple[int, str, dt.datetime]]]:
    """One round: claim, check, send concurrently, record; returns (delivered, woken)."""
    from hub.dispatch import batching

    rows = _claim(ids, stamps)
    if not rows:
        return 0, []
    now = timezone.now()
    ready: list[Delivery] = []
    busy: list[Delivery] = []
    later: list[Delivery] = []  # batching plants and portal copies: their own senders
    mine_per_plant: dict[int, int] = defaultdict(int)
    for d in rows:
        if d.recipient == Delivery.Recipient.PLANT and d.plant_id:
            mine_per_plant[d.plant_id] += 1
    slots: dict[int, int] = {}
    for d in rows:
        plant = d.plant if d.recipient == Delivery.Recipient.PLANT else None
        if d.connector == "portal" or batching.batches_for(d):
            later.append(d)
            continue
        reason = services._hold_reason(d)
        if reason:
            services._release(d, delay=0, reason=reason, status=Delivery.Status.HELD)
            continue
        if plant is not None and plant.circuit_open_until and plant.circuit_open_until > now:
            wait = (plant.circuit_open_until - now).total_seconds() + random.uniform(0, 1)
            services._release(
                d, delay=wait, reason=f"plant {plant.code} failed {plant.consecutive_failures} times in a row; waiting", requeue=True
            )
            continue
        if d.earlier_open:
            services._park(d, d.earlier_open)
            continue
        if plant is not None:
            # Requests in flight to this plant from other workers: those flying minus ours.
            if plant.pk not in slots:
                slots[plant.pk] = max(1, plant.max_in_flight) - (d.flying - mine_per_plant[plant.pk])
            if slots[plant.pk] <= 0:
                busy.append(d)
                continue
            slots[plant.pk] -= 1
        ready.append(d)
    if later:
        _give_back(later, delay=0, reason="")
        services._enqueue(
            [(d.pk, d.plant.queue if d.recipient == Delivery.Recipient.PLANT and d.plant_id else "", d.created_at) for d in later]
        )
    if busy:
        delay = 0.2 + random.uniform(0, 0.6)
        _give_back(busy, delay=delay, reason="the plant's requests in flight are at their limit")
        _enqueue_per_plant([(d.pk, d.plant.queue, d.created_at) for d in busy], {d.pk: d.plant_id for d in busy}, countdown=delay)
    if not ready:
        return 0, []
    started = timezone.now()
    clock = time.monotonic()
    results = list(_pool().map(_timed_hand_over, ready))
    return _record(ready, results, started, clock, plants)


def _timed_hand_over(delivery: Delivery) -> tuple[Result, int]:
    clock = time.monotonic()
    result = services._hand_over(delivery)
    return result, int((time.monotonic() - clock) * 1000)


def _give_back(rows: list[Delivery], *, delay: float, reason: str) -> None:
    now = timezone.now()
    transition(
        DELIVERY,
        Delivery.objects.rows(rows),
        source=Delivery.Status.SENDING,
        target=Delivery.Status.PENDING,
        token=rows[0].claim_token,
        next_attempt_at=now + dt.timedelta(seconds=delay),
        lease_until=None,
        claim_token=None,
        last_error=reason,
        enqueued_at=now,
    )


def _record(
    rows: list[Delivery], results: list[tuple[Result, int]], started: dt.datetime, clock: float, plants: dict[int, int]
) -> tuple[int, list[tuple[int, str, dt.datetime]]]:
    """Successes set-wise (attempts in one INSERT, outcomes in one guarded UPDATE); anything else as ``services._record`` does."""
    ok = [(d, r, ms) for d, (r, ms) in zip(rows, results, strict=True) if r.ok]
    woken: list[tuple[int, str, dt.datetime]] = []
    for d, (r, ms) in zip(rows, results, strict=True):
        if not r.ok:
            services._record(d, r, d.attempts + 1, started, ms)
            woken += getattr(d, "woken", [])
            plants.update({item[0]: d.plant_id for item in getattr(d, "woken", [])})
    if not ok:
        return 0, woken
    DeliveryAttempt.objects.bulk_create(
        [
            DeliveryAttempt(
                delivery=d,
                number=d.attempts + 1,
                started_at=started,
                duration_ms=ms,
                url=r.url[:500],
                status_code=r.status_code,
                outcome="delivered",
                response_excerpt=r.excerpt[:500],
            )
            for d, r, ms in ok
        ]
    )
    moved = transition(
        DELIVERY,
        Delivery.objects.rows([d for d, _, _ in ok]),
        source=Delivery.Status.SENDING,
        target=Delivery.Status.DELIVERED,
        token=rows[0].claim_token,
        attempts=F("attempts") + 1,
        delivered_at=timezone.now(),
        last_error="",
        lease_until=None,
        claim_token=None,
    )
    for plant in {d.plant_id: d.plant for d, _, _ in ok if d.recipient == Delivery.Recipient.PLANT and d.plant_id}.values():
        services._circuit(plant, ok=True)
    # Waking is harmless where we lost the claim: a woken delivery whose predecessor is still open parks again.
    woken += services._wake_waiters([d.pk for d, _, _ in ok], enqueue=False, plants=plants)
    return moved, woken
