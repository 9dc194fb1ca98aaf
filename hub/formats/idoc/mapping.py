"""Mapping IDocs to canonical documents and back: ORDERS -> purchase_order, DELFOR
(DELINS/DELJIT) -> delivery_schedule, DELVRY (DESADV) -> despatch_advice.

Readers walk the segments in file order (flat and XML IDocs alike); an item segment
(E1EDP01, E1EDP10, E1EDL24) opens a line and the segments below it fill that line.
Writers build ``(segment, parent index)`` lists that ``records.write_flat`` and
``records.write_xml`` turn into files; a value longer than its field is an error, never
cut short.

What the mappings read and write:

- ORDERS01..05: E1EDK01 CURCY (currency) and BELNR; E1EDK02 001 BELNR (order number,
  preferred); E1EDK03 012 DATUM/UZEIT (issued); E1EDKA1 AG/LF/WE PARTN, NAME1, WE ABLAD
  (buyer, supplier, ship-to and its unloading point; the ship-to's plant is its PARTN);
  per item E1EDP01 POSEX, MENGE, MENEE, VPREI/PEINH (price per unit), E1EDP19 001
  (buyer's part and KTEXT description) and 002 (supplier's part), E1EDP20 EDATU/EZEIT
  (requested date; else E1EDP03 002).
- DELFOR01/02 (ASSUMED layouts, see layouts.py): E1EDK09 LABNK (number), ABRDT (issued,
  a date), ABNRA (previous number); E1EDKA1 as for ORDERS; E1EDP10 per part (IDNKD,
  IDNLF, ARKTX, VRKME, ABLAD, BSTNR, cumulative FZEMP/FZDAT, one last receipt
  LFSNR/LFDAT/LFIMG); E1EDP16 per schedule line (ETTYP commitment, PRGRS D/W/M/I,
  EDATUV/EZEIT/EDATUB, WMENG). MESTYP DELJIT gives ``kind='jit'``. Only the first last
  receipt of a line is carried.
- DELVRY01..07 (and DESADV01 written with DELVRY segments): E1EDL20 LIFEX (number; VBELN
  when LIFEX is blank), ABLAD, BTGEW/GEWEI (gross weight in kg), TRAID (transport id);
  E1ADRM1 AG/LF/WE/SP (parties; SP NAME1 is the carrier); E1EDT13 006/007 NTANF/NTANZ
  (ship and arrival dates); E1EDL37 per package (EXIDV label, VHILM packaging type; a run
  of E1EDL37 with one VHILM is one canonical package); E1EDL24 per line (KDMAT buyer's
  part, MATNR supplier's part, LFIMG/VRKME, CHARG batch) with E1EDL41 001 BSTNR (order).
  The issue date and time is the control record's CREDAT/CRETIM.

Times of 00:00:00 read as "no time" (SAP writes 000000 for an empty time field).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from hub.formats import codes
from hub.formats.canonical import (
    CumulativeQuantity,
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    Document,
    OrderLine,
    Package,
    Party,
    PurchaseOrder,
    Receipt,
    ScheduleLine,
    ScheduleQuantity,
    add_identifier,
    decimal_text,
)
from hub.formats.errors import FormatError
from hub.formats.idoc import layouts as L
from hub.formats.idoc.records import IDoc, IdocError, Segment

# --------------------------------------------------------------------------- reading fields



def _where(seg: Segment, name: str) -> str:
    """A segment and field in words, for warnings: ``record 7 (E1EDP01), field VRKME``."""
    at = f"record {seg.record}" if seg.record is not None else f"line {seg.line}"
    return f"{at} ({seg.type}), field {name}"

def number(seg: Segment, name: str) -> Decimal | None:
    """A decimal field (SAP may write the sign last: ``12.5-``); None when blank."""
    raw = seg.get(name)
    if not raw:
        return None
    text = "-" + raw[:-1].strip() if raw.endswith("-") else raw
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise seg.error(f"'{raw}' is not a number", name) from None
    if not value.is_finite():
        raise seg.error(f"'{raw}' is not a number", name)
    return value


def date(seg: Segment, name: str) -> str | None:
    """A YYYYMMDD field as ISO; None when blank or 00000000."""
    raw = seg.get(name)
    if not raw or raw.strip("0") == "":
        return None
    try:
        if len(raw) != 8 or not raw.isdigit():
            raise ValueError
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:])).isoformat()
    except ValueError:
        raise seg.error(f"'{raw}' is not a date (YYYYMMDD)", name) from None


def time(seg: Segment, name: str) -> str | None:
    """A HHMMSS field as ``HH:MM`` (``HH:MM:SS`` when the seconds are not 00); None when blank or 000000."""
    raw = seg.get(name)
    if not raw or raw.strip("0") == "":
        return None
    if len(raw) not in (4, 6) or not raw.isdigit() or int(raw[:2]) > 23 or int(raw[2:4]) > 59 or int(raw[4:6] or 0) > 59:
        raise seg.error(f"'{raw}' is not a time (HHMMSS)", name)
    text = f"{raw[:2]}:{raw[2:4]}"
    if raw[4:6] not in ("", "00"):
        text += f":{raw[4:6]}"
    return text


def when(seg: Segment, day: str, clock: str) -> str | None:
    """A date field joined with its time field: ``2026-03-01T10:30`` or ``2026-03-01``."""
    value = date(seg, day)
    at = time(seg, clock)
    return f"{value}T{at}" if value and at else value


def _party(seg: Segment, id_field: str, name_field: str, ship_to: bool = False, unloading: str = "") -> Party:
    party = Party(id=seg.get(id_field), name=seg.get(name_field))
    if ship_to:
        party.plant = party.id
        party.unloading_point = seg.get(unloading) if unloading else ""
    return party


def _assign(doc: Document, role: str, party: Party) -> bool:
    if role in codes.IDOC_BUYER_ROLES:
        doc.buyer = party
    elif role in codes.IDOC_SUPPLIER_ROLES:
        doc.supplier = party
    elif role in codes.IDOC_SHIP_TO_ROLES:
        doc.ship_to = party
    else:
        return False
    return True


# --------------------------------------------------------------------------- readers


def read_orders(idoc: IDoc) -> PurchaseOrder:
    """ORDERS01..05 -> purchase_order."""
    doc = PurchaseOrder()
    header_number = ""
    line: OrderLine | None = None
    header_date: str | None = None
    for seg in idoc.segments:
        kind = seg.type
        if kind == "E1EDK01":
            doc.currency = seg.get("CURCY")
            header_number = seg.get("BELNR")
        elif kind == "E1EDK02" and seg.get("QUALF") == codes.IDOC_K02_ORDER:
            doc.number = seg.get("BELNR")
        elif kind == "E1EDK03":
            if seg.get("IDDAT") == codes.IDOC_K03_DOCUMENT_DATE:
                doc.issued = when(seg, "DATUM", "UZEIT")
            elif seg.get("IDDAT") == codes.IDOC_K03_DELIVERY_DATE:
                header_date = date(seg, "DATUM")
        elif kind == "E1EDKA1":
            role = seg.get("PARVW")
            _assign(doc, role, _party(seg, "PARTN", "NAME1", role in codes.IDOC_SHIP_TO_ROLES, "ABLAD"))
        elif kind == "E1EDP01":
            line = OrderLine(line=seg.get("POSEX"), unit=codes.idoc_unit_to_rec20(seg.get("MENEE"), doc.warnings, _where(seg, "MENEE")))
            line.quantity = number(seg, "MENGE") or Decimal(0)
            price = number(seg, "VPREI")
            per = number(seg, "PEINH")
            if price is not None and per not in (None, 0, 1):
                price = price / per  # type: ignore[operator]  # per is a Decimal here
            line.price = price
            doc.lines.append(line)
        elif line is not None and kind == "E1EDP19":
            qualifier = seg.get("QUALF")
            if qualifier == codes.IDOC_P19_BUYER_PART:
                line.buyer_part = seg.get("IDTNR")
                line.description = seg.get("KTEXT") or line.description
            elif qualifier == codes.IDOC_P19_SUPPLIER_PART:
                line.supplier_part = seg.get("IDTNR")
                line.description = line.description or seg.get("KTEXT")
            elif seg.get("IDTNR"):
                # Every other object id (003 EAN ...) is kept; an unknown qualifier as idoc:<QUALF>.
                scheme, known = codes.identifier_scheme("idoc", "E1EDP19", qualifier)
                if not known:
                    marker = f"E1EDP19 qualifier '{qualifier}' is not in"
                    codes.note_once(doc.warnings, marker, f"{_where(seg, 'QUALF')}: {marker} the hub's IDoc list; kept as {scheme}")
                add_identifier(line, scheme, seg.get("IDTNR"))
        elif line is not None and kind == "E1EDP20" and line.requested_date is None:
            line.requested_date = when(seg, "EDATU", "EZEIT")
        elif line is not None and kind == "E1EDP03" and seg.get("IDDAT") == codes.IDOC_P03_DELIVERY_DATE:
            line.requested_date = line.requested_date or when(seg, "DATUM", "UZEIT")
    doc.number = doc.number or header_number
    if header_date:
        for item in doc.lines:
            item.requested_date = item.requested_date or header_date
    if not doc.number:
        raise idoc.error("the order has no number (E1EDK02 qualifier 001 BELNR, or E1EDK01 BELNR)", code="missing")
    return doc


def _period_end(prgrs: str, start: str) -> str | None:
    day = dt.date.fromisoformat(start)
    if prgrs == codes.IDOC_PRGRS_WEEK:
        return (day + dt.timedelta(days=6)).isoformat()
    if prgrs == codes.IDOC_PRGRS_MONTH:
        following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return (following - dt.timedelta(days=1)).isoformat()
    return None


def read_delins(idoc: IDoc) -> DeliverySchedule:
    """DELFOR01/02 (DELINS, DELJIT) -> delivery_schedule."""
    doc = DeliverySchedule(kind="jit" if idoc.c("MESTYP") == codes.IDOC_JIT_MESSAGE else "standard")
    line: ScheduleLine | None = None
    seen_header = False
    for seg in idoc.segments:
        kind = seg.type
        if kind == "E1EDK09":
            seen_header = True
            doc.number = seg.get("LABNK")
            doc.issued = date(seg, "ABRDT")
            doc.previous_number = seg.get("ABNRA")
        elif kind == "E1EDKA1":
            role = seg.get("PARVW")
            _assign(doc, role, _party(seg, "PARTN", "NAME1", role in codes.IDOC_SHIP_TO_ROLES, "ABLAD"))
        elif kind == "E1EDP10":
            line = ScheduleLine(
                buyer_part=seg.get("IDNKD"),
                supplier_part=seg.get("IDNLF"),
                description=seg.get("ARKTX"),
                unit=codes.idoc_unit_to_rec20(seg.get("VRKME"), doc.warnings, _where(seg, "VRKME")),
                unloading_point=seg.get("ABLAD"),
                order_number=seg.get("BSTNR"),
            )
            cumulative = number(seg, "FZEMP")
            if cumulative is not None or seg.get("FZDAT"):
                line.cumulative_received = CumulativeQuantity(quantity=cumulative or Decimal(0), date=date(seg, "FZDAT"))
            received = number(seg, "LFIMG")
            if received is not None or seg.get("LFSNR") or seg.get("LFDAT"):
                line.last_receipts.append(Receipt(delivery_note=seg.get("LFSNR"), date=date(seg, "LFDAT"), quantity=received or Decimal(0)))
            doc.lines.append(line)
        elif line is not None and kind == "E1EDP16":
            ettyp = seg.get("ETTYP")
            commitment = codes.IDOC_ETTYP_TO_COMMITMENT.get(ettyp)
            if commitment is None:
                known = ", ".join(sorted(codes.IDOC_ETTYP_TO_COMMITMENT))
                raise seg.error(f"'{ettyp}' is not a schedule line type the hub knows ({known})", "ETTYP")
            entry = ScheduleQuantity(quantity=number(seg, "WMENG") or Decimal(0), commitment=commitment)
            prgrs = seg.get("PRGRS") or codes.IDOC_PRGRS_DAY
            if prgrs == codes.IDOC_PRGRS_DAY:
                entry.date = when(seg, "EDATUV", "EZEIT")
            elif prgrs in (codes.IDOC_PRGRS_WEEK, codes.IDOC_PRGRS_MONTH, codes.IDOC_PRGRS_INTERVAL):
                entry.from_ = date(seg, "EDATUV")
                entry.to = date(seg, "EDATUB") or (_period_end(prgrs, entry.from_) if entry.from_ else None)
            else:
                raise seg.error(f"'{prgrs}' is not a date type (D day, W week, M month, I interval)", "PRGRS")
            line.schedule.append(entry)
    if not seen_header:
        raise idoc.error("the delivery schedule has no E1EDK09 header segment", code="missing")
    if not doc.number:
        raise idoc.error("the delivery schedule has no number (E1EDK09 LABNK)", code="missing")
    return doc


def read_desadv(idoc: IDoc) -> DespatchAdvice:
    """DELVRY01..07 (DESADV) -> despatch_advice."""
    doc = DespatchAdvice()
    creation = idoc.control.get("CREDAT", "").strip()
    if creation:
        control = Segment("EDI_DC40", idoc.control, record=idoc.record, line=idoc.line, docnum=idoc.docnum)
        doc.issued = when(control, "CREDAT", "CRETIM")
    line: DespatchLine | None = None
    seen_header = False
    package_type: str | None = None
    for seg in idoc.segments:
        kind = seg.type
        if kind == "E1EDL20":
            seen_header = True
            doc.number = seg.get("LIFEX") or seg.get("VBELN")
            doc.ship_to.unloading_point = seg.get("ABLAD")
            weight = number(seg, "BTGEW")
            if weight is not None:
                unit = codes.idoc_unit_to_rec20(seg.get("GEWEI") or "KGM", doc.warnings, _where(seg, "GEWEI"))
                factor = codes.WEIGHT_TO_KG.get(unit)
                if factor is None:
                    raise seg.error(f"'{seg.get('GEWEI')}' is not a weight unit the hub converts to kg", "GEWEI")
                weight = weight if factor == "1" else weight * Decimal(factor)
            doc.gross_weight = weight
            doc.transport_id = seg.get("TRAID")
        elif kind == "E1ADRM1":
            role = seg.get("PARTNER_Q")
            if role in codes.IDOC_CARRIER_ROLES:
                doc.carrier = seg.get("NAME1") or seg.get("PARTNER_ID")
                continue
            unloading = doc.ship_to.unloading_point
            if (
                _assign(doc, role, _party(seg, "PARTNER_ID", "NAME1", role in codes.IDOC_SHIP_TO_ROLES))
                and role in codes.IDOC_SHIP_TO_ROLES
            ):
                doc.ship_to.unloading_point = unloading
        elif kind == "E1EDT13":
            qualifier = seg.get("QUALF")
            if qualifier in codes.IDOC_T13_SHIP:
                doc.ship_date = when(seg, "NTANF", "NTANZ")
            elif qualifier in codes.IDOC_T13_ARRIVAL:
                doc.arrival_date = when(seg, "NTANF", "NTANZ")
        elif kind == "E1EDL37":
            label, type_ = seg.get("EXIDV"), seg.get("VHILM")
            if package_type != type_ or not doc.packages:
                doc.packages.append(Package(type=type_))
                package_type = type_
            doc.packages[-1].count += 1
            if label:
                doc.packages[-1].label_ids.append(label)
        elif kind == "E1EDL24":
            line = DespatchLine(
                buyer_part=seg.get("KDMAT"),
                supplier_part=seg.get("MATNR"),
                quantity=number(seg, "LFIMG") or Decimal(0),
                unit=codes.idoc_unit_to_rec20(seg.get("VRKME"), doc.warnings, _where(seg, "VRKME")),
                batch=seg.get("CHARG"),
            )
            doc.lines.append(line)
        elif line is not None and kind == "E1EDL41" and seg.get("QUALI") == codes.IDOC_L41_ORDER:
            line.order_number = seg.get("BSTNR")
    if not seen_header:
        raise idoc.error(
            "the despatch advice has no E1EDL20 delivery header segment (DESADV01's own E1EDK07/E1EDP07 are not read)", code="missing"
        )
    if not doc.number:
        raise idoc.error("the despatch advice has no number (E1EDL20 LIFEX or VBELN)", code="missing")
    return doc


READERS = {"purchase_order": read_orders, "delivery_schedule": read_delins, "despatch_advice": read_desadv}

# --------------------------------------------------------------------------- writers


class Builder:
    """Segments of one IDoc being written, with their parents; checks every field's length."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.segments: list[tuple[Segment, int]] = []

    def add(self, type_: str, parent: int = -1, **values: str | None) -> int:
        """Add a segment below ``parent`` (-1: top level); returns its index."""
        layout = L.SEGMENTS[type_]
        fields: dict[str, str] = {}
        for name, value in values.items():
            if value is None or value == "":
                continue
            text = str(value)
            limit = layout.length(name)
            if len(text) > limit:
                raise FormatError(f"{self.what}: '{text}' is longer than the {limit} characters of {type_}-{name}", code="too_long")
            if "\n" in text or "\r" in text:
                raise FormatError(f"{self.what}: {type_}-{name} cannot hold a line break ({text!r})", code="invalid_value")
            fields[name] = text
        depth = 1 if parent < 0 else self.segments[parent][0].depth + 1
        self.segments.append((Segment(type_, fields, depth=depth), parent))
        return len(self.segments) - 1


