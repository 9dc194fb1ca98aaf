"""VDA 4905 delivery call-offs: mapping to canonical delivery schedules, messy real-world variants."""

from __future__ import annotations

from decimal import Decimal

from hub.formats.canonical import DeliverySchedule, to_json
from hub.formats.vda import VdaCodec
from tests.formats.vda_builders import calloff_4905, header, join, rec, transmission

codec = VdaCodec()


def parse_ok(data: bytes) -> list[DeliverySchedule]:
    result = codec.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    return result.documents  # type: ignore[return-value]


def test_header_and_calloff_fields() -> None:
    data = join(transmission(header(), calloff_4905(), "519"))
    [doc] = parse_ok(data)
    assert doc.type == "delivery_schedule" and doc.kind == "standard"
    assert (doc.number, doc.previous_number, doc.issued) == ("187", "186", "2026-01-05")
    assert (doc.sender.scheme, doc.sender.id, doc.receiver.id) == ("VDA", "10001", "SUP00001")
    assert (doc.buyer.id, doc.supplier.id) == ("10001", "SUP00001")
    assert (doc.ship_to.id, doc.ship_to.plant, doc.ship_to.unloading_point) == ("03", "03", "A 13")
    assert (doc.source.format, doc.source.version, doc.source.message_ref, doc.source.interchange_ref) == ("VDA", "4905", "187", "42")
    [line] = doc.lines
    assert line.buyer_part == "5Q0 827 550 B"  # inner blanks kept
    assert (line.supplier_part, line.order_number, line.unit) == ("SP-4711", "CGF-56026482", "C62")
    assert line.cumulative_received is not None
    assert (line.cumulative_received.quantity, line.cumulative_received.date) == (Decimal(12500), "2026-01-02")
    [receipt] = line.last_receipts
    assert (receipt.delivery_note, receipt.date, receipt.quantity) == ("4711", "2026-01-02", Decimal(500))


def test_envelope() -> None:
    result = codec.parse(join(transmission(header(), calloff_4905(), "519")))
    [env] = result.envelopes
    assert env.format == "VDA" and env.version == "4905" and env.control_ref == "42"
    assert env.sender == {"scheme": "VDA", "id": "10001"} and env.receiver == {"scheme": "VDA", "id": "SUP00001"}


def test_special_dates_and_buckets() -> None:
    slots = [
        ("333333", 5),  # backlog -> call-off date, firm
        ("444444", 100),  # immediate -> call-off date, firm
        ("260112", 200),
        ("222222", 0),  # no requirement: skipped
        ("555555", 0),  # switch to buckets: skipped
        ("260004", 700),  # ISO week 4 of 2026
        ("260300", 4000),  # March 2026
        ("999999", 9000),  # remaining, from the day after March
        ("000000", 0),  # end
        ("260601", 1),  # after the end: not read
    ]
    [doc] = parse_ok(join(transmission(header(), calloff_4905(slots=slots), "519")))
    got = [to_json(doc)["lines"][0]["schedule"][i] for i in range(6)]
    assert got[0] == {"quantity": "5", "commitment": "firm", "date": "2026-01-05"}
    assert got[1] == {"quantity": "100", "commitment": "firm", "date": "2026-01-05"}
    assert got[2] == {"quantity": "200", "commitment": "forecast", "date": "2026-01-12"}
    assert got[3] == {"quantity": "700", "commitment": "forecast", "from": "2026-01-19", "to": "2026-01-25"}
    assert got[4] == {"quantity": "4000", "commitment": "forecast", "from": "2026-03-01", "to": "2026-03-31"}
    assert got[5] == {"quantity": "9000", "commitment": "forecast", "from": "2026-04-01"}
    assert len(doc.lines[0].schedule) == 6


def test_514_continues_the_schedule() -> None:
    slots = [(f"2601{d:02d}", d) for d in range(5, 19)]  # 14 days: 5 in 513, 8 in 514, 1 in a second 514
    records = calloff_4905(slots=slots)
    assert [r[:3] for r in records] == ["512", "513", "514", "514"]
    [doc] = parse_ok(join(transmission(header(), records, "519")))
    assert [e.quantity for e in doc.lines[0].schedule] == [Decimal(d) for d in range(5, 19)]


