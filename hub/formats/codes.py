"""Code lists, in one place: units, qualifiers, commitment levels, date formats.

Each family's codec reads and writes codes through these tables, so a unit or a
qualifier is mapped once for every format.
"""

from __future__ import annotations

import datetime as dt
import functools

from hub.formats import codelists

# Units: each family reads and writes its own unit code list (hub/formats/codelists/,
# one JSON file per family with its source named), mapped into UN/ECE Rec 20. Pieces
# become C62 ("one"), the code UBL and most plant ERPs use. A code a family's list does
# not have is kept as sent and the document gets a warning: it is never passed off as a
# Rec 20 code (X12 CA is a case, Rec 20 CS, not Rec 20 CA "can"; VDA PA is a pair only in VDA).
REC20 = codelists.code_list("rec20", "rec20")
UNIT_FAMILIES = ("x12", "edifact", "vda", "ubl", "cxml", "idoc", "tabular")


def _rec20_package(code: str) -> bool:
    """A Rec 21 package type written as Rec 20 prescribes since revision 11: 'X' and two characters."""
    return len(code) == 3 and code[0] == "X" and code[1:].isalnum()


def unit_in(code: str, family: str = "tabular") -> tuple[str, bool]:
    """Read a unit of ``family``: ``(Rec 20 code, True)``, or ``(the code as sent, False)`` when unknown.

    An empty unit is C62, the default the canonical model gives a line.
    """
    raw = (code or "").strip()
    if not raw:
        return "C62", True
    key = raw.upper()
    units = codelists.unit_list(family)
    found = units.lookup(key)
    if found:
        return found, True
    if units.rec20 and (REC20.lookup(key) or _rec20_package(key)):
        return key, True
    return raw, False


def unit_to_rec20(code: str, family: str = "tabular", warnings: list[str] | None = None, where: str = "") -> str:
    """Map a unit of ``family`` to Rec 20; an unknown code is kept as sent, with a warning in ``warnings``."""
    unit, known = unit_in(code, family)
    if not known and warnings is not None:
        note_unknown_unit(warnings, unit, family, where)
    return unit


def note_unknown_unit(warnings: list[str], code: str, family: str, where: str = "") -> None:
    """Add the warning for an unknown unit once per document, at its first position (a file repeats it per line)."""
    note_once(warnings, f"unit '{code}' is not in the", unit_warning(code, family, where))


def note_once(warnings: list[str], marker: str, text: str) -> None:
    """Add ``text`` unless a warning with ``marker`` is there already: one warning per unknown code and document."""
    if not any(marker in warning for warning in warnings):
        warnings.append(text)


def unit_warning(code: str, family: str, where: str = "") -> str:
    """The warning for a unit ``family``'s code list does not have, with its position when known."""
    units = codelists.unit_list(family)
    text = (
        f"unit '{code}' is not in the {family.upper()} {units.id} code list the hub maps; "
        "kept as sent, it is no UN/ECE Rec 20 code"
    )
    return f"{where}: {text}" if where else text


def unit_from_rec20(code: str, family: str) -> str:
    """The unit code ``family`` writes for a Rec 20 code (a code it has no entry for is written as it is)."""
    return codelists.unit_list(family).code_for(code) or code


def identifier_scheme(family: str, list_id: str, qualifier: str) -> tuple[str, bool]:
    """The canonical identifier scheme of a product-id qualifier: ``(scheme, known)``.

    An unknown qualifier keeps its code as ``<family>:<code>``, so nothing is lost and a
    renderer of the same family can write it back.
    """
    found = codelists.code_list(family, list_id).lookup(qualifier)
    if found:
        return found, True
    return f"{family}:{qualifier}", False


def identifier_qualifier(family: str, list_id: str, scheme: str) -> str | None:
    """The qualifier ``family`` writes for a canonical scheme (or the raw one kept as ``<family>:<code>``)."""
    prefix = f"{family}:"
    if scheme.startswith(prefix):
        return scheme[len(prefix):]
    return codelists.code_list(family, list_id).code_for(scheme)


def status_map(family: str, list_id: str) -> dict[str, str]:
    """A status code list as ``{code: canonical status}``."""
    return {c.code: c.canonical for c in codelists.code_list(family, list_id).codes}


