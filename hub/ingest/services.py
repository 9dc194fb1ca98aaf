"""Receive and process interchanges: store raw bytes first, then parse, route and persist.

``interchange_receive`` stores and commits the file before anything reads it, and
enqueues processing on commit. ``interchange_process`` (run by a Celery task) detects
the format, parses, resolves partners, checks the sender may send what it sent, and
persists the documents with their outbox rows in one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hub.dispatch.services import deliveries_acknowledge, deliveries_for_acknowledgement
from hub.formats import codes as format_codes
from hub.formats import registry
from hub.formats.base import Detection, RenderOptions
from hub.formats.canonical import AckError, Acknowledged, Document, PartyId, Source, to_json
from hub.formats.canonical import Acknowledgement as CanonicalAcknowledgement
from hub.formats.edifact import acknowledge as edifact_ack
from hub.formats.errors import FormatError, ParseResult, Position
from hub.ingest import authority
from hub.models import Acknowledgement, ControlReference, Delivery, Interchange, Plant
from hub.parties import Party, party_of_supplier, party_of_user
from hub.scope import role_of
from orders import services as order_services
from orders.selectors import purchase_orders_by_number
from suppliers.models import PartnerProfile, Supplier, User
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
            # Same bytes from the same party only: another party's copy must not swallow this one.
            Interchange.objects.filter(sha256=sha, test_run=test_run, sender_supplier=supplier)  # a test file may later be sent for real
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
    """A parsed document with the supplier and plant it was resolved to.

    An inbound acknowledgement has no plant; ``deliveries`` holds the outbound
    deliveries it answers.
    """

    document: Document
    supplier: Supplier | None
    plant: Plant | None
    message_ref: str
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class Outcome:
    """What processing made of an interchange.

    ``rejected`` holds, per index into ``ParseResult.messages``, the errors for which the
    hub refused a message that parsed (routing, authorisation, failure policy): the
    acknowledgement reports those messages as rejected too.
    """

    status: str
    documents: list[Routed] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    rejected: dict[int, list[FormatError]] = field(default_factory=dict)


@dataclass
class Context:
    """What routing knows about the uploader and the parties the interchange names."""

    uploader: User | None
    role: str
    allowed_plants: set[str] | None
    suppliers: dict[str, Supplier]
    plants: dict[str, Plant]
    orders: dict[tuple[str, int], Any]  # (order number, supplier id) -> orders.PurchaseOrder
    sender: Supplier | None  # the supplier whose envelope or account sent the file
    party: Party | None = None  # who sent the file: what hub.ingest.authority judges
    supplier_plants: dict[Any, frozenset[str]] = field(default_factory=dict)  # supplier pk -> codes of the plants it supplies


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
    """Detect, parse, route, validate and persist one stored interchange (idempotent), then acknowledge it.

    Returns the interchange, or None when another worker has it or it is already done.
    """
    interchange = _claim(interchange_id)
    if interchange is None:
        return None
    with interchange.raw.open("rb") as fh:
        data = fh.read()
    detection, result = _parse(interchange, data)
    interchange.format = detection.family
    interchange.version = detection.version
    interchange.message_types = ",".join(detection.message_types)[:200]
    interchange.warnings = list(result.warnings)
    if result.envelopes:
        env = result.envelopes[0]
        interchange.sender_id = env.sender.get("id", "")[:80]
        interchange.receiver_id = env.receiver.get("id", "")[:80]
        interchange.control_ref = env.control_ref[:40]
    profile = _sender_profile(interchange, result)
    outcome = _route(interchange, result, profile)
    _persist(interchange, outcome)
    if interchange.status != Interchange.Status.DUPLICATE:
        _acknowledge(interchange, result, outcome, profile)
    return interchange


def _scheme(result: ParseResult) -> str:
    return "edifact" if result.format == "EDIFACT" else result.format.lower()


def _party(interchange: Interchange) -> Party:
    """The party that sent the interchange: its uploader, else the supplier of its channel."""
    if interchange.uploaded_by is not None:
        return party_of_user(interchange.uploaded_by)
    if interchange.sender_supplier is not None:
        return party_of_supplier(interchange.sender_supplier)
    return Party(role="anonymous")


def _sender_profile(interchange: Interchange, result: ParseResult) -> PartnerProfile | None:
    """The partner profile of the supplier that sent the file (never one named only by its envelope)."""
    supplier = interchange.sender_supplier
    if supplier is None:
        return None
    return PartnerProfile.objects.filter(supplier=supplier).first()


# -- routing: one entry per document type --------------------------------------------------


def _ship_to_code(doc: Document, supplier: Supplier, ctx: Context) -> str:
    return doc.ship_to.plant or doc.ship_to.id


def _order_plant_code(doc: Document, supplier: Supplier, ctx: Context) -> str:
    # A purchase order names the plant as ship-to, or only as the buyer.
    return doc.ship_to.plant or doc.ship_to.id or (doc.buyer.id if doc.buyer.id in ctx.plants else "")


def _response_plant_code(doc: Document, supplier: Supplier, ctx: Context) -> str:
    # An order response goes to the plant that placed the order; its own ship-to only
    # counts when the hub never saw the order.
    order = ctx.orders.get((getattr(doc, "order_number", ""), supplier.pk))
    if order is not None:
        return order.plant.code
    return doc.ship_to.plant or doc.ship_to.id or (doc.buyer.id if doc.buyer.id in ctx.plants else "")


@dataclass(frozen=True)
class Route:
    """How one document type is routed: where its parties are, who may send it, who stores it."""

    label: str  # in error messages: "call-off 4711 ..."
    supplier_where: str  # where the document names its supplier
    plant_where: str  # where it names its plant
    plant_code: Callable[[Document, Supplier, Context], str]
    senders: tuple[str, ...]  # roles that may submit it
    sent_by: str  # who sends it, in words
    apply: Callable[..., Any] | None = None  # the service that stores it (keyword args interchange, routed)
    check: Callable[..., tuple[Routed | None, str]] | None = None  # default: _check_party_document


def _apply_acknowledgements(*, interchange: Interchange, routed: list[Routed]) -> None:
    for item in routed:
        doc = item.document
        assert isinstance(doc, CanonicalAcknowledgement)
        note = "; ".join(f"{e.position}: {e.text}" if e.position else e.text for e in doc.errors)
        deliveries_acknowledge(deliveries=item.deliveries, status=doc.status, note=note)


# Table order is also persist order: orders are stored before the responses that refer to them.
ROUTES: dict[str, Route] = {
    "delivery_schedule": Route(
        "call-off", "NAD+SE / N1*SU", "NAD+ST/CN / N1*ST", _ship_to_code, ("supplier", "buyer", "admin"), "plants",
        order_services.schedules_apply,
    ),
    "purchase_order": Route(
        "purchase order", "NAD+SU/SE / N1*SU", "NAD+ST/BY / N1*ST", _order_plant_code, ("buyer", "admin"), "plants",
        order_services.purchase_orders_apply,
    ),
    "despatch_advice": Route(
        "despatch advice", "NAD+SE/SU / N1*SU", "NAD+ST/CN / N1*ST", _ship_to_code, ("supplier", "buyer", "admin"), "suppliers",
        order_services.despatch_advices_apply,
    ),
    "order_response": Route(
        "order response", "NAD+SE/SU / N1*SU", "the referenced order, or NAD+ST/BY / N1*ST", _response_plant_code,
        ("supplier", "buyer", "admin"), "suppliers", order_services.order_responses_apply,
    ),
    "acknowledgement": Route(
        "acknowledgement", "", "", _ship_to_code, ("supplier", "buyer", "admin"), "the recipients of what the hub sent",
        _apply_acknowledgements,
    ),
}  # fmt: skip


def _parse(interchange: Interchange, data: bytes) -> tuple[Detection, ParseResult]:
    """Parse with the registry; a supplier's own CSV/XLSX column mappings are tried first."""
    from hub.formats.tabular import CsvCodec, XlsxCodec
    from hub.formats.tabular.mapping import DEFAULT_MAPPINGS
    from suppliers.services import column_mappings_of

    uploader = interchange.uploaded_by
    profile = getattr(uploader.supplier, "profile", None) if uploader is not None and uploader.supplier_id else None
    if profile is not None and profile.column_mappings:
        try:
            mappings = column_mappings_of(profile) + list(DEFAULT_MAPPINGS)
        except ValueError:
            mappings = []  # an invalid stored mapping is refused when saved; never fail processing on it
        head = data[: registry.HEAD_BYTES]
        for codec in (XlsxCodec(mappings), CsvCodec(mappings)) if mappings else ():
            found = codec.detect(head)
            if found is not None:
                return found, codec.parse(data)
    return registry.parse(data)