def test_commitments_from_release_horizons() -> None:
    slots = [("260112", 1), ("260119", 2), ("260126", 3), ("260202", 4), ("260300", 5)]
    releases = {"production_from": "260105", "production_to": "260119", "material_from": "260105", "material_to": "260202"}
    [doc] = parse_ok(join(transmission(header(), calloff_4905(slots=slots, releases=releases), "519")))
    assert [e.commitment for e in doc.lines[0].schedule] == ["firm", "firm", "material", "material", "forecast"]


def test_lf_with_trimmed_blanks() -> None:
    records = transmission(header(), calloff_4905(), "519")
    data = join(records, "\n", trim=True)
    assert b" \n" not in data
    assert len(parse_ok(data)) == 1


def test_no_separators_one_long_line() -> None:
    records = transmission(header(), calloff_4905() + calloff_4905(number="188"), "519")
    data = join(records, "")
    assert b"\n" not in data and len(data) == 128 * len(records)
    assert [d.number for d in parse_ok(data)] == ["187", "188"]


def test_blank_numeric_fields_and_short_calloff_number() -> None:
    r512 = rec("512", plant="03", calloff_new="187", date_new="260105", customer_part="4711", unit="ST")
    assert r512[8:17] == "187      "
    r513 = rec("513", receipt_date="      ", receipt_qty=" " * 12, cumulative=" " * 10, slot1_date="260112", slot1_qty="      100")
    [doc] = parse_ok(join(transmission(header(), [r512, r513], "519")))
    line = doc.lines[0]
    assert line.cumulative_received is None and line.last_receipts == []
    assert [(e.date, e.quantity) for e in line.schedule] == [("2026-01-12", Decimal(100))]
    assert doc.previous_number == ""


def test_umlauts_in_518_latin1() -> None:
    records = transmission(header(), calloff_4905(texts=["Änderung: Behälter 4315 für Größe XL", "bitte beachten", ""]), "519")
    data = join(records)
    assert "Ä".encode("iso8859_1") in data
    [doc] = parse_ok(data)
    assert doc.lines[0].description == "Änderung: Behälter 4315 für Größe XL\nbitte beachten"


def test_several_transmissions_in_one_file() -> None:
    first = transmission(header(supplier="SUP00001", new=42), calloff_4905(number="187"), "519")
    second = transmission(header(supplier="SUP00002", new=7), calloff_4905(number="9001") + calloff_4905(number="9002"), "519")
    result = codec.parse(join(first + second))
    assert result.all_errors == []
    assert [(d.number, d.supplier.id, d.source.interchange_ref) for d in result.documents] == [
        ("187", "SUP00001", "42"),
        ("9001", "SUP00002", "7"),
        ("9002", "SUP00002", "7"),
    ]
    assert [e.control_ref for e in result.envelopes] == ["42", "7"]


def test_same_part_in_calloffs_of_several_plants() -> None:
    body = calloff_4905(plant="01", number="500") + calloff_4905(plant="02", number="500") + calloff_4905(plant="03", number="501")
    docs = parse_ok(join(transmission(header(), body, "519")))
    assert [(d.ship_to.plant, d.number, d.lines[0].buyer_part) for d in docs] == [
        ("01", "500", "5Q0 827 550 B"),
        ("02", "500", "5Q0 827 550 B"),
        ("03", "501", "5Q0 827 550 B"),
    ]


def test_bom_and_blank_lines_before_the_header() -> None:
    data = b"\xef\xbb\xbf\r\n\r\n" + join(transmission(header(), calloff_4905(), "519"))
    assert codec.detect(data) is not None
    assert len(parse_ok(data)) == 1


def test_517_and_unit_kg() -> None:
    records = calloff_4905(unit="KG") + [rec("517", customer_packaging="0004315", supplier_packaging="KLT", capacity=20)]
    [doc] = parse_ok(join(transmission(header(), records, "519")))
    assert doc.lines[0].unit == "KGM"
