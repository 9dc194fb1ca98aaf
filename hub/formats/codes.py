"""Code lists, in one place: units, qualifiers, commitment levels, date formats.

Each family's codec reads and writes codes through these tables, so a unit or a
qualifier is mapped once for every format.
"""

from __future__ import annotations

import datetime as dt

# Units: the partner's code -> UN/ECE Recommendation 20. Pieces become C62 ("one"),
# the code UBL and most plant ERPs use; H87 ("piece") is read as a synonym.
UNIT_TO_REC20: dict[str, str] = {
    "PCE": "C62",
    "PCS": "C62",
    "PC": "C62",
    "EA": "C62",
    "ST": "C62",  # VDA: Stück
    "H87": "C62",
    "C62": "C62",
    "KGM": "KGM",
    "KG": "KGM",
    "GRM": "GRM",
    "TNE": "TNE",
    "MTR": "MTR",
    "M": "MTR",
    "ME": "MTR",  # VDA: Meter
    "MTK": "MTK",
    "M2": "MTK",
    "MTQ": "MTQ",
    "M3": "MTQ",
    "LTR": "LTR",
    "L": "LTR",
    "LI": "LTR",
    "SET": "SET",
    "PR": "PR",
    "PA": "PR",  # VDA: Paar
    "BX": "BX",
    "ROL": "RO",
    "RO": "RO",
}

# Rec 20 -> the code each family writes.
REC20_TO_EDIFACT: dict[str, str] = {"C62": "PCE", "KGM": "KGM", "MTR": "MTR", "LTR": "LTR"}
REC20_TO_X12: dict[str, str] = {"C62": "EA", "KGM": "KG", "MTR": "MR", "LTR": "LT", "PR": "PR", "SET": "SET"}
REC20_TO_VDA: dict[str, str] = {"C62": "ST", "KGM": "KG", "MTR": "ME", "LTR": "LI", "PR": "PA", "MTK": "M2"}


def unit_to_rec20(code: str) -> str:
    """Map a partner's unit code to Rec 20; unknown codes pass through upper-cased."""
    code = (code or "").strip().upper()
    return UNIT_TO_REC20.get(code, code or "C62")


def unit_from_rec20(code: str, family: str) -> str:
    """Map a Rec 20 code to what ``family`` (edifact, x12, vda) writes."""
    table = {"edifact": REC20_TO_EDIFACT, "x12": REC20_TO_X12, "vda": REC20_TO_VDA}[family]
    return table.get(code, code)


# EDIFACT 4017 (SCC) delivery plan commitment level -> canonical commitment.
SCC_TO_COMMITMENT: dict[str, str] = {"1": "firm", "2": "production", "3": "material", "4": "forecast", "10": "firm"}
COMMITMENT_TO_SCC: dict[str, str] = {"firm": "1", "production": "2", "material": "3", "forecast": "4"}

# EDIFACT 2005 date/time qualifiers the call-off mappings read.
DTM_ISSUED = "137"
DTM_DELIVERY = ("2", "10", "35")  # delivery requested, shipment requested, delivery actual
DTM_PERIOD_START = ("158", "64")  # horizon start, earliest delivery
DTM_PERIOD_END = ("159", "63")  # horizon end, latest delivery
DTM_CUMULATIVE_START = "51"
DTM_CUMULATIVE_END = "52"
DTM_RECEIPT = ("50", "171")

# EDIFACT 6063 quantity qualifiers.
QTY_SCHEDULE = ("1", "113", "12")  # discrete, to be delivered, despatch
QTY_CUMULATIVE_RECEIVED = "70"
QTY_RECEIVED = "48"
QTY_CUMULATIVE_SCHEDULED = "3"


def edifact_date(value: str, fmt: str = "102") -> tuple[str | None, str | None, str | None]:
    """Read an EDIFACT DTM value in format ``fmt`` (2379).

    Returns ``(date, from, to)``: a single day fills ``date``; a week (616), a range
    (718) or a month (610) fills ``from``/``to``. Raises ValueError on a bad value.
    """
    fmt = fmt or "102"
    if fmt == "102":
        return _ymd(value[:8]), None, None
    if fmt in ("203", "204"):
        day = _ymd(value[:8])
        hh, mm = value[8:10], value[10:12]
        if not (hh.isdigit() and mm.isdigit()):
            raise ValueError(f"{value!r} is not CCYYMMDDHHMM")
        return f"{day}T{hh}:{mm}", None, None
    if fmt == "101":
        return _ymd("20" + value[:6]), None, None
    if fmt == "616":
        year, week = int(value[:4]), int(value[4:6])
        start = dt.date.fromisocalendar(year, week, 1)
        return None, start.isoformat(), (start + dt.timedelta(days=6)).isoformat()
    if fmt == "718":
        a, _, b = value.partition("-")
        return None, _ymd(a), _ymd(b)
    if fmt == "610":
        year, month = int(value[:4]), int(value[4:6])
        start = dt.date(year, month, 1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return None, start.isoformat(), end.isoformat()
    raise ValueError(f"date format {fmt} is not supported (use 102, 203, 616, 718 or 610)")


def _ymd(value: str) -> str:
    if len(value) != 8 or not value.isdigit():
        raise ValueError(f"{value!r} is not a date CCYYMMDD")
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8])).isoformat()


