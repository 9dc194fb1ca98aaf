"""The outbox: create deliveries with their documents, send them, retry, dead-letter, replay, sweep.

The delivery row is the truth about where a document stands. Every send starts with
an atomic claim of the row (a conditional UPDATE), so a task delivered twice by the
broker, or re-sent by the sweeper, sends at most once at a time; the idempotency key
is fixed per row, so a plant that sees a resend after a crash can recognise it.

Plants are protected from each other: at most ``Plant.max_in_flight`` deliveries go to
one plant at a time, and a plant that keeps failing opens its circuit for a while, so
a slow or dead plant never occupies every worker.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import random
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import BigIntegerField, BinaryField, Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import ChannelError

from hub.dispatch import policy, rendering
from hub.dispatch.connectors import Result
from hub.dispatch.connectors import filedrop as filedrop_connector
from hub.dispatch.connectors import http as http_connector
from hub.dispatch.connectors.outbound import OutboundRefused, check_url
from hub.dispatch.droppath import DropPathRefused, drop_directory
from hub.dispatch.incarnation import host_prefix, incarnation, is_dead
from hub.formats.errors import FormatError
from hub.lifecycle import DELIVERY, transition
from hub.models import Delivery, DeliveryAttempt, Plant

log = logging.getLogger(__name__)
OPEN = (Delivery.Status.PENDING, Delivery.Status.SENDING)
DEFAULT_QUEUE = "dispatch"
INBOX_CHUNK = 200


def _sequence_key(recipient: str, document: Any) -> str:
    return f"{recipient}:{document._meta.model_name}:{document.supplier_id}:{document.plant_id}"


def _supplier_connectors(supplier_ids: set) -> dict:
    from hub.channels.models import ChannelProfile, Outbound
    from suppliers.models import PartnerProfile

    with_endpoint = set(
        PartnerProfile.objects.filter(supplier_id__in=supplier_ids).exclude(endpoint_url="").values_list("supplier_id", flat=True)
    )
    # A partner whose profile names AS2 or SFTP as its outbound channel gets its documents there.
    channel = dict(
        ChannelProfile.objects.filter(profile__supplier_id__in=supplier_ids, outbound__in=(Outbound.AS2, Outbound.SFTP)).values_list(
            "profile__supplier_id", "outbound"
        )
    )
    return {sid: channel.get(sid) or ("http" if sid in with_endpoint else "portal") for sid in supplier_ids}


def outbox_add(*, documents: Sequence[Any], recipients: Sequence[str], interchange: Any = None, staged: bool = False) -> list[Delivery]:
    """Add one delivery per recipient (``plant``, ``supplier``) for each stored document, in the caller's transaction.

    The recipients come from the document's kind (``orders.kinds``): a plant copy goes
    over HTTP or file drop, as the plant is configured; a supplier copy to the portal
    inbox, or the supplier's own endpoint where it has one. ``staged`` deliveries belong
    to an interchange still being ingested: they wait, unsent, until
    ``interchange_deliveries_release`` lets them go (or ``interchange_deliveries_drop``
    removes them); others are enqueued when the transaction commits.
    """
    if not documents:
        return []
    now = timezone.now()
    rows: list[Delivery] = []
    supplier_connector = _supplier_connectors({doc.supplier_id for doc in documents}) if "supplier" in recipients else {}
    status = Delivery.Status.STAGED if staged else Delivery.Status.PENDING
    for doc in documents:
        payload = json.dumps(doc.document, ensure_ascii=False)
        common = {
            "document_type": doc.document.get("type", ""),
            "document_id": doc.pk,
            "document_number": doc.number[:80],
            "plant_id": doc.plant_id,
            "supplier_id": doc.supplier_id,
            "payload": payload,
            "next_attempt_at": now,
            "enqueued_at": now,
            "status": status,
            "interchange": interchange,
        }
        for recipient in recipients:
            connector = doc.plant.connector if recipient == "plant" else supplier_connector[doc.supplier_id]
            rows.append(Delivery(recipient=recipient, connector=connector, sequence_key=_sequence_key(recipient, doc), **common))
    created = Delivery.objects.bulk_create(rows, batch_size=1000)
    if not staged:
        queues = {doc.plant_id: doc.plant.queue for doc in documents}
        work = [(d.pk, queues.get(d.plant_id) if d.recipient == Delivery.Recipient.PLANT else "", d.created_at) for d in created]
        transaction.on_commit(lambda: _enqueue(work))
    return created


def interchange_deliveries_release(*, interchange: Any, chunk: int = 5000) -> int:
    """Let an accepted interchange's staged deliveries go out, set-wise; returns how many.

    Runs in the interchange's final transaction: the deliveries become pending (those of
    documents superseded meanwhile were moved to superseded before) and are enqueued in
    chunks once it commits.
    """
    from hub.lifecycle import DELIVERY, transition

    staged = Delivery.objects.filter(interchange=interchange, status=Delivery.Status.STAGED)
    moved = transition(DELIVERY, staged, source=Delivery.Status.STAGED, target=Delivery.Status.PENDING, enqueued_at=timezone.now())
    if moved:
        transaction.on_commit(lambda: _enqueue_released(interchange.pk, chunk))
    return moved


def _enqueue_released(interchange_id: Any, chunk: int) -> None:
    # Read the ids in chunks after the commit: a 200 MB file releases hundreds of thousands.
    qs = Delivery.objects.filter(interchange_id=interchange_id, status=Delivery.Status.PENDING).order_by("pk")
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).values_list("pk", "recipient", "plant__queue", "created_at")[:chunk])
        if not rows:
            return
        _enqueue((pk, queue if recipient == Delivery.Recipient.PLANT else "", at) for pk, recipient, queue, at in rows)
        last = rows[-1][0]


def interchange_deliveries_drop(*, interchange: Any) -> int:
    """Remove the staged deliveries of an interchange that was refused as a whole; they never went out."""
    deleted, _ = Delivery.objects.filter(interchange=interchange, status=Delivery.Status.STAGED).delete()
    return deleted


ACK_CONTENT_TYPES = {
    "edi": "application/edifact",
    "x12": "application/edi-x12",
    "xml": "application/xml",
    "txt": "text/plain; charset=utf-8",
}


@transaction.atomic
def acknowledgement_send(*, acknowledgement: Any, supplier: Any) -> Delivery:
    """Send the hub's CONTRL/997 back to the supplier that sent the file, through the outbox.

    The acknowledgement is already rendered (it echoes the partner's own envelope and
    separators), so the delivery carries its bytes: the supplier's endpoint gets them
    by HTTP where its profile has one, else they land in its portal inbox.
    """
    now = timezone.now()
    body = acknowledgement.file.open("rb").read()
    acknowledgement.file.close()
    delivery = Delivery.objects.create(
        document_type="acknowledgement",
        document_id=acknowledgement.interchange_id,
        document_number=acknowledgement.control_ref[:80],
        recipient=Delivery.Recipient.SUPPLIER,
        supplier=supplier,
        connector=_supplier_connectors({supplier.pk})[supplier.pk],
        payload=json.dumps(acknowledgement.document, ensure_ascii=False),
        content_type=ACK_CONTENT_TYPES.get(acknowledgement.extension, "application/octet-stream"),
        rendered=body,
        rendered_name=f"{acknowledgement.kind}-{acknowledgement.control_ref}.{acknowledgement.extension}",
        sequence_key=f"supplier:acknowledgement:{supplier.pk}",
        next_attempt_at=now,
        enqueued_at=now,
    )
    transaction.on_commit(lambda: _enqueue([(delivery.pk, "", delivery.created_at)]))
    return delivery


# What _enqueue takes per delivery: (id, queue) or (id, queue, created_at). With created_at
# the task carries it, and the worker's claim and writes prune to the delivery's month.
Work = tuple[int, str | None] | tuple[int, str | None, dt.datetime | None]


def _stamp(item: Work) -> dt.datetime | None:
    return item[2] if len(item) > 2 else None


def _task_stamps(stamps: Sequence[dt.datetime | None]) -> tuple[list[str]] | tuple[()]:
    """The extra task argument for these stamps: their ISO strings when every one is known, else nothing (the old shape)."""
    return ([stamp.isoformat() for stamp in stamps],) if stamps and all(stamp is not None for stamp in stamps) else ()


def _enqueue(work: Iterable[Work], countdown: float | None = None) -> None:
    """Queue the tasks that send ``work``; the one place that enqueues ``deliver``, ``deliver_fanout`` and ``deliver_many``.

    Each task carries the deliveries' ``created_at`` (ISO strings) beside their ids where
    the caller knows it, so the worker's claim prunes to one monthly partition; the tasks
    still take the old shape (ids alone), as messages queued before a deploy carry it.
    """
    from hub.dispatch import batching
    from hub.dispatch.fanout import CHUNK
    from hub.dispatch.tasks import deliver, deliver_batch, deliver_fanout, deliver_many

    work = list(work)
    ids = [item[0] for item in work]
    stamps = {item[0]: _stamp(item) for item in work}
    members = batching.batch_plants(ids, created_at=[stamps[pk] for pk in ids]) if work else {}
    inbox: set[int] = set()
    parked: set[int] = set()
    if len(work) > 1:
        rows = list(Delivery.objects.by_ids(ids, [stamps[pk] for pk in ids]).values_list("pk", "connector", "sequence_key", "created_at"))
        # Portal-inbox copies need no network: a few tasks take them in chunks.
        stamps.update({pk: at for pk, _, _, at in rows})  # work given with ids alone gets them too
        inbox = {pk for pk, connector, _, _ in rows if connector == "portal"}
        parked = _park_followers([(pk, key, at) for pk, connector, key, at in rows if connector != "portal" and pk not in members])
    for plant_id, queue in batching.batch_tasks(members):
        deliver_batch.apply_async((plant_id,), queue=queue or DEFAULT_QUEUE, countdown=countdown or None)
    single = [
        (item[0], item[1] or DEFAULT_QUEUE) for item in work if item[0] not in members and item[0] not in inbox and item[0] not in parked
    ]
    if len(single) == 1:
        pk, queue = single[0]
        stamp = stamps[pk]
        deliver.apply_async((pk, stamp.isoformat()) if stamp is not None else (pk,), queue=queue, countdown=countdown or None)
    else:
        # Many at once: a task per chunk claims, sends (one request each) and records them set-wise.
        by_queue: dict[str, list[int]] = {}
        for pk, queue in single:
            by_queue.setdefault(queue, []).append(pk)
        for queue, pks in by_queue.items():
            for start in range(0, len(pks), CHUNK):
                part = pks[start : start + CHUNK]
                deliver_fanout.apply_async((part, *_task_stamps([stamps[pk] for pk in part])), queue=queue, countdown=countdown or None)
    chunk = sorted(inbox)
    for start in range(0, len(chunk), INBOX_CHUNK):
        part = chunk[start : start + INBOX_CHUNK]
        deliver_many.apply_async((part, *_task_stamps([stamps[pk] for pk in part])), queue=DEFAULT_QUEUE, countdown=countdown or None)


def _park_followers(rows: Sequence[tuple[int, str, dt.datetime]]) -> set[int]:
    """Park each delivery behind the one before it in its sequence among ``rows`` (id, sequence key, created_at); returns the parked ids.

    Deliveries of one supplier and plant go out one after the other anyway; parking the
    followers now, instead of queueing a task for each that would only find its predecessor
    open and park, saves a task and four queries per follower. The first of each sequence is
    queued and finds any older open delivery itself. Each parked one is woken (and often sent
    by the same worker, see ``delivery_send``) when the one before it ends.
    """
    last: dict[str, int] = {}
    follow: dict[int, int] = {}
    created = {pk: at for pk, _, at in rows}
    for pk, key, _ in sorted(rows):
        if key in last:
            follow[pk] = last[key]
        last[key] = pk
    parked: set[int] = set()
    items = sorted(follow.items())
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        whens = [When(pk=pk, then=Value(prev)) for pk, prev in chunk]
        qs = Delivery.objects.by_ids([pk for pk, _ in chunk], [created[pk] for pk, _ in chunk]).filter(
            status=Delivery.Status.PENDING, waiting_for__isnull=True
        )
        candidates = set(qs.values_list("pk", flat=True))
        qs.filter(pk__in=candidates).update(waiting_for_id=Case(*whens, output_field=BigIntegerField()))
        parked |= candidates
    return parked


def _enqueue_one(delivery: Delivery, countdown: float | None = None) -> None:
    queue = delivery.plant.queue if delivery.recipient == Delivery.Recipient.PLANT and delivery.plant_id else ""
    _enqueue([(delivery.pk, queue, delivery.created_at)], countdown)


def deliveries_supersede(*, document_ids: Any) -> int:
    """Stop deliveries of superseded documents that have not gone out yet (staged, waiting or held).

    ``document_ids`` may be a list or a subquery (``values("pk")``), so a large
    interchange supersedes set-wise. Deliveries parked behind a stopped one are woken.
    """
    rows = Delivery.objects.filter(document_id__in=document_ids)
    waited_on = list(rows.filter(status__in=(Delivery.Status.PENDING, Delivery.Status.HELD)).values_list("pk", flat=True))
    done = transition(
        DELIVERY,
        rows,
        source=(Delivery.Status.STAGED, Delivery.Status.PENDING, Delivery.Status.HELD),
        target=Delivery.Status.SUPERSEDED,
        waiting_for=None,
        last_error="superseded by a newer call-off before it was sent",
    )
    if waited_on:
        transaction.on_commit(lambda: _wake_waiters(waited_on))
    return done


def _lease(now: dt.datetime) -> dt.datetime:
    """When a claim made ``now`` runs out: never before one attempt can have ended (a slow worker is not a dead one)."""
    seconds = max(float(settings.HUB_DISPATCH_LEASE_SECONDS), http_connector.attempt_seconds() + 2)
    return now + dt.timedelta(seconds=seconds)


def open_predecessor() -> Any:
    """Subquery: the nearest earlier delivery of the same sequence that has not ended (its order comes first)."""
    return (
        Delivery.objects.filter(sequence_key=OuterRef("sequence_key"), pk__lt=OuterRef("pk"), status__in=OPEN)
        .order_by("-pk")
        .values("pk")[:1]
    )


def in_flight_to_plant(now: dt.datetime) -> Any:
    """Subquery: how many deliveries are on their way to the row's plant under a live lease (its in-flight limit)."""
    return (
        Delivery.objects.filter(
            plant=OuterRef("plant"), recipient=Delivery.Recipient.PLANT, status=Delivery.Status.SENDING, lease_until__gte=now
        )
        .order_by()
        .values("plant")
        .annotate(n=Count("pk"))
        .values("n")
    )


