"""X12 transaction set mappings: each set's canonical values, from fixtures written from the standard."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.formats import registry
from hub.formats.canonical import (
    Acknowledgement,
    DeliverySchedule,
    DespatchAdvice,
    OrderResponse,
    PurchaseOrder,
    to_json,
)
from hub.formats.x12 import X12Codec
from tests.formats.x12_samples import BODY_830, BODY_850, BODY_855, BODY_856, BODY_862, BODY_997, BODY_999, interchange, isa

CODEC = X12Codec()


def parse_one(text: str):
    result = CODEC.parse(text.encode("ascii"))
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    assert len(result.documents) == 1
    return result.documents[0]


def test_830_header_and_parties():
    doc = parse_one(interchange([("830", BODY_830)]))
    assert isinstance(doc, DeliverySchedule)
    assert doc.kind == "standard"
    assert doc.number == "SCH-2026-0042"
    assert doc.issued == "2026-03-01"
    assert (doc.sender.scheme, doc.sender.id) == ("ZZ", "OEMPLANTS")
    assert (doc.receiver.scheme, doc.receiver.id) == ("ZZ", "SUP00001")
    ship_to = doc.ship_to
    assert (ship_to.id, ship_to.plant, ship_to.name, ship_to.unloading_point) == ("PLANT01", "PLANT01", "Werk Eins", "TOR-3")
    assert (doc.supplier.id, doc.supplier.name) == ("SUP00001", "Zulieferer GmbH")
    assert doc.buyer.id == "OEM"
    assert doc.source.format == "X12"
    assert doc.source.version == "830 004010"
    assert doc.source.message_ref == "0001"
    assert doc.source.interchange_ref == "000000101"


def test_830_lines_schedule_and_receipts():
    doc = parse_one(interchange([("830", BODY_830)]))
    first, second = doc.lines
    assert (first.buyer_part, first.supplier_part, first.order_number) == ("4711-001", "SUP-77", "PO-900")
    assert first.unit == "C62"  # PC -> Rec 20 C62
    assert first.description == "Bracket, left"
    assert first.unloading_point == "TOR-5"
    assert first.last_receipts[0].quantity == Decimal(240)
    assert first.last_receipts[0].date == "2026-02-26"
    assert first.last_receipts[0].delivery_note == "DN-555"
    assert first.cumulative_received is not None
    assert first.cumulative_received.quantity == Decimal(12000)
    assert first.cumulative_received.date == "2026-01-01"
    schedule = [(e.quantity, e.commitment, e.date, e.from_, e.to) for e in first.schedule]
    assert schedule == [
        (Decimal(120), "firm", "2026-03-02", None, None),
        (Decimal("80.5"), "firm", "2026-03-03", None, None),
        (Decimal(500), "forecast", None, "2026-03-09", "2026-03-15"),  # weekly: end implied
        (Decimal(1500), "forecast", None, "2026-04-01", "2026-04-30"),  # flexible interval FST04-FST05
        (Decimal(700), "production", None, "2026-05-01", "2026-05-31"),  # Z, monthly
    ]
    assert all(isinstance(e.quantity, Decimal) for e in first.schedule)
    assert second.buyer_part == "4711-002"
    assert second.unit == "KGM"
    assert second.schedule[0].quantity == Decimal("12.250")
    assert second.schedule[0].commitment == "firm"  # A (immediate)


def test_830_canonical_json_is_decimal_text():
    doc = parse_one(interchange([("830", BODY_830)]))
    data = to_json(doc)
    assert data["type"] == "delivery_schedule"
    assert data["lines"][0]["schedule"][1] == {"quantity": "80.5", "commitment": "firm", "date": "2026-03-03"}


def test_862_is_jit_with_times():
    doc = parse_one(interchange([("862", BODY_862)], functional_id="SS"))
    assert isinstance(doc, DeliverySchedule)
    assert doc.kind == "jit"
    assert doc.number == "JIT-0815"
    assert doc.issued == "2026-03-01"
    assert doc.ship_to.plant == "PLANT01"
    line = doc.lines[0]
    assert [(e.quantity, e.date, e.commitment) for e in line.schedule] == [
        (Decimal(40), "2026-03-02T06:00", "firm"),
        (Decimal(40), "2026-03-02T14:00", "firm"),
    ]
    assert line.last_receipts[0].delivery_note == "DN-600"


def test_856_hierarchy_labels_and_orders():
    doc = parse_one(interchange([("856", BODY_856)], functional_id="SH"))
    assert isinstance(doc, DespatchAdvice)
    assert doc.number == "ASN-1001"
    assert doc.issued == "2026-03-01T15:30"
    assert doc.ship_date == "2026-03-01T15:30"
    assert doc.arrival_date == "2026-03-02T08:00"
    assert doc.gross_weight == Decimal("812.5")
    assert doc.carrier == "DHLX"
    assert doc.transport_id == "AB123456"
    assert doc.ship_to.plant == "PLANT01"
    assert doc.supplier.id == "SUP00001"
    assert [(p.type, p.count, p.label_ids) for p in doc.packages] == [("PLT90", 2, ["00340123450000000018", "00340123450000000025"])]
    lines = [(x.buyer_part, x.supplier_part, x.quantity, x.unit, x.order_number, x.batch) for x in doc.lines]
    assert lines == [
        ("4711-001", "SUP-77", Decimal(120), "C62", "PO-900", "B-17"),
        ("4711-002", "", Decimal("12.5"), "KGM", "PO-900", "B-18"),
        ("", "SUP-99", Decimal(7), "C62", "PO-901", ""),
    ]


def test_850_purchase_order():
    doc = parse_one(interchange([("850", BODY_850)], functional_id="PO"))
    assert isinstance(doc, PurchaseOrder)
    assert (doc.number, doc.issued, doc.currency) == ("PO-4500012345", "2026-03-01", "EUR")
    assert (doc.buyer.id, doc.supplier.id, doc.ship_to.id) == ("OEM", "SUP00001", "PLANT01")
    first, second = doc.lines
    assert (first.line, first.buyer_part, first.supplier_part, first.quantity, first.unit, first.price) == (
        "10", "4711-001", "SUP-77", Decimal(100), "C62", Decimal("1.25"),
    )  # fmt: skip
    assert first.description == "Bracket, left"
    assert first.requested_date == "2026-03-15"
    assert (second.quantity, second.unit, second.price, second.requested_date) == (Decimal("2.5"), "KGM", Decimal(10), "2026-03-20")


def test_855_order_response_statuses():
    doc = parse_one(interchange([("855", BODY_855)], functional_id="PR"))
    assert isinstance(doc, OrderResponse)
    assert (doc.number, doc.order_number, doc.status, doc.issued) == ("OC-77", "PO-4500012345", "changed", "2026-03-02")
    assert [(x.line, x.status, x.quantity, x.date) for x in doc.lines] == [
        ("10", "accepted", Decimal(100), "2026-03-15"),
        ("20", "changed", Decimal(2), "2026-03-22"),
        ("30", "rejected", Decimal(0), None),
    ]


def test_997_functional_acknowledgement():
    doc = parse_one(interchange([("997", BODY_997)], functional_id="FA"))
    assert isinstance(doc, Acknowledgement)
    assert doc.status == "partially_accepted"
    assert doc.acknowledges.group_ref == "1234"
    assert doc.acknowledges.message_refs == ["0001", "0002", "0003"]
    assert [(e.position, e.code) for e in doc.errors] == [
        ("message 0002, segment 14 (LIN)", "8"),
        ("message 0002, segment 14 (LIN), element 3", "7"),
        ("message 0003", "4"),
    ]
    assert doc.errors[1].text == "invalid code value: 'XX'"
    assert doc.errors[2].text == "number of included segments does not match actual count"
    assert doc.source.version == "997 004010 SH 856"


def test_999_implementation_acknowledgement_5010():
    doc = parse_one(interchange([("999", BODY_999)], functional_id="FA", version="005010X231"))
    assert isinstance(doc, Acknowledgement)
    assert doc.status == "rejected"
    assert doc.acknowledges.group_ref == "88"
    assert doc.acknowledges.message_refs == ["0001"]
    assert doc.errors[1].position == "message 0001, segment 9 (FST), element 1, component 1"
    assert doc.errors[1].code == "6"
    assert doc.errors[1].text == "invalid character in data element: '12,5x'"


def test_ta1_interchange_acknowledgement():
    text = isa("00501") + "\nTA1*000000777*260228*2359*R*022~\nIEA*0*000000101~\n"
    doc = parse_one(text)
    assert isinstance(doc, Acknowledgement)
    assert doc.acknowledges.interchange_ref == "000000777"
    assert doc.status == "rejected"
    assert doc.issued == "2026-02-28T23:59"
    assert [(e.code, e.text) for e in doc.errors] == [("022", "invalid control structure")]


def test_unsupported_set_is_named_not_a_syntax_error():
    text = interchange([("810", ["BIG*20260301*INV-1", "TDS*100"]), ("830", BODY_830)])
    result = CODEC.parse(text.encode())
    assert len(result.documents) == 1  # the 830 next to it still parses
    (error,) = result.all_errors
    assert error.code == "unsupported"
    assert str(error) == (
        "segment 1 (ST), element 1: transaction set 810 (Invoice) is not carried by the hub "
        "(it takes 830, 850, 855, 856, 862, 997, 999, TA1) [message 0001]"
    )


def test_several_groups_with_different_versions():
    first = interchange([("830", BODY_830)]).split("\n")
    second = interchange([("850", BODY_850)], functional_id="PO", version="005010").split("\n")
    # one interchange: the 4010 group, then the 5010 group, one IEA counting 2 groups
    text = "\n".join(first[:-2] + second[1:-2] + ["IEA*2*000000101~", ""])
    result = CODEC.parse(text.encode())
    assert result.all_errors == []
    assert [d.source.version for d in result.documents] == ["830 004010", "850 005010"]


@pytest.mark.parametrize(
    ("head", "version", "types"),
    [
        (interchange([("830", BODY_830)]).encode(), "00401", ["830"]),
        (b"\xef\xbb\xbfjunk line\r\n" + interchange([("856", BODY_856)], "SH", "005010").encode(), "00501", ["856"]),
        (interchange([("850", BODY_850)], "PO").encode("cp037"), "00401", ["850"]),
    ],
)
def test_detect(head, version, types):
    found = CODEC.detect(head)
    assert found is not None
    assert (found.codec, found.family, found.version, found.message_types) == ("x12", "X12", version, types)


def test_detect_rejects_other_formats():
    assert CODEC.detect(b"UNA:+.? 'UNB+UNOC:3+A+B+260301:0815+1'") is None
    assert CODEC.detect(b"A DISAPPOINTING ISA TEXT") is None


def test_registry_knows_x12():
    detection, result = registry.parse(interchange([("830", BODY_830)]).encode())
    assert detection.codec == "x12"
    assert len(result.documents) == 1
    names = {info.name for info in registry.formats()}
    assert {"x12-830", "x12-862", "x12-856", "x12-850", "x12-855", "x12-ack"} <= names


def test_describe_lists_versions_and_sets():
    infos = CODEC.describe()
    assert all(info.versions == ["004010", "005010"] for info in infos)
    assert sorted(t for info in infos for t in info.message_types) == ["830", "850", "855", "856", "862", "997", "999", "TA1"]


def test_862_jit_loop_splits_the_day_into_deliveries():
    body = [
        "BSS*05*JIT-0816*20260301*DL*20260302*20260302",
        "N1*ST*Werk Eins*92*PLANT01",
        "LIN**BP*4711-001",
        "UIT*EA",
        "FST*90*C*D*20260302",
        "JIT*30*0600",
        "JIT*60*1400",
        "FST*10*D*D*20260303",
    ]
    doc = parse_one(interchange([("862", body)], functional_id="SS"))
    assert [(e.quantity, e.date, e.commitment) for e in doc.lines[0].schedule] == [
        (Decimal(30), "2026-03-02T06:00", "firm"),
        (Decimal(60), "2026-03-02T14:00", "firm"),
        (Decimal(10), "2026-03-03", "forecast"),
    ]


def test_reused_control_numbers_and_old_versions_are_warnings():
    text = interchange([("850", BODY_850), ("850", BODY_850)], functional_id="PO", version="003010")
    text = text.replace("ST*850*0002", "ST*850*0001").replace("SE*13*0002", "SE*13*0001")
    result = CODEC.parse(text.encode())
    assert result.all_errors == []
    assert len(result.documents) == 2
    assert result.warnings == [
        "interchange 000000101: a group uses version 003010; the mappings follow 004010 and 005010",
        "transaction set control number 0001 is used 2 times in group 7",
    ]


def test_856_pounds_and_shipment_level_packages():
    body = [
        "BSN*00*ASN-7*20260301*0000*0004",
        "HL*1**S",
        "TD1*CTN25*4****A3*100*LB",
        "HL*2*1*O",
        "PRF*PO-1",
        "HL*3*2*I",
        "LIN**BP*P1",
        "SN1**4*EA",
    ]
    doc = parse_one(interchange([("856", body)], functional_id="SH"))
    assert doc.issued == "2026-03-01"  # BSN04 0000 means "no time"
    assert doc.gross_weight == Decimal("45.359")
    assert [(p.type, p.count, p.label_ids) for p in doc.packages] == [("CTN25", 4, [])]


def test_830_cumulative_quantities_become_discrete():
    body = [
        "BFR*00**SCH-C*DL*C*20260302*20260331*20260301",
        "LIN**BP*P1",
        "SHP*02*1000*051*20260101",
        "FST*1100*C*D*20260302",
        "FST*1250*C*D*20260303",
        "FST*1250*D*W*20260309",
        "FST*1400*D*W*20260316",
    ]
    doc = parse_one(interchange([("830", body)]))
    assert [e.quantity for e in doc.lines[0].schedule] == [Decimal(100), Decimal(150), Decimal(0), Decimal(150)]


def test_856_automotive_cld_loads_with_ls_labels():
    body = [
        "BSN*00*ASN-8*20260301*0800",
        "HL*1**S",
        "N1*ST*Werk Eins*92*PLANT01",
        "HL*2*1*I",
        "LIN**BP*4711-001*PO*PO-900",
        "SN1**200*EA",
        "CLD*2*100*BOX90",
        "REF*LS*S0001",
        "REF*LS*S0002",
        "HL*3*1*I",
        "LIN**BP*4711-002",
        "SN1**50*EA",
        "CLD*1*50*BOX90",
        "REF*LS*S0003",
        "CLD*1*1*PLT71",
    ]
    doc = parse_one(interchange([("856", body)], functional_id="SH"))
    assert [(p.type, p.count, p.label_ids) for p in doc.packages] == [("BOX90", 3, ["S0001", "S0002", "S0003"]), ("PLT71", 1, [])]
    assert [(x.buyer_part, x.order_number, x.quantity) for x in doc.lines] == [
        ("4711-001", "PO-900", Decimal(200)),
        ("4711-002", "", Decimal(50)),
    ]