def _route(interchange: Interchange, result: ParseResult, profile: PartnerProfile | None = None) -> Outcome:
    errors = [e.as_dict() for e in result.errors]
    rejected: dict[int, list[FormatError]] = {}
    if result.errors:
        # An envelope fault (bad counts, truncated file) puts every message in doubt.
        errors += [e.as_dict() for e in result.all_errors[len(result.errors):]]
        _reject_the_rest(result, rejected, "the interchange envelope is faulty, so no message of it was accepted", "envelope")
        return Outcome(status=Interchange.Status.FAILED, errors=errors, rejected=rejected)
    ctx = _context(interchange, result)
    refusal = _sender_refusal(ctx.party, result, test_run=interchange.test_run)
    if refusal is not None:  # the sender may not send this file at all: refused as a whole
        _reject_the_rest(result, rejected, refusal.text, refusal.code)
        errors += [e.as_dict() for m in result.messages for e in m.errors]  # the sender sees every fault at once
        return Outcome(status=Interchange.Status.FAILED, errors=[refusal.as_dict(), *errors], rejected=rejected)
    routed: list[Routed] = []
    for message in result.messages:
        errors += [e.as_dict() for e in message.errors]
    for index, message in enumerate(result.messages):
        if not message.ok:
            continue
        for doc in message.documents:
            item, problem = _check(doc, ctx, message.ref)
            if problem:
                error = FormatError(problem, Position(message_ref=message.ref), code="routing")
                errors.append(error.as_dict())
                rejected.setdefault(index, []).append(error)
                continue
            assert item is not None
            routed.append(item)
    refused = {id(d) for i in rejected for d in result.messages[i].documents}
    routed = [r for r in routed if id(r.document) not in refused]  # a message is taken whole or not at all
    policy = profile.failure_policy if profile is not None else PartnerProfile.FailurePolicy.ACCEPT_GOOD
    if errors and routed and policy == PartnerProfile.FailurePolicy.REJECT_ALL:
        text = "the whole interchange is rejected: the sender's failure policy is reject_all and some messages have errors"
        errors.append({"position": "", "code": "policy", "text": text})
        _reject_the_rest(result, rejected, text, "policy")
        return Outcome(status=Interchange.Status.FAILED, errors=errors, rejected=rejected)
    status = Interchange.Status.PROCESSED if routed else Interchange.Status.FAILED
    return Outcome(status=status, documents=routed, errors=errors, rejected=rejected)


