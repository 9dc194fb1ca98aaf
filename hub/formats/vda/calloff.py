"""VDA 4905 (delivery call-off) and VDA 4915 (JIT call-off) to and from canonical delivery schedules.

VDA 4905, one ``delivery_schedule`` per 512 record (one call-off = one part = one line):

- 511 header: customer number -> ``sender`` and ``buyer.id``, supplier number -> ``receiver``
  and ``supplier.id`` (scheme ``VDA``); transmission number new -> ``source.interchange_ref``.
- 512: call-off no new -> ``number``, date new -> ``issued``, call-off no old ->
  ``previous_number``, plant -> ``ship_to.id`` and ``ship_to.plant``, unloading point ->
  ``ship_to.unloading_point``; customer part, supplier part, order number and unit (ST, KG,
  ... -> Rec 20) -> the line.
- 513: last receipt (delivery note, receipt date, quantity) -> ``last_receipts``; the
  Eingangsfortschrittszahl -> ``cumulative_received``, dated with the last receipt's date
  (the cumulative counts up to that receipt); a zero (or blank) cumulative is read as not
  given. The note's despatch date is not carried.
  Then five date/quantity slots; each 514 adds eight.
- Slot dates: YYMMDD a day; JJ00WW an ISO week (``from`` Monday .. ``to`` Sunday); JJMM00 a
  month (first .. last day); 444444 (immediate) and 333333 (backlog) are due at once and
  take the call-off date; 222222 (no requirement) and 555555 (switch to buckets) are
  skipped; 999999 (remaining) becomes an open period from the day after the previous
  slot; 000000 or a blank date ends the schedule.
- Commitment (decision): immediate/backlog slots are ``firm``. When a 515 gives a
  production release (Fertigungsfreigabe) horizon (its "to" date may be a day, a week or
  a month bucket: the bucket's last day counts), slots ending on or before its "to" date
  are ``firm``; slots beyond it but within the material release (Materialfreigabe) "to"
  date are ``material``; everything else is ``forecast``. Without 515 only immediate and
  backlog slots are firm. The release cumulative quantities of 515 (and its additional
  part, intermediate supplier, point of use) have no canonical field and are not carried.
- 517 packaging has no canonical field in a delivery schedule: read (checked), not carried.
- 518 texts -> the line's ``description``, one 40-character text per line (``\\n``).

Writing 4905 reverses this: one 512 per line (a document with two lines becomes two 512
with the same call-off number), 513 with the first receipt and the first five slots,
514 for every further eight, 515 when any slot is firm, ``production`` or ``material``
(production release up to the last firm/production slot, material release up to the
last material one; ``production`` therefore reads back as ``firm``), 518 for the
description. A period that is no ISO week or month, or a fractional quantity, cannot be
written (FormatError); a period with no end is written 999999. Only the first receipt fits.

VDA 4915, one ``delivery_schedule`` with ``kind='jit'`` per 552 (its layouts rest on one public
source, [U] in the spec, and should be checked against the standard when a partner file comes):

- 552 as 512 (plant, call-off, date, parts, unloading point, order number). 552 has no
  unit: the line's unit is pieces (``C62``); writing another unit is a FormatError.
- 553: cumulative quantity -> ``cumulative_received`` (dated with the first receipt's
  date), up to three receipts (receipt date, delivery note, quantity) -> ``last_receipts``;
  the note date and status are not carried, and only three receipts are written.
- 554: six slots of date + time HHMM + quantity -> schedule entries with an ISO datetime
  ``date`` (a blank time reads as 00:00, a date without time is written 0000), all
  ``firm`` (a JIT call-off is a firm release). A zero or blank date is an empty slot
  (skipped: unlike 4905 it does not end the schedule, as every 554 has six slots and the
  next 554 goes on). Other special dates as in 4905.
- 555 and 556 have no canonical field: read, not carried. 557 (texts) is an ASSUMED layout
  ([U]'s table does not sum to 128): read into ``description``, never written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import DeliverySchedule, Document, Party, PartyId, ScheduleLine, ScheduleQuantity
from hub.formats.errors import FormatError, ParseResult
from hub.formats.vda import layouts as L
from hub.formats.vda.common import (
    Header,
    MessageReader,
    RecordWriter,
    join_texts,
    read_date,
    read_horizon,
    receipt_and_cumulative,
    split_texts,
    texts,
    vda_date,
    vda_time,
)
from hub.formats.vda.records import Record

MAX_QTY_4905 = 999_999_999


class _Slot:
    """A raw schedule slot, kept until the call-off is complete (515 comes after the slots)."""

    def __init__(self, rec: Record, date: str, qty: str, time: str | None = None) -> None:
        self.rec, self.date, self.qty, self.time = rec, date, qty, time


class CallOffReader(MessageReader):
    """Shared reading of 4905 and 4915: one call-off record opens a document; slots are mapped at its end."""

    family = ""
    jit = False

    def __init__(self, result: ParseResult, header: Header) -> None:
        super().__init__(result, header)
        self.doc: DeliverySchedule | None = None
        self.line: ScheduleLine | None = None
        self.slots: list[_Slot] = []
        self.texts: list[str] = []
        self.production_to: str | None = None
        self.material_to: str | None = None

    def start(self, rec: Record, number: str, date_field: str) -> ScheduleLine:
        """Open the document of a 512/552 record: parties from the header, plant, number, date."""
        ref = number or f"record {rec.number}"
        message = self.open(ref, self.family)
        rec.ref = ref
        h = self.header
        self.doc = DeliverySchedule(
            kind="jit" if self.jit else "standard",
            number=number,
            sender=PartyId(scheme="VDA", id=h.customer),
            receiver=PartyId(scheme="VDA", id=h.supplier),
            buyer=Party(id=h.customer),
            supplier=Party(id=h.supplier),
            source=self.source(self.family, ref),
        )
        message.documents.append(self.doc)
        self.line = ScheduleLine()
        self.doc.lines.append(self.line)
        self.slots, self.texts = [], []
        self.production_to = self.material_to = None
        plant = rec.text_of("plant").strip()
        self.doc.ship_to = Party(id=plant, plant=plant, unloading_point=rec.text_of("unloading_point").strip())
        self.line.buyer_part = rec.text_of("customer_part")
        self.line.supplier_part = rec.text_of("supplier_part")
        self.line.order_number = rec.text_of("order_number").strip()
        self.doc.issued = read_date(rec, date_field)
        if not (self.line.buyer_part or self.line.supplier_part):
            raise rec.error("the call-off names no part (customer part and supplier part are blank)", "customer_part")
        return self.line

    def need(self, rec: Record) -> tuple[DeliverySchedule, ScheduleLine]:
        """The open document, or a positioned error when the record came before any call-off record."""
        if self.doc is None or self.line is None:
            raise rec.error(f"record {rec.type} belongs to a call-off, but no call-off record came before it")
        rec.ref = self.message.ref if self.message else ""
        return self.doc, self.line

    def finish(self) -> None:
        """Map the collected slots with the commitments the 515 horizon gives, and the texts."""
        if self.doc is not None and self.line is not None:
            try:
                self._schedule(self.doc, self.line)
            except FormatError as exc:
                self.fail(exc)
            except Exception as exc:  # a mapping bug must not escape parse()
                self.fail(FormatError(f"could not map the schedule ({type(exc).__name__}: {exc})", code="internal"))
            self.line.description = join_texts(self.texts)
        self.doc = self.line = None
        super().finish()

    def _schedule(self, doc: DeliverySchedule, line: ScheduleLine) -> None:
        previous_end: str | None = None
        for slot in self.slots:
            rec = slot.rec
            try:
                kind, day, start, end = vda_date(rec.raw(slot.date))
            except ValueError as exc:
                raise rec.error(str(exc), slot.date) from None
            if kind == "end":
                if self.jit:
                    continue  # 4915: an empty slot; a later 554 may hold more
                break  # 4905: 000000 ends the call-off's schedule
            quantity = rec.decimal_of(slot.qty)
            time = self._time(rec, slot)
            if kind in ("none", "switch"):
                continue
            entry = ScheduleQuantity(quantity=quantity, commitment="forecast")
            if kind in ("immediate", "backlog"):
                if not doc.issued:
                    raise rec.error(f"'{rec.raw(slot.date)}' ({kind}) needs the call-off date, which is not given", slot.date)
                entry.date, entry.commitment = doc.issued, "firm"
            elif kind == "remaining":
                after = previous_end or doc.issued
                entry.from_ = (dt.date.fromisoformat(after[:10]) + dt.timedelta(days=1)).isoformat() if after else None
            else:
                entry.date, entry.from_, entry.to = day, start, end
                entry.commitment = self._commitment(end or day or "")
            if time is not None and entry.date:
                entry.date = f"{entry.date}T{time}"
            if self.jit:
                entry.commitment = "firm"
            previous_end = entry.to or entry.date or previous_end
            line.schedule.append(entry)

    def _time(self, rec: Record, slot: _Slot) -> str | None:
        if slot.time is None:
            return None
        try:
            return vda_time(rec.raw(slot.time)) or "00:00"
        except ValueError as exc:
            raise rec.error(str(exc), slot.time) from None

    def _commitment(self, end: str) -> str:
        if self.production_to and end <= self.production_to:
            return "firm"
        if self.material_to and end <= self.material_to:
            return "material"
        return "forecast"


_SLOTS = tuple((f"slot{n}_date", f"slot{n}_qty") for n in range(1, 9))  # field names of a 513/514 slot


class Reader4905(CallOffReader):
    """Reads the records of one VDA 4905 transmission (512 to 518)."""

    family = "4905"

    def read(self, rec: Record) -> None:
        """Map one 512/513/514/515/517/518 record."""
        if rec.type == "512":
            number = rec.text_of("calloff_new").strip()
            try:
                line = self.start(rec, number, "date_new")
            finally:
                if self.doc is not None:
                    self.doc.previous_number = rec.text_of("calloff_old").strip()
            line.unit = codes.unit_to_rec20(rec.text_of("unit"), "vda", self.doc.warnings, f"record {rec.number} (512), field 'unit'")
            read_date(rec, "date_old")  # checked, not carried
            return
        doc, line = self.need(rec)
        if rec.type == "513":
            receipt, total = receipt_and_cumulative(rec, "receipt_date", "receipt_note", "receipt_qty", "cumulative")
            read_date(rec, "receipt_despatch_date")
            line.last_receipts = [receipt] if receipt else []
            line.cumulative_received = total
            self.slots += [_Slot(rec, d, q) for d, q in _SLOTS[:5]]
        elif rec.type == "514":
            self.slots += [_Slot(rec, d, q) for d, q in _SLOTS]
        elif rec.type == "515":
            self.production_to = read_horizon(rec, "production_to")
            self.material_to = read_horizon(rec, "material_to")
            for name in ("production_from", "material_from"):
                read_date(rec, name)
            for name in ("production_cumulative", "material_cumulative", "cumulative_before_reset"):
                rec.int_of(name)
        elif rec.type == "517":
            rec.int_of("capacity")
        elif rec.type == "518":
            self.texts += texts(rec)


class Reader4915(CallOffReader):
    """Reads the records of one VDA 4915 transmission (552 to 557)."""

    family = "4915"
    jit = True

    def read(self, rec: Record) -> None:
        """Map one 552/553/554/555/556/557 record."""
        if rec.type == "552":
            self.start(rec, rec.text_of("calloff").strip(), "date")
            read_date(rec, "horizon_date")
            return
        doc, line = self.need(rec)
        if rec.type == "553":
            receipts = []
            for n in (1, 2, 3):
                receipt, total = receipt_and_cumulative(
                    rec, f"receipt{n}_date", f"receipt{n}_note", f"receipt{n}_qty", "cumulative" if n == 1 else None
                )
                read_date(rec, f"receipt{n}_note_date")
                if n == 1:
                    line.cumulative_received = total
                if receipt:
                    receipts.append(receipt)
            line.last_receipts = receipts
        elif rec.type == "554":
            self.slots += [_Slot(rec, f"slot{n}_date", f"slot{n}_qty", f"slot{n}_time") for n in range(1, 7)]
        elif rec.type == "555":
            rec.int_of("cumulative_before_reset")
        elif rec.type == "556":
            rec.int_of("capacity")
        elif rec.type == "557":
            self.texts += texts(rec)


# ---- writing -----------------------------------------------------------------------------


def _what(doc: Document) -> str:
    return f"call-off {doc.number or '(no number)'}"


def _slot_date(entry: ScheduleQuantity, what: str) -> str:
    """The VDA date of a schedule entry: a day, an ISO week, a month, or 999999 for an open end."""
    try:
        if entry.date:
            return codes.iso_to_vda(date=entry.date)
        if entry.from_ and not entry.to:
            return codes.VDA_REMAINING
        return codes.iso_to_vda(start=entry.from_, end=entry.to)
    except ValueError as exc:
        raise FormatError(f"{what}: a schedule quantity {entry.quantity} cannot be written in VDA: {exc}") from None


def _check_quantity(value: Decimal, what: str) -> Decimal:
    if value != value.to_integral_value() or value < 0 or value > MAX_QTY_4905:
        raise FormatError(f"{what}: VDA call-offs carry whole quantities 0..{MAX_QTY_4905}, not {value}")
    return value


def write_4905(doc: DeliverySchedule) -> list[str]:
    """Render one delivery schedule as 4905 records 512..518 (one 512 group per line)."""
    what = _what(doc)
    if not doc.lines:
        raise FormatError(f"{what}: a VDA call-off needs a line (one part per 512)")
    out: list[str] = []
    for line in doc.lines:
        r512 = RecordWriter(L.R512, what)
        r512.set("plant", doc.ship_to.plant or doc.ship_to.id).set("calloff_new", doc.number).date("date_new", doc.issued)
        r512.set("calloff_old", doc.previous_number).set("customer_part", line.buyer_part).set("supplier_part", line.supplier_part)
        r512.set("order_number", line.order_number).set("unloading_point", doc.ship_to.unloading_point or line.unloading_point)
        r512.set("unit", codes.unit_from_rec20(line.unit, "vda"))
        out.append(r512.text())

        r513 = RecordWriter(L.R513, what)
        receipt = line.last_receipts[0] if line.last_receipts else None
        if receipt is not None:
            r513.date("receipt_date", receipt.date).set("receipt_note", receipt.delivery_note)
            r513.set("receipt_qty", _check_quantity(receipt.quantity, what))
        if line.cumulative_received is not None:
            r513.set("cumulative", _check_quantity(line.cumulative_received.quantity, what))
            if receipt is None or not receipt.date:
                r513.date("receipt_date", line.cumulative_received.date)
        slots = [(_slot_date(e, what), _check_quantity(e.quantity, what)) for e in line.schedule]
        records = [(r513, 5)]
        rest = slots[5:]
        while rest:
            records.append((RecordWriter(L.R514, what), 8))
            rest = rest[8:]
        at = 0
        for writer, size in records:
            for n in range(1, size + 1):
                if at < len(slots):
                    date, qty = slots[at]
                    writer.set(f"slot{n}_date", date).set(f"slot{n}_qty", qty)
                    at += 1
            out.append(writer.text())

        firm = [_end(e) for e in line.schedule if e.commitment in ("firm", "production") and (e.date or e.to)]
        material = [_end(e) for e in line.schedule if e.commitment == "material" and (e.date or e.to)]
        if firm or material:
            r515 = RecordWriter(L.R515, what)
            if firm:
                r515.date("production_from", doc.issued).date("production_to", max(firm))
            if material:
                r515.date("material_from", doc.issued).date("material_to", max(material))
            out.append(r515.text())

        out.extend(_texts(L.R518, line.description, what))
    return out


def _end(entry: ScheduleQuantity) -> str:
    return (entry.to or entry.date or "")[:10]


def _texts(layout: L.Layout, description: str, what: str) -> list[str]:
    parts = split_texts(description)
    out = []
    for at in range(0, len(parts), 3):
        writer = RecordWriter(layout, what)
        for n, text in enumerate(parts[at : at + 3], 1):
            writer.set(f"text{n}", text)
        out.append(writer.text())
    return out


def write_4915(doc: DeliverySchedule) -> list[str]:
    """Render one JIT delivery schedule as 4915 records 552..554 (one 552 group per line)."""
    what = _what(doc)
    if not doc.lines:
        raise FormatError(f"{what}: a VDA JIT call-off needs a line (one part per 552)")
    out: list[str] = []
    for line in doc.lines:
        if line.unit not in ("C62", "H87", ""):
            raise FormatError(f"{what}: VDA 4915 carries pieces only (552 has no unit), not {line.unit}")
        r552 = RecordWriter(L.R552, what)
        r552.set("plant", doc.ship_to.plant or doc.ship_to.id).set("calloff", doc.number).date("date", doc.issued)
        r552.set("customer_part", line.buyer_part).set("supplier_part", line.supplier_part)
        r552.set("unloading_point", doc.ship_to.unloading_point or line.unloading_point).set("order_number", line.order_number)
        out.append(r552.text())

        r553 = RecordWriter(L.R553, what)
        if line.cumulative_received is not None:
            r553.set("cumulative", _check_quantity(line.cumulative_received.quantity, what))
            r553.date("receipt1_date", line.cumulative_received.date)
        for n, receipt in enumerate(line.last_receipts[:3], 1):
            r553.date(f"receipt{n}_date", receipt.date).set(f"receipt{n}_note", receipt.delivery_note)
            r553.set(f"receipt{n}_qty", _check_quantity(receipt.quantity, what))
        out.append(r553.text())

        entries = line.schedule or []
        for at in range(0, max(len(entries), 1), 6):
            r554 = RecordWriter(L.R554, what)
            for n, entry in enumerate(entries[at : at + 6], 1):
                r554.set(f"slot{n}_date", _slot_date(entry, what)).time(f"slot{n}_time", entry.date)
                r554.set(f"slot{n}_qty", _check_quantity(entry.quantity, what))
            out.append(r554.text())
    return out


def family_of(doc: Document) -> str:
    """Which VDA family carries ``doc``: 4915 for a JIT call-off, 4905 for another, 4913 for an ASN."""
    if isinstance(doc, DeliverySchedule):
        return "4915" if doc.kind == "jit" else "4905"
    return "4913"