def status_writer(family: str, list_id: str) -> dict[str, str]:
    """``{canonical status: code}`` with the first code of each status, the one the hub writes."""
    out: dict[str, str] = {}
    for c in codelists.code_list(family, list_id).codes:
        out.setdefault(c.canonical, c.code)
    return out


def role_codes(family: str, list_id: str, role: str) -> tuple[str, ...]:
    """The party qualifiers of ``role`` (buyer, supplier, ship_to) in a family's party list."""
    return codelists.code_list(family, list_id).codes_for(role)


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
    if fmt == "201":  # YYMMDDHHMM (DELJIT from older systems)
        return edifact_date("20" + value, "203")
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

# --- ANSI ASC X12 -------------------------------------------------------------------

# Transaction set identifiers (ST01) -> names, for messages about sets the hub does not carry.
X12_SET_NAMES: dict[str, str] = {
    "810": "Invoice",
    "812": "Credit/Debit Adjustment",
    "820": "Payment Order/Remittance Advice",
    "824": "Application Advice",
    "830": "Planning Schedule with Release Capability",
    "846": "Inventory Inquiry/Advice",
    "850": "Purchase Order",
    "855": "Purchase Order Acknowledgment",
    "856": "Ship Notice/Manifest",
    "860": "Purchase Order Change Request",
    "861": "Receiving Advice",
    "862": "Shipping Schedule",
    "864": "Text Message",
    "865": "Purchase Order Change Acknowledgment",
    "866": "Production Sequence",
    "997": "Functional Acknowledgment",
    "999": "Implementation Acknowledgment",
    "TA1": "Interchange Acknowledgment",
}

# GS01 functional identifier code per transaction set, for rendering groups.
X12_FUNCTIONAL_ID: dict[str, str] = {"830": "PS", "862": "SS", "856": "SH", "850": "PO", "855": "PR", "997": "FA", "999": "FA", "810": "IN"}

# N101 entity identifier codes -> canonical party role.
# N101 entity identifier codes (98, codelists/x12.json) -> canonical party role.
X12_BUYER_ROLES = role_codes("x12", "98", "buyer")  # BY buyer, MI planning schedule issuer, OB ordered by
X12_SUPPLIER_ROLES = role_codes("x12", "98", "supplier")  # SU supplier, SE selling party, VN vendor, SF ship-from
X12_SHIP_TO_ROLES = role_codes("x12", "98", "ship_to")  # ST ship to, MA party for whom item is ultimately intended

# Product/service id qualifiers (235, codelists/x12.json) in LIN/PO1 pairs: which canonical
# schemes make the buyer's and the supplier's part, in order of preference. SK (stock
# keeping unit) is neither: a SKU is no part number.
X12_BUYER_PART_SCHEMES = ("buyer_part", "buyer_item", "purchaser_item", "buyer_catalogue")
X12_SUPPLIER_PART_SCHEMES = ("supplier_part", "supplier_item", "supplier_style", "supplier_catalogue")
X12_ORDER_REF = codelists.code_list("x12", "235").codes_for("order_number")  # PO, ON
X12_BATCH = codelists.code_list("x12", "235").codes_for("batch")  # LT lot number, B8 batch number

# FST02 forecast qualifier (680) -> canonical commitment. C firm and D planning are
# what automotive OEMs send; A (immediate) is firm by nature, B (pending) is no more
# than a forecast, and Z (mutually defined) is what OEM guidelines use for the
# fabrication authorisation, i.e. a production commitment.
X12_FORECAST_TO_COMMITMENT: dict[str, str] = {"A": "firm", "C": "firm", "B": "forecast", "D": "forecast", "Z": "production"}
# 'material' has no code of its own in 680; it goes out as Z, the mutually defined one.
COMMITMENT_TO_X12_FORECAST: dict[str, str] = {"firm": "C", "forecast": "D", "production": "Z", "material": "Z"}

# SHP01 quantity qualifier (673) and the date qualifiers (374) written with it: a
# discrete receipt (01) on its receipt date (050), the cumulative (02) from its start (051).
X12_SHP_DISCRETE = "01"
X12_SHP_CUMULATIVE = "02"
X12_DATE_RECEIVED = "050"
X12_DATE_CUM_START = "051"
# 856 DTM qualifiers: shipped (011); estimated delivery (017) or current schedule delivery (067).
X12_DATE_SHIPPED = ("011",)
X12_DATE_ARRIVAL = ("017", "067")

