"""Small helpers the UBL and cXML mappings share: reading paths, dates and numbers, writing elements."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lxml import etree

from hub.formats.errors import FormatError, Position

_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+\-]\d{2}:\d{2})?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(.*))?$")


def text(element: etree._Element | None, path: str, ns: dict[str, str]) -> str:
    """Stripped text at ``path`` below ``element``, or "" when absent."""
    if element is None:
        return ""
    found = element.find(path, ns)
    return (found.text or "").strip() if found is not None else ""


def join_time(day: str, time: str = "") -> str | None:
    """Join an ISO date and a time into the canonical form, dropping zero seconds and UTC zones.

    ``('2024-03-01', '10:30:00')`` -> ``'2024-03-01T10:30'``; an offset other than UTC is kept.
    """
    if not day:
        return None
    day = day.strip()
    time = (time or "").strip()
    if not time:
        match = _DATETIME.match(day)
        if not match:
            return day
        day, time = match.group(1), match.group(2) or ""
        if not time:
            return day
    match = _TIME.match(time)
    if not match:
        return f"{day}T{time}"
    hh, mm, ss, frac, zone = match.groups()
    out = f"{day}T{hh}:{mm}"
    frac = frac if frac and frac.rstrip("0") != "." else ""  # ".0" says nothing
    if (ss and ss != "00") or frac:
        out += f":{ss or '00'}{frac}"
    if zone and zone not in ("Z", "+00:00", "-00:00"):
        out += zone
    return out


def split_time(value: str | None) -> tuple[str, str]:
    """Canonical date or datetime -> ``(date, time)`` with seconds, for UBL's separate Date/Time."""
    if not value:
        return "", ""
    day, _, time = value.partition("T")
    if not time:
        return day, ""
    match = _TIME.match(time)
    if match:
        hh, mm, ss, frac, zone = match.groups()
        return day, f"{hh}:{mm}:{ss or '00'}{frac or ''}{zone or ''}"
    return day, time


def number(value: str, where: Position, what: str) -> Decimal | None:
    """Read a decimal (``None`` for empty); FormatError naming ``what`` when it is not a number."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise FormatError(f"{what} {value!r} is not a number", where) from None
    if not result.is_finite():
        raise FormatError(f"{what} {value!r} is not a number", where)
    return result


def sub(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
    """Append an element (attributes with empty values left out) and return it."""
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    if value is not None:
        element.text = value
    return element
