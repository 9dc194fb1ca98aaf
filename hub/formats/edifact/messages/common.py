"""Helpers shared by the EDIFACT message mappings: numbers, dates, parties."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from hub.formats import codes
from hub.formats.canonical import Party
from hub.formats.edifact.tokenizer import Segment
from hub.formats.errors import FormatError


def number(seg: Segment, e: int, c: int, decimal_mark: str, ref: str) -> Decimal:
    """Read a numeric component as a Decimal, honouring the interchange's decimal mark."""
    raw = seg.get(e, c)
    text = raw.replace(decimal_mark, ".") if decimal_mark != "." else raw
    if decimal_mark != "," and "," in text:
        text = text.replace(",", ".")  # both marks are allowed by ISO 9735
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise seg.error(f"'{raw}' is not a number", e, c, ref) from None
    if not value.is_finite():
        raise seg.error(f"'{raw}' is not a number", e, c, ref)
    return value


def date(seg: Segment, ref: str) -> tuple[str, str | None, str | None, str | None]:
    """Read a DTM segment: ``(qualifier, date, from, to)``; positioned error on a bad value."""
    qualifier, value, fmt = seg.get(1, 1), seg.get(1, 2), seg.get(1, 3)
    try:
        day, start, end = codes.edifact_date(value, fmt or "102")
    except ValueError as exc:
        raise seg.error(f"'{value}' is not a valid date in format {fmt or '102'}: {exc}", 1, 2, ref) from None
    return qualifier, day, start, end


def party(seg: Segment) -> Party:
    """Read a NAD segment into a Party: id from C082, name from C080 (or C058)."""
    name = seg.get(4, 1) or seg.get(3, 1)
    return Party(id=seg.get(2, 1), name=name)


def require(value: str, seg: Segment, what: str, e: int, c: int, ref: str) -> str:
    """Return ``value`` or raise a positioned error saying ``what`` is missing."""
    if not value:
        raise seg.error(f"{what} is missing", e, c, ref)
    return value


def missing(text: str, ref: str, tag: str = "") -> FormatError:
    """An error for something the message as a whole lacks."""
    from hub.formats.errors import Position

    return FormatError(text, Position(tag=tag, message_ref=ref))
