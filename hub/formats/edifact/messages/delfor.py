"""DELFOR (delivery schedule) D.96A/D.97A/D.04A and the Odette/VDA 4984 subset.

Reads the header (BGM, DTM+137, RFF+AIF, NAD), the consignee group (NAD+ST/CN, LOC+11)
and the line groups (LIN, PIA, IMD, LOC, RFF+ON, QTY/SCC/DTM) into a canonical
delivery schedule. Schedule quantities may be written QTY-SCC-DTM (D.96A) or with
SCC first (later directories); both are read.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from hub.formats import codes
from hub.formats.canonical import (
    CumulativeQuantity,
    DeliverySchedule,
    Document,
    Party,
    PartyId,
    Receipt,
    ScheduleLine,
    ScheduleQuantity,
    Source,
)
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.common import (
    SegmentCache,
    assign_part,
    date,
    missing,
    number,
    party,
    segment_cache,
    write_parts,
    write_segment,
)
from hub.formats.edifact.syntax import Separators
from hub.formats.edifact.tokenizer import Segment, message_segment
from hub.formats.errors import Envelope, FormatError


class _Cache(SegmentCache):
    """What the hot segments (DTM, QTY, SCC) of call-offs were read as (see ``SegmentCache``)."""

    def __init__(self) -> None:
        self.dates: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        self.quantities: dict[str, tuple[str, Decimal, str]] = {}
        self.levels: dict[str, str] = {}
        self.fields: dict[str, tuple] = {}


def _cache(seps: Separators) -> _Cache:
    return segment_cache(_Cache, seps)


def _quantity(raw: str, seps: Separators, decimal_mark: str) -> tuple[str, Decimal, str, bool] | None:
    """Read a plain ``QTY+qualifier:quantity:unit`` straight from its text; None when it needs the careful way."""
    if (seps.release and seps.release in raw) or (seps.repetition != " " and seps.repetition in raw):
        return None
    parts = raw.split(seps.element)
    if len(parts) < 2 or parts[0] != "QTY":
        return None
    comps = parts[1].split(seps.component)
    if len(comps) < 2:
        return None
    text = comps[1].replace(decimal_mark, ".") if decimal_mark != "." else comps[1]
    if decimal_mark != "," and "," in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    unit = comps[2] if len(comps) > 2 else ""
    return comps[0], value, *(codes.unit_in(unit, "edifact") if unit else ("", True))


def _quantity_of(seg: Segment, decimal_mark: str, ref: str) -> tuple[str, Decimal, str, bool]:
    """Read a QTY segment the careful way (release characters, repetitions), or raise its positioned error."""
    unit = seg.get(1, 3)
    return seg.get(1, 1), number(seg, 1, 2, decimal_mark, ref), *(codes.unit_in(unit, "edifact") if unit else ("", True))


# The other segments this mapping reads (FTX, PAC, UNH, UNT... are passed by unsplit), and
# those whose texts repeat from message to message (parties, places, descriptions).
_READ = frozenset(("BGM", "RFF", "NAD", "LOC", "LIN", "PIA", "IMD", "UNS"))
_REPEATING = frozenset(("NAD", "LOC", "IMD", "UNS"))


def _fields(seg: Segment) -> tuple:
    """What the mapping reads of a BGM, RFF, NAD, LOC, LIN, PIA, IMD or UNS segment."""
    tag = seg.tag
    if tag == "BGM":
        return (seg.get(2, 1) or seg.get(1, 2),)
    if tag == "RFF":
        return seg.get(1, 1), seg.get(1, 2)
    if tag == "NAD":
        found = party(seg)
        return seg.get(1), found.id, found.name
    if tag == "LOC":
        return seg.get(1), seg.get(2, 1)
    if tag == "LIN":
        return seg.get(3, 1), seg.get(3, 2)
    if tag == "PIA":
        return tuple(seg.pairs(2))
    if tag == "IMD":
        return (seg.get(3, 4) or seg.get(3, 1),)
    return (seg.get(1),)  # UNS

BUYER_ROLES = ("BY", "MI")
SUPPLIER_ROLES = ("SE", "SU")
SHIP_TO_ROLES = ("ST", "CN")


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:
    """Map one DELFOR message to a delivery schedule; raises FormatError with positions."""
    return read_schedule(msg, env, decimal_mark, kind="standard")


def read_schedule(msg: Message, env: Envelope, decimal_mark: str = ".", *, kind: str = "standard") -> list[Document]:
    """Map a DELFOR (``kind='standard'``) or DELJIT (``kind='jit'``) message to a delivery schedule.

    Both messages share their line structure (LIN/PIA/IMD/RFF and QTY-SCC-DTM groups);
    DELJIT adds times (DTM format 203) and the JIT period qualifiers 194/206.
    """
    ref = msg.ref
    jit = kind == "jit"
    delivery = codes.DTM_JIT_DELIVERY if jit else codes.DTM_DELIVERY
    period_start = codes.DTM_JIT_PERIOD_START if jit else codes.DTM_PERIOD_START
    period_end = codes.DTM_JIT_PERIOD_END if jit else codes.DTM_PERIOD_END
    schedule_qty = codes.QTY_JIT if jit else codes.QTY_SCHEDULE
    doc = DeliverySchedule(
        kind=kind,
        sender=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        receiver=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        source=Source(format="EDIFACT", version=f"{msg.type} {msg.directory}", message_ref=ref, interchange_ref=env.control_ref),
    )
    line: ScheduleLine | None = None
    item: ScheduleQuantity | None = None
    receipt: Receipt | None = None
    cumulative: CumulativeQuantity | None = None
    context = ""  # which QTY the following DTM/RFF belong to: schedule | cumulative | receipt
    commitment = "firm"
    last_tag = ""
    ship_to_seg = None
    seps = msg.seps
    cache = _cache(seps)
    dates, quantities, levels, fields_seen = cache.dates, cache.quantities, cache.levels, cache.fields
    make = message_segment

    # The hot tags (QTY, SCC, DTM: three segments per schedule entry) are read once per
    # distinct raw text and cached across messages; a miss goes the positioned way.
    for n, raw in enumerate(msg.raw, 1):
        tag = raw[:3]
        if tag == "DTM":
            found_date = dates.get(raw)
            if found_date is None:
                found_date = date(make(raw, n, seps), ref)
                cache.keep(dates, raw, found_date)
            qualifier, day, start, end = found_date
            if line is None:
                if qualifier == codes.DTM_ISSUED:
                    doc.issued = day or start
            elif context == "schedule" and item is not None:
                if qualifier in delivery:
                    item.date, item.from_, item.to = day, start, end
                elif qualifier in period_start:
                    item.from_ = day or start
                elif qualifier in period_end:
                    item.to = day or end
            elif context == "cumulative" and cumulative is not None:
                if qualifier in (codes.DTM_CUMULATIVE_START, codes.DTM_CUMULATIVE_END):
                    cumulative.date = day or start
            elif context == "receipt" and receipt is not None and qualifier in codes.DTM_RECEIPT:
                receipt.date = day or start
        elif tag == "QTY":
            if line is None:
                continue  # summary or header quantities carry no part
            found_qty = quantities.get(raw)
            if found_qty is None:
                found_qty = _quantity(raw, seps, decimal_mark) or _quantity_of(make(raw, n, seps), decimal_mark, ref)
                cache.keep(quantities, raw, found_qty)
            qualifier, quantity, unit, known = found_qty
            if not known:
                codes.note_unknown_unit(doc.warnings, unit, "edifact", f"segment {n} (QTY), element 1, component 3")
            if qualifier in schedule_qty:
                item = ScheduleQuantity(quantity=quantity, commitment=commitment)
                line.schedule.append(item)
                context = "schedule"
                if unit:
                    line.unit = unit
            elif qualifier == codes.QTY_CUMULATIVE_RECEIVED:
                cumulative = CumulativeQuantity(quantity=quantity)
                line.cumulative_received = cumulative
                context = "cumulative"
            elif qualifier == codes.QTY_RECEIVED:
                receipt = Receipt(quantity=quantity)
                line.last_receipts.append(receipt)
                context = "receipt"
            else:
                context = ""
        elif tag == "SCC":
            level = levels.get(raw)
            if level is None:
                seg = make(raw, n, seps)
                code = seg.get(1)
                level = codes.SCC_TO_COMMITMENT.get(code)
                if level is None:
                    raise seg.error(f"'{code}' is not a delivery plan commitment level (1, 2, 3, 4 or 10)", 1, 1, ref)
                cache.keep(levels, raw, level)
            commitment = level
            if last_tag == "QTY" and context == "schedule" and item is not None:
                item.commitment = level
        elif tag in _READ:
            fields = fields_seen.get(raw)
            if fields is None:
                fields = _fields(make(raw, n, seps))
                if tag in _REPEATING:
                    cache.keep(fields_seen, raw, fields)
            if tag == "BGM":
                doc.number = fields[0]
            elif tag == "RFF":
                qualifier, value = fields
                if qualifier == "AIF":
                    doc.previous_number = value
                elif qualifier == "ON" and line is not None:
                    line.order_number = value
                elif qualifier in ("AAU", "AAK", "DQ") and receipt is not None:
                    receipt.delivery_note = value
            elif tag == "NAD":
                role, party_id, name = fields
                if role in BUYER_ROLES and (role == "BY" or not doc.buyer.id):
                    doc.buyer = Party(id=party_id, name=name)
                elif role in SUPPLIER_ROLES:
                    doc.supplier = Party(id=party_id, name=name)
                elif role in SHIP_TO_ROLES:
                    if ship_to_seg is not None and doc.ship_to.id and party_id != doc.ship_to.id:
                        raise make(raw, n, seps).error(
                            f"a second ship-to party '{party_id}' (the first, '{doc.ship_to.id}', is in segment "
                            f"{ship_to_seg}); the hub carries one ship-to per call-off: send one message per plant",
                            2, 1, ref,
                        )
                    ship_to_seg = n
                    doc.ship_to = Party(id=party_id, name=name, plant=party_id)
                    line = None
            elif tag == "LOC":
                if fields[0] in ("11", "159"):
                    if line is None:
                        doc.ship_to.unloading_point = doc.ship_to.unloading_point or fields[1]
                    else:
                        line.unloading_point = line.unloading_point or fields[1]
            elif tag == "LIN":
                line = ScheduleLine()
                doc.lines.append(line)
                item = receipt = cumulative = None
                context = ""
                commitment = "firm"
                part, kind = fields
                if part:
                    assign_part(line, part, kind, doc.warnings, f"segment {n} (LIN)")
            elif tag == "PIA":
                if line is not None:
                    for part, kind in fields:
                        if part:
                            assign_part(line, part, kind, doc.warnings, f"segment {n} (PIA)")
            elif tag == "IMD":
                if line is not None:
                    line.description = line.description or fields[0]
            elif fields[0] == "S":  # UNS+S: the summary section, after the lines
                line = None
                context = ""
        last_tag = tag

    _check(doc, msg)
    return [doc]


def _check(doc: DeliverySchedule, msg: Message) -> None:
    ref = msg.ref
    if not doc.number:
        raise missing("BGM document number (C106/1004) is missing", ref, "BGM")
    if not doc.lines:
        raise missing("the call-off has no LIN line", ref, "LIN")
    for index, line in enumerate(doc.lines, 1):
        if not (line.buyer_part or line.supplier_part):
            raise missing(f"line {index} names no part (LIN C212 or PIA)", ref, "LIN")
        for entry in line.schedule:
            if not (entry.date or entry.from_ or entry.to):
                raise missing(
                    f"line {index} (part {line.buyer_part or line.supplier_part}): a schedule quantity "
                    f"{entry.quantity} has no date (DTM+2/10/158/159/63/64 after its QTY)",
                    ref,
                    "QTY",
                )


def _seg(seps: Separators, *elements: str | list[str]) -> str:
    # Trailing empty components are dropped one by one: rstrip(":") also ate an escaped "?:".
    return write_segment(seps, *elements)


def _dtm(seps: Separators, qualifier: str, iso: str) -> str:
    value, fmt = codes.iso_to_edifact(iso)
    return _seg(seps, "DTM", [qualifier, value, fmt])


def _qty(value: Decimal, seps: Separators) -> str:
    text = codes_decimal(value)
    return text.replace(".", seps.decimal) if seps.decimal != "." else text


def codes_decimal(value: Decimal) -> str:
    """A quantity as EDIFACT writes it: no exponent, no trailing zeros."""
    from hub.formats.canonical import decimal_text

    return decimal_text(value)


def write(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN") -> list[str]:
    """Render a delivery schedule as the segments of one DELFOR message (UNH..UNT)."""
    return write_schedule(doc, ref, seps, directory, msg_type="DELFOR")


def write_schedule(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN", *, msg_type: str = "DELFOR") -> list[str]:
    """Render a delivery schedule as DELFOR (BGM 241) or DELJIT (BGM 242) segments, UNH..UNT."""
    if not isinstance(doc, DeliverySchedule):
        raise FormatError(f"{msg_type} carries delivery schedules, not {doc.type}")
    if msg_type == "DELFOR" and directory == "D:96A:UN":
        unh = _seg(seps, "UNH", ref, ["DELFOR", *directory.split(":"), "A01051"])
    else:
        unh = _seg(seps, "UNH", ref, [msg_type, *directory.split(":")])
    segs = [unh]
    segs.append(_seg(seps, "BGM", "241" if msg_type == "DELFOR" else "242", [doc.number], "5"))
    if doc.issued:
        segs.append(_dtm(seps, "137", doc.issued))
    if doc.previous_number:
        segs.append(_seg(seps, "RFF", ["AIF", doc.previous_number]))
    if doc.buyer.id or doc.buyer.name:
        segs.append(_seg(seps, "NAD", "BY", [doc.buyer.id, "", "92"], "", doc.buyer.name))
    if doc.supplier.id or doc.supplier.name:
        segs.append(_seg(seps, "NAD", "SE", [doc.supplier.id, "", "92"], "", doc.supplier.name))
    segs.append(_seg(seps, "UNS", "D"))
    segs.append(_seg(seps, "NAD", "ST", [doc.ship_to.id or doc.ship_to.plant, "", "92"], "", doc.ship_to.name))
    if doc.ship_to.unloading_point:
        segs.append(_seg(seps, "LOC", "11", [doc.ship_to.unloading_point]))
    for line in doc.lines:
        segs.extend(write_parts(seps, line))
        if line.description:
            segs.append(_seg(seps, "IMD", "F", "", ["", "", "", line.description]))
        if line.unloading_point:
            segs.append(_seg(seps, "LOC", "11", [line.unloading_point]))
        if line.order_number:
            segs.append(_seg(seps, "RFF", ["ON", line.order_number]))
        unit = codes.unit_from_rec20(line.unit, "edifact")
        if line.cumulative_received is not None:
            segs.append(_seg(seps, "QTY", ["70", _qty(line.cumulative_received.quantity, seps), unit]))
            if line.cumulative_received.date:
                segs.append(_dtm(seps, "51", line.cumulative_received.date))
        for receipt in line.last_receipts:
            segs.append(_seg(seps, "QTY", ["48", _qty(receipt.quantity, seps), unit]))
            if receipt.date:
                segs.append(_dtm(seps, "50", receipt.date))
            if receipt.delivery_note:
                segs.append(_seg(seps, "RFF", ["AAU", receipt.delivery_note]))
        for entry in line.schedule:
            segs.append(_seg(seps, "QTY", ["1", _qty(entry.quantity, seps), unit]))
            segs.append(_seg(seps, "SCC", codes.COMMITMENT_TO_SCC.get(entry.commitment, "4")))
            if entry.date:
                segs.append(_dtm(seps, "2", entry.date))
            if entry.from_:
                segs.append(_dtm(seps, "194" if msg_type == "DELJIT" else "158", entry.from_))
            if entry.to:
                segs.append(_dtm(seps, "206" if msg_type == "DELJIT" else "159", entry.to))
    segs.append(_seg(seps, "UNS", "S"))
    segs.append(_seg(seps, "UNT", str(len(segs) + 1), ref))
    return segs