# BAK02 acknowledgment type (587) -> canonical order response status.
# (codelists/x12.json lists 587 and 668.)
X12_ACK_TYPE_TO_STATUS: dict[str, str] = status_map("x12", "587")
STATUS_TO_X12_ACK_TYPE: dict[str, str] = status_writer("x12", "587")  # AD, AC, RJ

# ACK01 line item status code (668) -> canonical line status; a code not listed is "changed".
X12_LINE_STATUS: dict[str, str] = status_map("x12", "668")
LINE_STATUS_TO_X12: dict[str, str] = status_writer("x12", "668")  # IA, IC, IR

# AK9/AK5/IK5/TA104 acknowledgment codes -> canonical status.
X12_ACK_CODE_TO_STATUS: dict[str, str] = {
    "A": "accepted",
    "E": "accepted",  # accepted, but errors were noted: the errors list says which
    "P": "partially_accepted",
    "R": "rejected",
    "M": "rejected",
    "W": "rejected",
    "X": "rejected",
}

# AK304/IK304 segment syntax error codes (720).
X12_SEGMENT_ERRORS: dict[str, str] = {
    "1": "unrecognized segment ID",
    "2": "unexpected segment",
    "3": "required segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "implementation 'not used' segment present",
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": "implementation dependent 'not used' segment present",
}
# AK403/IK403 data element syntax error codes (723).
X12_ELEMENT_ERRORS: dict[str, str] = {
    "1": "required data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I10": "implementation 'not used' data element present",
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": "implementation dependent 'not used' data element present",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
}
# AK502../IK502.. transaction set and AK905.. group error codes (718, 716).
X12_SET_ERRORS: dict[str, str] = {
    "1": "transaction set not supported",
    "2": "transaction set trailer missing",
    "3": "transaction set control number in header and trailer do not match",
    "4": "number of included segments does not match actual count",
    "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "23": "transaction set control number not unique within the functional group",
}
# TA105 interchange note codes (I18).
X12_TA1_NOTES: dict[str, str] = {
    "000": "no error",
    "001": "the interchange control number in the header and trailer do not match",
    "002": "this standard as noted in the control standards identifier is not supported",
    "003": "this version of the controls is not supported",
    "004": "the segment terminator is invalid",
    "005": "invalid interchange ID qualifier for sender",
    "006": "invalid interchange sender ID",
    "007": "invalid interchange ID qualifier for receiver",
    "008": "invalid interchange receiver ID",
    "014": "invalid interchange date value",
    "015": "invalid interchange time value",
    "018": "invalid interchange control number value",
    "021": "invalid number of included groups value",
    "022": "invalid control structure",
    "023": "improper (premature) end-of-file (transmission)",
    "024": "invalid interchange content (e.g., invalid GS segment)",
    "025": "duplicate interchange control number",
}


@functools.lru_cache(maxsize=4096)
def x12_date(value: str) -> str:
    """Read an X12 date (CCYYMMDD, or YYMMDD as in the ISA and 003xxx) as ISO; ValueError if bad.

    Six-digit years pivot at 50 (00-49 -> 20xx), the usual X12 translator rule. Cached:
    a schedule repeats the same few hundred dates across thousands of lines.
    """
    value = value.strip()
    if len(value) == 6 and value.isdigit():
        value = ("20" if int(value[:2]) < 50 else "19") + value
    return _ymd(value)


def x12_time(value: str) -> str:
    """Read an X12 time HHMM[SS[dd]] as ISO ``HH:MM`` (seconds kept when not zero)."""
    value = value.strip()
    if len(value) < 4 or not value.isdigit() or int(value[:2]) > 23 or int(value[2:4]) > 59:
        raise ValueError(f"{value!r} is not a time HHMM")
    text = f"{value[:2]}:{value[2:4]}"
    if len(value) >= 6 and value[4:6] != "00":
        text += f":{value[4:6]}"
    return text


def iso_to_x12(value: str) -> tuple[str, str]:
    """Write an ISO date or datetime as an X12 ``(CCYYMMDD, HHMM[SS])`` pair; time '' for a date."""
    day, _, time = value.partition("T")
    return day.replace("-", ""), time.replace(":", "")[:6]

# --- EDIFACT messages other than DELFOR (DELJIT, DESADV, ORDERS, ORDRSP, CONTRL, APERAK) ---

