"""830 Planning Schedule and 862 Shipping Schedule: the call-off, both ways.

Both sets share the line loop (LIN, UIT, PID, REF, FST, SHP), so one reader and one
writer serve both; only the header differs (BFR for 830, BSS for 862) and the
canonical ``kind`` (``standard`` for 830, ``jit`` for 862).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import CumulativeQuantity, DeliverySchedule, Document, Receipt, ScheduleLine, ScheduleQuantity
from hub.formats.errors import Envelope, FormatError
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.messages.common import (
    DATES,
    NUMBERS,
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

RECEIPT_REFS = ("SI", "PK", "BM", "DJ", "DO")  # shipper's id, packing list, bill of lading, delivery ticket, delivery order


def _period_end(start_iso: str, timing: str) -> str | None:
    """The implied end of a weekly or monthly FST period when FST05 is absent."""
    first = dt.date.fromisoformat(start_iso[:10])
    if timing == "W":
        return (first + dt.timedelta(days=6)).isoformat()
    if timing == "M":
        return first.replace(day=calendar.monthrange(first.year, first.month)[1]).isoformat()
    return None


def _fst(v: Values, number: int, values: list[str]) -> ScheduleQuantity:
    quantity = v.number(number, values, 1)
    qualifier = value(values, 2)
    commitment = _COMMITMENTS.get(qualifier)
    if commitment is None:
        raise v.segment(number).error(
            f"'{qualifier}' is not a forecast qualifier the hub knows (C firm, D planning, A, B or Z)", 2, message_ref=v.ref
        )
    timing = value(values, 3)
    first = v.date(number, values, 4)
    if first is None:
        raise v.segment(number).error("the schedule quantity has no date (FST04)", 4, message_ref=v.ref)
    if timing in ("D", ""):
        if value(values, 7):
            first = date(v.segment(number), 4, v.ref, 7)
        return ScheduleQuantity(quantity=quantity, commitment=commitment, date=first)
    end = v.date(number, values, 5) or _period_end(first, timing)
    return ScheduleQuantity(quantity=quantity, commitment=commitment, from_=first, to=end)


_COMMITMENTS = codes.X12_FORECAST_TO_COMMITMENT


def read(ts: TransactionSet, env: Envelope, kind: str) -> list[Document]:  # noqa: C901, PLR0912, PLR0915 - one loop over the segments
    """Map one 830 (``kind='standard'``) or 862 (``kind='jit'``) to a delivery schedule.

    Reads plain value lists (``common.Values``): the mapping runs once per segment of
    every call-off a plant sends, so it splits each segment once and converts numbers
    and dates through caches; errors are still positioned at their segment and element.
    """
    ref = ts.ref
    v = Values(ts)
    doc = DeliverySchedule(kind=kind)
    start(doc, ts, env)
    line: ScheduleLine | None = None
    receipt: Receipt | None = None
    fst: ScheduleQuantity | None = None  # the FST a following JIT loop splits
    quantities = "A"  # BFR05/BSS11: A actual discrete, C cumulative
    jits = 0
    units = _UNITS
    numbers, dates = NUMBERS, DATES
    for number, values in enumerate(v.rows, 1):
        tag = values[0]
        if tag == "FST":
            if line is None:
                continue
            # The bulk of a schedule: a day's quantity with known qualifier and date, read
            # inline through the caches; anything else (a time, a period, a value that does
            # not convert) goes through _fst, which also words the errors.
            n = len(values)
            quantity = numbers.get(values[1]) if n > 1 else None
            commitment = _COMMITMENTS.get(values[2].strip()) if n > 2 else None
            first = dates.get(values[4]) if n > 4 else None
            if quantity is None or commitment is None or first is None or values[3].strip() not in ("D", "") or (n > 7 and values[7].strip()):
                fst = _fst(v, number, values)
            else:
                fst = ScheduleQuantity(quantity=quantity, commitment=commitment, date=first)
            line.schedule.append(fst)
            receipt = None
            jits = 0
        elif tag == "BFR":
            # BFR03 is the release (schedule) number; BFR02 the reference some senders use instead.
            doc.number = value(values, 3) or value(values, 2)
            doc.issued = v.date(number, values, 8)
            quantities = value(values, 5)
        elif tag == "BSS":
            doc.number = value(values, 2) or value(values, 7)
            doc.issued = v.date(number, values, 3)
            quantities = value(values, 11)
        elif tag == "N1":
            if line is None:
                apply_party(doc, values)
        elif tag == "LIN":
            line = ScheduleLine()
            apply_ids(line, product_ids(values, 2), doc.warnings, f"segment {number} (LIN)")
            doc.lines.append(line)
            receipt = fst = None
        elif line is None:
            if tag == "REF" and len(values) > 1 and values[1] == "DK":
                doc.ship_to.unloading_point = value(values, 2)
            continue
        elif tag == "SHP":
            qualifier = value(values, 1)
            quantity = v.number(number, values, 2)
            when = v.date(number, values, 4)
            if qualifier == codes.X12_SHP_CUMULATIVE:
                line.cumulative_received = CumulativeQuantity(quantity=quantity, date=when)
                receipt = None
            else:
                receipt = Receipt(quantity=quantity, date=when)
                line.last_receipts.append(receipt)
            fst = None
        elif tag == "REF":
            qualifier, found_value = value(values, 1), value(values, 2) or value(values, 3)
            if receipt is not None and qualifier in RECEIPT_REFS:
                receipt.delivery_note = receipt.delivery_note or found_value
            elif qualifier in codes.X12_ORDER_REF:
                line.order_number = line.order_number or found_value
            elif qualifier == "DK":
                line.unloading_point = found_value
        elif tag == "UIT":
            code = values[1] if len(values) > 1 else ""
            unit_code = units.get(code)
            if unit_code is None:
                unit_code, known = codes.unit_in(code, "x12")
                if not known:
                    codes.note_unknown_unit(doc.warnings, unit_code, "x12", f"segment {number} (UIT), element 1")
                elif len(units) < 1000:
                    units[code] = unit_code
            line.unit = unit_code
        elif tag == "PID":
            line.description = line.description or value(values, 5)
        elif tag == "JIT" and fst is not None and fst.date:
            # 862 JIT loop: the day's FST quantity split into deliveries at given times.
            # Each JIT becomes a schedule entry of its own; the FST total is dropped once
            # the first JIT replaces it.
            clock_raw = value(values, 2)
            try:
                at = f"{fst.date[:10]}T{codes.x12_time(clock_raw)}"
            except ValueError:
                raise v.segment(number).error(f"'{clock_raw}' is not a time HHMM", 2, message_ref=ref) from None
            entry = ScheduleQuantity(quantity=v.number(number, values, 1), commitment=fst.commitment, date=at)
            if jits == 0:
                line.schedule[-1] = entry
            else:
                line.schedule.append(entry)
            jits += 1
        elif tag == "ATH":
            # Authorisations (fabrication/material cumulatives) have no canonical field
            # yet; read the quantity so a malformed one is still reported where it is.
            v.optional_number(number, values, 3)
    if quantities == "C":
        _discrete(doc)
    if not doc.number and doc.kind == "standard" and doc.issued:
        # BFR02 and BFR03 are both optional on their own (one of them is required), and
        # retail 830s send neither: the interchange and set control numbers then name the
        # schedule, which keeps it unique though it cannot supersede an earlier one.
        doc.number = f"{env.control_ref}-{ref}"
    _check(doc, ref)
    return [doc]


_UNITS: dict[str, str] = {}  # UIT01 as sent -> Rec 20 (a handful of codes per file)


def _discrete(doc: DeliverySchedule) -> None:
    """Turn cumulative FST quantities (BFR05/BSS11 = C) into the discrete ones the model holds.

    Each requirement is its cumulative minus the one before; the first counts from the
    cumulative received (SHP*02) when the line has one. A cumulative already covered
    by receipts asks for nothing, so differences below zero become zero.
    """
    for line in doc.lines:
        previous = line.cumulative_received.quantity if line.cumulative_received else Decimal(0)
        for entry in line.schedule:
            cumulative = entry.quantity
            entry.quantity = max(cumulative - previous, Decimal(0))
            previous = max(previous, cumulative)


def read_830(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map an 830 Planning Schedule to a delivery schedule (kind ``standard``)."""
    return read(ts, env, "standard")