def qty(value: Decimal | None) -> str | None:
    """A quantity as an IDoc writes it: plain decimal, no exponent."""
    return None if value is None else decimal_text(value)


def ymd(value: str | None) -> str | None:
    """ISO date (or datetime) -> YYYYMMDD."""
    return value[:10].replace("-", "") if value else None


def hms(value: str | None) -> str | None:
    """The time of an ISO datetime -> HHMMSS; None for a date alone."""
    if not value or "T" not in value:
        return None
    digits = "".join(ch for ch in value.partition("T")[2][:8] if ch.isdigit())
    return (digits + "000000")[:6]


def _parties_k(b: Builder, doc: Document) -> None:
    for role, party in (
        (codes.IDOC_ROLE_BUYER, doc.buyer),
        (codes.IDOC_ROLE_SUPPLIER, doc.supplier),
        (codes.IDOC_ROLE_SHIP_TO, doc.ship_to),
    ):
        unloading = party.unloading_point if role == codes.IDOC_ROLE_SHIP_TO else ""
        if party.id or party.name or unloading:
            b.add("E1EDKA1", PARVW=role, PARTN=party.id, NAME1=party.name, ABLAD=unloading)


def write_orders(doc: PurchaseOrder, b: Builder) -> None:
    """purchase_order -> ORDERS segments."""
    b.add("E1EDK01", CURCY=doc.currency, BELNR=doc.number)
    if doc.issued:
        b.add("E1EDK03", IDDAT=codes.IDOC_K03_DOCUMENT_DATE, DATUM=ymd(doc.issued), UZEIT=hms(doc.issued))
    _parties_k(b, doc)
    b.add("E1EDK02", QUALF=codes.IDOC_K02_ORDER, BELNR=doc.number, DATUM=ymd(doc.issued), UZEIT=hms(doc.issued))
    for line in doc.lines:
        item = b.add(
            "E1EDP01",
            POSEX=line.line,
            MENGE=qty(line.quantity),
            MENEE=codes.idoc_unit_from_rec20(line.unit),
            VPREI=qty(line.price),
            PEINH="1" if line.price is not None else None,
            CURCY=doc.currency,
        )
        if line.requested_date:
            b.add("E1EDP20", item, WMENG=qty(line.quantity), EDATU=ymd(line.requested_date), EZEIT=hms(line.requested_date))
        if line.buyer_part or (line.description and not line.supplier_part):
            b.add("E1EDP19", item, QUALF=codes.IDOC_P19_BUYER_PART, IDTNR=line.buyer_part, KTEXT=line.description)
        if line.supplier_part:
            text = "" if line.buyer_part else line.description
            b.add("E1EDP19", item, QUALF=codes.IDOC_P19_SUPPLIER_PART, IDTNR=line.supplier_part, KTEXT=text)
        for ident in line.identifiers:
            qualifier = codes.identifier_qualifier("idoc", "E1EDP19", ident.scheme)
            # E1EDP19 holds object ids (CHARG is a DELVRY field); a second 001/002 would replace the part on the way back.
            if qualifier and qualifier.isdigit() and qualifier not in (codes.IDOC_P19_BUYER_PART, codes.IDOC_P19_SUPPLIER_PART) and ident.id:
                b.add("E1EDP19", item, QUALF=qualifier, IDTNR=ident.id)


