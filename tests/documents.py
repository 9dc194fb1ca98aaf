"""Small canonical documents rendered with the hub's own codecs, for tests that send them.

Despatch advices come from suppliers (their own number in NAD+SE and in UNB/ISA);
call-offs from the plants come from ``tests.delfor_builder``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hub.formats.base import RenderOptions
from hub.formats.canonical import DespatchAdvice, DespatchLine, Document, OrderLine, Party, PurchaseOrder

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def asn(number: str, *, supplier: str = "SUP00001", plant: str = "PLANT01", part: str = "4711-A", quantity: str = "120") -> DespatchAdvice:
    """One despatch advice of ``supplier`` to ``plant``."""
    return DespatchAdvice(
        number=number,
        issued="2026-11-24",
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant),
        ship_date="2026-11-24",
        arrival_date="2026-11-25",
        lines=[DespatchLine(buyer_part=part, quantity=Decimal(quantity), unit="C62", order_number="CO1")],
    )


def order(number: str, *, supplier: str = "SUP00001", plant: str = "PLANT01") -> PurchaseOrder:
    """One purchase order of ``plant`` to ``supplier`` (the plant side sends these)."""
    return PurchaseOrder(
        number=number,
        issued="2026-11-24",
        buyer=Party(id=plant),
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant),
        lines=[OrderLine(line="1", buyer_part="4711-A", quantity=Decimal(5))],
    )


def edifact(docs: list[Document], *, sender: str = "SUP00001", ref: str = "SREF1") -> bytes:
    """The documents as one EDIFACT interchange from ``sender`` (UNB 0004, qualifier ZZ) to the hub."""
    from hub.formats.edifact import EdifactCodec

    return EdifactCodec().render(docs, RenderOptions(sender_id=sender, receiver_id="SUPPLIERHUB", control_ref=ref, now=NOW))


def x12(docs: list[Document], *, sender: str = "SUP00001", ref: str = "4242") -> bytes:
    """The documents as one X12 interchange from ``sender`` (ISA06) to the hub."""
    from hub.formats.x12 import X12Codec

    return X12Codec().render(docs, RenderOptions(sender_id=sender, receiver_id="SUPPLIERHUB", control_ref=ref, now=NOW))
