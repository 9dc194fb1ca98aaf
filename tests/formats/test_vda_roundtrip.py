"""Hypothesis round trips: render a canonical document as VDA, parse it back, get the same document.

The generators stay within what VDA can carry (see the module docstrings of
``hub.formats.vda.calloff`` and ``despatch``): field widths, whole quantities in 4905/4915,
three decimals in 4913, schedule periods that are days, ISO weeks or months in ascending
order with commitments firm -> material -> forecast, the cumulative quantity dated by the
last receipt (and never zero), JIT times as datetimes, label ids as one numeric range.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    CumulativeQuantity,
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    Document,
    Package,
    Party,
    PartyId,
    Receipt,
    ScheduleLine,
    ScheduleQuantity,
    to_json,
)
from hub.formats.vda import VdaCodec
from hub.formats.vda.common import join_texts

codec = VdaCodec()
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
PRINTABLE = ALNUM + "abcdefghijklmnopqrstuvwxyz -./:ÄÖÜäöüß"


def word(max_size: int, min_size: int = 1, alphabet: str = ALNUM) -> st.SearchStrategy[str]:
    """Stripped text of at most ``max_size`` characters (VDA trims trailing blanks; ids are stripped)."""
    return st.text(alphabet, min_size=min_size, max_size=max_size).map(str.strip).filter(lambda s: len(s) >= min_size)


dates = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2090, 12, 31))
whole = st.integers(min_value=0, max_value=999_999_999).map(Decimal)
units = st.sampled_from(["C62", "KGM", "MTR", "LTR", "PR", "MTK"])


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@st.composite
def schedules(draw: st.DrawFn, issued: dt.date) -> list[ScheduleQuantity]:
    """Ascending, non-overlapping days, ISO weeks and months after the call-off date, commitments monotone."""
    cursor = issued + dt.timedelta(days=1)
    n = draw(st.integers(0, 16))
    levels = sorted(draw(st.lists(st.sampled_from([0, 1, 2]), min_size=n, max_size=n)))
    out = []
    for level in levels:
        kind = draw(st.sampled_from(["day", "day", "week", "month"]))
        entry = ScheduleQuantity(quantity=draw(whole), commitment=["firm", "material", "forecast"][level])
        if kind == "day":
            day = cursor + dt.timedelta(days=draw(st.integers(0, 9)))
            entry.date, cursor = day.isoformat(), day + dt.timedelta(days=1)
        elif kind == "week":
            start = cursor + dt.timedelta(days=(7 - cursor.weekday()) % 7)
            entry.from_, entry.to = start.isoformat(), (start + dt.timedelta(days=6)).isoformat()
            cursor = start + dt.timedelta(days=7)
        else:
            start = cursor if cursor.day == 1 else _month_end(cursor) + dt.timedelta(days=1)
            entry.from_, entry.to = start.isoformat(), _month_end(start).isoformat()
            cursor = _month_end(start) + dt.timedelta(days=1)
        out.append(entry)
    return out


@st.composite
def receipts_and_cumulative(draw: st.DrawFn, most: int) -> tuple[list[Receipt], CumulativeQuantity | None]:
    receipts = draw(
        st.lists(
            st.builds(Receipt, delivery_note=word(8), date=st.none() | dates.map(dt.date.isoformat), quantity=whole),
            max_size=most,
        )
    )
    if draw(st.booleans()):
        date = receipts[0].date if receipts else draw(st.none() | dates.map(dt.date.isoformat))
        quantity = draw(st.integers(min_value=1, max_value=999_999_999).map(Decimal))
        return receipts, CumulativeQuantity(quantity=quantity, date=date)
    return receipts, None


@st.composite
def calloffs(draw: st.DrawFn, jit: bool = False) -> DeliverySchedule:
    """A delivery schedule VDA 4905 (or 4915 when ``jit``) can carry: one line."""
    customer, supplier, plant = draw(word(9)), draw(word(9)), draw(word(3))
    issued = draw(dates)
    receipts, cumulative = draw(receipts_and_cumulative(3 if jit else 1))
    line = ScheduleLine(
        buyer_part=draw(word(22, alphabet=ALNUM + " ")),
        supplier_part=draw(word(22, 0, ALNUM + " -")),
        order_number=draw(word(12, 0)),
        last_receipts=receipts,
        cumulative_received=cumulative,
    )
    if jit:
        stamps = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2090, 12, 31, 23, 59))
        times = draw(st.lists(stamps, max_size=14))
        line.schedule = [ScheduleQuantity(quantity=draw(whole), commitment="firm", date=t.strftime("%Y-%m-%dT%H:%M")) for t in times]
    else:
        line.unit = draw(units)
        texts = draw(st.lists(st.text(PRINTABLE, max_size=40).map(str.rstrip), max_size=5))
        line.description = join_texts(texts)
        line.schedule = draw(schedules(issued))
    return DeliverySchedule(
        kind="jit" if jit else "standard",
        number=draw(word(9)),
        issued=issued.isoformat(),
        previous_number="" if jit else draw(word(9, 0)),
        sender=PartyId(scheme="VDA", id=customer),
        receiver=PartyId(scheme="VDA", id=supplier),
        buyer=Party(id=customer),
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant, unloading_point=draw(word(5, 0, ALNUM + " "))),
        lines=[line],
    )


@st.composite
def packages(draw: st.DrawFn) -> Package:
    kind = draw(st.sampled_from(["none", "range", "single"]))
    labels: list[str] = []
    if kind == "range":
        first = draw(st.integers(1, 999_990_000))
        labels = [str(n) for n in range(first, first + draw(st.integers(1, 6)))]
    elif kind == "single":
        labels = [draw(word(9, alphabet=ALNUM).filter(lambda s: not s.isdigit()))]
    return Package(type=draw(word(22, alphabet=ALNUM + " ")), count=draw(st.integers(0, 9999)), label_ids=labels)


@st.composite
def despatches(draw: st.DrawFn) -> DespatchAdvice:
    """A despatch advice VDA 4913 can carry."""
    customer, supplier, plant = draw(word(9)), draw(word(9)), draw(word(3))
    stamp = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2090, 12, 31, 23, 59)).filter(
        lambda t: (t.hour, t.minute) != (0, 0)
    )
    when = st.none() | dates.map(dt.date.isoformat) | stamp.map(lambda t: t.strftime("%Y-%m-%dT%H:%M"))
    order = draw(word(12, 0))
    quantity = st.integers(min_value=0, max_value=9_999_999_999_999).map(lambda n: Decimal(n).scaleb(-3))
    lines = draw(
        st.lists(
            st.builds(
                DespatchLine,
                buyer_part=word(22, alphabet=ALNUM + " "),
                supplier_part=word(22, 0),
                quantity=quantity,
                unit=units,
                order_number=st.just(order),
                batch=word(15, 0),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return DespatchAdvice(
        number=str(draw(st.integers(1, 99_999_999))),
        issued=draw(dates).isoformat(),
        sender=PartyId(scheme="VDA", id=supplier),
        receiver=PartyId(scheme="VDA", id=customer),
        buyer=Party(id=customer),
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant, unloading_point=draw(word(5, 0))),
        ship_date=draw(when),
        arrival_date=draw(when),
        carrier=draw(word(14, 0, PRINTABLE)),
        transport_id=draw(word(25, 0, PRINTABLE)),
        gross_weight=draw(st.none() | st.integers(1, 9_999_999).map(Decimal)),
        packages=draw(st.lists(packages(), max_size=3)),
        lines=lines,
    )


def comparable(doc: Document) -> dict[str, Any]:
    """The canonical JSON without ``source`` (the renderer numbers transmissions itself)."""
    body = to_json(doc)
    body.pop("source")
    return body


def round_trip(docs: list[Document]) -> list[Document]:
    data = codec.render(docs, RenderOptions(control_ref="7"))
    records = data.split(b"\r\n")
    assert records[-1] == b"" and all(len(r) == 128 for r in records[:-1])
    data.decode("iso8859_1")
    assert codec.detect(data) is not None
    result = codec.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    return result.documents


@settings(max_examples=100, deadline=None)
@given(st.lists(calloffs(), min_size=1, max_size=3))
def test_4905_round_trip(docs: list[Document]) -> None:
    assert [comparable(d) for d in round_trip(docs)] == [comparable(d) for d in docs]


@settings(max_examples=100, deadline=None)
@given(st.lists(calloffs(jit=True), min_size=1, max_size=3))
def test_4915_round_trip(docs: list[Document]) -> None:
    assert [comparable(d) for d in round_trip(docs)] == [comparable(d) for d in docs]


@settings(max_examples=100, deadline=None)
@given(st.lists(despatches(), min_size=1, max_size=4))
def test_4913_round_trip(docs: list[Document]) -> None:
    assert [comparable(d) for d in round_trip(docs)] == [comparable(d) for d in docs]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(calloffs(), calloffs(jit=True), despatches()), min_size=1, max_size=5))
def test_mixed_families_in_one_file(docs: list[Document]) -> None:
    assert [comparable(d) for d in round_trip(docs)] == [comparable(d) for d in docs]
