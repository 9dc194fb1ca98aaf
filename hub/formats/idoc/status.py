"""IDoc status (SYSTAT01, message STATUS): the acknowledgement SAP partners exchange, both ways.

The hub answers a partner's IDocs with one SYSTAT01 IDoc holding an E1STATS record per
IDoc received: its DOCNUM, status 53 (application document posted) or 51 (application
document not posted), and the first error's text in STATXT (70 characters; the rest of
the position in STAPA1..STAPA4). An inbound SYSTAT01 maps to an acknowledgement that
refers to the IDoc numbers (DOCNUM) the hub gave its outbound IDocs, i.e. its delivery
ids, so it is matched to the deliveries it answers like a CONTRL or 997.
"""

from __future__ import annotations

import datetime as dt

from hub.formats.canonical import AckError, Acknowledged, Acknowledgement, Document
from hub.formats.errors import FormatError, ParseResult
from hub.formats.idoc.records import IDoc

BASIC = "SYSTAT01"
MESSAGE = "STATUS"
BASIC_TYPES = frozenset({"SYSTAT01", "STATUS01"})
POSTED, NOT_POSTED = "53", "51"
# SAP IDoc status values a partner sends back about IDocs it received (inbound 5x/6x) or
# that it confirms for the hub's outbound ones (12, 16/17, 39-41).
ACCEPTING = frozenset({"03", "12", "16", "39", "41", "50", "53", "62", "64"})
REJECTING = frozenset({"17", "40", "51", "56", "60", "63", "65", "66", "68", "69"})


def read(idoc: IDoc) -> Acknowledgement:
    """A SYSTAT01/STATUS IDoc -> acknowledgement of the IDoc numbers its E1STATS records name."""
    records = [seg for seg in idoc.segments if seg.type == "E1STATS"]
    if not records:
        raise idoc.error("the status IDoc has no E1STATS record: it acknowledges nothing", "IDOCTYP", code="missing")
    doc = Acknowledgement(number=idoc.docnum)
    statuses: list[str] = []
    refs: list[str] = []
    for seg in records:
        ref = seg.get("DOCNUM").lstrip("0") or "0"
        status = seg.get("STATUS")
        if status not in ACCEPTING and status not in REJECTING:
            raise seg.error(f"status '{status}' is no IDoc status the hub knows (53 posted, 51 not posted, ...)", "STATUS")
        refs.append(ref)
        statuses.append("rejected" if status in REJECTING else "accepted")
        if status in REJECTING or seg.get("STATXT"):
            params = " ".join(p for p in (seg.get(f"STAPA{n}") for n in range(1, 5)) if p)
            text = seg.get("STATXT").replace("&", params, 1) if "&" in seg.get("STATXT") else " ".join(p for p in (seg.get("STATXT"), params) if p)
            doc.errors.append(AckError(position=f"IDoc {ref}", code=status, text=text or f"status {status}"))
    doc.acknowledges = Acknowledged(interchange_ref=refs[0], message_refs=refs)
    if all(s == "accepted" for s in statuses):
        doc.status = "accepted"
    elif all(s == "rejected" for s in statuses):
        doc.status = "rejected"
    else:
        doc.status = "partially_accepted"
    return doc


def write(doc: Document, builder: object, now: dt.datetime | None = None) -> None:
    """An acknowledgement -> E1STATS records, one per acknowledged IDoc (``builder``: ``mapping.Builder``)."""
    if not isinstance(doc, Acknowledgement):
        raise FormatError(f"a status IDoc carries acknowledgements, not {doc.type}")
    when = now or dt.datetime.now(dt.UTC)
    refs = doc.acknowledges.message_refs or [doc.acknowledges.interchange_ref]
    for ref in refs:
        errors = [e for e in doc.errors if e.position in (f"IDoc {ref}", "")]
        if doc.status == "rejected" and not errors:
            errors = doc.errors  # rejected as a whole (an envelope fault, the failure policy)
        rejected = doc.status == "rejected" or (doc.status == "partially_accepted" and bool(errors))
        first = errors[0] if errors else None
        text = (first.text if first else "")
        builder.add(  # type: ignore[attr-defined]
            "E1STATS",
            TABNAM="EDI_DS", DOCNUM=ref.zfill(16) if ref.isdigit() else ref[:16],
            LOGDAT=when.strftime("%Y%m%d"), LOGTIM=when.strftime("%H%M%S"),
            STATUS=NOT_POSTED if rejected else POSTED, STATXT=text[:70],
            STAPA1=text[70:120], STAPA2=(first.position if first else "")[:50],
        )  # fmt: skip


def acknowledgements(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[Acknowledgement]]:
    """The status IDoc for a received IDoc file as the hub judged it: ``(kind, extension, body, documents)``.

    One SYSTAT01 answers every IDoc of the file; it goes back as an XML IDoc, the form
    SAP's ALE port for files and HTTP-XML reads alike.
    """
    from hub.formats.base import RenderOptions
    from hub.formats.idoc.codec import IdocXmlCodec

    messages = verdict.messages
    errors = [AckError(position=f"IDoc {m.ref}", code=e.code, text=str(e)) for m in messages for e in m.errors]
    errors += [AckError(position="", code=e.code, text=str(e)) for e in verdict.errors]
    ok = [m for m in messages if m.ok and not verdict.errors]
    status = "accepted" if messages and len(ok) == len(messages) else ("partially_accepted" if ok else "rejected")
    env = verdict.envelopes[0] if verdict.envelopes else None
    doc = Acknowledgement(
        number=control_ref,
        acknowledges=Acknowledged(interchange_ref=messages[0].ref if messages else "", message_refs=[m.ref for m in messages]),
        status=status,
        errors=errors,
    )
    options = RenderOptions(
        sender_id=(env.receiver.get("id", "") if env else "") or "SUPPLIERHUB", sender_qualifier="LS",
        receiver_id=(env.sender.get("id", "") if env else "") or "PARTNER", receiver_qualifier=(env.sender.get("scheme", "") if env else "") or "LS",
        control_ref=control_ref,
    )  # fmt: skip
    return "STATUS", "xml", IdocXmlCodec().render([doc], options), [doc]