# 2005 date/time qualifiers.
DTM_DESPATCH = ("11",)  # despatch date/time
DTM_ARRIVAL = ("132", "17", "191")  # arrival estimated, delivery estimated, delivery expected
DTM_ORDER_DELIVERY = ("2", "10", "64", "69")  # line: delivery requested / shipment requested / earliest / promised
DTM_JIT_DELIVERY = ("2", "10")  # DELJIT: delivery requested, shipment requested (with time, 203)
DTM_JIT_PERIOD_START = ("194", "158", "64")
DTM_JIT_PERIOD_END = ("206", "159", "63")

# 6063 quantity qualifiers.
QTY_DESPATCHED = ("12",)  # despatch quantity
QTY_ORDERED = ("21",)  # ordered quantity
QTY_ORDRSP = ("21", "113", "12", "1", "192")  # ordered, to be delivered, despatch, discrete, free goods
QTY_JIT = ("1", "113", "12", "131")  # discrete, to be delivered, despatch, delivered (Odette 131: call-off)

# 6311 measurement purpose / 6313 property for the gross weight of a consignment.
MEA_WEIGHT_PURPOSES = ("AAE", "WT", "AAX")
MEA_GROSS_WEIGHT = ("G", "AAB", "AAD")

# 5125 price qualifiers: AAA net, AAB gross, INF information, CAL calculation.
PRI_QUALIFIERS = ("AAA", "AAB", "INF", "CAL")

# 1153 reference qualifiers.
RFF_ORDER = ("ON", "CO", "VN")  # order number (buyer's), customer order, supplier's order number
RFF_CALL_OFF = ("AAN", "AIF")  # delivery schedule number, previous schedule (DESADV references the call-off)
RFF_DELIVERY_NOTE = ("AAU", "DQ", "AAK")

# 7405 identity number qualifiers in GIN: package labels and batches.
GIN_LABEL = ("BJ", "AW", "ML", "AAS")  # SSCC, serial shipping container, marking label, transport unit id
GIN_BATCH = ("BX", "BN")  # batch number, manufacturer's batch

# 7143 item type identification (codelists/edifact.json): which canonical schemes of LIN/PIA
# item numbers make the buyer's and the supplier's part, in order of preference whatever
# segment names them (a PIA IN beats a GTIN in LIN); the stand-ins fill buyer_part when no
# buyer's number is given (a GTIN, or a number without a type).
EDIFACT_BUYER_PART_SCHEMES = ("buyer_part",)
EDIFACT_SUPPLIER_PART_SCHEMES = ("supplier_part", "supplier_item")
EDIFACT_BUYER_PART_STAND_INS = ("gtin", "unqualified")

# 1225 message function -> order response status, and back (codelists/edifact.json).
ORDRSP_FUNCTION_TO_STATUS: dict[str, str] = status_map("edifact", "1225")
ORDRSP_STATUS_TO_FUNCTION: dict[str, str] = status_writer("edifact", "1225")

# 1229 action request (LIN) -> order response line status, and back (UNCL 1229: 1 added,
# 3 changed, 5 accepted, 6 accepted with amendment, 7 not accepted, 42 already delivered ...).
LIN_ACTION_TO_STATUS: dict[str, str] = status_map("edifact", "1229")
LIN_STATUS_TO_ACTION: dict[str, str] = status_writer("edifact", "1229")

# 0083 CONTRL action coded (UCI/UCM): 4 rejected, 7 acknowledged/accepted, 8 received (not checked).
CONTRL_ACTION_TO_STATUS: dict[str, str] = {"4": "rejected", "7": "accepted", "8": "accepted"}
CONTRL_STATUS_TO_ACTION: dict[str, str] = {"accepted": "7", "rejected": "4", "partially_accepted": "7"}

# FormatError.code -> 0085 syntax error code (ISO 9735 CONTRL UCI/UCM/UCS/UCD).
SYNTAX_ERROR_CODES: dict[str, str] = {
    "invalid_value": "12",  # invalid value
    "missing": "13",  # missing
    "too_many": "16",  # too many constituents
    "unsupported": "17",  # no agreement (message type not carried)
    "reference": "28",  # references do not match
    "count": "29",  # control count does not match number of instances received
    "charset": "21",  # invalid character(s)
    "tag": "22",  # invalid service segment tag
}
SYNTAX_ERROR_DEFAULT = "18"  # unspecified error
SYNTAX_ERROR_TEXT: dict[str, str] = {
    "12": "invalid value",
    "13": "missing",
    "16": "too many constituents",
    "17": "no agreement",
    "18": "unspecified error",
    "21": "invalid character(s)",
    "22": "invalid service segment tag",
    "28": "references do not match",
    "29": "control count does not match number of instances received",
}