def _prgrs(entry: ScheduleQuantity) -> str:
    if entry.from_ is None or entry.to is None:
        return codes.IDOC_PRGRS_INTERVAL
    start = dt.date.fromisoformat(entry.from_[:10])
    if start.weekday() == 0 and _period_end(codes.IDOC_PRGRS_WEEK, start.isoformat()) == entry.to[:10]:
        return codes.IDOC_PRGRS_WEEK
    if start.day == 1 and _period_end(codes.IDOC_PRGRS_MONTH, start.isoformat()) == entry.to[:10]:
        return codes.IDOC_PRGRS_MONTH
    return codes.IDOC_PRGRS_INTERVAL


def write_delins(doc: DeliverySchedule, b: Builder) -> None:
    """delivery_schedule -> DELFOR segments (ASSUMED layouts)."""
    b.add("E1EDK09", LABNK=doc.number, ABRDT=ymd(doc.issued), ABNRA=doc.previous_number)
    _parties_k(b, doc)
    for line in doc.lines:
        receipt = line.last_receipts[0] if line.last_receipts else None
        cumulative = line.cumulative_received
        item = b.add(
            "E1EDP10",
            IDNKD=line.buyer_part,
            IDNLF=line.supplier_part,
            ARKTX=line.description,
            VRKME=codes.idoc_unit_from_rec20(line.unit),
            ABLAD=line.unloading_point,
            BSTNR=line.order_number,
            FZEMP=qty(cumulative.quantity) if cumulative else None,
            FZDAT=ymd(cumulative.date) if cumulative else None,
            LFSNR=receipt.delivery_note if receipt else None,
            LFDAT=ymd(receipt.date) if receipt else None,
            LFIMG=qty(receipt.quantity) if receipt else None,
        )
        for entry in line.schedule:
            ettyp = codes.COMMITMENT_TO_IDOC_ETTYP.get(entry.commitment, "1")
            if entry.from_ is not None or entry.to is not None:
                prgrs = _prgrs(entry)
                b.add("E1EDP16", item, ETTYP=ettyp, PRGRS=prgrs, EDATUV=ymd(entry.from_), EDATUB=ymd(entry.to), WMENG=qty(entry.quantity))
            else:
                b.add(
                    "E1EDP16",
                    item,
                    ETTYP=ettyp,
                    PRGRS=codes.IDOC_PRGRS_DAY,
                    EDATUV=ymd(entry.date),
                    EZEIT=hms(entry.date),
                    WMENG=qty(entry.quantity),
                )