def read_862(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map an 862 Shipping Schedule to a delivery schedule (kind ``jit``)."""
    return read(ts, env, "jit")


def _check(doc: DeliverySchedule, ref: str) -> None:
    if not doc.number:
        raise missing("the schedule has no number (BFR03/BFR02 or BSS02)", ref, "BFR" if doc.kind == "standard" else "BSS")
    if not doc.lines:
        raise missing("the schedule has no LIN line", ref, "LIN")


def _horizon(doc: DeliverySchedule) -> tuple[str, str]:
    dates = sorted(d for line in doc.lines for e in line.schedule for d in (e.date, e.from_, e.to) if d)
    fallback = doc.issued or dt.date.today().isoformat()
    return day(dates[0] if dates else fallback), day(dates[-1] if dates else fallback)


def write(doc: Document, set_type: str) -> list[SegmentOut]:
    """Render a delivery schedule as the body of an 830 or 862 (ST and SE added by the codec)."""
    if not isinstance(doc, DeliverySchedule):
        raise FormatError(f"the X12 {set_type} carries delivery schedules, not {doc.type}")
    first, last = _horizon(doc)
    issued = day(doc.issued) or day(dt.date.today().isoformat())
    if set_type == "830":
        segs: list[SegmentOut] = [["BFR", "00", "", doc.number, "DL", "A", first, last, issued]]
    else:
        segs = [["BSS", "00", doc.number, issued, "DL", first, last]]
    segs += n1("ST", doc.ship_to)
    if doc.ship_to.unloading_point:
        segs.append(["REF", "DK", doc.ship_to.unloading_point])
    segs += n1("SU", doc.supplier)
    segs += n1("BY", doc.buyer)
    total = 0
    for line in doc.lines:
        segs.append(["LIN", "", *line_pairs(line, ("PO", line.order_number))])
        segs.append(["UIT", unit(line.unit)])
        if line.description:
            segs.append(["PID", "F", "", "", "", line.description])
        if line.unloading_point:
            segs.append(["REF", "DK", line.unloading_point])
        for entry in line.schedule:
            code = codes.COMMITMENT_TO_X12_FORECAST.get(entry.commitment, "D")
            if entry.date:
                segs.append(["FST", qty(entry.quantity), code, "D", day(entry.date), "", "", clock(entry.date)])
            else:
                segs.append(["FST", qty(entry.quantity), code, "F", day(entry.from_ or entry.to), day(entry.to) if entry.from_ else ""])
            total += 1
        for receipt in line.last_receipts:
            segs.append(
                ["SHP", codes.X12_SHP_DISCRETE, qty(receipt.quantity), codes.X12_DATE_RECEIVED if receipt.date else "", day(receipt.date)]
            )
            if receipt.delivery_note:
                segs.append(["REF", "SI", receipt.delivery_note])
        if line.cumulative_received is not None:
            cum = line.cumulative_received
            segs.append(["SHP", codes.X12_SHP_CUMULATIVE, qty(cum.quantity), codes.X12_DATE_CUM_START if cum.date else "", day(cum.date)])
    segs.append(["CTT", str(len(doc.lines))])
    return segs


def write_830(doc: Document) -> list[SegmentOut]:
    """Render an 830 body."""
    return write(doc, "830")


def write_862(doc: Document) -> list[SegmentOut]:
    """Render an 862 body."""
    return write(doc, "862")