def iso_to_edifact(value: str) -> tuple[str, str]:
    """Write an ISO date or datetime as an EDIFACT ``(value, format)`` pair (102 or 203)."""
    if "T" in value:
        day, _, time = value.partition("T")
        return day.replace("-", "") + time.replace(":", "")[:4], "203"
    return value.replace("-", ""), "102"


# VDA 4905/4915/4913 dates: YYMMDD, with special values in 4905 schedule slots.
# The names follow the VDA 4905 recommendation (see /work/shared/specs/vda.md).
VDA_END = "000000"  # end of the call-off's schedule: no further slots are read
VDA_NO_REQUIREMENT = "222222"  # no requirement in this slot: skipped
VDA_BACKLOG = "333333"  # backlog (Rückstand): due at once
VDA_IMMEDIATE = "444444"  # immediate requirement (Sofortbedarf)
VDA_SWITCH = "555555"  # marker: the following slots are week or month buckets
VDA_REMAINING = "999999"  # the remaining requirement beyond the last bucket
VDA_SPECIAL_DATES = {
    VDA_END: "end",
    VDA_NO_REQUIREMENT: "none",
    VDA_BACKLOG: "backlog",
    VDA_IMMEDIATE: "immediate",
    VDA_SWITCH: "switch",
    VDA_REMAINING: "remaining",
}


def vda_year(yy: int) -> int:
    """The century VDA leaves out: every two-digit year is 20YY (no VDA file predates 2000 in use)."""
    return 2000 + yy


def vda_date(value: str) -> tuple[str, str | None, str | None, str | None]:
    """Read a VDA date field: ``(kind, date, from, to)`` with ISO dates.

    ``kind`` is ``day`` (``date`` set), ``week`` (``JJ00WW``: Monday to Sunday of ISO
    week WW of 20JJ) or ``month`` (``JJMM00``: first to last day of the month), or one
    of the special kinds ``end`` (also a blank field), ``none``, ``backlog``,
    ``immediate``, ``switch``, ``remaining`` with no dates. Raises ValueError when the
    value is no date.
    """
    text = value.strip()
    if not text:
        return "end", None, None, None
    if len(text) != 6 or not text.isdigit():
        raise ValueError(f"'{value}' is not a date (YYMMDD)")
    special = VDA_SPECIAL_DATES.get(text)
    if special:
        return special, None, None, None
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:6])
    year = vda_year(yy)
    try:
        if mm == 0 and dd:
            start = dt.date.fromisocalendar(year, dd, 1)
            return "week", None, start.isoformat(), (start + dt.timedelta(days=6)).isoformat()
        if dd == 0 and mm:
            start = dt.date(year, mm, 1)
            return "month", None, start.isoformat(), _month_end(start).isoformat()
        return "day", dt.date(year, mm, dd).isoformat(), None, None
    except ValueError:
        raise ValueError(f"'{value}' is not a date (YYMMDD, JJ00WW or JJMM00)") from None


def _month_end(start: dt.date) -> dt.date:
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def iso_to_vda(date: str | None = None, start: str | None = None, end: str | None = None) -> str:
    """Write a day (``date``), an ISO week or a calendar month (``start``/``end``) as a VDA date.

    A period that is neither one ISO week nor one calendar month has no VDA form: ValueError.
    Years outside 2000..2099 have none either (VDA writes two digits).
    """
    if date:
        day = dt.date.fromisoformat(date[:10])
        _check_century(day)
        return day.strftime("%y%m%d")
    if not (start and end):
        raise ValueError("a VDA date needs a day, or a period with both start and end")
    first, last = dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(end[:10])
    if first.day == 1 and last == _month_end(first):
        _check_century(first)
        return f"{first:%y%m}00"
    year, week, weekday = first.isocalendar()
    if weekday == 1 and last == first + dt.timedelta(days=6):
        if not 2000 <= year <= 2099:
            raise ValueError(f"year {year} cannot be written in two digits")
        return f"{year % 100:02d}00{week:02d}"
    raise ValueError(f"the period {start}..{end} is neither an ISO week nor a calendar month")


def _check_century(day: dt.date) -> None:
    if not 2000 <= day.year <= 2099:
        raise ValueError(f"year {day.year} cannot be written in two digits")


def vda_time(value: str) -> str | None:
    """Read a VDA time HHMM as ``HH:MM``; blank gives None; ValueError when it is no time."""
    text = value.strip()
    if not text:
        return None
    if len(text) != 4 or not text.isdigit() or int(text[:2]) > 23 or int(text[2:]) > 59:
        raise ValueError(f"'{value}' is not a time (HHMM)")
    return f"{text[:2]}:{text[2:]}"
