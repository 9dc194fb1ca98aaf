"""ORDRSP (order response) D.96A/D.97A/D.01B/D.04A.

BGM 231 with the message function (1225) saying what the supplier did with the order:
29 accepted, 4 changed, 27 rejected (also read: the response type 4343 AP/AC/CA/RE).
RFF+ON names the order. Each LIN carries its own action (1229: 5 accepted, 3 changed,
7 rejected), with PIA, QTY (21/113/12) and DTM (2/10/64/69) as confirmed.
"""

from __future__ import annotations

from hub.formats import codes
from hub.formats.canonical import Document, OrderResponse, ResponseLine
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.common import (
    assign_part,
    date,
    envelope_ids,
    header_party,
    missing,
    number,
    part_ids,
    source,
    write_dtm,
    write_number,
    write_parties,
    write_segment,
    write_unh,
    write_unt,
)
from hub.formats.edifact.messages.orders import write_line
from hub.formats.edifact.syntax import Separators
from hub.formats.errors import Envelope, FormatError


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:
    """Map one ORDRSP message to an order response; raises FormatError with positions."""
    ref = msg.ref
    sender, receiver = envelope_ids(env)
    doc = OrderResponse(sender=sender, receiver=receiver, source=source(msg, env))
    line: ResponseLine | None = None
    status = ""
    in_summary = False
    for seg in msg.segments:
        tag = seg.tag
        if tag == "UNS":
            in_summary = seg.get(1) == "S"
            line = None
        elif in_summary:
            continue
        elif tag == "BGM":
            doc.number = seg.get(2, 1) or seg.get(1, 2)
            function = seg.get(3)
            status = codes.ORDRSP_FUNCTION_TO_STATUS.get(function, "") if function in ("29", "4", "27") else ""
            status = status or codes.ORDRSP_RESPONSE_TYPE_TO_STATUS.get(seg.get(4), "")
        elif tag == "DTM":
            qualifier = seg.get(1, 1)
            if line is None and qualifier == "137":
                _, day, start, _end = date(seg, ref)
                doc.issued = day or start
            elif line is not None and qualifier in codes.DTM_ORDER_DELIVERY and line.date is None:
                _, day, start, _end = date(seg, ref)
                line.date = day or start
        elif tag == "RFF" and line is None and seg.get(1, 1) == "ON" and not doc.order_number:
            doc.order_number = seg.get(1, 2)
        elif tag == "NAD" and line is None:
            header_party(doc, seg)
        elif tag == "LIN":
            action = seg.get(2)
            status_of_line = codes.LIN_ACTION_TO_STATUS.get(action, "changed") if action else "accepted"
            if action and action not in codes.LIN_ACTION_TO_STATUS:
                doc.warnings.append(
                    f"segment {seg.number} (LIN), element 2: action '{action}' is not a line status the hub knows (UNCL 1229); taken as changed"
                )
            line = ResponseLine(line=seg.get(1), status=status_of_line)
            doc.lines.append(line)
            for part, kind in part_ids(seg, 3):
                assign_part(line, part, kind, doc.warnings, f"segment {seg.number} (LIN)")
        elif line is None:
            continue
        elif tag == "PIA":
            for part, kind in part_ids(seg, 2):
                assign_part(line, part, kind, doc.warnings, f"segment {seg.number} (PIA)")
        elif tag == "QTY" and seg.get(1, 1) in codes.QTY_ORDRSP and line.quantity is None:
            line.quantity = number(seg, 1, 2, decimal_mark, ref)
            if seg.get(1, 3):
                line.unit = codes.unit_to_rec20(seg.get(1, 3), "edifact", doc.warnings, f"segment {seg.number} (QTY), element 1, component 3")
    if not doc.number:
        raise missing("BGM document number (C106/1004) is missing", ref, "BGM")
    if not status:
        statuses = {item.status for item in doc.lines}
        status = "accepted" if statuses <= {"accepted"} else ("rejected" if statuses == {"rejected"} else "changed")
    doc.status = status
    return [doc]


def write(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN") -> list[str]:
    """Render an order response as the segments of one ORDRSP message (UNH..UNT)."""
    if not isinstance(doc, OrderResponse):
        raise FormatError(f"ORDRSP carries order responses, not {doc.type}")
    segs = [write_unh(seps, ref, "ORDRSP", directory)]
    segs.append(write_segment(seps, "BGM", "231", [doc.number], codes.ORDRSP_STATUS_TO_FUNCTION.get(doc.status, "29")))
    if doc.issued:
        segs.append(write_dtm(seps, "137", doc.issued))
    if doc.order_number:
        segs.append(write_segment(seps, "RFF", ["ON", doc.order_number]))
    segs.extend(write_parties(seps, doc, ("BY", "SU", "ST")))
    for index, line in enumerate(doc.lines, 1):
        segs.extend(write_line(seps, line, index, codes.LIN_STATUS_TO_ACTION.get(line.status, "5")))  # type: ignore[arg-type]
        if line.quantity is not None:
            segs.append(write_segment(seps, "QTY", ["21", write_number(line.quantity, seps), codes.unit_from_rec20(line.unit, "edifact")]))
        if line.date:
            segs.append(write_dtm(seps, "2", line.date))
    segs.append(write_segment(seps, "UNS", "S"))
    segs.append(write_unt(seps, segs, ref))
    return segs
