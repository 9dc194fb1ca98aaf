"""The one orchestrator of ingest: claim -> parse -> route -> persist -> acknowledge.

A worker claims the interchange with a token and keeps a heartbeat on the row while it
works; only a claim whose heartbeat stopped for ``HUB_INGEST_LEASE_SECONDS`` may be
taken over, and every write checks the token, so a slow worker is never doubled by a
second one and a dead one is resumed where it stopped. The file is read message by
message (``hub.formats.registry.stream``), routed and persisted in batches of
``HUB_INGEST_BATCH_MESSAGES`` messages; only small per-message summaries stay in memory
for the acknowledgement. The interchange ends in one transaction that releases its
staged deliveries (or drops what it stored) and stores its acknowledgement.

A file whose processing keeps failing (an exception, or a worker that died on it) ends
``failed`` with the sender's negative acknowledgement after ``HUB_INGEST_MAX_ATTEMPTS``
attempts without progress; it is never retried forever.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import F, Q
from django.utils import timezone

from hub.formats import tolerance
from hub.formats.errors import Envelope, FormatError, MessageResult, ParseResult, Position
from hub.ingest import acknowledge, authority
from hub.ingest.parse import open_stream
from hub.ingest.persist import (
    LostClaim,
    batch_persist,
    claimed,
    control_reference_claim,
    interchange_finish,
    named_plants_collect,
    named_plants_record,
    progress,
)
from hub.ingest.receive import interchange_enqueue
from hub.ingest.route import Router, Verdict
from hub.lifecycle import INTERCHANGE, transition
from hub.models import Interchange
from orders.kinds import Routed
from suppliers.models import PartnerProfile

log = logging.getLogger(__name__)
Status = Interchange.Status


def interchange_claim(*, interchange_id: Any, received_at: dt.datetime | None = None) -> tuple[Interchange, uuid.UUID] | None:
    """Claim a stored interchange for this worker: ``(interchange, token)``, or None when it is not ours to take.

    A received file is free; a file in processing only when its heartbeat stopped for the
    lease (its worker died). Each claim counts an attempt on the row. With ``received_at``
    (what the task carries) the claim's UPDATE and SELECT read its month's partition only.
    """
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.HUB_INGEST_LEASE_SECONDS)
    token = uuid.uuid4()
    rows = Interchange.objects.by_id(interchange_id, received_at).filter(
        Q(status=Status.RECEIVED)
        | Q(status=Status.PROCESSING, heartbeat_at__lt=stale)
        | Q(status=Status.PROCESSING, heartbeat_at__isnull=True, processing_started_at__lt=stale)
    )
    moved = transition(
        INTERCHANGE, rows, source=(Status.RECEIVED, Status.PROCESSING), target=Status.PROCESSING,
        claim_token=token, heartbeat_at=now, processing_started_at=now, attempts=F("attempts") + 1,
    )  # fmt: skip
    if not moved:
        return None
    return Interchange.objects.select_related("uploaded_by__supplier", "sender_supplier").by_id(interchange_id, received_at).get(), token


def interchange_process(*, interchange_id: Any, received_at: dt.datetime | None = None) -> Interchange | None:
    """Claim, parse, route, persist and acknowledge one stored interchange (idempotent).

    Returns the interchange as it ended, or None when another worker has it, it is
    already done, or this worker lost its claim on the way.
    """
    claim = interchange_claim(interchange_id=interchange_id, received_at=received_at)
    if claim is None:
        return None
    interchange, token = claim
    try:
        limit = settings.HUB_INGEST_MAX_ATTEMPTS
        if interchange.attempts > limit:
            _give_up(
                interchange,
                token,
                f"processing was started {limit} times without finishing (the worker stopped each time); the file is not tried again",
            )
        else:
            _run(interchange, token)
    except LostClaim:
        log.info("interchange %s: another worker took it over; this one stops", interchange_id)
        return None
    except Exception as exc:
        log.exception("interchange %s: processing failed (attempt %s)", interchange_id, interchange.attempts)
        try:
            _attempt_failed(interchange, token, exc)
        except LostClaim:
            return None
    return Interchange.objects.by_id(interchange.pk, interchange.received_at).get()


# -- one run -------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the run keeps while it streams: small summaries, never the documents."""

    summaries: list[MessageResult] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    rejected: dict[int, list[FormatError]] = field(default_factory=dict)
    documents: int = 0
    acknowledgements: list[Routed] = field(default_factory=list)  # inbound CONTRL/997..., applied when the file is accepted
    report: list[dict[str, Any]] = field(default_factory=list)  # a test run's report
    only_acknowledgements: bool = True
    on_behalf_of: set[str] = field(default_factory=set)  # suppliers a plant-side sender sent documents for
    plant_codes: set[str] = field(default_factory=set)  # ship-to codes the file names, refused messages included

    def record(self, index: int, message: MessageResult, verdict: Verdict, test_run: bool) -> None:
        """Keep what the acknowledgement and the interchange's errors need of one message."""
        named_plants_collect(self.plant_codes, message.documents)
        self.summaries.append(acknowledge.summary(message, refused=bool(verdict.refusals)))
        self.errors += [e.as_dict() for e in message.errors]
        if verdict.refusals:
            self.rejected[index] = verdict.refusals
            self.errors += [e.as_dict() for e in verdict.refusals]
        self.documents += len(verdict.routed)
        self.acknowledgements += [r for r in verdict.routed if r.document.type == "acknowledgement"]
        if test_run:
            self.report += [_test_report_entry(r) for r in verdict.routed]
        self.only_acknowledgements = self.only_acknowledgements and message.type in acknowledge.ACK_MESSAGE_TYPES