def _reject_the_rest(result: ParseResult, rejected: dict[int, list[FormatError]], text: str, code: str) -> None:
    """Reject every message that parsed and was not refused already (for the acknowledgement)."""
    for index, message in enumerate(result.messages):
        if message.ok and index not in rejected:
            rejected[index] = [FormatError(text, Position(message_ref=message.ref), code=code)]


def _sender_refusal(party: Party, result: ParseResult, *, test_run: bool) -> FormatError | None:
    """The positioned error refusing the whole interchange when its party or envelope sender is not trusted."""
    from django.conf import settings

    from suppliers.selectors import verified_identities

    why = authority.party_error(party, test_run=test_run)
    if why:
        return FormatError(why, code="sender")
    identities = verified_identities(supplier=party.supplier) if party.role == "supplier" else set()
    for env in result.envelopes:
        why = authority.sender_binding_error(
            party, envelope_format=env.format, sender=env.sender, identities=identities, plant_sender_ids=settings.HUB_PLANT_SENDER_IDS
        )
        if why:
            tag, element = authority.sender_position(env.format)
            return FormatError(f"{why}; the whole interchange is refused", Position(tag=tag, element=element), code="sender")
    return None


def _context(interchange: Interchange, result: ParseResult) -> Context:
    uploader = interchange.uploaded_by
    role = role_of(uploader) if uploader is not None else "admin"
    allowed_plants = set(uploader.plants.values_list("code", flat=True)) if role == "buyer" else None
    docs = [d for m in result.messages if m.ok for d in m.documents]
    party_ids = {d.supplier.id for d in docs if d.supplier.id} | {d.sender.id for d in docs if d.type == "acknowledgement" and d.sender.id}
    suppliers = suppliers_by_party(party_ids=party_ids, scheme=_scheme(result))
    orders = purchase_orders_by_number(numbers={d.order_number for d in docs if d.type == "order_response"})
    codes = {c for d in docs for c in (d.ship_to.plant, d.ship_to.id, d.buyer.id) if c}
    codes |= {o.plant.code for o in orders.values()}
    plants = {p.code: p for p in Plant.objects.filter(code__in=codes)}
    sender = uploader.supplier if role == "supplier" and uploader is not None else None
    links = Supplier.plants.through.objects.filter(supplier_id__in={s.pk for s in suppliers.values()}).values_list("supplier_id", "plant__code")
    supplier_plants: dict[Any, set[str]] = {}
    for supplier_id, code in links:
        supplier_plants.setdefault(supplier_id, set()).add(code)
    party = _party(interchange)
    frozen = {k: frozenset(v) for k, v in supplier_plants.items()}
    return Context(uploader, role, allowed_plants, suppliers, plants, orders, sender, party, frozen)


