"""VDA 4915 JIT call-offs: 551..559 to canonical delivery schedules of kind 'jit'."""

from __future__ import annotations

from decimal import Decimal

from hub.formats.vda import VdaCodec
from tests.formats.vda_builders import header, join, rec, transmission

codec = VdaCodec()


def jit_calloff(number: str = "J0815", plant: str = "12", part: str = "1K0 615 301 AA") -> list[str]:
    return [
        rec(
            "552", plant=plant, calloff=number, date="260105", customer_part=part, supplier_part="BR-301",
            unloading_point="T7", storage_location="LAG1", order_number="5500012345", horizon_date="260107",
        ),
        rec(
            "553", cumulative=88000,
            receipt1_date="260104", receipt1_note="80001", receipt1_note_date="260104", receipt1_qty=120,
            receipt2_date="260103", receipt2_note="79990", receipt2_note_date="260103", receipt2_qty=96,
        ),
        rec(
            "554", slot1_date="260105", slot1_time="0630", slot1_qty=48, slot2_date="260105", slot2_time="1415", slot2_qty=24,
            slot3_date="260106", slot3_time="    ", slot3_qty=12,
        ),
        rec("554", slot1_date="260107", slot1_time="2200", slot1_qty=6),
        rec("555", intermediate_supplier="ZW1", additional_part="X", cumulative_before_reset=1000),
        rec("556", customer_packaging="GLT 1", capacity=48),
        rec("557", text1="Sequenz beachten: Folge ändert sich"),
    ]  # fmt: skip


def test_jit_mapping() -> None:
    data = join(transmission(header("551"), jit_calloff(), "559"))
    result = codec.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    [doc] = result.documents
    assert doc.type == "delivery_schedule" and doc.kind == "jit"
    assert (doc.number, doc.issued, doc.ship_to.plant, doc.ship_to.unloading_point) == ("J0815", "2026-01-05", "12", "T7")
    assert (doc.sender.id, doc.receiver.id, doc.source.version) == ("10001", "SUP00001", "4915")
    [line] = doc.lines
    assert (line.buyer_part, line.supplier_part, line.order_number, line.unit) == ("1K0 615 301 AA", "BR-301", "5500012345", "C62")
    assert line.cumulative_received is not None
    assert (line.cumulative_received.quantity, line.cumulative_received.date) == (Decimal(88000), "2026-01-04")
    assert [(r.delivery_note, r.date, r.quantity) for r in line.last_receipts] == [
        ("80001", "2026-01-04", Decimal(120)),
        ("79990", "2026-01-03", Decimal(96)),
    ]
    assert [(e.date, e.quantity, e.commitment) for e in line.schedule] == [
        ("2026-01-05T06:30", Decimal(48), "firm"),
        ("2026-01-05T14:15", Decimal(24), "firm"),
        ("2026-01-06T00:00", Decimal(12), "firm"),
        ("2026-01-07T22:00", Decimal(6), "firm"),
    ]
    assert line.description == "Sequenz beachten: Folge ändert sich"


def test_several_jit_calloffs_and_detection() -> None:
    data = join(transmission(header("551"), jit_calloff("J1") + jit_calloff("J2", plant="13"), "559"), "\n", trim=True)
    found = codec.detect(data)
    assert found is not None and found.message_types == ["4915"] and found.version == "02"
    result = codec.parse(data)
    assert result.all_errors == []
    assert [(d.number, d.ship_to.plant) for d in result.documents] == [("J1", "12"), ("J2", "13")]


def test_bad_time_is_positioned() -> None:
    records = jit_calloff()
    records[2] = records[2][:11] + "2575" + records[2][15:]
    result = codec.parse(join(transmission(header("551"), records, "559")))
    [message] = result.messages
    [error] = message.errors
    assert str(error).startswith("record 4 (554), column 12: '2575' is not a time (HHMM)")
