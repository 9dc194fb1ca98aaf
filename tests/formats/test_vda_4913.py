"""VDA 4913 despatch advices: 711..719 to canonical despatch advices (one per 713 delivery note)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hub.formats.vda import VdaCodec
from tests.formats.vda_builders import header, join, rec, transmission

codec = VdaCodec()
FIXTURES = Path(__file__).parent / "fixtures" / "vda"


def transport(**values: object) -> str:
    base: dict[str, object] = dict(
        shipment=12345678, supplier_plant="W1", carrier="Spedition Möß", handover_date="260105", handover_time="1430",
        gross_weight=1250, net_weight=1100, packages=3, transport_key="01", transport_no="B-XY 1234", arrival_date="260106",
        arrival_time="0600",
    )  # fmt: skip
    base.update(values)
    return rec("712", **base)


def note(number: int = 4711, **values: object) -> str:
    base: dict[str, object] = dict(note=number, despatch_date="260105", unloading_point="A 13", order_number="CGF-56026482", plant="03")
    base.update(values)
    return rec("713", **base)


def item(part: str, qty: int, unit: str = "ST", batch: str = "") -> str:
    return rec("714", customer_part=part, supplier_part="S-" + part.replace(" ", ""), qty1=qty, unit1=unit, batch=batch)


def test_despatch_mapping_kg_fractions_and_same_part_twice() -> None:
    body = [
        transport(),
        note(4711),
        item("5Q0 827 550 B", 1976000),
        rec("715", customer_packaging="0004315", count=3, label_from="000000101", label_to="000000103"),
        item("GRANULAT PA6", 12345, unit="KG", batch="CH-2026-01"),  # 12.345 kg
        item("5Q0 827 550 B", 24000),  # the same part again in the same note
        rec("716", text1="Lieferung vollständig"),
    ]
    result = codec.parse(join(transmission(header("711", date="260105"), body, "719")))
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    [doc] = result.documents
    assert doc.type == "despatch_advice"
    assert (doc.number, doc.issued, doc.ship_date, doc.arrival_date) == ("4711", "2026-01-05", "2026-01-05T14:30", "2026-01-06T06:00")
    assert (doc.sender.id, doc.receiver.id, doc.supplier.id, doc.buyer.id) == ("SUP00001", "10001", "SUP00001", "10001")
    assert (doc.carrier, doc.transport_id, doc.gross_weight) == ("Spedition Möß", "B-XY 1234", Decimal(1250))
    assert (doc.ship_to.plant, doc.ship_to.unloading_point) == ("03", "A 13")
    assert [(ln.buyer_part, ln.quantity, ln.unit, ln.batch, ln.order_number) for ln in doc.lines] == [
        ("5Q0 827 550 B", Decimal(1976), "C62", "", "CGF-56026482"),
        ("GRANULAT PA6", Decimal("12.345"), "KGM", "CH-2026-01", "CGF-56026482"),
        ("5Q0 827 550 B", Decimal(24), "C62", "", "CGF-56026482"),
    ]
    [package] = doc.packages
    assert (package.type, package.count, package.label_ids) == ("0004315", 3, ["101", "102", "103"])
    assert doc.source.version == "4913" and doc.source.message_ref == "4711"


def test_two_notes_share_one_712() -> None:
    body = [
        transport(),
        note(1),
        item("A", 1000),
        note(2),
        item("B", 2000),
        transport(carrier="DHL", transport_no=""),
        note(3),
        item("C", 3000),
    ]
    result = codec.parse(join(transmission(header("711"), body, "719")))
    assert result.all_errors == []
    assert [(d.number, d.carrier, d.transport_id) for d in result.documents] == [
        ("1", "Spedition Möß", "B-XY 1234"),
        ("2", "Spedition Möß", "B-XY 1234"),
        ("3", "DHL", ""),
    ]


def test_one_line_sample_file() -> None:
    """A 4913 file as one 768-byte line without separators (the shape of the public sample)."""
    data = (FIXTURES / "4913_one_line.vda").read_bytes()
    assert b"\n" not in data and len(data) == 768
    found = codec.detect(data)
    assert found is not None and found.message_types == ["4913"] and found.version == "03"
    result = codec.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    [doc] = result.documents
    assert [(ln.buyer_part, ln.quantity, ln.unit) for ln in doc.lines] == [
        ("1K0 199 262 M", Decimal(1976), "C62"),
        ("1K0 199 262 N", Decimal(3), "C62"),
    ]


def test_717_718_are_counted_and_skipped() -> None:
    unknown = "71801" + "X" * 123
    body = [transport(), note(1), item("A", 1000), unknown]
    result = codec.parse(join(transmission(header("711"), body, "719")))
    assert result.all_errors == []
    assert any("718" in w for w in result.warnings)
    assert len(result.documents[0].lines) == 1


def test_non_numeric_label_ids() -> None:
    body = [transport(), note(1), item("A", 1000), rec("715", customer_packaging="EURO", count=1, label_from="S12345AB")]
    [doc] = codec.parse(join(transmission(header("711"), body, "719"))).documents
    assert doc.packages[0].label_ids == ["S12345AB"]
