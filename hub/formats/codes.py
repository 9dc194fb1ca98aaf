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

# 7143 item type identification: which PIA/LIN codes name the buyer's and the supplier's part.
BUYER_PART_TYPES = ("IN", "BP", "EN", "")
SUPPLIER_PART_TYPES = ("SA",)

# 1225 message function -> order response status, and back.
ORDRSP_FUNCTION_TO_STATUS: dict[str, str] = {"29": "accepted", "4": "changed", "27": "rejected", "9": "accepted", "5": "changed"}
ORDRSP_STATUS_TO_FUNCTION: dict[str, str] = {"accepted": "29", "changed": "4", "rejected": "27"}

# 1229 action request (LIN) -> order response line status, and back.
LIN_ACTION_TO_STATUS: dict[str, str] = {"5": "accepted", "3": "changed", "7": "rejected", "1": "accepted", "2": "changed", "6": "rejected"}
LIN_STATUS_TO_ACTION: dict[str, str] = {"accepted": "5", "changed": "3", "rejected": "7"}

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
NAD_BUYER_ROLES = ("BY", "MI", "OB")  # buyer, planning schedule issuer, ordered by
NAD_SUPPLIER_ROLES = ("SE", "SU")  # seller, supplier
NAD_SHIP_TO_ROLES = ("ST", "CN", "DP")  # ship to, consignee, delivery party

# 4343 response type (ORDRSP BGM element 4), read when 1225 says nothing about the outcome.
ORDRSP_RESPONSE_TYPE_TO_STATUS: dict[str, str] = {"AP": "accepted", "AC": "changed", "CA": "changed", "RE": "rejected"}

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
