"""Helpers shared by the X12 transaction set mappings: numbers, dates, parties, ids.

Renderers build segments as lists of elements (a component list for a composite)
rather than strings, so the codec can choose separators that no value contains
(X12 has no release character) and count segments for the SE.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from hub.formats import codes
from hub.formats.canonical import Document, Party, PartyId, Source, add_identifier, decimal_text
from hub.formats.errors import Envelope, FormatError, Position
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.tokenizer import Segment

Element = str | list[str]
SegmentOut = list[Element]  # [tag, element1, element2, ...]


def number_of(seg: Segment, e: int, ref: str, c: int = 1) -> Decimal:
    """Read a numeric (R/N) element as a Decimal; a positioned error when it is not a number."""
    raw = seg.get(e, c).strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise seg.error(f"'{raw}' is not a number", e, c if seg.seps.component in seg.element(e) else None, ref)
    return value


number = number_of  # the name the mappings use

def optional_number(seg: Segment, e: int, ref: str, c: int = 1) -> Decimal | None:
    """Like ``number`` but None for an empty element."""
    return number(seg, e, ref, c) if seg.get(e, c).strip() else None


def date(seg: Segment, e: int, ref: str, time_e: int | None = None) -> str | None:
    """Read a date element (and optionally its time element) as ISO; None when empty."""
    raw = seg.get(e).strip()
    if not raw:
        return None
    try:
        day = codes.x12_date(raw)
    except ValueError:
        raise seg.error(f"'{raw}' is not a date CCYYMMDD", e, message_ref=ref) from None
    if time_e is not None:
        clock = seg.get(time_e).strip()
        # '0000' is what senders write into a mandatory time they do not have.
        if clock and clock.strip("0"):
            try:
                return f"{day}T{codes.x12_time(clock)}"
            except ValueError:
                raise seg.error(f"'{clock}' is not a time HHMM", time_e, message_ref=ref) from None
    return day


def party(seg: Segment | list[str]) -> Party:
    """Read an N1 segment (or its value list): N104 id (N103 qualifier), N102 name."""
    values = values_of(seg)
    return Party(id=value(values, 4), name=value(values, 2))


def apply_party(doc: Any, seg: Segment | list[str]) -> None:
    """Put the party of an N1 segment (or its value list) in the document's buyer, supplier or ship-to slot."""
    values = values_of(seg)
    role = values[1] if len(values) > 1 else ""
    found = party(values)
    if role in codes.X12_SHIP_TO_ROLES:
        if role == "ST" or not doc.ship_to.id:
            doc.ship_to = Party(id=found.id, name=found.name, plant=found.id, unloading_point=doc.ship_to.unloading_point)
    elif role in codes.X12_BUYER_ROLES:
        if role == "BY" or not doc.buyer.id:
            doc.buyer = found
    elif role in codes.X12_SUPPLIER_ROLES and (role in ("SU", "SE") or not doc.supplier.id):
        doc.supplier = found


def values_of(seg: Segment | list[str]) -> list[str]:
    """The value list of a segment (what ``Segment.get(e)`` gives per element); a value list as it is."""
    if isinstance(seg, list):
        return seg
    return [seg.get(e) for e in range(len(seg.elements))]


class Values:
    """A transaction set's segments as plain value lists, read fast; errors still name their element.

    ``rows`` holds one list per segment (ST = row 1) with ``values[e]`` what
    ``Segment.get(e)`` gives (first repetition, first component) and ``values[0]`` the
    tag: a segment without component or repetition separators is one ``str.split``, the
    rest go through ``Segment``. Numbers and dates
    are converted through per-process caches (a schedule repeats the same few hundred
    quantities and dates), and a value that does not convert is handed to the
    ``Segment``-based helper (``number``, ``date``), which words the positioned error.
    """

    def __init__(self, ts: TransactionSet) -> None:
        self.ts = ts
        self.ref = ts.ref
        seps = ts.seps
        elem, comp, rep = seps.element, seps.component, seps.repetition
        tokens = ts.tokens
        if ts.plain and not seps.release:  # no component or repetition separator anywhere in the set: one split each
            self.rows = [raw.split(elem) for _, raw in tokens]
            return
        rows: list[list[str]] = []
        for number, (tag, raw) in enumerate(tokens, 1):
            if comp in raw or (rep and rep in raw) or seps.release:
                seg = Segment(number, tag, raw, seps)
                rows.append([seg.get(e) for e in range(len(seg.elements))])
            else:
                rows.append(raw.split(elem))
        self.rows = rows

    def segment(self, number: int) -> Segment:
        """The ``Segment`` of row ``number`` (1-based, ST = 1), for errors and rare segments."""
        tag, raw = self.ts.tokens[number - 1]
        return Segment(number, tag, raw, self.ts.seps)

    def number(self, number: int, values: list[str], e: int) -> Decimal:
        """Element ``e`` as a Decimal; the positioned error of ``common.number`` when it is none."""
        raw = values[e] if e < len(values) else ""
        found = NUMBERS.get(raw)
        if found is None:
            try:
                found = Decimal(raw.strip())
            except InvalidOperation:
                found = None
            if found is None or not found.is_finite():
                return number_of(self.segment(number), e, self.ref)  # raises the positioned error
            if len(NUMBERS) < _CACHED:
                NUMBERS[raw] = found
        return found

    def optional_number(self, number: int, values: list[str], e: int) -> Decimal | None:
        """Like ``number`` but None for an empty element."""
        raw = values[e] if e < len(values) else ""
        return self.number(number, values, e) if raw.strip() else None

    def date(self, number: int, values: list[str], e: int) -> str | None:
        """Element ``e`` as an ISO date, None when empty; the positioned error of ``common.date`` when bad."""
        raw = values[e] if e < len(values) else ""
        found = DATES.get(raw)
        if found is None:
            found = date(self.segment(number), e, self.ref)
            if found is None:
                return None
            if len(DATES) < _CACHED:
                DATES[raw] = found
        return found


