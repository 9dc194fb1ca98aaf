"""APERAK (application error and acknowledgement) D.96A/D.97A/D.04A, EANCOM usage.

Read: BGM (1004 this APERAK's number, 1225 function: 27 not accepted, 29/6/9
accepted), DTM+137, RFF+ACW (the acknowledged message references), RFF+ON/AAN/DQ/...
(the acknowledged document's number), RFF+AFX/AFY (the hub's usage for the acknowledged
interchange and group references), then per error an ERC (9321 code) with FTX+AAO (its
text) and FTX+ZZZ (its position, a mutually defined qualifier).
ERC code 1 (EANCOM: "no error") is an acknowledgement, not an error.
"""

from __future__ import annotations

from hub.formats import codes
from hub.formats.canonical import AckError, Acknowledged, Acknowledgement, Document
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.common import date, envelope_ids, source, write_dtm, write_segment, write_unh, write_unt
from hub.formats.edifact.syntax import Separators
from hub.formats.errors import Envelope, FormatError

MESSAGE_RFF = codes.APERAK_MESSAGE_RFF
INTERCHANGE_RFF = codes.APERAK_INTERCHANGE_RFF
GROUP_RFF = codes.APERAK_GROUP_RFF
DOCUMENT_RFF = codes.APERAK_DOCUMENT_RFF
TEXT_LIMIT = 512  # FTX C108 4440 is an..512, up to 5 components


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:
    """Map one APERAK message to a canonical acknowledgement."""
    ref = msg.ref
    sender, receiver = envelope_ids(env)
    doc = Acknowledgement(sender=sender, receiver=receiver, source=source(msg, env))
    doc.acknowledges = Acknowledged()
    function = ""
    error: AckError | None = None
    for seg in msg.segments:
        tag = seg.tag
        if tag == "BGM":
            doc.number = seg.get(2, 1) or seg.get(1, 2)
            function = seg.get(3)
        elif tag == "DTM" and seg.get(1, 1) == "137" and error is None:
            _, day, start, _end = date(seg, ref)
            doc.issued = day or start
        elif tag == "RFF" and error is None:
            qualifier, value = seg.get(1, 1), seg.get(1, 2)
            if qualifier == MESSAGE_RFF:
                doc.acknowledges.message_refs.append(value)
            elif qualifier == INTERCHANGE_RFF:
                doc.acknowledges.interchange_ref = value
            elif qualifier == GROUP_RFF:
                doc.acknowledges.group_ref = value
            elif qualifier in DOCUMENT_RFF and not doc.acknowledges.number:
                doc.acknowledges.number = value
        elif tag == "ERC":
            code = seg.get(1, 1)
            if code in codes.APERAK_ERC_ACCEPTED:
                error = None
                continue
            error = AckError(code=code)
            doc.errors.append(error)
        elif tag == "FTX" and error is not None:
            text = "".join(seg.get(4, c) for c in range(1, 6))
            if seg.get(1) == codes.APERAK_POSITION_QUALIFIER:
                error.position = text
            elif not error.text:
                error.text = text
    status = codes.APERAK_FUNCTION_TO_STATUS.get(function, "")
    doc.status = status or ("rejected" if doc.errors else "accepted")
    return [doc]


def write(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN") -> list[str]:
    """Render an acknowledgement as one APERAK message (UNH..UNT); a partial acceptance is written as 27."""
    if not isinstance(doc, Acknowledgement):
        raise FormatError(f"APERAK carries acknowledgements, not {doc.type}")
    ack = doc.acknowledges
    segs = [write_unh(seps, ref, "APERAK", directory)]
    function = "29" if doc.status == "accepted" else "27"
    segs.append(write_segment(seps, "BGM", "", [doc.number], function))
    if doc.issued:
        segs.append(write_dtm(seps, "137", doc.issued))
    if ack.number:
        segs.append(write_segment(seps, "RFF", ["ON", ack.number]))
    if ack.interchange_ref:
        segs.append(write_segment(seps, "RFF", [INTERCHANGE_RFF, ack.interchange_ref]))
    if ack.group_ref:
        segs.append(write_segment(seps, "RFF", [GROUP_RFF, ack.group_ref]))
    for message_ref in ack.message_refs:
        segs.append(write_segment(seps, "RFF", [MESSAGE_RFF, message_ref]))
    for error in doc.errors:
        segs.append(write_segment(seps, "ERC", [error.code or codes.APERAK_ERC_APPLICATION]))
        if error.text:
            segs.append(write_segment(seps, "FTX", codes.APERAK_TEXT_QUALIFIER, "", "", _chunks(error.text)))
        if error.position:
            segs.append(write_segment(seps, "FTX", codes.APERAK_POSITION_QUALIFIER, "", "", _chunks(error.position)))
    segs.append(write_unt(seps, segs, ref))
    return segs


def _chunks(text: str) -> list[str]:
    return [text[i:i + TEXT_LIMIT] for i in range(0, min(len(text), TEXT_LIMIT * 5), TEXT_LIMIT)]
