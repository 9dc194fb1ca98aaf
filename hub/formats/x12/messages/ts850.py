"""850 Purchase Order <-> canonical purchase order.

Header: BEG (BEG03 order number, BEG05 date), CUR (currency), N1 parties. Lines: PO1
(quantity, unit, unit price, product id pairs), PID (description) and DTM*002
(delivery requested) or the SCH schedule line's date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import Document, OrderLine, PurchaseOrder
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

REQUESTED = ("002", "010", "037", "068", "106")  # delivery requested, ship requested, ship not before, current ship, required by


def read(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map one 850 to a purchase order; raises FormatError with positions."""
    ref = ts.ref
    doc = PurchaseOrder()
    start(doc, ts, env)
    line: OrderLine | None = None
    header_date: str | None = None
    for seg in ts.segments:
        tag = seg.tag
        if tag == "BEG":
            doc.number = seg.get(3).strip()
            doc.issued = date(seg, 5, ref)
        elif tag == "CUR":
            doc.currency = seg.get(2).strip()
        elif tag == "N1" and line is None:
            apply_party(doc, seg)
        elif tag == "PO1":
            where = f"segment {seg.number} (PO1)"
            line = OrderLine(
                line=seg.get(1).strip() or str(len(doc.lines) + 1),
                quantity=optional_number(seg, 2, ref) or Decimal(0),
                unit=codes.unit_to_rec20(seg.get(3), "x12", doc.warnings, f"{where}, element 3"),
                price=optional_number(seg, 4, ref),
                requested_date=header_date,
            )
            apply_ids(line, product_ids(seg, 6), doc.warnings, where)
            doc.lines.append(line)
        elif tag == "PID" and line is not None:
            line.description = line.description or seg.get(5).strip()
        elif tag == "DTM" and seg.get(1).strip() in REQUESTED:
            when = date(seg, 2, ref)
            if line is None:
                header_date = header_date or when
            elif seg.get(1).strip() == "002" or line.requested_date in (None, header_date):
                line.requested_date = when
        elif tag == "SCH" and line is not None:
            # SCH06 is the date of a schedule line; the first one is the line's date.
            when = date(seg, 6, ref)
            if line.requested_date in (None, header_date):
                line.requested_date = when
    if not doc.number:
        raise missing("the order has no number (BEG03)", ref, "BEG")
    return [doc]


def write(doc: Document) -> list[SegmentOut]:
    """Render a purchase order as the body of an 850 (ST/SE by the codec)."""
    if not isinstance(doc, PurchaseOrder):
        raise FormatError(f"the X12 850 carries purchase orders, not {doc.type}")
    segs: list[SegmentOut] = [["BEG", "00", "SA", doc.number, "", day(doc.issued or dt.date.today().isoformat())]]
    if doc.currency:
        segs.append(["CUR", "BY", doc.currency])
    segs += n1("BY", doc.buyer)
    segs += n1("SU", doc.supplier)
    segs += n1("ST", doc.ship_to)
    for index, line in enumerate(doc.lines, 1):
        price = qty(line.price)
        segs.append(
            [
                "PO1",
                line.line or str(index),
                qty(line.quantity),
                unit(line.unit),
                price,
                "PE" if price else "",
                *line_pairs(line),
            ]
        )
        if line.description:
            segs.append(["PID", "F", "", "", "", line.description])
        if line.requested_date:
            segs.append(["DTM", "002", day(line.requested_date)])
    segs.append(["CTT", str(len(doc.lines))])
    return segs
