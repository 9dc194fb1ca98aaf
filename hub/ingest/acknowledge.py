"""The sender's acknowledgement of a processed interchange, as its standard defines it.

EDIFACT: CONTRL (+ an APERAK per message refused for business reasons); X12: 997 or 999
per the partner profile, with a TA1 on envelope faults; UBL: an ApplicationResponse
(PEPPOL MLR); IDoc: a status IDoc (SYSTAT01/STATUS); cXML: the Response status. VDA and
CSV/XLSX have no acknowledgement message: their senders get a status report, shown on
the portal and sent by e-mail.

Built from small per-message summaries (never the documents), stored as a file on the
interchange and, for a supplier, sent back through the outbox (or by e-mail), all in the
interchange's final transaction: whenever its documents are committed, so is their
acknowledgement.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from hub.formats.canonical import AckError, Acknowledged, to_json
from hub.formats.canonical import Acknowledgement as CanonicalAcknowledgement
from hub.formats.edifact import acknowledge as edifact_ack
from hub.formats.errors import FormatError, MessageResult, ParseResult
from hub.formats.idoc import status as idoc_status
from hub.formats.x12.acknowledge import functional_acknowledgements
from hub.formats.xml import cxml_response, mlr
from hub.models import Acknowledgement, Interchange

log = logging.getLogger(__name__)

ACK_MESSAGE_TYPES = {"CONTRL", "APERAK", "997", "999", "TA1", "UBL ApplicationResponse", "STATUS", "SYSTAT01"}
# Formats without an acknowledgement message: a status report on the portal and by e-mail.
MAILED = ("VDA", "CSV", "XLSX")
ACK_CONTROL_BASE = 900_000_000  # acknowledgement control numbers: 900000001 and up (9 digits, as ISA13 allows)
# Routing and authorisation refusals of messages that parsed well are application
# errors: EDIFACT reports them in an APERAK per message. The CONTRL reports syntax and
# envelope faults, and the reject_all failure policy (which refuses the interchange as a whole).
APPLICATION_CODES = {"routing"}


@dataclasses.dataclass
class Numbered:
    """What an APERAK needs of a refused message's document: its number."""

    number: str


