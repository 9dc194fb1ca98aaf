"""855 Purchase Order Acknowledgment <-> canonical order response.

BAK02 (acknowledgment type) gives the document's status, BAK03 the order it answers;
each PO1 line may be followed by ACK segments whose ACK01 gives the line's status,
with the confirmed quantity (ACK02/03) and date (ACK04/05).
"""

from __future__ import annotations

import datetime as dt

from hub.formats import codes
from hub.formats.canonical import Document, OrderResponse, ResponseLine
from hub.formats.errors import Envelope, FormatError
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.messages.common import (
    SegmentOut,
    apply_ids,
    apply_party,
    date,
    day,
    line_pairs,
    missing,
    n1,
    optional_number,
    product_ids,
    qty,
    start,
    unit,
)


def read(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map one 855 to an order response; raises FormatError with positions."""
    ref = ts.ref
    doc = OrderResponse()
    start(doc, ts, env)
    line: ResponseLine | None = None
    acked = False  # whether the current line has had its first ACK
    for seg in ts.segments:
        tag = seg.tag
        if tag == "BAK":
            kind = seg.get(2).strip()
            status = codes.X12_ACK_TYPE_TO_STATUS.get(kind)
            if status is None:
                raise seg.error(
                    f"'{kind}' is not an acknowledgment type the hub knows ({', '.join(codes.X12_ACK_TYPE_TO_STATUS)})", 2, message_ref=ref
                )
            doc.status = status
            doc.order_number = seg.get(3).strip()
            # BAK08 is the seller's own reference; without one the answer is known by its order.
            doc.number = seg.get(8).strip() or doc.order_number
            doc.issued = date(seg, 9, ref) or date(seg, 4, ref)
        elif tag == "N1" and line is None:
            apply_party(doc, seg)
        elif tag == "PO1":
            where = f"segment {seg.number} (PO1)"
            line = ResponseLine(
                line=seg.get(1).strip() or str(len(doc.lines) + 1),
                quantity=optional_number(seg, 2, ref),
                unit=codes.unit_to_rec20(seg.get(3), "x12", doc.warnings, f"{where}, element 3"),
                status="accepted",
            )
            apply_ids(line, product_ids(seg, 6), doc.warnings, where)
            doc.lines.append(line)
            acked = False
        elif tag == "ACK" and line is not None:
            code = seg.get(1).strip()
            status = codes.X12_LINE_STATUS.get(code, "changed")
            if code not in codes.X12_LINE_STATUS:
                doc.warnings.append(
                    f"segment {seg.number} (ACK), element 1: line status '{code}' is not in X12 668 as the hub maps it; taken as changed"
                )
            # A line with several ACKs (part shipped now, part later) is as good as its worst.
            rank = {"accepted": 0, "changed": 1, "rejected": 2}
            if not acked or rank[status] > rank[line.status]:
                line.status = status
            quantity = optional_number(seg, 2, ref)
            if quantity is not None and not acked:
                line.quantity = quantity
                if seg.get(3).strip():
                    line.unit = codes.unit_to_rec20(seg.get(3), "x12", doc.warnings, f"segment {seg.number} (ACK), element 3")
            when = date(seg, 5, ref)
            if when and not acked:
                line.date = when
            acked = True
    if not doc.order_number:
        raise missing("the acknowledgment names no order (BAK03)", ref, "BAK")
    return [doc]


def write(doc: Document) -> list[SegmentOut]:
    """Render an order response as the body of an 855 (ST/SE by the codec)."""
    if not isinstance(doc, OrderResponse):
        raise FormatError(f"the X12 855 carries order responses, not {doc.type}")
    issued = day(doc.issued or dt.date.today().isoformat())
    number = doc.number if doc.number != doc.order_number else ""
    kind = codes.STATUS_TO_X12_ACK_TYPE.get(doc.status, "AC")
    segs: list[SegmentOut] = [["BAK", "00", kind, doc.order_number, issued, "", "", "", number, issued]]
    segs += n1("BY", doc.buyer)
    segs += n1("SU", doc.supplier)
    segs += n1("ST", doc.ship_to)
    for index, line in enumerate(doc.lines, 1):
        u = unit(line.unit)
        segs.append(["PO1", line.line or str(index), qty(line.quantity), u, "", "", *line_pairs(line)])
        code = codes.LINE_STATUS_TO_X12.get(line.status, "IC")
        segs.append(["ACK", code, qty(line.quantity), u if line.quantity is not None else "", "068" if line.date else "", day(line.date)])
    segs.append(["CTT", str(len(doc.lines))])
    return segs
