"""Our tokenizer cuts DELFOR and ORDERS into the same segments, elements and components
as pydifact (used here only as a reference implementation, never by the hub)."""

from __future__ import annotations

import warnings
from decimal import Decimal

import pytest

from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    DeliverySchedule,
    OrderLine,
    Party,
    PurchaseOrder,
    ScheduleLine,
    ScheduleQuantity,
)
from hub.formats.edifact import EdifactCodec
from hub.formats.edifact.syntax import read_una
from hub.formats.edifact.tokenizer import split_escaped, tokenize, unescape

pydifact_parser = pytest.importorskip("pydifact.parser")

TRICKY = "Halter? links: A+B 'Ecke' 50%"


def ours(text: str) -> list[tuple[str, list[object]]]:
    seps = read_una(text)
    out = []
    for seg in tokenize(text[9:], seps, 2):
        elements: list[object] = []
        for raw in seg.elements[1:]:
            comps = [unescape(c, seps) for c in split_escaped(raw, seps.component, seps.release)]
            elements.append(comps[0] if len(comps) == 1 else comps)
        out.append((seg.tag, elements))
    return out


def theirs(text: str) -> list[tuple[str, list[object]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(s.tag, list(s.elements)) for s in pydifact_parser.Parser().parse(text) if s.tag != "UNA"]


def delfor_sample() -> str:
    line = ScheduleLine(
        buyer_part="A2C:100",
        supplier_part="S+1",
        description=TRICKY,
        order_number="PO?9",
        schedule=[
            ScheduleQuantity(quantity=Decimal("12.5"), date="2026-03-05"),
            ScheduleQuantity(quantity=Decimal(800), commitment="forecast", from_="2026-03-16", to="2026-03-22"),
        ],
    )
    doc = DeliverySchedule(number="CO-1", ship_to=Party(id="PLANT01", plant="PLANT01", name=TRICKY), lines=[line, line])
    return EdifactCodec().render([doc], RenderOptions(receiver_id="SUP00001")).decode("latin-1")


def orders_sample() -> str:
    lines = [OrderLine(line=str(i), buyer_part=f"P{i}", description=TRICKY, quantity=Decimal(i), price=Decimal("1.25")) for i in (1, 2)]
    doc = PurchaseOrder(number="PO'1", currency="EUR", buyer=Party(id="PLANT01", name="Werk: Süd"), lines=lines)
    return EdifactCodec().render([doc], RenderOptions(receiver_id="SUP00001")).decode("latin-1")


@pytest.mark.parametrize("sample", [delfor_sample, orders_sample], ids=["DELFOR", "ORDERS"])
def test_segment_split_matches_pydifact(sample):
    text = sample()
    mine = ours(text)
    assert mine == theirs(text)
    assert len(mine) > 10 and any(TRICKY in str(elements) for _, elements in mine)


def test_segment_split_matches_pydifact_on_a_written_orders_with_line_breaks():
    text = (
        "UNA:+.? '\r\nUNB+UNOC:3+OEMPLANTS:ZZ+SUP00001:ZZ+260301:0800+7'\r\n"
        "UNH+1+ORDERS:D:96A:UN'\r\nBGM+220+PO-1+9'\r\nNAD+BY+PLANT01::92++Werk ?+ Co?'s'\r\n"
        "LIN+1++A-1:IN'\r\nIMD+F++:::Mutter M8?:verzinkt'\r\nQTY+21:100:PCE'\r\nUNS+S'\r\nUNT+8+1'\r\nUNZ+1+7'\r\n"
    )
    assert ours(text) == theirs(text)


CORPUS_SAMPLES = [
    "pydifact_orders_d96a_wikipedia_de.edi",
    "bots_orders_d96a_leading_garbage_lines.edi",
    "edireader_orders_d01b_ean008_unoe_cyrillic.edi",
]


@pytest.mark.parametrize("name", CORPUS_SAMPLES)
def test_segment_split_matches_pydifact_on_corpus_orders(name):
    import os
    from pathlib import Path

    from hub.formats.edifact.syntax import decode, find_start, syntax_charset

    corpus = Path(os.environ.get("HUB_CORPUS_DIR") or Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
    path = corpus / "edifact" / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} is absent")
    data = path.read_bytes()
    data = data[find_start(data):]
    text, _ = decode(data, *syntax_charset(data))
    if not text.startswith("UNA"):
        text = "UNA:+.? '" + text
    text = text.replace("\r", "").replace("\n", "")
    assert ours(text) == theirs(text)
