"""Rendering VDA: record shape, trailer counts, grouping, and what VDA cannot carry (FormatError)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    Package,
    Party,
    PartyId,
    PurchaseOrder,
    ScheduleLine,
    ScheduleQuantity,
)
from hub.formats.errors import FormatError
from hub.formats.vda import VdaCodec

codec = VdaCodec()


def calloff(**line: object) -> DeliverySchedule:
    base: dict[str, object] = {
        "buyer_part": "5Q0 827 550 B",
        "schedule": [ScheduleQuantity(quantity=Decimal(10), date="2026-01-12", commitment="forecast")],
    }
    base.update(line)
    return DeliverySchedule(
        number="187",
        issued="2026-01-05",
        buyer=Party(id="10001"),
        supplier=Party(id="SUP00001"),
        ship_to=Party(id="03", plant="03"),
        lines=[ScheduleLine(**base)],  # type: ignore[arg-type]
    )


def asn(number: str = "4711", **changes: object) -> DespatchAdvice:
    doc = DespatchAdvice(
        number=number,
        issued="2026-01-05",
        sender=PartyId("VDA", "SUP00001"),
        receiver=PartyId("VDA", "10001"),
        ship_to=Party(id="03", plant="03"),
        ship_date="2026-01-05",
        carrier="DHL",
        lines=[DespatchLine(buyer_part="A", quantity=Decimal("12.5"), unit="KGM")],
    )
    for key, value in changes.items():
        setattr(doc, key, value)
    return doc


def records(data: bytes) -> list[str]:
    text = data.decode("iso8859_1")
    assert text.endswith("\r\n")
    out = text[:-2].split("\r\n")
    assert all(len(r) == 128 for r in out)
    return out


def test_4905_records_and_trailer() -> None:
    out = records(codec.render([calloff(), calloff(buyer_part="OTHER")], RenderOptions(control_ref="42")))
    assert [r[:5] for r in out] == ["51102", "51201", "51301", "51201", "51301", "51902"]
    assert out[0][28:33] == "00042" and out[0][23:28] == "00041"
    assert out[-1][5:61] == "0000001" + "0000002" + "0000002" + "0000000" + "0000000" + "0000000" + "0000001" + "0000000"


def test_4905_two_lines_give_two_512_with_the_same_number() -> None:
    doc = calloff()
    doc.lines.append(ScheduleLine(buyer_part="SECOND", unit="KGM"))
    out = records(codec.render([doc], RenderOptions()))
    assert [r[:3] for r in out] == ["511", "512", "513", "512", "513", "519"]
    assert out[3][8:17] == "187      " and out[3][103:105] == "KG"


def test_4905_remaining_and_buckets() -> None:
    schedule = [
        ScheduleQuantity(quantity=Decimal(1), date="2026-01-12", commitment="firm"),
        ScheduleQuantity(quantity=Decimal(2), from_="2026-01-19", to="2026-01-25", commitment="material"),
        ScheduleQuantity(quantity=Decimal(3), from_="2026-02-01", to="2026-02-28", commitment="forecast"),
        ScheduleQuantity(quantity=Decimal(4), from_="2026-03-01", commitment="forecast"),
    ]
    out = records(codec.render([calloff(schedule=schedule)], RenderOptions()))
    r513 = out[2]
    assert [r513[47 + 15 * i : 53 + 15 * i] for i in range(5)] == ["260112", "260004", "260200", "999999", "000000"]
    r515 = out[3]
    assert r515[:3] == "515" and r515[11:17] == "260112" and r515[33:39] == "260125"
    [back] = codec.parse(codec.render([calloff(schedule=schedule)], RenderOptions())).documents
    assert [e.commitment for e in back.lines[0].schedule] == ["firm", "material", "forecast", "forecast"]  # type: ignore[attr-defined]


def test_4913_groups_notes_under_one_712_and_counts() -> None:
    docs = [asn("1"), asn("2"), asn("3", carrier="UPS")]
    out = records(codec.render(docs, RenderOptions()))
    assert [r[:3] for r in out] == ["711", "712", "713", "714", "713", "714", "712", "713", "714", "719"]
    assert out[3][52:65] == "0000000012500" and out[3][65:67] == "KG"
    assert out[-1][5:68] == "000000100000020000003000000300000000000000000000000000010000000"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (calloff(schedule=[ScheduleQuantity(quantity=Decimal("1.5"), date="2026-01-12")]), "whole quantities"),
        (calloff(schedule=[ScheduleQuantity(quantity=Decimal(1), from_="2026-01-05", to="2026-01-09")]), "neither an ISO week"),
        (calloff(buyer_part="X" * 23), "longer than the 22 characters of 512 customer_part"),
        (calloff(description="Preis in €"), "ISO-8859-1 cannot carry"),
        (asn("A-17"), "up to 8 digits"),
        (asn("123456789"), "up to 8 digits"),
        (asn(lines=[DespatchLine(buyer_part="A", quantity=Decimal("0.0005"))]), "more than 3 decimals"),
        (
            asn(lines=[DespatchLine(buyer_part="A", order_number="O1"), DespatchLine(buyer_part="B", order_number="O2")]),
            "one order number per delivery note",
        ),
        (asn(packages=[Package(type="KLT", count=2, label_ids=["5", "9"])]), "one numeric range"),
        (asn(packages=[Package(type="KLT", count=1, label_ids=["00340123450000000018"])]), "one numeric range"),
    ],
)
def test_what_vda_cannot_carry(doc: DeliverySchedule | DespatchAdvice, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        codec.render([doc], RenderOptions())


def test_jit_with_another_unit_and_a_purchase_order() -> None:
    doc = calloff(unit="KGM")
    doc.kind = "jit"
    with pytest.raises(FormatError, match="pieces only"):
        codec.render([doc], RenderOptions())
    with pytest.raises(FormatError, match="cannot carry a purchase_order"):
        codec.render([PurchaseOrder(number="1")], RenderOptions())


def test_latin1_umlauts_written() -> None:
    data = codec.render([calloff(description="Größe ändern")], RenderOptions())
    assert "Größe ändern".encode("iso8859_1") in data
    [doc] = codec.parse(data).documents
    assert doc.lines[0].description == "Größe ändern"  # type: ignore[attr-defined]