def syntax_error_code(code: str) -> str:
    """Map a FormatError code (or an 0085 code already) to an ISO 9735 0085 syntax error code."""
    if code.isdigit():
        return code
    return SYNTAX_ERROR_CODES.get(code, SYNTAX_ERROR_DEFAULT)


# APERAK: 1225 message function -> acknowledgement status; ERC error codes (9321).
APERAK_FUNCTION_TO_STATUS: dict[str, str] = {"27": "rejected", "29": "accepted", "9": "accepted", "44": "accepted", "6": "accepted"}
APERAK_STATUS_TO_FUNCTION: dict[str, str] = {"accepted": "29", "rejected": "27", "partially_accepted": "4"}
APERAK_ERC_ACCEPTED = ("1", "")  # ERC 1: no error / accepted (EANCOM)
APERAK_ERC_APPLICATION = "APP"  # default application error code the hub writes

# 3035 party function codes the EDIFACT mappings read (DELFOR keeps its own narrower set).
NAD_BUYER_ROLES = role_codes("edifact", "3035", "buyer")  # BY buyer, MI planning schedule issuer, OB ordered by
NAD_SUPPLIER_ROLES = role_codes("edifact", "3035", "supplier")  # SU supplier, SE seller
NAD_SHIP_TO_ROLES = role_codes("edifact", "3035", "ship_to")  # ST ship to, CN consignee, DP delivery party

# 4343 response type (ORDRSP BGM element 4), read when 1225 says nothing about the outcome.
ORDRSP_RESPONSE_TYPE_TO_STATUS: dict[str, str] = status_map("edifact", "4343")

# 6411 weight units -> kilograms (the canonical gross weight is in kg).
WEIGHT_TO_KG: dict[str, str] = {"KGM": "1", "GRM": "0.001", "TNE": "1000"}

# 1153 references in APERAK: the acknowledged message (ACW, UNH 0062), and the hub's usage
# of AFX/AFY for the acknowledged interchange (UNB 0020) and group (UNG 0048); the
# acknowledged document's own number is one of APERAK_DOCUMENT_RFF.
APERAK_MESSAGE_RFF = "ACW"
APERAK_INTERCHANGE_RFF = "AFX"
APERAK_GROUP_RFF = "AFY"
APERAK_DOCUMENT_RFF = ("ON", "AAN", "AAK", "DQ", "IV", "AAU", "CT", "VN")
APERAK_TEXT_QUALIFIER = "AAO"  # 4451 error description
APERAK_POSITION_QUALIFIER = "ZZZ"  # 4451 mutually defined: where the error is

# --- SAP IDoc (ORDERS01/05, DELFOR02 DELINS/DELJIT, DELVRY0x DESADV) -------------------

# IDoc basic type (EDI_DC40-IDOCTYP) -> the canonical document it carries. The logical
# message type (MESTYP) is only read to tell DELJIT from DELINS; partners often send
# their own message types (ZZORDERS ...), so the basic type decides.
IDOC_BASIC_TYPES: dict[str, str] = {
    "ORDERS01": "purchase_order",
    "ORDERS02": "purchase_order",
    "ORDERS03": "purchase_order",
    "ORDERS04": "purchase_order",
    "ORDERS05": "purchase_order",
    "DELFOR01": "delivery_schedule",
    "DELFOR02": "delivery_schedule",
    "DESADV01": "despatch_advice",
    "DELVRY01": "despatch_advice",
    "DELVRY02": "despatch_advice",
    "DELVRY03": "despatch_advice",
    "DELVRY04": "despatch_advice",
    "DELVRY05": "despatch_advice",
    "DELVRY06": "despatch_advice",
    "DELVRY07": "despatch_advice",
}
# What the hub writes, per document (basic type, message type); RenderOptions.version may
# name another basic type of the same document (ORDERS01, DELFOR01, DESADV01 ...).
IDOC_RENDER_TYPES: dict[str, tuple[str, str]] = {
    "purchase_order": ("ORDERS05", "ORDERS"),
    "delivery_schedule": ("DELFOR02", "DELINS"),
    "despatch_advice": ("DELVRY03", "DESADV"),
}
IDOC_JIT_MESSAGE = "DELJIT"  # MESTYP of a JIT call-off in the DELFOR basic types
# Basic types the hub knows by name but does not carry: named in the 'unsupported' error.
IDOC_OTHER_TYPES: dict[str, str] = {
    "INVOIC01": "invoice",
    "INVOIC02": "invoice",
    "ORDRSP": "order response",
    "DEBMAS": "customer master",
    "CREMAS": "vendor master",
    "MATMAS": "material master",
    "SHPMNT05": "shipment",
    "WP_PLU02": "POS article master",
    "STATUS01": "status",
    "SYSTAT01": "status",
}

