"""856 Ship Notice/Manifest (ASN) <-> canonical despatch advice.

The 856 is a hierarchy of HL levels: S shipment, O order, T tare, P pack, I item.
Each HL names its parent, so the order number (PRF at the O level) reaches the
items beneath it through the parent chain whatever the nesting (S-O-P-I, S-O-I,
S-P-O-I). Packs carry their labels in MAN*GM (SSCC-18) or MAN*CP; automotive ASNs
instead put CLD (loads per packaging code) with REF*LS labels under the item.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import DespatchAdvice, DespatchLine, Document, Package
from hub.formats.errors import Envelope, FormatError
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.messages.common import (
    SegmentOut,
    Values,
    apply_ids,
    apply_party,
    clock,
    date,
    day,
    line_pairs,
    missing,
    n1,
    product_ids,
    qty,
    start,
    unit,
    value,
)

POUND = Decimal("0.45359237")  # kilograms, exactly
LABEL_QUALIFIERS = ("GM", "CP", "AA", "W")  # SSCC-18, carrier package id, bill of lading label, UCC/EAN-128 serial
PACK_LEVELS = ("P", "T")


def read(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map one 856 to a despatch advice; raises FormatError with positions."""
    ref = ts.ref
    doc = DespatchAdvice()
    start(doc, ts, env)
    parent_of: dict[str, str] = {}
    order_of: dict[str, str] = {}
    level = ""
    hl_id = ""
    pack: Package | None = None
    line: DespatchLine | None = None
    by_type: dict[str, Package] = {}
    shipment_packages: Package | None = None
    v = Values(ts)
    for number, values in enumerate(v.rows, 1):
        tag = values[0]
        if tag == "BSN":
            doc.number = value(values, 2)
            doc.issued = date(v.segment(number), 3, ref, 4)
        elif tag == "HL":
            _merge(pack, by_type, doc)
            hl_id, parent, level = value(values, 1), value(values, 2), value(values, 3)
            if not hl_id:
                raise v.segment(number).error("HL has no hierarchical id", 1, message_ref=ref)
            if parent and parent not in parent_of:
                raise v.segment(number).error(f"HL {hl_id} names parent '{parent}', which is no earlier HL", 2, message_ref=ref)
            parent_of[hl_id] = parent
            order_of[hl_id] = order_of.get(parent, "")
            line = None
            pack = None
            if level in PACK_LEVELS:
                pack = Package(type="", count=0)
        elif tag == "PRF" and hl_id:
            order_of[hl_id] = value(values, 1)
        elif tag == "DTM":
            qualifier = value(values, 1)
            if qualifier in codes.X12_DATE_SHIPPED:
                doc.ship_date = date(v.segment(number), 2, ref, 3)
            elif qualifier in codes.X12_DATE_ARRIVAL:
                doc.arrival_date = date(v.segment(number), 2, ref, 3)
        elif tag == "N1":
            if level in ("S", ""):
                apply_party(doc, values)
        elif tag == "TD1":
            if pack is not None:
                pack.type = value(values, 1)
                count = v.optional_number(number, values, 2)
                pack.count = int(count) if count is not None else pack.count
            elif level in ("S", ""):
                if value(values, 6) in ("G", "A3", "") and value(values, 7):
                    doc.gross_weight = _kilograms(v.number(number, values, 7), value(values, 8))
                lading = v.optional_number(number, values, 2)
                if lading is not None and value(values, 1):
                    shipment_packages = Package(type=value(values, 1), count=int(lading))
        elif tag == "TD5" and level in ("S", ""):
            doc.carrier = doc.carrier or value(values, 3) or value(values, 5)
        elif tag == "TD3" and level in ("S", ""):
            doc.transport_id = doc.transport_id or (value(values, 2) + value(values, 3))
        elif tag == "CLD":
            # Automotive (AIAG) ASNs describe packs at the item level: CLD loads of a
            # packaging code, each load's label in a following REF*LS.
            _merge(pack, by_type, doc)
            loads = v.optional_number(number, values, 1)
            pack = Package(type=value(values, 3), count=int(loads) if loads is not None else 0)
        elif tag == "REF":
            qualifier, found_value = value(values, 1), value(values, 2)
            if pack is not None and qualifier == "LS" and found_value:
                pack.label_ids.append(found_value)
            elif line is not None and qualifier in codes.X12_BATCH:
                line.batch = line.batch or found_value
            elif line is not None and qualifier in codes.X12_ORDER_REF:
                line.order_number = found_value
            elif level in ("S", "") and qualifier in ("BM", "CN") and not doc.transport_id:
                doc.transport_id = found_value
        elif tag == "MAN" and pack is not None:
            if value(values, 1) in LABEL_QUALIFIERS and value(values, 2):
                pack.label_ids.append(value(values, 2))
        elif tag == "LIN":
            line = DespatchLine()
            apply_ids(line, product_ids(values, 2), doc.warnings, f"segment {number} (LIN)")
            line.order_number = line.order_number or order_of.get(hl_id, "")
            doc.lines.append(line)
        elif tag == "SN1" and line is not None:
            line.quantity = v.number(number, values, 2)
            line.unit = codes.unit_to_rec20(values[3] if len(values) > 3 else "", "x12", doc.warnings, f"segment {number} (SN1), element 3")
    _merge(pack, by_type, doc)
    if not doc.packages and shipment_packages is not None:
        # No pack levels: the shipment's TD1 lading quantity is all the 856 says about packages.
        doc.packages.append(shipment_packages)
    if not doc.number:
        raise missing("the ASN has no shipment id (BSN02)", ref, "BSN")
    return [doc]


