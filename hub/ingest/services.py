"""Receive and process interchanges: store raw bytes first, then parse, route and persist.

``interchange_receive`` stores and commits the file before anything reads it, and
enqueues processing on commit. ``interchange_process`` (run by a Celery task) detects
the format, parses, resolves partners, checks the sender may send what it sent, and
persists the documents with their outbox rows in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hub.formats import registry
from hub.formats.canonical import DeliverySchedule, Document
from hub.formats.errors import FormatError, ParseResult, Position
from hub.models import ControlReference, Interchange, Plant
from hub.scope import role_of
from suppliers.models import Supplier, User
from suppliers.services import suppliers_by_party

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The upload is larger than HUB_MAX_INTERCHANGE_BYTES."""


class EmptyUpload(Exception):
    """The upload has no bytes."""


def interchange_receive(
    *,
    stream: IO[bytes] | Iterable[bytes],
    channel: str,
    user: User | None = None,
    filename: str = "",
    content_type: str = "",
) -> Interchange:
    """Store a received file and queue it for processing; returns the new Interchange.

    The bytes are written to storage and the row committed before anything parses
    them. A file whose bytes were already received (and not failed) is recorded as a
    ``duplicate`` of the first and not processed again.
    """
    limit = settings.HUB_MAX_INTERCHANGE_BYTES
    digest = hashlib.sha256()
    size = 0
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115 - closed on every path below
    chunks = iter(lambda: stream.read(CHUNK), b"") if hasattr(stream, "read") else iter(stream)
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            spool.close()
            raise TooLarge(f"the file is larger than the limit of {limit} bytes")
        digest.update(chunk)
        spool.write(chunk)
    if size == 0:
        spool.close()
        raise EmptyUpload("the file is empty")
    spool.seek(0)
    sha = digest.hexdigest()
    supplier = user.supplier if user is not None and role_of(user) == "supplier" else None
    # Onboarding test phase: what a supplier in ``testing`` sends is checked and reported,
    # never stored as documents or dispatched (see _persist_test_run).
    test_run = supplier is not None and supplier.status == Supplier.Status.TESTING
    interchange = Interchange(
        test_run=test_run,
        received_at=timezone.now(),
        channel=channel,
        uploaded_by=user,
        sender_supplier=supplier,
        filename=(filename or "")[:255],
        content_type=(content_type or "")[:200],
        size=size,
        sha256=sha,
    )
    interchange.raw.save("raw.bin", File(spool), save=False)
    spool.close()
    with transaction.atomic():
        original = (
            Interchange.objects.filter(sha256=sha, test_run=test_run)  # a test file may later be sent for real
            .exclude(status__in=[Interchange.Status.FAILED, Interchange.Status.DUPLICATE])
            .order_by("received_at")
            .first()
        )
        if original is not None:
            interchange.status = Interchange.Status.DUPLICATE
            interchange.duplicate_of = original
            interchange.errors = [{"position": "", "code": "duplicate", "text": f"the same bytes were received before as interchange {original.id}"}]
            interchange.processed_at = timezone.now()
            interchange.save()
            return interchange
        interchange.enqueued_at = timezone.now()
        interchange.save()
        _enqueue(interchange.pk)
    return interchange


def _enqueue(interchange_id: Any) -> None:
    from hub.ingest.tasks import process_interchange

    process_interchange.delay_on_commit(str(interchange_id))


@dataclass
class Routed:
    """A parsed document with the supplier and plant it was resolved to."""

    document: Document
    supplier: Supplier
    plant: Plant
    message_ref: str


@dataclass
class Outcome:
    """What processing made of an interchange."""

    status: str
    documents: list[Routed] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _claim(interchange_id: Any) -> Interchange | None:
    # A conditional update makes the claim atomic across workers; a row stuck in
    # "processing" (its worker died) can be claimed again once its lease ran out.
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.HUB_SWEEP_STALE_SECONDS * 4)
    claimed = Interchange.objects.filter(pk=interchange_id).filter(
        Q(status=Interchange.Status.RECEIVED) | Q(status=Interchange.Status.PROCESSING, processing_started_at__lt=stale)
    ).update(status=Interchange.Status.PROCESSING, processing_started_at=now)
    if not claimed:
        return None
    return Interchange.objects.select_related("uploaded_by__supplier").get(pk=interchange_id)


def interchange_process(*, interchange_id: Any) -> Interchange | None:
    """Detect, parse, route, validate and persist one stored interchange (idempotent).

    Returns the interchange, or None when another worker has it or it is already done.
    """
    interchange = _claim(interchange_id)
    if interchange is None:
        return None
    with interchange.raw.open("rb") as fh:
        data = fh.read()
    detection, result = registry.parse(data)
    interchange.format = detection.family
    interchange.version = detection.version
    interchange.message_types = ",".join(detection.message_types)[:200]
    interchange.warnings = list(result.warnings)
    if result.envelopes:
        env = result.envelopes[0]
        interchange.sender_id = env.sender.get("id", "")[:80]
        interchange.receiver_id = env.receiver.get("id", "")[:80]
        interchange.control_ref = env.control_ref[:40]
    outcome = _route(interchange, result)
    _persist(interchange, outcome)
    return interchange