def write_desadv(doc: DespatchAdvice, b: Builder) -> None:
    """despatch_advice -> DELVRY segments."""
    head = b.add(
        "E1EDL20",
        VBELN=doc.number if len(doc.number) <= L.SEGMENTS["E1EDL20"].length("VBELN") else None,
        ABLAD=doc.ship_to.unloading_point,
        BTGEW=qty(doc.gross_weight),
        GEWEI="KGM" if doc.gross_weight is not None else None,
        TRAID=doc.transport_id,
        LIFEX=doc.number,
    )
    for role, party in (
        (codes.IDOC_ROLE_BUYER, doc.buyer),
        (codes.IDOC_ROLE_SUPPLIER, doc.supplier),
        (codes.IDOC_ROLE_SHIP_TO, doc.ship_to),
    ):
        if party.id or party.name:
            b.add("E1ADRM1", head, PARTNER_Q=role, PARTNER_ID=party.id, NAME1=party.name)
    if doc.carrier:
        b.add("E1ADRM1", head, PARTNER_Q=codes.IDOC_ROLE_CARRIER, NAME1=doc.carrier)
    for qualifier, value in ((codes.IDOC_T13_SHIP[0], doc.ship_date), (codes.IDOC_T13_ARRIVAL[0], doc.arrival_date)):
        if value:
            b.add("E1EDT13", head, QUALF=qualifier, NTANF=ymd(value), NTANZ=hms(value))
    for package in doc.packages:
        labels = list(package.label_ids) + [""] * max(package.count - len(package.label_ids), 0)
        for label in labels:
            b.add("E1EDL37", head, EXIDV=label, VHILM=package.type)
    for index, line in enumerate(doc.lines, 1):
        item = b.add(
            "E1EDL24",
            head,
            POSNR=f"{index * 10:06d}",
            MATNR=line.supplier_part,
            KDMAT=line.buyer_part,
            CHARG=line.batch,
            LFIMG=qty(line.quantity),
            VRKME=codes.idoc_unit_from_rec20(line.unit),
        )
        if line.order_number:
            b.add("E1EDL41", item, QUALI=codes.IDOC_L41_ORDER, BSTNR=line.order_number)


WRITERS = {"purchase_order": write_orders, "delivery_schedule": write_delins, "despatch_advice": write_desadv}

__all__ = ["READERS", "WRITERS", "Builder", "IdocError"]
