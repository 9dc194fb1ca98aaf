"""Helpers shared by the X12 transaction set mappings: numbers, dates, parties, ids.

Renderers build segments as lists of elements (a component list for a composite)
rather than strings, so the codec can choose separators that no value contains
(X12 has no release character) and count segments for the SE.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from hub.formats import codes
from hub.formats.canonical import Document, Party, PartyId, Source, decimal_text
from hub.formats.errors import Envelope, FormatError, Position
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.tokenizer import Segment

Element = str | list[str]
SegmentOut = list[Element]  # [tag, element1, element2, ...]


def number(seg: Segment, e: int, ref: str, c: int = 1) -> Decimal:
    """Read a numeric (R/N) element as a Decimal; a positioned error when it is not a number."""
    raw = seg.get(e, c).strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise seg.error(f"'{raw}' is not a number", e, c if seg.seps.component in seg.element(e) else None, ref)
    return value


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


def party(seg: Segment) -> Party:
    """Read an N1 segment: N104 id (N103 qualifier), N102 name."""
    return Party(id=seg.get(4).strip(), name=seg.get(2).strip())


def apply_party(doc: Any, seg: Segment) -> None:
    """Put the party of an N1 segment in the document's buyer, supplier or ship-to slot."""
    role = seg.get(1)
    found = party(seg)
    if role in codes.X12_SHIP_TO_ROLES:
        if role == "ST" or not doc.ship_to.id:
            doc.ship_to = Party(id=found.id, name=found.name, plant=found.id, unloading_point=doc.ship_to.unloading_point)
    elif role in codes.X12_BUYER_ROLES:
        if role == "BY" or not doc.buyer.id:
            doc.buyer = found
    elif role in codes.X12_SUPPLIER_ROLES and (role in ("SU", "SE") or not doc.supplier.id):
        doc.supplier = found


def product_ids(seg: Segment, first: int) -> list[tuple[str, str]]:
    """The (qualifier, id) pairs of a LIN/PO1/... segment from element ``first`` on."""
    pairs = []
    for e in range(first, len(seg.elements) - 1, 2):
        qualifier, value = seg.get(e).strip(), seg.get(e + 1).strip()
        if value:
            pairs.append((qualifier, value))
    return pairs


def parts(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Pick buyer part, supplier part, order number and batch from product id pairs.

    BP wins over IN/PI for the buyer part and VP over VN; when a line names its part
    only by another scheme (UPC, EAN, ISBN), that id stands in as the buyer part so
    the line is not lost.
    """
    first: dict[str, str] = {}
    for qualifier, value in pairs:
        first.setdefault(qualifier, value)
    out = {}
    for key, wanted in (
        ("buyer_part", codes.X12_BUYER_PART),
        ("supplier_part", codes.X12_SUPPLIER_PART),
        ("order_number", codes.X12_ORDER_REF),
        ("batch", codes.X12_BATCH),
    ):
        out[key] = ""
        for qualifier in wanted:
            if qualifier in first:
                out[key] = first[qualifier]
                break
    if not out["buyer_part"] and not out["supplier_part"] and pairs:
        out["buyer_part"] = pairs[0][1]
    return out


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


def part_pairs(buyer_part: str, supplier_part: str, *more: tuple[str, str]) -> list[str]:
    """Flat product id pairs for LIN/PO1: BP buyer part, VP supplier part, then ``more``."""
    out: list[str] = []
    for qualifier, value in (("BP", buyer_part), ("VP", supplier_part), *more):
        if value:
            out += [qualifier, value]
    return out
