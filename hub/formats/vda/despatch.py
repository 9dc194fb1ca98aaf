"""VDA 4913 (delivery note and transport data) to and from canonical despatch advices.

One ``despatch_advice`` per 713 delivery note, carrying the transport data of its 712.
711-714 and 719 decode the public sample cleanly ([U][sample] in the spec); 715 and 716
rest on [U] alone.

- 711 header: supplier number -> ``sender`` and ``supplier.id``, customer number ->
  ``receiver`` and ``buyer.id`` (scheme ``VDA``; the supplier sends a 4913); transmission
  date -> ``issued``; transmission number new -> ``source.interchange_ref``.
- 712: carrier (14 characters) -> ``carrier``; means-of-transport number (the vehicle,
  e.g. the lorry's plate) -> ``transport_id``; gross weight (N 7, whole kg) ->
  ``gross_weight``; hand-over time -> the time of ``ship_date`` when the hand-over date is
  the note's despatch date; arrival date + time -> ``arrival_date`` (a time 0000 or blank
  gives the date alone). The shipment (load reference) number, net weight, freight and
  transport keys, loading metres and lorry type have no canonical field: not carried.
- 713: delivery note number (N 8) -> ``number`` (leading zeros dropped); despatch date ->
  ``ship_date``; plant -> ``ship_to.id``/``plant``; unloading point ->
  ``ship_to.unloading_point``; order number -> every line's ``order_number``. Customer
  references, consignment, goods receiver, storage location and release number: not carried.
- 714: customer/supplier part, quantity 1 (N 13 with 3 implied decimals) and its unit
  (-> Rec 20), batch -> one line each; the same part twice in one note gives two lines.
  The second quantity (often the weight) and the customs fields: not carried.
- 715: customer packaging number (else the supplier's) -> package ``type``; number of
  packages (50/13) -> ``count`` (read as a whole number: the sources do not say whether
  it has implied decimals - ASSUMED none); label numbers from/to -> ``label_ids`` (a
  numeric range is expanded: from 101 to 103 gives 101, 102, 103).
- 716 texts and 717/718 (no public layout): not carried.

Writing groups consecutive notes with the same transport data under one 712, writes the
order number of the first line into 713 (lines with different order numbers are a
FormatError: 4913 has one per note), all 715 after the note's last 714, label ids as one
numeric range (or one or two ids of at most 9 characters; anything else is a FormatError),
and the sum of the packages into 712.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hub.formats import codes
from hub.formats.canonical import DespatchAdvice, DespatchLine, Package, Party, PartyId, decimal_text
from hub.formats.errors import FormatError, ParseResult
from hub.formats.vda import layouts as L
from hub.formats.vda.common import Header, MessageReader, RecordWriter, read_date, read_datetime
from hub.formats.vda.records import Record

QTY_PLACES = 3
MAX_LABEL_RANGE = 10_000  # a wider from..to is kept as its two ends, not expanded


@dataclass
class Transport:
    """What a 712 says, handed to each delivery note under it."""

    carrier: str = ""
    transport_id: str = ""
    gross_weight: Decimal | None = None
    handover: str | None = None  # ISO date or datetime
    arrival_date: str | None = None


class Reader4913(MessageReader):
    """Reads the records of one VDA 4913 transmission (712 to 718)."""

    family = "4913"

    def __init__(self, result: ParseResult, header: Header) -> None:
        super().__init__(result, header)
        self.transport = Transport()
        self.transport_errors: list[FormatError] = []
        self.transport_record: Record | None = None
        self.doc: DespatchAdvice | None = None
        self.order_number = ""

    def read(self, rec: Record) -> None:
        """Map one 712/713/714/715/716 record."""
        if rec.type == "712":
            self.finish()
            self.transport, self.transport_errors, self.transport_record = Transport(), [], rec
            try:
                self._transport(rec)
            except FormatError as exc:
                self.transport_errors.append(exc)  # every note of this transport gets it
            return
        if rec.type == "713":
            self._note(rec)
            return
        if self.doc is None:
            raise rec.error(f"record {rec.type} belongs to a delivery note, but no 713 came before it")
        rec.ref = self.message.ref if self.message else ""
        if rec.type == "714":
            quantity = rec.decimal_of("qty1", QTY_PLACES)
            rec.int_of("qty2")
            line = DespatchLine(
                buyer_part=rec.text_of("customer_part"),
                supplier_part=rec.text_of("supplier_part"),
                quantity=Decimal(decimal_text(quantity)),
                unit=codes.unit_to_rec20(rec.text_of("unit1"), "vda", self.doc.warnings, f"record {rec.number} (714), field 'unit1'"),
                order_number=self.order_number,
                batch=rec.text_of("batch").strip(),
            )
            if not (line.buyer_part or line.supplier_part):
                raise rec.error("the item names no part (customer part and supplier part are blank)", "customer_part")
            self.doc.lines.append(line)
        elif rec.type == "715":
            kind = rec.text_of("customer_packaging") or rec.text_of("supplier_packaging")
            count = rec.int_of("count")
            rec.int_of("capacity")
            self.doc.packages.append(Package(type=kind.strip(), count=count, label_ids=_labels(rec)))

    def _transport(self, rec: Record) -> None:
        t = self.transport
        t.carrier = rec.text_of("carrier").strip()
        t.transport_id = rec.text_of("transport_no").strip()
        weight = rec.int_of("gross_weight")
        t.gross_weight = Decimal(weight) if weight else None
        t.handover = read_datetime(rec, "handover_date", "handover_time", midnight=False)
        t.arrival_date = read_datetime(rec, "arrival_date", "arrival_time", midnight=False)
        for name in ("shipment", "net_weight", "packages", "loading_metres"):
            rec.int_of(name)

    def _note(self, rec: Record) -> None:
        number = rec.number_text("note") if rec.raw("note").strip().isdigit() else rec.text_of("note").strip()
        ref = number or f"record {rec.number}"
        message = self.open(ref, "4913")
        rec.ref = ref
        h = self.header
        plant = rec.text_of("plant").strip()
        self.doc = DespatchAdvice(
            number=number,
            issued=h.date,
            sender=PartyId(scheme="VDA", id=h.supplier),
            receiver=PartyId(scheme="VDA", id=h.customer),
            buyer=Party(id=h.customer),
            supplier=Party(id=h.supplier),
            ship_to=Party(id=plant, plant=plant, unloading_point=rec.text_of("unloading_point").strip()),
            source=self.source(self.family, ref),
            carrier=self.transport.carrier,
            transport_id=self.transport.transport_id,
            gross_weight=self.transport.gross_weight,
            arrival_date=self.transport.arrival_date,
        )
        message.documents.append(self.doc)
        self.order_number = rec.text_of("order_number").strip()
        if self.transport_record is None:
            self.fail(rec.error("the delivery note has no transport record 712 before it"))
        for error in self.transport_errors:
            self.fail(FormatError(error.text, dataclasses.replace(error.position, message_ref=""), code=error.code))
        rec.int_of("note")  # a delivery note number is numeric (N 8)
        ship = read_date(rec, "despatch_date")
        handover = self.transport.handover
        if handover and (ship is None or handover[:10] == ship):
            ship = handover
        self.doc.ship_date = ship

    def finish(self) -> None:
        """Close the open delivery note."""
        self.doc = None
        self.order_number = ""
        super().finish()


def _labels(rec: Record) -> list[str]:
    first, last = rec.text_of("label_from").strip(), rec.text_of("label_to").strip()
    if not first:
        return [last] if last else []
    if first.isdigit() and first.isascii() and (not last or (last.isdigit() and last.isascii())):
        a, b = int(first), int(last or first)
        if b == 0 or b == a:
            return [str(a)]
        if a < b and b - a < MAX_LABEL_RANGE:
            return [str(n) for n in range(a, b + 1)]
        return [str(a), str(b)]
    return [first, last] if last and last != first else [first]


# ---- writing -----------------------------------------------------------------------------


def transport_key(doc: DespatchAdvice) -> tuple[object, ...]:
    """Notes with equal keys travel under one 712 record."""
    return (doc.carrier, doc.transport_id, doc.gross_weight, doc.ship_date, doc.arrival_date)


def write_712(docs: list[DespatchAdvice]) -> str:
    """Render the transport record of the notes ``docs`` (they share their transport data)."""
    doc = docs[0]
    what = f"delivery note {doc.number}"
    w = RecordWriter(L.R712, what)
    w.set("carrier", doc.carrier).set("transport_no", doc.transport_id)
    if doc.gross_weight is not None:
        w.set("gross_weight", doc.gross_weight.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    w.date("handover_date", doc.ship_date).time("handover_time", doc.ship_date)
    w.date("arrival_date", doc.arrival_date).time("arrival_time", doc.arrival_date)
    w.set("packages", min(sum(p.count for d in docs for p in d.packages), 9999))
    return w.text()


def write_713(doc: DespatchAdvice) -> list[str]:
    """Render one despatch advice as 713, its 714 items and 715 packages."""
    what = f"delivery note {doc.number or '(no number)'}"
    if not (doc.number.isdigit() and doc.number.isascii() and len(doc.number) <= 8):
        raise FormatError(f"{what}: a VDA 4913 delivery note number is up to 8 digits, not '{doc.number}'")
    if not doc.lines:
        raise FormatError(f"{what}: a VDA 4913 delivery note needs at least one item (714)")
    orders = {line.order_number for line in doc.lines}
    if len(orders) > 1:
        raise FormatError(f"{what}: VDA 4913 carries one order number per delivery note, the lines have {sorted(orders)}")
    w = RecordWriter(L.R713, what)
    w.set("note", int(doc.number)).date("despatch_date", doc.ship_date)
    w.set("unloading_point", doc.ship_to.unloading_point).set("plant", doc.ship_to.plant or doc.ship_to.id)
    w.set("order_number", next(iter(orders), ""))
    out = [w.text()]
    for line in doc.lines:
        item = RecordWriter(L.R714, what)
        item.set("customer_part", line.buyer_part).set("supplier_part", line.supplier_part)
        item.set("qty1", line.quantity, QTY_PLACES).set("unit1", codes.unit_from_rec20(line.unit, "vda")).set("batch", line.batch)
        out.append(item.text())
    for package in doc.packages:
        p = RecordWriter(L.R715, what)
        p.set("customer_packaging", package.type).set("count", package.count)
        first, last = _label_range(package.label_ids, what)
        p.set("label_from", first).set("label_to", last)
        out.append(p.text())
    return out


def _label_range(ids: list[str], what: str) -> tuple[str, str]:
    if not ids:
        return "", ""
    numeric = all(i.isdigit() and i.isascii() and len(i) <= 9 for i in ids)
    if numeric:
        numbers = [int(i) for i in ids]
        if all(str(n) == i for n, i in zip(numbers, ids, strict=True)) and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return str(numbers[0]).zfill(9), str(numbers[-1]).zfill(9)
    if len(ids) <= 2 and all(len(i) <= 9 for i in ids) and not (len(ids) == 2 and numeric):
        return ids[0], ids[1] if len(ids) == 2 else ""
    raise FormatError(f"{what}: VDA 4913 carries the labels of a package as one numeric range from..to (9 digits each), not {ids[:5]}")