def _kilograms(weight: Decimal, unit: str) -> Decimal:
    """The canonical gross weight is in kilograms; US partners send pounds (TD108 LB)."""
    if unit in ("LB", "LBR"):
        return (weight * POUND).quantize(Decimal("0.001"))
    return weight


def _merge(pack: Package | None, by_type: dict[str, Package], doc: DespatchAdvice) -> None:
    """Merge the pack level just finished into the packages of its type (first-seen order).

    The canonical model counts packages per type; an 856 has one P level per pack (or
    per label), so packs of one type are summed and their labels collected.
    """
    if pack is None:
        return
    count = pack.count or max(1, len(pack.label_ids))
    merged = by_type.get(pack.type)
    if merged is None:
        merged = Package(type=pack.type, count=0)
        by_type[pack.type] = merged
        doc.packages.append(merged)
    merged.count += count
    merged.label_ids.extend(pack.label_ids)


def write(doc: Document) -> list[SegmentOut]:
    """Render a despatch advice as the body of an 856 (S, P, O, I levels; ST/SE by the codec)."""
    if not isinstance(doc, DespatchAdvice):
        raise FormatError(f"the X12 856 carries despatch advices, not {doc.type}")
    issued = doc.issued or dt.date.today().isoformat()
    segs: list[SegmentOut] = [["BSN", "00", doc.number, day(issued), clock(issued) or "0000", "0001"]]
    segs.append(["HL", "1", "", "S"])
    if doc.gross_weight is not None:
        segs.append(["TD1", "", "", "", "", "", "G", qty(doc.gross_weight), "KG"])
    if doc.carrier:
        segs.append(["TD5", "", "2", doc.carrier])
    if doc.transport_id:
        segs.append(["TD3", "TL", "", doc.transport_id])
    if doc.ship_date:
        segs.append(["DTM", "011", day(doc.ship_date), clock(doc.ship_date)])
    if doc.arrival_date:
        segs.append(["DTM", "017", day(doc.arrival_date), clock(doc.arrival_date)])
    segs += n1("ST", doc.ship_to)
    segs += n1("SU", doc.supplier)
    segs += n1("BY", doc.buyer)
    hl = 1
    for package in doc.packages:
        labels = package.label_ids or [""]
        for index, label in enumerate(labels):
            hl += 1
            # One P level per label; the last carries whatever count the labels do not.
            count = 1 if index < len(labels) - 1 else max(package.count - (len(labels) - 1), 0)
            segs.append(["HL", str(hl), "1", "P"])
            segs.append(["TD1", package.type, str(count)])
            if label:
                segs.append(["MAN", "GM", label])
    orders: dict[str, list[DespatchLine]] = {}
    for line in doc.lines:
        orders.setdefault(line.order_number, []).append(line)
    for order, lines in orders.items():
        hl += 1
        order_hl = hl
        segs.append(["HL", str(order_hl), "1", "O"])
        if order:
            segs.append(["PRF", order])
        for line in lines:
            hl += 1
            segs.append(["HL", str(hl), str(order_hl), "I"])
            segs.append(["LIN", "", *line_pairs(line, ("LT", line.batch))])
            segs.append(["SN1", "", qty(line.quantity), unit(line.unit)])
    segs.append(["CTT", str(hl)])
    return segs