def _route(interchange: Interchange, result: ParseResult) -> Outcome:
    errors = [e.as_dict() for e in result.errors]
    if result.errors:
        # An envelope fault (bad counts, truncated file) puts every message in doubt.
        errors += [e.as_dict() for e in result.all_errors[len(result.errors):]]
        return Outcome(status=Interchange.Status.FAILED, errors=errors)
    uploader = interchange.uploaded_by
    role = role_of(uploader) if uploader is not None else "admin"
    allowed_plants = set(uploader.plants.values_list("code", flat=True)) if role == "buyer" else None
    parsed = [(m, d) for m in result.messages for d in m.documents if m.ok]
    scheme = "edifact" if result.format == "EDIFACT" else result.format.lower()
    suppliers = suppliers_by_party(party_ids={d.supplier.id for _, d in parsed if d.supplier.id}, scheme=scheme)
    plants = {p.code: p for p in Plant.objects.filter(code__in={_plant_code(d) for _, d in parsed})}
    routed: list[Routed] = []
    for message in result.messages:
        errors += [e.as_dict() for e in message.errors]
    for message, doc in parsed:
        problem = _check(doc, suppliers, plants, uploader, role, allowed_plants)
        if problem:
            errors.append(FormatError(problem, Position(message_ref=message.ref), code="routing").as_dict())
            continue
        routed.append(Routed(doc, suppliers[doc.supplier.id], plants[_plant_code(doc)], message.ref))
    status = Interchange.Status.PROCESSED if routed else Interchange.Status.FAILED
    return Outcome(status=status, documents=routed, errors=errors)


def _plant_code(doc: Document) -> str:
    return doc.ship_to.plant or doc.ship_to.id


def _check(doc: Document, suppliers: dict, plants: dict, uploader: User | None, role: str, allowed_plants: set | None) -> str:
    if not isinstance(doc, DeliverySchedule):
        return f"{doc.type} documents are not routed yet"
    if not doc.supplier.id:
        return f"call-off {doc.number} names no supplier (NAD+SE / N1*SU)"
    supplier = suppliers.get(doc.supplier.id)
    if supplier is None:
        return f"call-off {doc.number}: supplier '{doc.supplier.id}' is not known to the hub (no partner profile carries this id)"
    code = _plant_code(doc)
    if not code:
        return f"call-off {doc.number} names no ship-to plant (NAD+ST/CN / N1*ST)"
    if code not in plants:
        return f"call-off {doc.number}: ship-to '{code}' is not a plant of the group"
    if role == "supplier" and uploader is not None and uploader.supplier_id != supplier.pk:
        own = uploader.supplier.number if uploader.supplier else "none"
        return f"call-off {doc.number} names supplier {doc.supplier.id}, but your account belongs to supplier {own}"
    if allowed_plants is not None and code not in allowed_plants:
        return f"call-off {doc.number} is for plant {code}, which is not one of your plants"
    if role == "hq":
        return "headquarters accounts are read-only and cannot submit documents"
    return ""


def _persist(interchange: Interchange, outcome: Outcome) -> None:
    from orders.services import schedules_apply

    now = timezone.now()
    if interchange.test_run:
        _persist_test_run(interchange, outcome, now)
        return
    try:
        with transaction.atomic():
            if interchange.control_ref and interchange.sender_id and outcome.status == Interchange.Status.PROCESSED:
                ControlReference.objects.create(
                    sender=f"{interchange.format}:{interchange.sender_id}", reference=interchange.control_ref, interchange=interchange
                )
            schedules_apply(interchange=interchange, routed=outcome.documents)
            interchange.status = outcome.status
            interchange.errors = outcome.errors
            interchange.document_count = len(outcome.documents)
            interchange.processed_at = now
            interchange.save()
    except IntegrityError:
        first = ControlReference.objects.filter(
            sender=f"{interchange.format}:{interchange.sender_id}", reference=interchange.control_ref
        ).first()
        interchange.status = Interchange.Status.DUPLICATE
        interchange.duplicate_of_id = first.interchange_id if first else None
        interchange.errors = [
            {"position": "UNB/ISA", "code": "duplicate", "text": f"control reference {interchange.control_ref} from {interchange.sender_id} was received before"}
        ]
        interchange.processed_at = now
        interchange.save()


def _persist_test_run(interchange: Interchange, outcome: Outcome, now: dt.datetime) -> None:
    """Record a test file's outcome and report on the interchange alone: no documents, no outbox.

    The control reference is not claimed either, so the same file can later be sent for
    real. Then ask onboarding whether the supplier has now sent enough clean test files.
    """
    from suppliers.onboarding import test_run_recorded

    interchange.status = outcome.status
    interchange.errors = outcome.errors
    interchange.document_count = len(outcome.documents)
    interchange.test_report = [_test_report_entry(r) for r in outcome.documents]
    interchange.processed_at = now
    interchange.save()
    if interchange.sender_supplier_id:
        test_run_recorded(supplier_id=interchange.sender_supplier_id)


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
        "supplier": routed.supplier.number,
        "plant": routed.plant.code,
        "lines": lines,
    }


def interchange_reprocess(*, interchange: Interchange) -> Interchange:
    """Queue a failed interchange for processing again (after a mapping or profile fix)."""
    if interchange.status != Interchange.Status.FAILED:
        raise ValueError("only failed interchanges can be processed again")
    Interchange.objects.filter(pk=interchange.pk).update(status=Interchange.Status.RECEIVED, errors=[], enqueued_at=timezone.now())
    transaction.on_commit(lambda: _enqueue(interchange.pk))
    interchange.refresh_from_db()
    return interchange