def due_now(now: dt.datetime) -> Q:
    """Deliveries that may be claimed at ``now``: ``pending``, not parked and past their next attempt,
    or ``sending`` under a lease that ran out (their worker died)."""
    due = Q(status=Delivery.Status.PENDING, waiting_for__isnull=True) & (Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
    return due | Q(status=Delivery.Status.SENDING, lease_until__lt=now)


def claim_due(qs: QuerySet, *, now: dt.datetime, token: uuid.UUID) -> int:
    """Claim the rows of ``qs`` that are due (``due_now``) under ``token``: ``sending``, leased; how many moved."""
    return transition(
        DELIVERY,
        qs.filter(due_now(now)),
        source=OPEN,
        target=Delivery.Status.SENDING,
        claim_token=token,
        lease_until=_lease(now),
        waiting_for=None,
        claimed_by=incarnation(),
    )


def _claim(delivery_id: int, created_at: dt.datetime | None = None) -> Delivery | None:
    """Take one delivery for sending under a new claim token: one conditional UPDATE, then one SELECT.

    With the delivery's ``created_at`` (what its task carries) both statements prune to its
    month's partition; without it (an old message) they are planned over every month.

    Due means ``pending``, not parked behind an earlier delivery and past its next attempt, or
    ``sending`` under a lease that ran out (its worker died). The SELECT also brings what the
    send needs to decide (plant, supplier profile, the nearest earlier open delivery of the
    sequence, how many requests to the plant are in flight), so no further reads are needed.
    """
    now = timezone.now()
    token = uuid.uuid4()
    moved = claim_due(Delivery.objects.by_id(delivery_id, created_at), now=now, token=token)
    if not moved:
        return None
    earlier, flying = open_predecessor(), in_flight_to_plant(now)
    return (
        Delivery.objects.select_related("plant", "supplier__profile")
        .annotate(earlier_open=Subquery(earlier), flying=Coalesce(Subquery(flying), 0))
        .by_id(delivery_id, created_at)
        .get(claim_token=token)
    )


def _release(
    delivery: Delivery, *, delay: float, reason: str, status: str = Delivery.Status.PENDING, requeue: bool = False, **fields: Any
) -> bool:
    """Give a claimed delivery back (to wait, or held for staff); nothing happens when the claim was lost."""
    now = timezone.now()
    moved = transition(
        DELIVERY,
        Delivery.objects.row(delivery),
        source=Delivery.Status.SENDING,
        target=status,
        token=delivery.claim_token,
        next_attempt_at=now + dt.timedelta(seconds=delay),
        lease_until=None,
        claim_token=None,
        last_error=reason,
        enqueued_at=now,
        **fields,
    )
    if moved and requeue:
        _enqueue_one(delivery, countdown=delay)
    return bool(moved)


def _park(delivery: Delivery, behind: int) -> None:
    """Wait behind the earlier open delivery ``behind`` of the same sequence: no task, no polling.

    Whoever ends ``behind`` wakes the deliveries waiting for it (``_wake_waiters``); the
    re-check after parking covers an end that came between our check and our parking, and
    the sweep wakes waiters whose earlier delivery ended without waking them (a crash).
    """
    if not _release(delivery, delay=0, reason="waiting for an earlier delivery of the same supplier and plant", waiting_for_id=behind):
        return
    if not Delivery.objects.filter(pk=behind, status__in=OPEN).exists():
        _wake_waiters([behind])


def _hold_reason(delivery: Delivery) -> str:
    """Why a delivery cannot go now and must wait for staff (pause, no endpoint); '' if it can go."""
    if delivery.recipient == Delivery.Recipient.PLANT:
        plant = delivery.plant
        if plant.paused:
            return f"dispatch to plant {plant.code} is paused"
        if delivery.target:
            return ""
        if plant.connector == "filedrop":
            return ""
        if not plant.endpoint_url:
            return f"plant {plant.code} has no dispatch endpoint"
    return ""


# How long a worker keeps sending the next deliveries of one sequence before it leaves the
# rest to the queue (fairness to other plants), and at most how many.
FOLLOW_SECONDS = 10.0
FOLLOW = 200


def delivery_send(*, delivery_id: int, created_at: dt.datetime | None = None, follow: int = FOLLOW) -> str:
    """Try to hand one delivery to its recipient; returns the resulting status.

    Idempotent: a delivery that is done, held, parked, or being sent by another worker is
    left alone ("skipped"). Retryable failures schedule the next attempt with backoff; the
    last failed attempt, or a permanent failure, dead-letters the delivery. Every write
    after the claim carries the claim token, so a worker that lost its claim writes nothing.

    When the delivery ends and wakes the next one of its sequence, this worker sends that
    one too (up to ``follow`` in a row, for at most FOLLOW_SECONDS): the next in line does
    not wait behind the whole queue for its turn, which keeps one supplier/plant's backlog
    moving at the speed of the plant. Whatever is woken and not followed is queued.

    ``created_at`` (the delivery's, from its task) lets the claim and every write after it
    prune to the delivery's monthly partition; without it they are by id alone.
    """
    until = time.monotonic() + FOLLOW_SECONDS
    status, woken = _send_one(delivery_id, created_at)
    while woken and follow > 0 and time.monotonic() < until:
        (next_id, _, next_at), rest = woken[0], woken[1:]
        if rest:
            _enqueue(rest)
        follow -= 1
        _, woken = _send_one(next_id, next_at)
    if woken:
        _enqueue(woken)
    return status


def _send_one(delivery_id: int, created_at: dt.datetime | None = None) -> tuple[str, list[tuple[int, str, dt.datetime]]]:
    """One claim and attempt; returns the status and the deliveries it woke (not yet queued)."""
    from hub.dispatch import batching

    delivery = _claim(delivery_id, created_at)
    if delivery is None:
        return "skipped", []
    if batching.batches_for(delivery):
        # A batching plant gets every delivery in batches, one batch in flight at a time:
        # give the claim back and let the batch sender take this one with the others.
        _release(delivery, delay=0, reason="")
        if batching.batch_send(plant_id=delivery.plant_id) is None:
            _enqueue([(delivery.pk, delivery.plant.queue, delivery.created_at)], countdown=1)
        return Delivery.objects.row(delivery).values_list("status", flat=True).first() or "skipped", []
    reason = _hold_reason(delivery)
    if reason:
        _release(delivery, delay=0, reason=reason, status=Delivery.Status.HELD)
        return Delivery.Status.HELD, []
    now = timezone.now()
    plant = delivery.plant if delivery.recipient == Delivery.Recipient.PLANT else None
    if plant is not None and plant.circuit_open_until and plant.circuit_open_until > now:
        wait = (plant.circuit_open_until - now).total_seconds() + random.uniform(0, 1)
        _release(
            delivery, delay=wait, reason=f"plant {plant.code} failed {plant.consecutive_failures} times in a row; waiting", requeue=True
        )
        return Delivery.Status.PENDING, []
    if delivery.connector != "portal":  # an inbox has no order to keep and no capacity to protect
        if delivery.earlier_open:
            _park(delivery, delivery.earlier_open)
            return Delivery.Status.PENDING, []
        # The count of requests in flight includes this one, claimed a moment ago.
        if plant is not None and delivery.flying > max(1, plant.max_in_flight):
            _release(delivery, delay=0.2 + random.uniform(0, 0.6), reason="the plant's requests in flight are at their limit", requeue=True)
            return Delivery.Status.PENDING, []
    attempt_no = delivery.attempts + 1
    started = timezone.now()
    clock = time.monotonic()
    result = _hand_over(delivery)
    elapsed = int((time.monotonic() - clock) * 1000)
    outcome = _record(delivery, result, attempt_no, started, elapsed)
    return outcome, getattr(delivery, "woken", [])


def inbox_send(*, delivery_ids: Sequence[int], created_at: Sequence[dt.datetime] | None = None) -> int:
    """Place many portal-inbox copies at once; returns how many were delivered.

    An inbox keeps no order and has no capacity to protect, so a chunk is claimed in one
    UPDATE (one token), rendered, and recorded in two statements (the attempts, and one
    guarded UPDATE that writes every rendered document), instead of five per copy. Ids
    that are not portal copies go through ``delivery_send`` one by one. ``created_at``,
    parallel to ``delivery_ids``, lets every statement prune to the deliveries' months.
    """
    ids = list(delivery_ids)
    stamps = dict(zip(ids, created_at, strict=True)) if created_at is not None and len(created_at) == len(ids) else {}
    now = timezone.now()
    token = uuid.uuid4()
    claim_due(Delivery.objects.by_ids(ids, created_at).filter(connector="portal"), now=now, token=token)
    claimed = list(
        Delivery.objects.by_ids(ids, created_at).filter(claim_token=token).select_related("plant", "supplier__profile").order_by("pk")
    )
    done: list[Delivery] = []
    attempts = []
    for delivery in claimed:
        started = timezone.now()
        result = _hand_over(delivery)
        if not result.ok:  # cannot render: recorded (dead) on its own, with the reason
            _record(delivery, result, delivery.attempts + 1, started, 0)
            continue
        done.append(delivery)
        attempts.append(
            DeliveryAttempt(
                delivery=delivery,
                number=delivery.attempts + 1,
                started_at=started,
                duration_ms=0,
                url="portal",
                status_code=200,
                outcome="delivered",
                response_excerpt=result.excerpt,
            )
        )
    if done:
        DeliveryAttempt.objects.bulk_create(attempts)
        transition(
            DELIVERY,
            Delivery.objects.rows(done),
            source=Delivery.Status.SENDING,
            target=Delivery.Status.DELIVERED,
            token=token,
            rendered=Case(*[When(pk=d.pk, then=Value(d.rendered, output_field=BinaryField())) for d in done], output_field=BinaryField()),
            rendered_name=Case(*[When(pk=d.pk, then=Value(d.rendered_name)) for d in done], output_field=CharField()),
            attempts=F("attempts") + 1,
            delivered_at=timezone.now(),
            last_error="",
            lease_until=None,
            claim_token=None,
        )
    others = sorted(set(ids) - {d.pk for d in claimed})
    portal = set(Delivery.objects.by_ids(others, [stamps.get(pk) for pk in others]).filter(connector="portal").values_list("pk", flat=True))
    others = [pk for pk in others if pk not in portal]
    return len(done) + sum(delivery_send(delivery_id=pk, created_at=stamps.get(pk)) == Delivery.Status.DELIVERED for pk in others)


def _hand_over(delivery: Delivery) -> Result:
    """Render the document for its recipient and pass it to the recipient's connector."""
    if delivery.recipient == Delivery.Recipient.PLANT:
        plant = delivery.plant
        fmt, receiver, connector = plant.outbound_format, plant.code, delivery.connector
        url, secret, directory = delivery.target or plant.endpoint_url, plant.endpoint_secret, plant.drop_directory
    else:
        profile = getattr(delivery.supplier, "profile", None)
        fmt = (profile.outbound_format if profile else "") or "json"
        receiver, connector = delivery.supplier.number, delivery.connector
        url, secret, directory = (
            delivery.target or (profile.endpoint_url if profile else ""),
            (profile.endpoint_secret if profile else ""),
            "",
        )
    if delivery.document_type == "acknowledgement" and delivery.rendered is not None:
        # Built by the ingest flow in the partner's own syntax: sent as it is.
        body, content_type, name = bytes(delivery.rendered), delivery.content_type, delivery.rendered_name
    else:
        try:
            body, content_type, extension = rendering.render(delivery.payload, fmt, receiver_id=receiver, control_ref=str(delivery.pk))
        except FormatError as exc:
            return Result(status_code=None, excerpt=f"cannot render as {fmt}: {exc}", permanent=True)
        name = f"{delivery.document_type}-{delivery.document_number}-{delivery.idempotency_key}.{extension}"
    if connector == "portal":
        delivery.rendered, delivery.rendered_name = body, name  # written with the outcome, in the same UPDATE
        return Result(status_code=200, excerpt="placed in the supplier's portal inbox", url="portal")
    if connector == "sftp":
        from hub.channels.sftp.homes import outbox_of

        # The supplier's SFTP outbox: written under a temporary name and renamed, so it appears whole.
        return filedrop_connector.send(directory=str(outbox_of(delivery.supplier.number)), filename=name, body=body)
    if connector == "as2":
        from hub.channels.as2.outbound import as2_send

        return as2_send(delivery=delivery, body=body, filename=name, content_type=content_type)
    if connector == "filedrop":
        try:  # checked again here: the setting may have been changed behind the form's back
            folder = drop_directory(owner=delivery.plant.code if delivery.plant_id else "suppliers", directory=directory)
        except DropPathRefused as exc:
            return Result(status_code=None, excerpt=str(exc), permanent=True)
        return filedrop_connector.send(directory=str(folder), filename=name, body=body)
    return http_connector.send(
        url=url,
        body=body,
        content_type=content_type,
        idempotency_key=str(delivery.idempotency_key),
        secret=secret,
        headers={"X-Hub-Delivery": str(delivery.pk), "X-Hub-Document-Type": delivery.document_type},
    )


def _record(delivery: Delivery, result: Result, attempt_no: int, started: dt.datetime, elapsed_ms: int) -> str:
    """Write the attempt and the outcome: two statements, the outcome only under our claim token.

    No transaction around them on purpose: the attempt row is true whether or not we still
    hold the claim (we did send), and a crash between the two leaves the row ``sending``,
    which the sweep sends again under the same key once the lease has run out.
    """
    now = timezone.now()
    fields: dict[str, Any] = {"attempts": attempt_no, "lease_until": None, "claim_token": None}
    if result.ok:
        outcome = Delivery.Status.DELIVERED
        fields.update(delivered_at=now, last_error="")
        if delivery.connector == "portal":
            fields.update(rendered=delivery.rendered, rendered_name=delivery.rendered_name)
    elif result.permanent or not policy.is_retryable(result.status_code) or attempt_no >= settings.HUB_DISPATCH_MAX_ATTEMPTS:
        outcome = Delivery.Status.DEAD
        why = f"HTTP {result.status_code}: {result.excerpt}" if result.status_code else result.excerpt
        fields.update(last_error=f"attempt {attempt_no}: {why}"[:2000])
    else:
        outcome = Delivery.Status.PENDING
        delay = policy.backoff_seconds(attempt_no, result.retry_after)
        why = f"HTTP {result.status_code}" if result.status_code else result.excerpt
        fields.update(next_attempt_at=now + dt.timedelta(seconds=delay), enqueued_at=now, last_error=f"attempt {attempt_no}: {why}"[:2000])
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
    moved = transition(
        DELIVERY, Delivery.objects.row(delivery), source=Delivery.Status.SENDING, target=outcome, token=delivery.claim_token, **fields
    )
    if not moved:
        # Our lease ran out and another worker took the row: its attempt decides.
        log.info("delivery %s: claim lost before recording %s; left to the newer claim", delivery.pk, outcome)
        return "lost"
    if outcome == Delivery.Status.PENDING:
        _enqueue_one(delivery, countdown=delay)
    if delivery.recipient == Delivery.Recipient.PLANT and delivery.plant_id and not result.permanent:
        _circuit(delivery.plant, ok=result.ok)
    if outcome != Delivery.Status.PENDING:
        delivery.woken = _wake_waiters([delivery.pk], enqueue=False)  # the caller follows or queues them
    return outcome


def _wake_waiters(
    ended: Sequence[int], *, enqueue: bool = True, plants: dict[int, int] | None = None
) -> list[tuple[int, str, dt.datetime]]:
    """Make the deliveries parked behind the ``ended`` ones due now (and queue them); returns them as (id, queue, created_at).

    ``plants``, when given, is filled with each woken delivery's plant id.
    """
    waiting = Delivery.objects.filter(waiting_for__in=list(ended), status=Delivery.Status.PENDING)
    rows = list(waiting.values_list("pk", "recipient", "plant__queue", "plant_id", "created_at"))
    if not rows:
        return []
    now = timezone.now()
    Delivery.objects.by_ids([row[0] for row in rows], [row[4] for row in rows]).filter(status=Delivery.Status.PENDING).update(
        waiting_for=None, next_attempt_at=now, enqueued_at=now
    )
    work = [(pk, (queue or "") if recipient == Delivery.Recipient.PLANT else "", at) for pk, recipient, queue, _, at in rows]
    if plants is not None:
        plants.update({pk: plant_id for pk, _, _, plant_id, _ in rows})
    if enqueue:
        _enqueue(work)
    return work


def _circuit(plant: Plant, *, ok: bool) -> None:
    if ok:
        if plant.consecutive_failures or plant.circuit_open_until:
            Plant.objects.filter(pk=plant.pk).update(consecutive_failures=0, circuit_open_until=None)
        return
    Plant.objects.filter(pk=plant.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    failures = Plant.objects.filter(pk=plant.pk).values_list("consecutive_failures", flat=True).first() or 0
    if failures >= settings.HUB_CIRCUIT_FAILURES:
        until = timezone.now() + dt.timedelta(seconds=settings.HUB_CIRCUIT_OPEN_SECONDS)
        Plant.objects.filter(pk=plant.pk).update(circuit_open_until=until)


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Put a dead-lettered or held delivery back in the queue (staff action), under the same key."""
    if delivery.status not in (Delivery.Status.DEAD, Delivery.Status.HELD):
        raise ValueError(f"a {delivery.status} delivery cannot be retried; only dead-lettered or held ones")
    now = timezone.now()
    moved = transition(
        DELIVERY,
        Delivery.objects.filter(pk=delivery.pk),
        source=(Delivery.Status.DEAD, Delivery.Status.HELD),
        target=Delivery.Status.PENDING,
        next_attempt_at=now,
        enqueued_at=now,
        lease_until=None,
        claim_token=None,
        waiting_for=None,
    )
    delivery.refresh_from_db()
    if not moved:
        raise ValueError(f"a {delivery.status} delivery cannot be retried; only dead-lettered or held ones")
    transaction.on_commit(lambda: _enqueue_one(delivery))
    return delivery


@transaction.atomic
def delivery_replay(*, delivery: Delivery, url: str = "", plant: Plant | None = None) -> Delivery:
    """Send a delivery's document again as a new delivery (new idempotency key).

    To the same recipient by default, to another plant's endpoint with ``plant``, or to
    any URL with ``url`` (checked against SSRF now and again when sending).
    """
    if url:
        try:
            check_url(url)
        except OutboundRefused as exc:
            raise ValueError(str(exc)) from None
    now = timezone.now()
    target_plant = plant or delivery.plant
    recipient = Delivery.Recipient.PLANT if (plant is not None or url) else delivery.recipient
    connector = (
        "http" if url else (target_plant.connector if recipient == Delivery.Recipient.PLANT and target_plant else delivery.connector)
    )
    replay = Delivery.objects.create(
        document_type=delivery.document_type,
        document_id=delivery.document_id,
        document_number=delivery.document_number,
        recipient=recipient,
        plant=target_plant,
        supplier=delivery.supplier,
        connector=connector,
        target=url,
        replay_of=delivery,
        payload=delivery.payload,
        content_type=delivery.content_type,
        sequence_key=f"replay:{delivery.pk}:{now.timestamp()}",
        next_attempt_at=now,
        enqueued_at=now,
    )
    transaction.on_commit(lambda: _enqueue_one(replay))
    return replay


@transaction.atomic
def plant_pause(*, plant: Plant) -> Plant:
    """Stop dispatch to a plant: its deliveries wait as held, nothing is dropped."""
    Plant.objects.filter(pk=plant.pk).update(paused=True)
    plant.refresh_from_db()
    return plant


@transaction.atomic
def plant_resume(*, plant: Plant) -> int:
    """Resume dispatch to a plant and release its held deliveries; returns how many."""
    Plant.objects.filter(pk=plant.pk).update(paused=False, consecutive_failures=0, circuit_open_until=None)
    plant.refresh_from_db()
    return deliveries_release(plant=plant)


def deliveries_release(*, plant: Plant) -> int:
    """Queue a plant's held deliveries again (after a resume or once its endpoint is set)."""
    now = timezone.now()
    rows = list(
        Delivery.objects.filter(plant=plant, recipient=Delivery.Recipient.PLANT, status=Delivery.Status.HELD)
        .order_by("id")
        .values_list("pk", "created_at")
    )
    transition(
        DELIVERY,
        Delivery.objects.by_ids([pk for pk, _ in rows], [at for _, at in rows]),
        source=Delivery.Status.HELD,
        target=Delivery.Status.PENDING,
        next_attempt_at=now,
        enqueued_at=now,
        last_error="",
        waiting_for=None,
    )
    transaction.on_commit(lambda: _enqueue([(pk, plant.queue, at) for pk, at in rows]))
    return len(rows)


@transaction.atomic
def delivery_acknowledge(*, delivery: Delivery) -> Delivery:
    """Record the recipient's receipt (asynchronous acknowledgement); the first one counts."""
    if delivery.status not in (Delivery.Status.DELIVERED, Delivery.Status.SENDING, Delivery.Status.PENDING):
        raise ValueError(f"a {delivery.status} delivery cannot be acknowledged")
    now = timezone.now()
    if delivery.acknowledged_at is None:
        Delivery.objects.row(delivery).filter(acknowledged_at__isnull=True).update(acknowledged_at=now)
    if delivery.status != Delivery.Status.DELIVERED:
        # A receipt proves arrival even if our own record of the answer was lost; a worker
        # still sending it loses its claim (its token no longer matches) and writes nothing.
        done = transition(
            DELIVERY,
            Delivery.objects.row(delivery),
            source=OPEN,
            target=Delivery.Status.DELIVERED,
            delivered_at=delivery.delivered_at or now,
            lease_until=None,
            claim_token=None,
            waiting_for=None,
        )
        if done:
            transaction.on_commit(lambda: _wake_waiters([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


def deliveries_for_acknowledgement(*, references: Sequence[str], supplier_id: int | None) -> list[Delivery]:
    """The deliveries an inbound acknowledgement refers to by our envelope control references.

    Outbound EDI carries the delivery id as its control reference (UNB 0020, ISA13, and
    GS06); ``supplier_id`` limits the match to what went to that supplier, so one partner
    can never acknowledge another's deliveries. Plant copies match when no supplier is given.
    """
    ids = {int(ref) for ref in references if ref.strip().isdigit() and 0 < int(ref) < 2**63}
    if not ids:
        return []
    qs = Delivery.objects.filter(pk__in=ids)
    qs = (
        qs.filter(recipient=Delivery.Recipient.SUPPLIER, supplier_id=supplier_id)
        if supplier_id
        else qs.filter(recipient=Delivery.Recipient.PLANT)
    )
    return list(qs.order_by("pk"))


def deliveries_for_document_number(*, number: str, supplier_id: int | None) -> list[Delivery]:
    """The deliveries of the document numbered ``number``: what an acknowledgement naming the document (not our envelope) answers.

    As ``deliveries_for_acknowledgement``, limited to what went to that supplier (or to
    plants when no supplier is given); acknowledgements the hub sent never count.
    """
    if not number.strip():
        return []
    qs = Delivery.objects.filter(document_number=number).exclude(document_type="acknowledgement")
    qs = (
        qs.filter(recipient=Delivery.Recipient.SUPPLIER, supplier_id=supplier_id)
        if supplier_id
        else qs.filter(recipient=Delivery.Recipient.PLANT)
    )
    return list(qs.order_by("pk"))


@transaction.atomic
def deliveries_acknowledge(*, deliveries: Sequence[Delivery], status: str, note: str = "") -> int:
    """Record a partner's acknowledgement on the deliveries it answers; returns how many.

    An accepting (or partly accepting) acknowledgement counts as receipt like
    ``delivery_acknowledge``; a rejecting one keeps the delivery's state and says why.
    """
    count = 0
    for delivery in deliveries:
        if status == "rejected":
            Delivery.objects.filter(pk=delivery.pk).update(
                acknowledgement_status=status, last_error=f"rejected by the recipient's acknowledgement: {note}"[:2000]
            )
        else:
            try:
                delivery_acknowledge(delivery=delivery)
            except ValueError:
                log.info("acknowledgement for delivery %s in state %s recorded without changing it", delivery.pk, delivery.status)
                Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(acknowledged_at=timezone.now())
            Delivery.objects.filter(pk=delivery.pk).update(acknowledgement_status=status)
        count += 1
    return count


def _queued_dispatch_messages() -> int | None:
    """How many messages wait in the dispatch queues, or None when the broker cannot say."""
    from hub.celery import app

    try:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            total = 0
            for name in settings.HUB_DISPATCH_QUEUES:
                # Redis keeps no empty list: a queue with nothing in it "does not exist".
                with contextlib.suppress(ChannelError):
                    total += channel.queue_declare(queue=name, passive=True).message_count
            return total
    except Exception:  # the broker is down or cannot count: sweep as if nothing were queued
        log.info("could not count the dispatch queues; sweeping every stale delivery", exc_info=True)
        return None


def deliveries_sweep(*, limit: int = 1000) -> dict[str, int]:
    """Re-enqueue the deliveries a crash or a lost message left behind; returns counts.

    ``deliveries``: due but not enqueued within HUB_SWEEP_STALE_SECONDS, or ``sending`` under
    a lease that ran out (its worker died; a slow worker still holds a live lease). Parked
    deliveries are never due by the clock, so a long queue behind one sequence costs nothing
    here; ``woken``: parked ones whose earlier delivery has ended without waking them.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.HUB_SWEEP_STALE_SECONDS)
    # A claim whose lease ran out belongs to a dead worker: always queue it again.
    expired = list(
        Delivery.objects.filter(status=Delivery.Status.SENDING, lease_until__lt=now, enqueued_at__lt=stale)
        .order_by("id")
        .values_list("pk", "recipient", "plant__queue", "created_at")[:limit]
    )
    # A due row not queued lately may still wait in a long queue: queueing it again would
    # only lengthen the queue it waits in (a backlog that grows with every sweep). Only as
    # many as the dispatch queues cannot hold are missing: the ones queued longest ago.
    waiting = Delivery.objects.filter(
        status=Delivery.Status.PENDING, waiting_for__isnull=True, next_attempt_at__lte=now, enqueued_at__lt=stale
    )
    queued = _queued_dispatch_messages()
    due = list(expired)
    # A message carries up to INBOX_CHUNK portal copies, or up to a fan-out chunk of others:
    # count the most the queues can hold (a lost row waits at worst until they drain).
    from hub.dispatch.fanout import CHUNK

    for rows, per_message in ((waiting.exclude(connector="portal"), CHUNK), (waiting.filter(connector="portal"), INBOX_CHUNK)):
        missing = limit if queued is None else max(0, rows.count() - queued * per_message)
        if missing:
            due += list(
                rows.order_by("enqueued_at", "id").values_list("pk", "recipient", "plant__queue", "created_at")[: min(missing, limit)]
            )
    if due:
        Delivery.objects.by_ids([row[0] for row in due], [row[3] for row in due]).update(enqueued_at=now)
        _enqueue((pk, queue if recipient == Delivery.Recipient.PLANT else "", at) for pk, recipient, queue, at in due)
    ended = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, waiting_for__isnull=False)
        .exclude(waiting_for__status__in=OPEN)
        .values_list("waiting_for_id", flat=True)
        .distinct()[:limit]
    )
    woken = len(_wake_waiters(ended)) if ended else 0
    return {"deliveries": len(due), "woken": woken}


def dead_claims_release() -> int:
    """Hand back at once the deliveries claimed by processes of this host that have died; returns how many.

    Their lease would free them too, but only after HUB_DISPATCH_LEASE_SECONDS: a worker
    restarted after a crash would otherwise leave its predecessor's deliveries waiting
    while it delivers everything queued after them. Only ``sending`` rows whose holder is
    provably gone are touched; the claim token still guards every later write, so a holder
    that was only slow writes nothing after this.
    """
    holders = set(
        Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_by__startswith=host_prefix())
        .values_list("claimed_by", flat=True)
        .distinct()
    )
    dead = [holder for holder in holders if is_dead(holder)]
    if not dead:
        return 0
    now = timezone.now()
    rows = list(
        Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_by__in=dead).values_list(
            "pk", "recipient", "plant__queue", "created_at"
        )
    )
    # The lease ends now and the row counts as never queued: the claim below (or the next
    # sweep, should this message be lost) takes it as a dead worker's claim.
    Delivery.objects.by_ids([row[0] for row in rows], [row[3] for row in rows]).filter(
        status=Delivery.Status.SENDING, claimed_by__in=dead
    ).update(lease_until=now - dt.timedelta(seconds=1), enqueued_at=now)
    _enqueue((pk, queue if recipient == Delivery.Recipient.PLANT else "", at) for pk, recipient, queue, at in rows)
    log.info("handed back %d deliveries claimed by dead processes %s", len(rows), ", ".join(sorted(dead)))
    return len(rows)


def sweep(*, limit: int = 1000) -> dict[str, int]:
    """Re-enqueue the deliveries a crash or a lost message left behind; safe to run anywhere, any time.

    (Interchanges are swept by ``hub.ingest.recovery``.)
    """
    return deliveries_sweep(limit=limit)
