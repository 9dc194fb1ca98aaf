"""ORDERS (purchase order) D.96A/D.97A/D.01B/D.04A, also the EANCOM subsets.

Header: BGM (220, the order number), DTM 137 issued / 2 requested delivery (default
for the lines), CUX currency, NAD parties. Lines: LIN (line number, item number),
PIA (more item numbers: SA supplier's, IN/BP buyer's), IMD description, QTY+21
ordered quantity with unit, PRI+AAA price, DTM+2 requested date.
"""

from __future__ import annotations

from hub.formats import codes
from hub.formats.canonical import Document, OrderLine, PurchaseOrder
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.common import (
    assign_part,
    date,
    envelope_ids,
    header_party,
    max_components,
    missing,
    number,
    part_ids,
    source,
    write_dtm,
    write_number,
    write_parties,
    write_parts,
    write_segment,
    write_unh,
    write_unt,
)
from hub.formats.edifact.syntax import Separators
from hub.formats.errors import Envelope, FormatError


def description(seg, ref: str) -> str:  # noqa: ANN001 - a Segment
    """Read IMD C273: free text in components 4 and 5 (7008), else the coded description."""
    max_components(seg, 3, 6, ref)
    texts = [seg.get(3, 4), seg.get(3, 5)]
    text = " ".join(t for t in texts if t)
    return text or seg.get(3, 1)


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:
    """Map one ORDERS message to a purchase order; raises FormatError with positions."""
    ref = msg.ref
    sender, receiver = envelope_ids(env)
    doc = PurchaseOrder(sender=sender, receiver=receiver, source=source(msg, env))
    line: OrderLine | None = None
    header_date: str | None = None
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
        elif tag == "DTM":
            qualifier = seg.get(1, 1)
            if line is None and qualifier in ("137", *codes.DTM_ORDER_DELIVERY):
                _, day, start, _end = date(seg, ref)
                if qualifier == "137":
                    doc.issued = day or start
                elif header_date is None:
                    header_date = day or start
            elif line is not None and qualifier in codes.DTM_ORDER_DELIVERY and line.requested_date is None:
                _, day, start, _end = date(seg, ref)
                line.requested_date = day or start
        elif tag == "CUX" and not doc.currency:
            doc.currency = seg.get(1, 2)
        elif tag == "NAD" and line is None:
            header_party(doc, seg)
        elif tag == "LIN":
            line = OrderLine(line=seg.get(1))
            doc.lines.append(line)
            for part, kind in part_ids(seg, 3):
                assign_part(line, part, kind, doc.warnings, f"segment {seg.number} (LIN)")
        elif line is None:
            continue
        elif tag == "PIA":
            for part, kind in part_ids(seg, 2):
                assign_part(line, part, kind, doc.warnings, f"segment {seg.number} (PIA)")
        elif tag == "IMD":
            line.description = line.description or description(seg, ref)
        elif tag == "QTY" and seg.get(1, 1) in codes.QTY_ORDERED:
            line.quantity = number(seg, 1, 2, decimal_mark, ref)
            if seg.get(1, 3):
                line.unit = codes.unit_to_rec20(seg.get(1, 3), "edifact", doc.warnings, f"segment {seg.number} (QTY), element 1, component 3")
        elif tag == "PRI" and line.price is None and seg.get(1, 1) in codes.PRI_QUALIFIERS and seg.get(1, 2):
            line.price = number(seg, 1, 2, decimal_mark, ref)
    if not doc.number:
        raise missing("BGM document number (C106/1004) is missing", ref, "BGM")
    for index, item in enumerate(doc.lines, 1):
        if not (item.buyer_part or item.supplier_part):
            raise missing(f"line {index} names no part (LIN C212 or PIA)", ref, "LIN")
        if item.requested_date is None:
            item.requested_date = header_date
    return [doc]


def write(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN") -> list[str]:
    """Render a purchase order as the segments of one ORDERS message (UNH..UNT)."""
    if not isinstance(doc, PurchaseOrder):
        raise FormatError(f"ORDERS carries purchase orders, not {doc.type}")
    segs = [write_unh(seps, ref, "ORDERS", directory)]
    segs.append(write_segment(seps, "BGM", "220", [doc.number], "9"))
    if doc.issued:
        segs.append(write_dtm(seps, "137", doc.issued))
    segs.extend(write_parties(seps, doc, ("BY", "SU", "ST")))
    if doc.currency:
        segs.append(write_segment(seps, "CUX", ["2", doc.currency, "9"]))
    for index, line in enumerate(doc.lines, 1):
        segs.extend(write_line(seps, line, index))
        segs.append(write_segment(seps, "QTY", ["21", write_number(line.quantity, seps), codes.unit_from_rec20(line.unit, "edifact")]))
        if line.requested_date:
            segs.append(write_dtm(seps, "2", line.requested_date))
        if line.price is not None:
            segs.append(write_segment(seps, "PRI", ["AAA", write_number(line.price, seps)]))
    segs.append(write_segment(seps, "UNS", "S"))
    segs.append(write_segment(seps, "CNT", ["2", str(len(doc.lines))]))
    segs.append(write_unt(seps, segs, ref))
    return segs


def write_line(seps: Separators, line: OrderLine, index: int, action: str = "") -> list[str]:
    """Write LIN (line number, action, item number), PIAs and IMD of an order (response) line."""
    out = write_parts(seps, line, number_=line.line or str(index), action=action)
    if getattr(line, "description", ""):
        out.append(write_segment(seps, "IMD", "F", "", ["", "", "", line.description]))
    return out