def _contrl(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    # One CONTRL interchange per acknowledged interchange, concatenated (a file may hold several).
    bodies = [edifact_ack.contrl(verdict, i, control_ref=control_ref) for i in range(len(verdict.envelopes))]
    documents = [edifact_ack.contrl_document(verdict, i) for i in range(len(verdict.envelopes))]
    return "CONTRL", "edi", b"".join(bodies), documents


def status_report(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    """A plain-text status report for formats without an acknowledgement message (VDA, CSV, XLSX)."""
    messages = verdict.messages
    ok = [m for m in messages if m.ok] if not verdict.errors else []
    status = "accepted" if messages and len(ok) == len(messages) else ("partially_accepted" if ok else "rejected")
    errors = [*verdict.errors, *(e for m in messages for e in m.errors)]
    doc = CanonicalAcknowledgement(
        number=control_ref,
        acknowledges=Acknowledged(message_refs=[m.ref for m in messages]),
        status=status,
        errors=[AckError(position=e.position.describe(), code=e.code, text=e.text) for e in errors],
    )
    lines = [f"status: {status}", f"messages: {len(messages)}, accepted: {len(ok)}, refused: {len(messages) - len(ok)}"]
    lines += [f"- {e}" for e in errors[:200]]
    if len(errors) > 200:
        lines.append(f"- ... and {len(errors) - 200} more")
    return "STATUS", "txt", ("\n".join(lines) + "\n").encode("utf-8"), [doc]


ACKNOWLEDGERS: dict[str, Callable[[ParseResult, str], tuple[str, str, bytes, list[CanonicalAcknowledgement]]]] = {
    "EDIFACT": _contrl,
    "X12": functional_acknowledgements,
    "UBL": mlr.acknowledgements,
    "IDOC": idoc_status.acknowledgements,
    "cXML": cxml_response.acknowledgements,
    **{fmt: status_report for fmt in MAILED},
}


def judged(result: ParseResult, rejected: dict[int, list[FormatError]]) -> ParseResult:
    """The parse result as the hub judged it: messages refused after parsing carry why."""
    messages = [
        dataclasses.replace(m, errors=[*m.errors, *rejected.get(i, [])]) if i in rejected else m for i, m in enumerate(result.messages)
    ]
    return ParseResult(
        format=result.format, envelopes=result.envelopes, messages=messages, errors=result.errors, warnings=result.warnings, tolerated=result.tolerated
    )


def _contrl_and_aperaks(result: ParseResult, rejected: dict[int, list[FormatError]], control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    syntax = {i: [e for e in errs if e.code not in APPLICATION_CODES] for i, errs in rejected.items()}
    kind, extension, body, documents = _contrl(judged(result, {i: e for i, e in syntax.items() if e}), control_ref)
    count = 0
    for index, errors in sorted(rejected.items()):
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


def wanted(*, fmt: str, envelopes: list[Any], profile: Any, only_acknowledgements: bool) -> bool:
    """True when the sender gets an acknowledgement: a format that has one (with its envelope read), a profile that wants one, and not itself an acknowledgement."""
    if fmt not in ACKNOWLEDGERS or (not envelopes and fmt not in MAILED):
        return False
    if profile is not None and not profile.send_acknowledgements:
        return False
    return not only_acknowledgements  # an acknowledgement is never acknowledged


def acknowledgement_create(
    *, interchange: Interchange, result: ParseResult, rejected: dict[int, list[FormatError]], profile: Any = None
) -> Acknowledgement:
    """Store the acknowledgement of a processed interchange as a file on it (the latest processing's).

    ``result`` holds per-message summaries (reference, type, errors; no documents) and
    the envelope errors; ``rejected`` the errors for which the hub refused messages that
    parsed (routing, authorisation, failure policy), by index into ``result.messages``.
    Its control reference comes from the acknowledgement's id above ``ACK_CONTROL_BASE``;
    ``profile`` (the sender's partner profile) picks the X12 kind, 997 or 999.
    """
    # A file processed again (after a profile or mapping fix) gets a new acknowledgement
    # under a new control reference; the earlier file stays in storage.
    Acknowledgement.objects.filter(interchange=interchange).delete()
    ack = Acknowledgement.objects.create(interchange=interchange, created_at=timezone.now(), format=result.format, kind="", status="", document=[])
    ack.control_ref = str(ACK_CONTROL_BASE + ack.pk)
    if result.format == "EDIFACT":
        kind, extension, body, documents = _contrl_and_aperaks(result, rejected, ack.control_ref)
        verdict = judged(result, rejected)
        statuses = {edifact_ack.contrl_document(verdict, i).status for i in range(len(result.envelopes))}
    elif result.format == "X12":
        x12_kind = profile.x12_acknowledgement if profile is not None else "997"
        kind, extension, body, documents = functional_acknowledgements(judged(result, rejected), ack.control_ref, x12_kind)
        statuses = {d.status for d in documents}
    else:
        kind, extension, body, documents = ACKNOWLEDGERS[result.format](judged(result, rejected), ack.control_ref)
        statuses = {d.status for d in documents}
    ack.kind, ack.extension = kind, extension
    ack.status = statuses.pop() if len(statuses) == 1 else "partially_accepted"
    ack.document = [to_json(d) for d in documents]
    ack.file.save(f"{kind}.{extension}", ContentFile(body), save=False)
    ack.save()
    return ack


def acknowledge(*, interchange: Interchange, result: ParseResult, rejected: dict[int, list[FormatError]], profile: Any) -> Acknowledgement | None:
    """Build, store and send the sender's acknowledgement, in the caller's (final) transaction.

    A savepoint keeps a failure to build it from undoing what was stored: it is logged,
    and the interchange ends as it would have.
    """
    try:
        with transaction.atomic():
            ack = acknowledgement_create(interchange=interchange, result=result, rejected=rejected, profile=profile)
            supplier = profile.supplier if profile is not None else None
            if supplier is not None and result.format in MAILED:
                _mail(ack, interchange, supplier)
            elif supplier is not None:
                from hub.dispatch.services import acknowledgement_send

                acknowledgement_send(acknowledgement=ack, supplier=supplier)
            return ack
    except Exception:
        log.exception("could not build the acknowledgement for interchange %s", interchange.pk)
        return None


def _mail(ack: Acknowledgement, interchange: Interchange, supplier: Any) -> None:
    """Send the status report to the supplier's contact (else the uploader) once the final transaction commits."""
    uploader = getattr(interchange, "uploaded_by", None)
    to = supplier.email or (uploader.email if uploader is not None and uploader.email else "")
    if not to:
        return
    with ack.file.open("rb") as fh:
        body = fh.read().decode("utf-8")
    name = interchange.filename or f"interchange {interchange.pk}"
    subject = f"[supplier hub] {name}: {ack.status.replace('_', ' ')}"
    text = f"The hub processed {name} (interchange {interchange.pk}) for supplier {supplier.number}.\n\n{body}"

    def send() -> None:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
        except Exception:  # the portal shows the status anyway; a mail server outage must not fail ingest
            log.exception("could not e-mail the status of interchange %s to %s", interchange.pk, to)

    transaction.on_commit(send)


def summary(message: MessageResult, refused: bool) -> MessageResult:
    """A message as the acknowledgement needs it: reference, type, group, version and errors, no documents.

    A refused message keeps its documents' numbers (an APERAK names what it refuses).
    """
    # A file of 190,000 messages keeps 190,000 of these until it ends: the strings every
    # message repeats are interned and a clean message shares one empty tuple for its
    # documents and errors (nothing appends to a summary).
    numbers = [Numbered(getattr(d, "number", "")) for d in message.documents] if refused else ()
    return MessageResult(
        ref=message.ref, type=sys.intern(message.type), documents=numbers, errors=list(message.errors) if message.errors else (),  # type: ignore[arg-type]
        group_ref=sys.intern(message.group_ref), interchange=message.interchange, version=sys.intern(message.version),
    )  # fmt: skip