class Heartbeat:
    """Refresh the claim's heartbeat every quarter lease while the worker reads and stores."""

    def __init__(self, interchange: Interchange, token: Any) -> None:
        self.interchange, self.token = interchange, token
        self.every = max(0.5, settings.HUB_INGEST_LEASE_SECONDS / 4)
        self.last = time.monotonic()

    def beat(self, force: bool = False) -> None:
        """Write a heartbeat when due (``LostClaim`` when the claim is gone)."""
        if force or time.monotonic() - self.last >= self.every:
            progress(interchange=self.interchange, token=self.token)
            self.last = time.monotonic()

    @contextlib.contextmanager
    def meanwhile(self) -> Iterator[None]:
        """Beat from a thread of its own while the block runs (one long call that yields no message)."""
        stop = threading.Event()

        def run() -> None:
            try:
                while not stop.wait(self.every):
                    try:
                        claimed(self.interchange, self.token).update(heartbeat_at=timezone.now())
                    except Exception:  # a missed beat is not fatal; the main thread's writes check the claim
                        log.warning("interchange %s: heartbeat failed", self.interchange.pk, exc_info=True)
            finally:
                connections.close_all()  # this thread's own connections

        thread = threading.Thread(target=run, name=f"heartbeat-{self.interchange.pk}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
            self.last = time.monotonic()

    def through(self, messages: Iterable[MessageResult]) -> Iterator[MessageResult]:
        """Pass the messages on, beating as they come."""
        for message in messages:
            self.beat()
            yield message


def _run(interchange: Interchange, token: Any) -> None:
    batch_size = max(1, settings.HUB_INGEST_BATCH_MESSAGES)
    resume_after = interchange.messages_done
    heartbeat = Heartbeat(interchange, token)
    tally = Tally()
    with interchange.raw.open("rb") as fh:
        with heartbeat.meanwhile():  # a codec without stream() parses the whole file here
            detection, stream = open_stream(interchange=interchange, fh=fh)
        interchange.format = detection.family
        interchange.version = detection.version
        interchange.message_types = ",".join(detection.message_types)[:200]
        router = Router(interchange=interchange, fmt=stream.format)
        profile = _sender_profile(interchange)
        if profile is not None and profile.tolerate_count_mismatch:
            stream = tolerance.relaxed(stream)  # count mismatches become warnings; the acknowledgement still reports them
        # A party that may not send at all (suspended, not live, read-only) is refused before
        # anything is read; an envelope sender that is not the party's own as soon as its
        # envelope is read (a file may hold several interchanges, each bound on its own).
        refusal = router.party_refusal(test_run=interchange.test_run)
        bound = 0
        batch: list[MessageResult] = []
        first = 0
        for message in heartbeat.through(stream):
            if refusal is None and len(stream.envelopes) > bound:
                refusal = router.sender_refusal(stream.envelopes[bound:])
                if refusal is None and bound == 0:
                    duplicate_of = _envelope_read(interchange, token, stream.envelopes, router)
                    if duplicate_of is not None:
                        return _duplicate(interchange, token, duplicate_of)
                bound = len(stream.envelopes)
                if refusal is not None:  # messages read before the refused envelope are not stored either
                    first = _set_aside(tally, batch, first, interchange.test_run)
                    batch = []
            if refusal is not None:  # read on for the acknowledgement only: nothing is routed or stored
                tally.record(first, message, Verdict([], []), interchange.test_run)
                first += 1
                continue
            batch.append(message)
            if len(batch) >= batch_size:
                _flush(interchange, token, router, tally, batch, first, resume_after)
                heartbeat.last = time.monotonic()
                first += len(batch)
                batch = []
        if refusal is None and len(stream.envelopes) > bound:
            refusal = router.sender_refusal(stream.envelopes[bound:])
            if refusal is None and bound == 0:  # no message at all: the envelope is still to be read
                duplicate_of = _envelope_read(interchange, token, stream.envelopes, router)
                if duplicate_of is not None:
                    return _duplicate(interchange, token, duplicate_of)
        if refusal is not None:
            _set_aside(tally, batch, first, interchange.test_run)
        elif batch:
            _flush(interchange, token, router, tally, batch, first, resume_after)
    _conclude(
        interchange, token, stream.format, stream.envelopes, stream.errors, stream.warnings, tally, profile, refusal, stream.tolerated
    )


def _set_aside(tally: Tally, batch: list[MessageResult], first: int, test_run: bool) -> int:
    """Keep the summaries of messages that will not be routed (the file is refused); the next index."""
    for message in batch:
        tally.record(first, message, Verdict([], []), test_run)
        first += 1
    return first


def _envelope_read(interchange: Interchange, token: Any, envelopes: list[Envelope], router: Router) -> Any:
    """Record the (bound) envelope and claim its control reference: the id of the interchange it duplicates, or None."""
    env = envelopes[0] if envelopes else None
    if env is not None:
        interchange.sender_id = env.sender.get("id", "")[:80]
        interchange.receiver_id = env.receiver.get("id", "")[:80]
        interchange.control_ref = env.control_ref[:40]
        interchange.envelope = dataclasses.asdict(env)
    progress(
        interchange=interchange, token=token, format=interchange.format, version=interchange.version,
        message_types=interchange.message_types, sender_id=interchange.sender_id, receiver_id=interchange.receiver_id,
        control_ref=interchange.control_ref, envelope=interchange.envelope,
    )  # fmt: skip
    namespace = authority.control_namespace(router.party, interchange.format)
    return control_reference_claim(interchange=interchange, token=token, namespace=namespace)


def _sender_profile(interchange: Interchange) -> PartnerProfile | None:
    """The partner profile of the supplier that sent the file: its account or channel's, never one its envelope merely names.

    The acknowledgement goes back to the party that sent the file, so an impostor's
    refusal never lands in the inbox of the supplier whose id it used.
    """
    if interchange.sender_supplier_id is None:
        return None
    return PartnerProfile.objects.filter(supplier_id=interchange.sender_supplier_id).select_related("supplier").first()


def _flush(
    interchange: Interchange, token: Any, router: Router, tally: Tally, batch: list[MessageResult], first: int, resume_after: int
) -> None:
    """Route one batch, keep its summaries, and persist what an earlier attempt has not persisted yet."""
    verdicts = router.route(batch)
    tally.on_behalf_of |= {
        r.supplier.number
        for v in verdicts
        for r in v.routed
        if r.supplier is not None and authority.sent_on_behalf(router.party, r.document.type)
    }
    fresh: list[Routed] = []
    for offset, (message, verdict) in enumerate(zip(batch, verdicts, strict=True)):
        index = first + offset
        tally.record(index, message, verdict, interchange.test_run)
        if index >= resume_after:
            fresh += [r for r in verdict.routed if r.document.type != "acknowledgement"]
    done = first + len(batch)
    if done > resume_after:
        batch_persist(interchange=interchange, token=token, routed=fresh, messages_done=done, document_count=tally.documents)


def _reject_the_rest(summaries: list[MessageResult], rejected: dict[int, list[FormatError]], text: str, code: str) -> None:
    """Reject every message that parsed and was not refused already (for the acknowledgement)."""
    for index, message in enumerate(summaries):
        if message.ok and index not in rejected:
            rejected[index] = [FormatError(text, Position(message_ref=message.ref), code=code)]


def _conclude(
    interchange: Interchange, token: Any, fmt: str, envelopes: list[Envelope], envelope_errors: list[FormatError], warnings: list[str],
    tally: Tally, profile: PartnerProfile | None, refusal: FormatError | None = None, tolerated: list[FormatError] | None = None,
) -> None:  # fmt: skip
    """Decide how the file ends, and end it in one transaction with its acknowledgement."""
    errors, rejected = tally.errors, tally.rejected
    if refusal is not None:
        # The sender may not send this file at all: refused as a whole, and the sender sees
        # every fault of it at once.
        errors = [refusal.as_dict(), *[e.as_dict() for m in tally.summaries for e in m.errors]]
        rejected = {}
        _reject_the_rest(tally.summaries, rejected, refusal.text, refusal.code)
        status = Status.FAILED
    elif envelope_errors:
        # An envelope fault (bad counts, truncated file) puts every message in doubt.
        errors = [e.as_dict() for e in envelope_errors] + [e.as_dict() for m in tally.summaries for e in m.errors]
        rejected = {}
        _reject_the_rest(tally.summaries, rejected, "the interchange envelope is faulty, so no message of it was accepted", "envelope")
        status = Status.FAILED
    elif errors and tally.documents and profile is not None and profile.failure_policy == PartnerProfile.FailurePolicy.REJECT_ALL:
        text = "the whole interchange is rejected: the sender's failure policy is reject_all and some messages have errors"
        errors = [*errors, {"position": "", "code": "policy", "text": text}]
        _reject_the_rest(tally.summaries, rejected, text, "policy")
        status = Status.FAILED
    else:
        status = Status.PROCESSED if tally.documents else Status.FAILED
    accepted = status == Status.PROCESSED
    result = ParseResult(
        format=fmt, envelopes=envelopes, messages=tally.summaries, errors=envelope_errors, warnings=warnings, tolerated=tolerated or []
    )

    def after(ended: Interchange) -> None:
        named_plants_record(interchange=ended, codes=tally.plant_codes)
        if acknowledge.wanted(
            fmt=fmt, envelopes=envelopes, profile=profile, only_acknowledgements=bool(tally.summaries) and tally.only_acknowledgements
        ):
            acknowledge.acknowledge(interchange=ended, result=result, rejected=rejected, profile=profile)
        if ended.test_run and ended.sender_supplier_id:
            from suppliers.onboarding import test_run_recorded

            test_run_recorded(supplier_id=ended.sender_supplier_id)

    fields = {
        "format": interchange.format, "version": interchange.version, "message_types": interchange.message_types,
        "warnings": list(warnings), "document_count": tally.documents if accepted else 0, "messages_done": len(tally.summaries),
        "test_report": tally.report if accepted else [],
        "on_behalf_of": sorted(tally.on_behalf_of) if accepted else [],
    }  # fmt: skip
    if envelopes and not interchange.envelope:
        # A refused sender's file claimed no control reference, but staff still see whose
        # envelope it carried.
        env = envelopes[0]
        fields.update(
            sender_id=env.sender.get("id", "")[:80], receiver_id=env.receiver.get("id", "")[:80],
            control_ref=env.control_ref[:40], envelope=dataclasses.asdict(env),
        )  # fmt: skip
    interchange_finish(
        interchange=interchange, token=token, status=status, errors=errors,
        acknowledgements=tally.acknowledgements if accepted else (), fields=fields, after=after,
    )  # fmt: skip


def _duplicate(interchange: Interchange, token: Any, original_id: Any) -> None:
    error = {
        "position": "UNB/ISA",
        "code": "duplicate",
        "text": f"control reference {interchange.control_ref} from {interchange.sender_id} was received before",
    }
    interchange_finish(
        interchange=interchange, token=token, status=Status.DUPLICATE, errors=[error], fields={"duplicate_of_id": original_id}
    )


# -- failures ------------------------------------------------------------------------------


def _attempt_failed(interchange: Interchange, token: Any, exc: Exception) -> None:
    """Try again later, or, after the last attempt, end the file failed with a negative acknowledgement."""
    text = f"processing failed: {type(exc).__name__}: {str(exc)[:300]}"
    if interchange.attempts >= settings.HUB_INGEST_MAX_ATTEMPTS:
        _give_up(
            interchange,
            token,
            f"{text} (attempt {interchange.attempts} of {settings.HUB_INGEST_MAX_ATTEMPTS}); the file is not tried again",
        )
        return
    moved = transition(
        INTERCHANGE, Interchange.objects.by_id(interchange.pk, interchange.received_at), source=Status.PROCESSING, target=Status.RECEIVED, token=token,
        errors=[{"position": "", "code": "retry", "text": f"{text}; it will be tried again"}], enqueued_at=timezone.now(), heartbeat_at=None,
    )  # fmt: skip
    if moved:
        interchange_enqueue(
            interchange_id=interchange.pk, received_at=interchange.received_at, countdown=min(60.0, 2.0**interchange.attempts)
        )


def _give_up(interchange: Interchange, token: Any, text: str) -> None:
    """End a file that cannot be processed: failed, with the error and the sender's negative acknowledgement."""
    error = FormatError(text, Position(), code="processing")
    env = Envelope(**interchange.envelope) if interchange.envelope else None
    envelopes = [env] if env is not None else []
    profile = _sender_profile(interchange)
    result = ParseResult(format=interchange.format, envelopes=envelopes, messages=[], errors=[error])

    def after(ended: Interchange) -> None:
        named_plants_record(interchange=ended, codes=set())
        if acknowledge.wanted(fmt=interchange.format, envelopes=envelopes, profile=profile, only_acknowledgements=False):
            acknowledge.acknowledge(interchange=ended, result=result, rejected={}, profile=profile)

    interchange_finish(
        interchange=interchange, token=token, status=Status.FAILED, errors=[error.as_dict()], fields={"document_count": 0}, after=after
    )


def _test_report_entry(routed: Routed) -> dict[str, Any]:
    doc = routed.document
    lines = []
    for line in getattr(doc, "lines", []):
        schedule = getattr(line, "schedule", [])
        lines.append(
            {
                "buyer_part": line.buyer_part,
                "supplier_part": line.supplier_part,
                "unit": line.unit,
                "quantities": len(schedule),
                "total": str(sum((q.quantity for q in schedule), start=0)) if schedule else str(getattr(line, "quantity", "")),
            }
        )
    return {
        "type": doc.type,
        "number": doc.number,
        "message_ref": routed.message_ref,
        "supplier": routed.supplier.number if routed.supplier else "",
        "plant": routed.plant.code if routed.plant else "",
        "lines": lines,
    }
