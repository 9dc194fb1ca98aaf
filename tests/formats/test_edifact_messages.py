"""Mapping tests: hand-written EDIFACT messages (written from the UN/EDIFACT directories
and the Odette/VDA usage) read into canonical documents with the values asserted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.formats.canonical import Acknowledgement, DeliverySchedule, DespatchAdvice, OrderResponse, PurchaseOrder
from hub.formats.edifact import EdifactCodec
from hub.formats.edifact.messages import delfor

CODEC = EdifactCodec()


def build(*messages: tuple[str, str, list[str]], una: str = "UNA:+.? '", unb: str = "UNOC:3", ref: str = "IC1") -> bytes:
    """An interchange from ``(message ref, "TYPE:D:96A:UN", body segments)``; UNT counts are computed."""
    out = [una] if una else []
    out.append(f"UNB+{unb}+OEMPLANTS:ZZ+SUP00001:ZZ+260301:0800+{ref}'")
    for msg_ref, ident, body in messages:
        out.append(f"UNH+{msg_ref}+{ident}'")
        out.extend(s + "'" for s in body)
        out.append(f"UNT+{len(body) + 2}+{msg_ref}'")
    out.append(f"UNZ+{len(messages)}+{ref}'")
    return "\n".join(out).encode("latin-1")


def only(data: bytes):
    result = CODEC.parse(data)
    assert not result.all_errors, [str(e) for e in result.all_errors]
    assert len(result.documents) == 1
    return result.documents[0]


DELFOR_BODY = [
    "BGM+241+CALLOFF-1+5",
    "DTM+137:20260301:102",
    "RFF+AIF:CALLOFF-0",
    "NAD+BY+PLANT01::92",
    "NAD+SE+SUP00001::92++Muster GmbH",
    "UNS+D",
    "NAD+ST+PLANT01::92",
    "LOC+11+GATE 4",
    "LIN+++A2C-100:IN",
    "PIA+1+S-100:SA",
    "RFF+ON:PO-9",
    "QTY+70:1200:PCE",
    "DTM+51:20260101:102",
    "QTY+1:500:PCE",
    "SCC+1",
    "DTM+2:20260305:102",
    "QTY+1:800:PCE",
    "SCC+4",
    "DTM+158:202612:616",
    "UNS+S",
]


def test_delfor_still_reads_as_before():
    doc = only(build(("1", "DELFOR:D:96A:UN:A01051", DELFOR_BODY)))
    assert isinstance(doc, DeliverySchedule) and doc.kind == "standard"
    assert doc.number == "CALLOFF-1" and doc.previous_number == "CALLOFF-0" and doc.issued == "2026-03-01"
    line = doc.lines[0]
    assert (line.buyer_part, line.supplier_part, line.order_number) == ("A2C-100", "S-100", "PO-9")
    assert line.cumulative_received.quantity == Decimal(1200)
    assert [(s.quantity, s.commitment, s.date, s.from_) for s in line.schedule] == [
        (Decimal(500), "firm", "2026-03-05", None),
        (Decimal(800), "forecast", None, "2026-03-16"),
    ]
    assert doc.source.version == "DELFOR D96A"
    assert delfor.write(doc, "1", __import__("hub.formats.edifact.syntax", fromlist=["DEFAULT"]).DEFAULT)[0].startswith("UNH+1+DELFOR")


DELJIT_BODY = [
    "BGM+242+JIT-4711+9",
    "DTM+137:202603010800:203",
    "RFF+AIF:JIT-4710",
    "NAD+BY+PLANT01::92",
    "NAD+SE+SUP00001::92++Muster GmbH",
    "NAD+CN+PLANT01::92",
    "LOC+11+TOR 4",
    "SEQ++1",
    "LIN+++A2C-100-200:IN",
    "PIA+1+SUP-200:SA",
    "LOC+159+BAND 2",
    "RFF+ON:ORDER-77",
    "PAC+4++BOX",
    "QTY+52:100",
    "QTY+1:400:PCE",
    "SCC+1",
    "DTM+2:202603021030:203",
    "QTY+1:200:PCE",
    "SCC+4",
    "DTM+194:202603030600:203",
    "DTM+206:202603031400:203",
]


@pytest.mark.parametrize("directory", ["D:96A:UN", "D:97A:UN", "D:04A:UN"])
def test_deljit_reads_times_periods_and_packing(directory):
    doc = only(build(("7", f"DELJIT:{directory}", DELJIT_BODY)))
    assert isinstance(doc, DeliverySchedule) and doc.kind == "jit"
    assert doc.number == "JIT-4711" and doc.issued == "2026-03-01T08:00" and doc.previous_number == "JIT-4710"
    assert doc.ship_to.id == "PLANT01" and doc.ship_to.unloading_point == "TOR 4" and doc.supplier.name == "Muster GmbH"
    line = doc.lines[0]
    assert (line.buyer_part, line.supplier_part) == ("A2C-100-200", "SUP-200")
    assert (line.order_number, line.unloading_point) == ("ORDER-77", "BAND 2")
    assert len(line.schedule) == 2  # PAC's QTY+52 (quantity per package) is no requirement
    first, second = line.schedule
    assert (first.quantity, first.commitment, first.date) == (Decimal(400), "firm", "2026-03-02T10:30")
    assert (second.commitment, second.from_, second.to) == ("forecast", "2026-03-03T06:00", "2026-03-03T14:00")
    assert doc.source.version == "DELJIT " + directory.replace(":", "")[:4]


DESADV_BODY = [
    "BGM+351+DN-100200+9",
    "DTM+137:20260302:102",
    "DTM+11:202603021400:203",
    "DTM+132:202603030600:203",
    "MEA+AAE+G+KGM:1250.5",
    "RFF+AAN:CALLOFF-1",
    "NAD+CN+PLANT01::92",
    "NAD+CZ+SUP00001::92",
    "NAD+SE+SUP00001::92++Muster GmbH",
    "TDT+12++31++SPEDITION MAYER:::Mayer Logistik+++B-XY 123",
    "CPS+1",
    "PAC+2++201",
    "PCI+33E",
    "GIN+BJ+00340123450000000017+00340123450000000024",
    "CPS+2+1",
    "PAC+1++PAL",
    "PCI+33E",
    "GIN+ML+LABEL-9",
    "LIN+1++A2C-100:IN",
    "PIA+1+S-100:SA",
    "QTY+12:480:PCE",
    "RFF+ON:PO-9",
    "GIN+BX+BATCH-77",
    "LIN+2++A2C-200:IN",
    "QTY+12:12,5:KGM",
]


def test_desadv_reads_vda4987_usage():
    doc = only(build(("1", "DESADV:D:96A:UN", DESADV_BODY)))
    assert isinstance(doc, DespatchAdvice)
    assert doc.number == "DN-100200" and doc.issued == "2026-03-02"
    assert doc.ship_date == "2026-03-02T14:00" and doc.arrival_date == "2026-03-03T06:00"
    assert doc.gross_weight == Decimal("1250.5") and doc.carrier == "SPEDITION MAYER" and doc.transport_id == "B-XY 123"
    assert doc.ship_to.id == "PLANT01" and doc.supplier.id == "SUP00001"
    assert [(p.type, p.count, p.label_ids) for p in doc.packages] == [
        ("201", 2, ["00340123450000000017", "00340123450000000024"]),
        ("PAL", 1, ["LABEL-9"]),
    ]
    first, second = doc.lines
    assert (first.buyer_part, first.supplier_part, first.quantity, first.unit, first.order_number, first.batch) == (
        "A2C-100", "S-100", Decimal(480), "C62", "PO-9", "BATCH-77",
    )
    # the second line has no RFF+ON: it answers the call-off the header names; a decimal comma is read too
    assert (second.quantity, second.unit, second.order_number) == (Decimal("12.5"), "KGM", "CALLOFF-1")


ORDERS_BODY = [
    "BGM+220+PO-4711+9",
    "DTM+137:20260301:102",
    "DTM+2:20260320:102",
    "CUX+2:EUR:9",
    "NAD+BY+PLANT01::92++Werk 1",
    "NAD+SU+SUP00001::92",
    "NAD+DP+PLANT01::92",
    "LIN+1++A2C-100:IN",
    "PIA+1+S-100:SA",
    "IMD+F++:::Halter?: links:Ausf. B",
    "QTY+21:1000:PCE",
    "PRI+AAA:1.25",
    "DTM+2:20260315:102",
    "LIN+2++S-200:SA",
    "QTY+21:5:KGM",
    "UNS+S",
    "CNT+2:2",
]


def test_orders_reads_lines_prices_and_dates():
    doc = only(build(("1", "ORDERS:D:96A:UN", ORDERS_BODY)))
    assert isinstance(doc, PurchaseOrder)
    assert (doc.number, doc.issued, doc.currency) == ("PO-4711", "2026-03-01", "EUR")
    assert (doc.buyer.id, doc.buyer.name, doc.supplier.id, doc.ship_to.id) == ("PLANT01", "Werk 1", "SUP00001", "PLANT01")
    first, second = doc.lines
    assert (first.line, first.buyer_part, first.supplier_part, first.description) == ("1", "A2C-100", "S-100", "Halter: links Ausf. B")
    assert (first.quantity, first.unit, first.price, first.requested_date) == (Decimal(1000), "C62", Decimal("1.25"), "2026-03-15")
    # no line date: the header's DTM+2 applies
    assert (second.supplier_part, second.quantity, second.unit, second.price, second.requested_date) == (
        "S-200", Decimal(5), "KGM", None, "2026-03-20",
    )


@pytest.mark.parametrize(("function", "status"), [("29", "accepted"), ("4", "changed"), ("27", "rejected")])
def test_ordrsp_reads_status_and_line_actions(function, status):
    body = [
        f"BGM+231+RSP-1+{function}",
        "DTM+137:20260302:102",
        "RFF+ON:PO-4711",
        "NAD+SU+SUP00001::92",
        "LIN+1+5+A2C-100:IN",
        "QTY+21:1000:PCE",
        "LIN+2+3+A2C-200:IN",
        "QTY+21:400:PCE",
        "DTM+2:20260401:102",
        "LIN+3+7+A2C-300:IN",
        "UNS+S",
    ]
    doc = only(build(("1", "ORDRSP:D:96A:UN", body)))
    assert isinstance(doc, OrderResponse)
    assert (doc.number, doc.order_number, doc.status) == ("RSP-1", "PO-4711", status)
    assert [(x.line, x.buyer_part, x.status, x.quantity, x.date) for x in doc.lines] == [
        ("1", "A2C-100", "accepted", Decimal(1000), None),
        ("2", "A2C-200", "changed", Decimal(400), "2026-04-01"),
        ("3", "A2C-300", "rejected", None, None),
    ]


def test_contrl_reads_uci_ucm_ucs_ucd():
    body = [
        "UCI+IC77+SUP00001:ZZ+SUPPLIERHUB:ZZ+7",
        "UCM+1+DESADV:D:96A:UN+7",
        "UCM+2+DESADV:D:96A:UN+4",
        "UCS+14+12",
        "UCS+15",
        "UCD+12+1:2",
        "UCM+3+DESADV:D:96A:UN+4+13+BGM",
    ]
    doc = only(build(("C1", "CONTRL:D:3:UN", body)))
    assert isinstance(doc, Acknowledgement)
    assert doc.acknowledges.interchange_ref == "IC77" and doc.acknowledges.message_refs == ["1", "2", "3"]
    assert doc.status == "partially_accepted"
    assert [(e.position, e.code) for e in doc.errors] == [
        ("segment 14 [message 2]", "12"),
        ("segment 15, element 1, component 2 [message 2]", "12"),
        ("BGM [message 3]", "13"),
    ]
    assert doc.errors[0].text == "invalid value"


def test_contrl_rejecting_the_interchange():
    doc = only(build(("C1", "CONTRL:D:3:UN", ["UCI+IC77+SUP00001:ZZ+SUPPLIERHUB:ZZ+4+29+UNZ+1"])))
    assert doc.status == "rejected" and doc.errors[0].position == "UNZ, element 1" and doc.errors[0].code == "29"


def test_aperak_reads_errors_and_references():
    body = [
        "BGM+++27",
        "DTM+137:20260302:102",
        "RFF+ON:DN-100200",
        "RFF+ACW:1",
        "ERC+Z10",
        "FTX+AAO+++Part A2C-999 is unknown:for plant PLANT01",
        "ERC+Z11",
        "FTX+AAO+++Quantity above call-off",
    ]
    doc = only(build(("A1", "APERAK:D:96A:UN", body)))
    assert doc.status == "rejected" and doc.acknowledges.number == "DN-100200" and doc.acknowledges.message_refs == ["1"]
    assert [(e.code, e.text) for e in doc.errors] == [
        ("Z10", "Part A2C-999 is unknownfor plant PLANT01"),  # FTX C108 components are one text cut in pieces
        ("Z11", "Quantity above call-off"),
    ]


def test_aperak_erc_1_is_an_acceptance():
    doc = only(build(("A1", "APERAK:D:96A:UN", ["BGM+27+APERAK001+9", "RFF+ACW:PO123456", "ERC+1", "FTX+AAI+++accepted"])))
    assert doc.status == "accepted" and doc.errors == [] and doc.number == "APERAK001"


def test_desadv_label_ranges_and_vda_weight():
    body = [
        "BGM+351+DN-7+9",
        "MEA+AAX+AAD+KGM:80",
        "CPS+1",
        "PAC+4++BOX",
        "PCI+17",
        "GIN+ML+00001001:00001004+X9",
        "LIN+1++P:IN",
        "QTY+12:4",
    ]
    doc = only(build(("1", "DESADV:D:97A:UN", body)))
    assert doc.gross_weight == Decimal(80)
    assert doc.packages[0].label_ids == ["00001001", "00001002", "00001003", "00001004", "X9"]