def _check(doc: Document, ctx: Context, message_ref: str) -> tuple[Routed | None, str]:
    """Resolve a document's parties and check the uploader may send it: ``(routed, '')`` or ``(None, why not)``."""
    route = ROUTES.get(doc.type)
    if route is None:
        return None, f"{doc.type} documents are not routed by the hub"
    why = authority.kind_error(ctx.party, doc.type, doc.number)
    if why:
        return None, why
    check = route.check or _check_party_document
    return check(doc, route, ctx, message_ref)


def _check_party_document(doc: Document, route: Route, ctx: Context, message_ref: str) -> tuple[Routed | None, str]:
    what = f"{route.label} {doc.number}"
    if not doc.supplier.id:
        return None, f"{what} names no supplier ({route.supplier_where})"
    supplier = ctx.suppliers.get(doc.supplier.id)
    if supplier is None:
        return None, f"{what}: supplier '{doc.supplier.id}' is not known to the hub (no partner profile carries this id)"
    code = route.plant_code(doc, supplier, ctx)
    if not code:
        return None, f"{what} names no ship-to plant ({route.plant_where})"
    plant = ctx.plants.get(code)
    if plant is None:
        return None, f"{what}: ship-to '{code}' is not a plant of the group"
    why = authority.may_send(ctx.party, doc.type, number=doc.number, supplier=supplier, plant_code=code, supplier_plants=ctx.supplier_plants.get(supplier.pk, ()))
    if why:
        return None, why
    return Routed(doc, supplier, plant, message_ref), ""


def _check_acknowledgement(doc: Document, route: Route, ctx: Context, message_ref: str) -> tuple[Routed | None, str]:
    """Match a partner's acknowledgement to the deliveries the hub sent it, by our control references."""
    assert isinstance(doc, CanonicalAcknowledgement)
    # Who acknowledges is the (envelope-bound) sending party, never the id the document names.
    supplier = ctx.party.supplier if ctx.party.role == "supplier" else None
    acked = doc.acknowledges
    references = [acked.interchange_ref]
    if doc.source.format == "X12":
        references.append(acked.group_ref)  # a 997 names our GS06, which is our control number
    deliveries: list[Delivery] = []
    for reference in references:
        deliveries = deliveries_for_acknowledgement(references=[reference], supplier_id=supplier.pk if supplier else None)
        if deliveries:
            break
    deliveries = [
        d for d in deliveries
        if not authority.may_acknowledge(ctx.party, recipient=d.recipient, supplier_id=d.supplier_id, plant_code=d.plant.code if d.plant_id else "")
    ]  # fmt: skip
    if not deliveries:
        named = " / ".join(r for r in references if r) or "nothing"
        to = f"supplier {supplier.number}" if supplier else "a plant"
        return None, f"acknowledgement {doc.number}: it refers to {named}, which matches nothing the hub sent to {to}"
    return Routed(doc, supplier, None, message_ref, deliveries), ""


ROUTES["acknowledgement"] = dataclasses.replace(ROUTES["acknowledgement"], check=_check_acknowledgement)


