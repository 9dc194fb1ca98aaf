"""DESADV (despatch advice, the ASN) D.96A/D.97A/D.04A in VDA 4987 / Odette usage.

Header: BGM (351, the delivery note number), DTM 137 issued / 11 despatched / 132
(or 17, 191) arrival, RFF (ON order, AAN call-off, as defaults for the lines), NAD,
TDT (carrier in C040, transport id in C222), MEA+AAE+G gross weight. Then CPS groups:
PAC (count, package type) with PCI and GIN label ids (SSCC ``BJ``, ``AW``, ``ML``),
and LIN/PIA/QTY+12/RFF+ON/GIN+BX (batch) lines.
"""

from __future__ import annotations

from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import DespatchAdvice, DespatchLine, Document, Package, add_identifier
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.common import (
    SegmentCache,
    assign_part,
    date,
    envelope_ids,
    missing,
    number,
    part_ids,
    place_party,
    segment_cache,
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
from hub.formats.edifact.tokenizer import message_segment
from hub.formats.errors import Envelope, FormatError


def label_range(first: str, last: str, limit: int = 1000) -> list[str]:
    """Read GIN C208 (identity number, and the last of a range): ``ML+1001:1004`` is four labels.

    Numeric ranges up to ``limit`` labels are expanded, keeping leading zeros; anything
    else keeps both ends as written.
    """
    if not first:
        return []
    if not last or last == first:
        return [first]
    if first.isdigit() and last.isdigit() and len(first) == len(last) and 0 < int(last) - int(first) < limit:
        return [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]
    return [first, last]


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:  # noqa: C901, PLR0912, PLR0915
    """Map one DESADV message to a despatch advice; raises FormatError with positions.

    Reads the raw segments: segments it does not use are never split, and the texts
    that repeat from message to message (dates, parties, quantities, references) are
    read once per file (``_Seen``).
    """
    ref = msg.ref
    sender, receiver = envelope_ids(env)
    doc = DespatchAdvice(sender=sender, receiver=receiver, source=source(msg, env))
    line: DespatchLine | None = None
    package: Package | None = None
    header_order = header_call_off = ""
    seps = msg.seps
    seen = _seen(seps)
    make = message_segment
    for n, raw in enumerate(msg.raw, 1):
        tag = raw[:3]
        if tag == "LIN":
            seg = make(raw, n, seps)
            line = DespatchLine()
            doc.lines.append(line)
            package = None
            for part, kind in part_ids(seg, 3):
                assign_part(line, part, kind, doc.warnings, f"segment {n} (LIN)")
        elif tag == "QTY":
            if line is None:
                continue
            found = seen.quantities.get(raw)
            if found is None:
                seg = make(raw, n, seps)
                qualifier = seg.get(1, 1)
                if qualifier in codes.QTY_DESPATCHED:
                    unit = seg.get(1, 3)
                    found = (qualifier, number(seg, 1, 2, decimal_mark, ref), *(codes.unit_in(unit, "edifact") if unit else ("", True)))
                else:
                    found = (qualifier, None, "", True)
                seen.keep(seen.quantities, raw, found)
            qualifier, quantity, unit, known = found
            if quantity is not None:
                line.quantity = quantity
                if unit:
                    line.unit = unit
                if not known:
                    codes.note_unknown_unit(doc.warnings, unit, "edifact", f"segment {n} (QTY), element 1, component 3")
        elif tag == "RFF":
            found_ref = seen.references.get(raw)
            if found_ref is None:
                seg = make(raw, n, seps)
                found_ref = (seg.get(1, 1), seg.get(1, 2))
                seen.keep(seen.references, raw, found_ref)
            qualifier, value = found_ref
            if line is None:
                if qualifier in codes.RFF_ORDER:
                    header_order = header_order or value
                elif qualifier in codes.RFF_CALL_OFF:
                    header_call_off = header_call_off or value
            elif qualifier in codes.RFF_ORDER or (qualifier in codes.RFF_CALL_OFF and not line.order_number):
                line.order_number = value
        elif tag == "GIN":
            seg = make(raw, n, seps)
            qualifier = seg.get(1)
            if qualifier in codes.GIN_BATCH and line is not None:
                ids = [i for first, last in seg.pairs(2) for i in label_range(first, last)]
                if not line.batch:
                    line.batch = ids[0] if ids else ""
                for batch in ids:
                    add_identifier(line, "batch", batch)
            elif qualifier in codes.GIN_LABEL and package is not None:
                package.label_ids.extend(i for first, last in seg.pairs(2) for i in label_range(first, last))
        elif tag == "PIA":
            if line is not None:
                for part, kind in part_ids(make(raw, n, seps), 2):
                    assign_part(line, part, kind, doc.warnings, f"segment {n} (PIA)")
        elif tag == "PAC":
            seg = make(raw, n, seps)
            count = seg.get(1)
            if count and not count.isdigit():
                raise seg.error(f"'{count}' is not a number of packages", 1, None, ref)
            package = Package(type=seg.get(3, 1), count=int(count or 0))
            if line is None:
                doc.packages.append(package)
            else:
                package = None  # packing of the item: no consignment package
        elif tag == "CPS":
            line = None
            package = None
        elif tag == "BGM":
            seg = make(raw, n, seps)
            doc.number = seg.get(2, 1) or seg.get(1, 2)
        elif tag == "DTM":
            if line is not None or package is not None:
                continue
            found_date = seen.dates.get(raw)
            if found_date is None:
                seg = make(raw, n, seps)
                qualifier = seg.get(1, 1)
                value = None
                if qualifier in ("137", *codes.DTM_DESPATCH, *codes.DTM_ARRIVAL):
                    _, day, start, _end = date(seg, ref)
                    value = day or start
                found_date = (qualifier, value)
                seen.keep(seen.dates, raw, found_date)
            qualifier, value = found_date
            if qualifier == "137":
                doc.issued = value
            elif qualifier in codes.DTM_DESPATCH:
                doc.ship_date = value
            elif qualifier in codes.DTM_ARRIVAL and (not doc.arrival_date or qualifier == codes.DTM_ARRIVAL[0]):
                doc.arrival_date = value
        elif tag == "NAD":
            if line is None:
                found_party = seen.parties.get(raw)
                if found_party is None:
                    seg = make(raw, n, seps)
                    found_party = (seg.get(1), seg.get(2, 1), seg.get(4, 1) or seg.get(3, 1))
                    seen.keep(seen.parties, raw, found_party)
                place_party(doc, *found_party)
        elif tag == "TDT":
            seg = make(raw, n, seps)
            doc.carrier = doc.carrier or seg.get(5, 1) or seg.get(5, 4)
            doc.transport_id = doc.transport_id or seg.get(8, 1) or seg.get(2, 1)
        elif tag == "MEA" and line is None and package is None:
            seg = make(raw, n, seps)
            if seg.get(1) in codes.MEA_WEIGHT_PURPOSES and seg.get(2, 1) in codes.MEA_GROSS_WEIGHT and seg.get(3, 2):
                value = number(seg, 3, 2, decimal_mark, ref)
                doc.gross_weight = value * Decimal(codes.WEIGHT_TO_KG.get(seg.get(3, 1) or "KGM", "1"))
    if not doc.number:
        raise missing("BGM document number (C106/1004) is missing", ref, "BGM")
    if not doc.lines:
        raise missing("the despatch advice has no LIN line", ref, "LIN")
    for index, item in enumerate(doc.lines, 1):
        if not (item.buyer_part or item.supplier_part):
            raise missing(f"line {index} names no part (LIN C212 or PIA)", ref, "LIN")
        if not item.order_number:
            item.order_number = header_order or header_call_off
    return [doc]


class _Seen(SegmentCache):
    """What repeating segment texts of despatch advices were read as (see ``SegmentCache``)."""

    def __init__(self) -> None:
        self.dates: dict[str, tuple[str, str | None]] = {}
        self.quantities: dict[str, tuple[str, Decimal | None, str]] = {}
        self.references: dict[str, tuple[str, str]] = {}
        self.parties: dict[str, tuple[str, str, str]] = {}


def _seen(seps: Separators) -> _Seen:
    return segment_cache(_Seen, seps)


def write(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN") -> list[str]:
    """Render a despatch advice as the segments of one DESADV message (UNH..UNT)."""
    if not isinstance(doc, DespatchAdvice):
        raise FormatError(f"DESADV carries despatch advices, not {doc.type}")
    segs = [write_unh(seps, ref, "DESADV", directory)]
    segs.append(write_segment(seps, "BGM", "351", [doc.number], "9"))
    if doc.issued:
        segs.append(write_dtm(seps, "137", doc.issued))
    if doc.ship_date:
        segs.append(write_dtm(seps, "11", doc.ship_date))
    if doc.arrival_date:
        segs.append(write_dtm(seps, "132", doc.arrival_date))
    if doc.gross_weight is not None:
        segs.append(write_segment(seps, "MEA", "AAE", "G", ["KGM", write_number(doc.gross_weight, seps)]))
    segs.extend(write_parties(seps, doc, ("BY", "SE", "ST")))
    if doc.carrier or doc.transport_id:
        segs.append(write_segment(seps, "TDT", "12", "", ["30"], "", [doc.carrier], "", "", [doc.transport_id]))
    segs.append(write_segment(seps, "CPS", "1"))
    for package in doc.packages:
        segs.append(write_segment(seps, "PAC", str(package.count), "", [package.type]))
        if package.label_ids:
            segs.append(write_segment(seps, "PCI", "33E"))
            for at in range(0, len(package.label_ids), 5):
                segs.append(write_segment(seps, "GIN", "BJ", *[[label] for label in package.label_ids[at:at + 5]]))
    for index, line in enumerate(doc.lines, 1):
        # Every batch goes into GIN BX (the batch the line names first), none into a PIA NB.
        batches = [line.batch] if line.batch else []
        batches += [i.id for i in line.identifiers if i.scheme == "batch" and i.id and i.id not in batches]
        segs.extend(write_parts(seps, line, str(index), batches=batches))
        segs.append(write_segment(seps, "QTY", ["12", write_number(line.quantity, seps), codes.unit_from_rec20(line.unit, "edifact")]))
        for at in range(0, len(batches), 5):
            segs.append(write_segment(seps, "GIN", "BX", *[[batch] for batch in batches[at:at + 5]]))
        if line.order_number:
            segs.append(write_segment(seps, "RFF", ["ON", line.order_number]))
    segs.append(write_unt(seps, segs, ref))
    return segs