# Partner functions (PARVW in E1EDKA1, PARTNER_Q in E1ADRM1) -> canonical party role.
IDOC_BUYER_ROLES = ("AG", "BY")  # AG: sold-to party (Auftraggeber)
IDOC_SUPPLIER_ROLES = ("LF", "SU", "RS")  # LF: vendor (Lieferant), RS: invoicing party
IDOC_SHIP_TO_ROLES = ("WE", "ST")  # WE: ship-to party (Warenempfänger)
IDOC_CARRIER_ROLES = ("SP", "CA")  # SP: forwarding agent (Spediteur)
# What the renderer writes for each role.
IDOC_ROLE_BUYER, IDOC_ROLE_SUPPLIER, IDOC_ROLE_SHIP_TO, IDOC_ROLE_CARRIER = "AG", "LF", "WE", "SP"

# E1EDK02 / E1EDK03 / E1EDP19 / E1EDL41 qualifiers.
IDOC_K02_ORDER = "001"  # customer purchase order
IDOC_K03_DOCUMENT_DATE = "012"  # document date
IDOC_K03_DELIVERY_DATE = "002"  # requested delivery date (header)
IDOC_P03_DELIVERY_DATE = "002"  # requested delivery date (item, E1EDP03)
IDOC_P19_BUYER_PART = "001"  # material number used by the customer
IDOC_P19_SUPPLIER_PART = "002"  # material number used by the vendor
IDOC_L41_ORDER = "001"  # purchase order (E1EDL41-QUALI)
# E1EDT13-QUALF in DELVRY: 006 goods issue (shipped), 007 delivery (arrival).
IDOC_T13_SHIP = ("006",)
IDOC_T13_ARRIVAL = ("007",)

# E1EDP16 in DELFOR (ASSUMED, see idoc/layouts.py): ETTYP schedule line type -> commitment,
# mirroring EDIFACT 4017 (1 firm, 2 production release, 3 material release, 4 forecast);
# PRGRS date type: D day, W week, M month, I interval (from EDATUV to EDATUB).
IDOC_ETTYP_TO_COMMITMENT: dict[str, str] = {"1": "firm", "2": "production", "3": "material", "4": "forecast", "0": "firm"}
COMMITMENT_TO_IDOC_ETTYP: dict[str, str] = {"firm": "1", "production": "2", "material": "3", "forecast": "4"}
IDOC_PRGRS_DAY, IDOC_PRGRS_WEEK, IDOC_PRGRS_MONTH, IDOC_PRGRS_INTERVAL = "D", "W", "M", "I"

# EDI_DC40 partner types (SNDPRT/RCVPRT): LS logical system, KU customer, LI vendor.
IDOC_PARTNER_TYPES = ("LS", "KU", "LI", "US", "B", "BP")

# Units: SAP writes the ISO code of its unit (T006-ISOCODE), which is Rec 20 but for a
# few historical codes; internal SAP codes (ST, KG, M, L ...) come from older partners
# (codelists/idoc.json).


def idoc_unit_to_rec20(code: str, warnings: list[str] | None = None, where: str = "") -> str:
    """Map an IDoc unit (ISO code, or an SAP-internal one) to Rec 20; unknown ones kept, with a warning."""
    return unit_to_rec20(code, "idoc", warnings, where)


def idoc_unit_from_rec20(code: str) -> str:
    """The unit code an IDoc carries for a Rec 20 code (PCE for pieces, else Rec 20 itself)."""
    return unit_from_rec20(code, "idoc")