def _persist(interchange: Interchange, outcome: Outcome) -> None:
    now = timezone.now()
    if interchange.test_run:
        _persist_test_run(interchange, outcome, now)
        return
    party = _party(interchange)
    namespace = authority.control_namespace(party, interchange.format)  # per verified sender, not per envelope string
    interchange.on_behalf_of = sorted({r.supplier.number for r in outcome.documents if r.supplier and authority.sent_on_behalf(party, r.document.type)})
    try:
        with transaction.atomic():
            if interchange.control_ref and interchange.sender_id and outcome.status == Interchange.Status.PROCESSED:
                ControlReference.objects.create(sender=namespace, reference=interchange.control_ref, interchange=interchange)
            for doc_type, route in ROUTES.items():
                mine = [r for r in outcome.documents if r.document.type == doc_type]
                if mine and route.apply is not None:
                    route.apply(interchange=interchange, routed=mine)
            interchange.status = outcome.status
            interchange.errors = outcome.errors
            interchange.document_count = len(outcome.documents)
            interchange.processed_at = now
            interchange.save()
    except IntegrityError:
        first = ControlReference.objects.filter(sender=namespace, reference=interchange.control_ref).first()
        interchange.status = Interchange.Status.DUPLICATE
        interchange.duplicate_of_id = first.interchange_id if first else None
        interchange.errors = [
            {"position": "UNB/ISA", "code": "duplicate", "text": f"control reference {interchange.control_ref} from {interchange.sender_id} was received before"}
        ]
        interchange.processed_at = now
        interchange.save()


# -- acknowledgements to the sender --------------------------------------------------------


def _acknowledge(interchange: Interchange, result: ParseResult, outcome: Outcome, profile: PartnerProfile | None) -> None:
    """Build and store the sender's CONTRL or 997, when its profile wants one; never fails processing."""
    if result.format not in ACKNOWLEDGERS or not result.envelopes:
        return
    if profile is not None and not profile.send_acknowledgements:
        return
    if result.messages and all(m.type in ACK_MESSAGE_TYPES for m in result.messages):
        return  # an acknowledgement is never acknowledged
    try:
        ack = acknowledgement_create(interchange=interchange, result=result, outcome=outcome)
    except Exception:  # an acknowledgement that cannot be built must not undo what was stored
        log.exception("could not build the acknowledgement for interchange %s", interchange.pk)
        return
    supplier = profile.supplier if profile is not None else None
    if supplier is not None:
        from hub.dispatch.services import acknowledgement_send

        acknowledgement_send(acknowledgement=ack, supplier=supplier)


@transaction.atomic
def acknowledgement_create(*, interchange: Interchange, result: ParseResult, outcome: Outcome) -> Acknowledgement:
    """Store the acknowledgement of a processed interchange as a file on it (the latest processing's).

    The file says what the hub made of every message: accepted, or rejected with the
    errors (syntax, routing, failure policy). Its control reference comes from the
    acknowledgement's id above ``ACK_CONTROL_BASE``, apart from the delivery ids that
    number the hub's other outbound interchanges.
    """
    # A file processed again (after a profile or mapping fix) gets a new acknowledgement
    # under a new control reference; the earlier file stays in storage.
    Acknowledgement.objects.filter(interchange=interchange).delete()
    verdict = _verdict(result, outcome)
    ack = Acknowledgement.objects.create(
        interchange=interchange, created_at=timezone.now(), format=result.format, kind="", status="", document=[]
    )
    ack.control_ref = str(ACK_CONTROL_BASE + ack.pk)
    if result.format == "EDIFACT":
        kind, extension, body, documents = _contrl_and_aperaks(result, outcome, ack.control_ref)
        statuses = {edifact_ack.contrl_document(verdict, i).status for i in range(len(result.envelopes))}
    else:
        kind, extension, body, documents = ACKNOWLEDGERS[result.format](verdict, ack.control_ref)
        statuses = {d.status for d in documents}
    ack.kind, ack.extension = kind, extension
    ack.status = statuses.pop() if len(statuses) == 1 else "partially_accepted"
    ack.document = [to_json(d) for d in documents]
    ack.file.save(f"{kind}.{extension}", ContentFile(body), save=False)
    ack.save()
    return ack


def _verdict(result: ParseResult, outcome: Outcome) -> ParseResult:
    """The parse result as the hub judged it: messages refused after parsing carry why."""
    messages = [
        dataclasses.replace(m, errors=[*m.errors, *outcome.rejected.get(i, [])]) if i in outcome.rejected else m
        for i, m in enumerate(result.messages)
    ]
    return ParseResult(format=result.format, envelopes=result.envelopes, messages=messages, errors=result.errors, warnings=result.warnings)