_CACHED = 20_000  # values kept per cache: enough for the repeats, bounded for any file
NUMBERS: dict[str, Decimal] = {}  # element as sent -> its value (mappings read these inline in hot loops)
DATES: dict[str, str] = {}  # element as sent (CCYYMMDD) -> ISO date


def value(values: list[str], e: int) -> str:
    """Element ``e`` of a value list, stripped; '' when absent."""
    return values[e].strip() if e < len(values) else ""


def product_ids(seg: Segment | list[str], first: int) -> list[tuple[str, str]]:
    """The (qualifier, id) pairs of a LIN/PO1/... segment (or its value list) from element ``first`` on."""
    values = values_of(seg)
    pairs = []
    for e in range(first, len(values) - 1, 2):
        qualifier, found = values[e].strip(), values[e + 1].strip()
        if found:
            pairs.append((qualifier, found))
    return pairs


def apply_ids(line: Any, pairs: list[tuple[str, str]], warnings: list[str], where: str) -> None:
    """Fill a line's parts and identifiers from product id pairs (235 qualifier, id).

    Every pair is kept: the named fields take theirs (buyer_part: BP, IN, PI, CB;
    supplier_part: VP, VN, VA, VC; order_number: PO, ON; batch: LT, B8 where the line has
    one), all others go to ``identifiers``. SK is no supplier part. A line that names
    neither part takes its first id as buyer_part so it is not lost. An unknown qualifier
    is kept as scheme ``x12:<code>``, with a warning.
    """
    schemes: list[tuple[str, str]] = []
    for qualifier, found in pairs:
        scheme, known = codes.identifier_scheme("x12", "235", qualifier)
        if not known:
            marker = f"product id qualifier '{qualifier}' is not in"
            codes.note_once(warnings, marker, f"{where}: {marker} X12 235 as the hub maps it; kept as {scheme}")
        schemes.append((scheme, found))
    first: dict[str, str] = {}
    for scheme, found in schemes:
        first.setdefault(scheme, found)
    line.buyer_part = next((first[s] for s in codes.X12_BUYER_PART_SCHEMES if s in first), "")
    line.supplier_part = next((first[s] for s in codes.X12_SUPPLIER_PART_SCHEMES if s in first), "")
    if not line.buyer_part and not line.supplier_part and schemes:
        line.buyer_part = schemes[0][1]
    for name in ("order_number", "batch"):
        if hasattr(line, name) and not getattr(line, name):
            setattr(line, name, first.get(name, ""))
    for scheme, found in schemes:
        add_identifier(line, scheme, found)


def start(doc: Document, ts: TransactionSet, env: Envelope) -> None:
    """Fill what every document takes from the envelope: sender, receiver, source."""
    doc.sender = PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", ""))
    doc.receiver = PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", ""))
    doc.source = Source(format="X12", version=f"{ts.type} {ts.version}".strip(), message_ref=ts.ref, interchange_ref=env.control_ref)


def missing(text: str, ref: str, tag: str = "") -> FormatError:
    """An error for something the transaction set as a whole lacks."""
    return FormatError(text, Position(tag=tag, message_ref=ref))


# --- rendering -------------------------------------------------------------------------


def qty(value: Decimal | None) -> str:
    """A quantity as X12 writes it: no exponent, no trailing zeros; '' for None."""
    return "" if value is None else decimal_text(value)


def day(value: str | None) -> str:
    """An ISO date (or datetime) as CCYYMMDD; '' for None."""
    return codes.iso_to_x12(value)[0] if value else ""


def clock(value: str | None) -> str:
    """The time of an ISO datetime as HHMM[SS]; '' for a date or None."""
    return codes.iso_to_x12(value)[1] if value else ""


def unit(code: str) -> str:
    """A Rec 20 unit as X12 writes it (C62 -> EA)."""
    return codes.unit_from_rec20(code or "C62", "x12")


def n1(role: str, p: Party) -> list[SegmentOut]:
    """An N1 segment for a party (id with qualifier 92, assigned by buyer), or nothing."""
    pid = p.id or p.plant
    if not (pid or p.name):
        return []
    return [["N1", role, p.name, "92" if pid else "", pid]]


def line_pairs(line: Any, *more: tuple[str, str]) -> list[str]:
    """Flat product id pairs of a line: BP, VP, then ``more``, then its further identifiers.

    An identifier whose scheme X12 235 has no code for (and that is no ``x12:<code>`` kept
    as sent) cannot be written and is left out.
    """
    out = part_pairs(line.buyer_part, line.supplier_part, *more)
    written = {(out[i], out[i + 1]) for i in range(0, len(out), 2)}
    for ident in line.identifiers:
        qualifier = codes.identifier_qualifier("x12", "235", ident.scheme)
        if qualifier and ident.id and (qualifier, ident.id) not in written:
            out += [qualifier, ident.id]
            written.add((qualifier, ident.id))
    return out


def part_pairs(buyer_part: str, supplier_part: str, *more: tuple[str, str]) -> list[str]:
    """Flat product id pairs for LIN/PO1: BP buyer part, VP supplier part, then ``more``."""
    out: list[str] = []
    for qualifier, value in (("BP", buyer_part), ("VP", supplier_part), *more):
        if value:
            out += [qualifier, value]
    return out
