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