def _contrl(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    # One CONTRL interchange per acknowledged interchange, concatenated (a file may hold several).
    bodies = [edifact_ack.contrl(verdict, i, control_ref=control_ref) for i in range(len(verdict.envelopes))]
    documents = [edifact_ack.contrl_document(verdict, i) for i in range(len(verdict.envelopes))]
    return "CONTRL", "edi", b"".join(bodies), documents


# Routing and authorisation refusals of messages that parsed well are application
# errors: EDIFACT reports them in an APERAK per message. The CONTRL reports syntax and
# envelope faults, and the reject_all failure policy (which refuses the interchange as a whole).
APPLICATION_CODES = {"routing"}


def _contrl_and_aperaks(result: ParseResult, outcome: Outcome, control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    syntax = {i: [e for e in errs if e.code not in APPLICATION_CODES] for i, errs in outcome.rejected.items()}
    kind, extension, body, documents = _contrl(_verdict(result, Outcome(status="", rejected={i: e for i, e in syntax.items() if e})), control_ref)
    count = 0
    for index, errors in sorted(outcome.rejected.items()):
        message = result.messages[index]
        refusals = [e for e in errors if e.code in APPLICATION_CODES]
        if not refusals or not message.ok or syntax.get(index):
            continue
        count += 1
        # The hub's own control reference, with a suffix per APERAK interchange (an..14).
        ref = f"{control_ref}A{count}"
        body += edifact_ack.aperak(result, message.ref, refusals, control_ref=ref, index=message.interchange)
        documents.append(edifact_ack.aperak_document(result, message.ref, refusals, index=message.interchange))
    return (f"{kind}+APERAK" if count else kind), extension, body, documents


def _x12_ack(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    # One 997 per functional group, in one interchange per acknowledged interchange; a
    # TA1 for an interchange that carried no transaction set the hub could read.
    bodies: list[bytes] = []
    documents: list[CanonicalAcknowledgement] = []
    codec = registry.get("x12")
    for index, env in enumerate(verdict.envelopes):
        version = "005010" if env.version.startswith("005") else "004010"
        messages = [m for m in verdict.messages if m.interchange == index]
        groups: dict[str, list] = {}
        for m in messages:
            groups.setdefault(m.group_ref, []).append(m)
        docs = [_x12_group_ack(env, group, members, version) for group, members in groups.items()]
        if not docs:
            errors = [AckError(position=f"interchange {env.control_ref}", code="", text=e.text) for e in verdict.errors if e.interchange == index]
            docs = [CanonicalAcknowledgement(acknowledges=Acknowledged(interchange_ref=env.control_ref), status="rejected", errors=errors)]
        documents += docs
        options = RenderOptions(
            sender_id=env.receiver.get("id", "")[:15],
            sender_qualifier=env.receiver.get("scheme", "") or "ZZ",
            receiver_id=env.sender.get("id", "")[:15],
            receiver_qualifier=env.sender.get("scheme", "") or "ZZ",
            control_ref=control_ref,
            version=version,
            test=env.test,
        )
        bodies.append(codec.render(docs, options))
    return "997", "x12", b"".join(bodies), documents


def _x12_group_ack(env: Any, group: str, members: list, version: str) -> CanonicalAcknowledgement:
    accepted = [m for m in members if m.ok]
    status = "accepted" if len(accepted) == len(members) else ("partially_accepted" if accepted else "rejected")
    errors = [AckError(position=f"message {m.ref}", code=e.code, text=e.text) for m in members for e in m.errors]
    acked_type = members[0].type
    fid = format_codes.X12_FUNCTIONAL_ID.get(acked_type, "SH")
    return CanonicalAcknowledgement(
        number=env.control_ref,
        sender=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        receiver=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        source=Source(format="X12", version=f"997 {version} {fid} {acked_type}", interchange_ref=env.control_ref),
        acknowledges=Acknowledged(interchange_ref=env.control_ref, group_ref=group, message_refs=[m.ref for m in members]),
        status=status,
        errors=errors,
    )


ACKNOWLEDGERS: dict[str, Callable[[ParseResult, str], tuple[str, str, bytes, list[CanonicalAcknowledgement]]]] = {
    "EDIFACT": _contrl,
    "X12": _x12_ack,
}
ACK_MESSAGE_TYPES = {"CONTRL", "APERAK", "997", "999", "TA1"}
ACK_CONTROL_BASE = 900_000_000  # acknowledgement control numbers: 900000001 and up (9 digits, as ISA13 allows)


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
        "supplier": routed.supplier.number if routed.supplier else "",
        "plant": routed.plant.code if routed.plant else "",
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
