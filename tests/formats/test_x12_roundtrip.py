"""Round trips: generate canonical documents, render them as X12, parse them back, compare.

What an X12 set cannot carry is left out of the generated documents and named here:
``previous_number`` (no 830/862 element for it), ``material`` commitment (680 has no
code of its own; it goes out as Z and comes back as ``production``), midnight times
(an X12 time of 0000 reads as "no time"), and the document number of
acknowledgements (the ST02 the renderer assigns).
"""

from __future__ import annotations

import datetime as dt
import os
import string
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats import codes
from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    AckError,
    Acknowledged,
    Acknowledgement,
    CumulativeQuantity,
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    OrderLine,
    OrderResponse,
    Package,
    Party,
    PurchaseOrder,
    Receipt,
    ResponseLine,
    ScheduleLine,
    ScheduleQuantity,
    Source,
    to_json,
)
from hub.formats.x12 import X12Codec

CODEC = X12Codec()
SETTINGS = settings(max_examples=int(os.environ.get("X12_EXAMPLES", "60")), deadline=None)

# Letters, digits and punctuation, including the usual X12 separators (which makes the
# renderer switch to the control-character separators).
text = st.text(alphabet=string.ascii_letters + string.digits + " -./,&#*~>^", min_size=1, max_size=12).map(str.strip).filter(bool)
plain = st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=10)
maybe = st.one_of(st.just(""), text)
dates = st.dates(dt.date(2000, 1, 1), dt.date(2049, 12, 31)).map(dt.date.isoformat)
times = st.tuples(st.integers(1, 23), st.integers(0, 59)).map(lambda t: f"T{t[0]:02d}:{t[1]:02d}")
datetimes = st.tuples(dates, times).map("".join)
when = st.one_of(dates, datetimes)
quantities = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
units = st.sampled_from(["C62", "KGM", "MTR", "LTR", "PR", "SET"])
versions = st.sampled_from(["004010", "005010"])
parties = st.builds(Party, id=maybe, name=maybe)


@st.composite
def ship_tos(draw, unloading: bool = False) -> Party:
    plant = draw(plain)
    return Party(id=plant, name=draw(maybe), plant=plant, unloading_point=draw(maybe) if unloading else "")


@st.composite
def part_ids(draw) -> tuple[str, str]:
    buyer, supplier = draw(maybe), draw(maybe)
    return (buyer or draw(text), supplier) if not supplier else (buyer, supplier)


@st.composite
def schedule_entries(draw, jit: bool) -> ScheduleQuantity:
    commitment = draw(st.sampled_from(["firm", "forecast", "production"]))
    quantity = draw(quantities)
    shape = draw(st.sampled_from(["day", "period", "open"]))
    if shape == "day":
        return ScheduleQuantity(quantity=quantity, commitment=commitment, date=draw(when if jit else dates))
    start = draw(dates)
    end = draw(dates) if shape == "period" else None
    return ScheduleQuantity(quantity=quantity, commitment=commitment, from_=start, to=end)


@st.composite
def schedule_lines(draw, jit: bool) -> ScheduleLine:
    buyer, supplier = draw(part_ids())
    cumulative = draw(st.one_of(st.none(), st.builds(CumulativeQuantity, quantity=quantities, date=st.one_of(st.none(), dates))))
    receipts = draw(st.lists(st.builds(Receipt, delivery_note=maybe, date=st.one_of(st.none(), dates), quantity=quantities), max_size=2))
    return ScheduleLine(
        buyer_part=buyer,
        supplier_part=supplier,
        description=draw(maybe),
        unit=draw(units),
        order_number=draw(maybe),
        unloading_point=draw(maybe),
        cumulative_received=cumulative,
        last_receipts=receipts,
        schedule=draw(st.lists(schedule_entries(jit), max_size=4)),
    )


@st.composite
def delivery_schedules(draw) -> DeliverySchedule:
    kind = draw(st.sampled_from(["standard", "jit"]))
    return DeliverySchedule(
        number=draw(text),
        issued=draw(dates),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos(unloading=True)),
        kind=kind,
        lines=draw(st.lists(schedule_lines(kind == "jit"), min_size=1, max_size=3)),
    )


@st.composite
def despatch_advices(draw) -> DespatchAdvice:
    types = draw(st.lists(maybe, max_size=3, unique=True))
    packages = []
    for kind in types:
        labels = draw(st.lists(plain, max_size=3))
        packages.append(Package(type=kind, count=draw(st.integers(max(1, len(labels)), 50)), label_ids=labels))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        buyer, supplier = draw(part_ids())
        lines.append(
            DespatchLine(
                buyer_part=buyer,
                supplier_part=supplier,
                quantity=draw(quantities),
                unit=draw(units),
                order_number=draw(maybe),
                batch=draw(maybe),
            )
        )
    return DespatchAdvice(
        number=draw(text),
        issued=draw(when),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos()),
        ship_date=draw(st.one_of(st.none(), when)),
        arrival_date=draw(st.one_of(st.none(), when)),
        carrier=draw(maybe),
        transport_id=draw(maybe),
        gross_weight=draw(st.one_of(st.none(), quantities)),
        packages=packages,
        lines=lines,
    )


@st.composite
def purchase_orders(draw) -> PurchaseOrder:
    lines = []
    for index in range(draw(st.integers(1, 4))):
        buyer, supplier = draw(part_ids())
        lines.append(
            OrderLine(
                line=str(index * 10 + 10),
                buyer_part=buyer,
                supplier_part=supplier,
                description=draw(maybe),
                quantity=draw(quantities),
                unit=draw(units),
                price=draw(st.one_of(st.none(), quantities)),
                requested_date=draw(st.one_of(st.none(), dates)),
            )
        )
    return PurchaseOrder(
        number=draw(text),
        issued=draw(dates),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos()),
        currency=draw(st.sampled_from(["", "EUR", "USD"])),
        lines=lines,
    )


@st.composite
def order_responses(draw) -> OrderResponse:
    lines = []
    for index in range(draw(st.integers(0, 4))):
        buyer, supplier = draw(part_ids())
        lines.append(
            ResponseLine(
                line=str(index + 1),
                buyer_part=buyer,
                supplier_part=supplier,
                quantity=draw(st.one_of(st.none(), quantities)),
                unit=draw(units),
                status=draw(st.sampled_from(["accepted", "changed", "rejected"])),
                date=draw(st.one_of(st.none(), dates)),
            )
        )
    order = draw(text)
    return OrderResponse(
        number=draw(st.one_of(st.just(order), text)),
        issued=draw(dates),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos()),
        order_number=order,
        status=draw(st.sampled_from(["accepted", "changed", "rejected"])),
        lines=lines,
    )


@st.composite
def functional_acks(draw) -> Acknowledgement:
    refs = draw(st.lists(st.integers(1, 99999).map(lambda n: f"{n:04d}"), min_size=1, max_size=4, unique=True))
    errors: list[AckError] = []
    for ref in refs:
        shape = draw(st.sampled_from(["none", "set", "segments"]))
        if shape == "set":
            code = draw(st.sampled_from(sorted(codes.X12_SET_ERRORS)))
            errors.append(AckError(position=f"message {ref}", code=code, text=codes.X12_SET_ERRORS[code]))
        elif shape == "segments":
            for _ in range(draw(st.integers(1, 2))):
                number, tag = draw(st.integers(2, 999)), draw(st.sampled_from(["LIN", "FST", "N1", "BEG"]))
                code = draw(st.sampled_from(sorted(codes.X12_SEGMENT_ERRORS)))
                errors.append(AckError(position=f"message {ref}, segment {number} ({tag})", code=code, text=codes.X12_SEGMENT_ERRORS[code]))
                for _ in range(draw(st.integers(0, 2))):
                    element = draw(st.integers(1, 20))
                    component = draw(st.one_of(st.none(), st.integers(1, 5)))
                    where = f"message {ref}, segment {number} ({tag}), element {element}" + (
                        f", component {component}" if component else ""
                    )
                    code = draw(st.sampled_from(sorted(codes.X12_ELEMENT_ERRORS)))
                    errors.append(AckError(position=where, code=code, text=codes.X12_ELEMENT_ERRORS[code]))
    kind = draw(st.sampled_from(["997", "999"]))
    return Acknowledgement(
        acknowledges=Acknowledged(group_ref=str(draw(st.integers(1, 999999999))), message_refs=refs),
        status=draw(st.sampled_from(["accepted", "partially_accepted", "rejected"])),
        errors=errors,
        source=Source(format="X12", version=f"{kind} {'005010X231' if kind == '999' else '004010'} SH 856"),
    )


@st.composite
def interchange_acks(draw) -> Acknowledgement:
    ref = f"{draw(st.integers(1, 999999999)):09d}"
    errors = []
    if draw(st.booleans()):
        note = draw(st.sampled_from([c for c in sorted(codes.X12_TA1_NOTES) if c != "000"]))
        errors.append(AckError(position=f"interchange {ref}", code=note, text=codes.X12_TA1_NOTES[note]))
    return Acknowledgement(
        issued=draw(datetimes),
        acknowledges=Acknowledged(interchange_ref=ref),
        status=draw(st.sampled_from(["accepted", "rejected"])),
        errors=errors,
    )


def round_trip(doc, version: str, drop: tuple[str, ...] = ("source",)):
    options = RenderOptions(receiver_id="SUP00001", control_ref="4711", version=version)
    data = CODEC.render([doc], options)
    result = CODEC.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors] + [data.decode("latin-1")]
    (back,) = result.documents
    assert (back.sender.scheme, back.sender.id, back.receiver.id) == ("ZZ", "SUPPLIERHUB", "SUP00001")
    assert back.source.interchange_ref == "000004711"
    got, want = to_json(back), to_json(doc)
    for key in ("sender", "receiver", *drop):
        got.pop(key), want.pop(key)
    return got, want


@SETTINGS
@given(delivery_schedules(), versions)
def test_830_862_round_trip(doc, version):
    got, want = round_trip(doc, version)
    assert got == want


@SETTINGS
@given(despatch_advices(), versions)
def test_856_round_trip(doc, version):
    got, want = round_trip(doc, version)
    assert got == lines_by_order(want)


def lines_by_order(want: dict) -> dict:
    """The 856 groups items under their order's O level: lines come back order by order."""
    orders: dict[str, list] = {}
    for line in want["lines"]:
        orders.setdefault(line["order_number"], []).append(line)
    want["lines"] = [line for group in orders.values() for line in group]
    return want


@SETTINGS
@given(purchase_orders(), versions)
def test_850_round_trip(doc, version):
    got, want = round_trip(doc, version)
    assert got == want


@SETTINGS
@given(order_responses(), versions)
def test_855_round_trip(doc, version):
    got, want = round_trip(doc, version)
    assert got == want


@SETTINGS
@given(functional_acks(), versions)
def test_997_999_round_trip(doc, version):
    got, want = round_trip(doc, version, drop=("source", "number"))
    assert got == want


@SETTINGS
@given(interchange_acks(), versions)
def test_ta1_round_trip(doc, version):
    got, want = round_trip(doc, version, drop=("source", "number"))
    assert got == want


def test_render_envelope_counts_and_fixed_width_isa():
    docs = [
        DeliverySchedule(
            number="S1", issued="2026-03-01", ship_to=Party(id="PLANT01", plant="PLANT01"), lines=[ScheduleLine(buyer_part="P1")]
        ),
        DeliverySchedule(
            number="S2", issued="2026-03-01", ship_to=Party(id="PLANT02", plant="PLANT02"), lines=[ScheduleLine(buyer_part="P2")]
        ),
        DespatchAdvice(number="A1", lines=[DespatchLine(buyer_part="P1", quantity=Decimal(5))]),
    ]
    data = CODEC.render(docs, RenderOptions(receiver_id="SUP00001", control_ref="12", test=True)).decode()
    lines = data.splitlines()
    isa = lines[0]
    assert len(isa) == 106 and isa.endswith("*U*00401*000000012*0*T*>~")
    assert isa[3] == "*" and isa[54:70] == "SUP00001       *"
    assert lines[1].startswith("GS*PS*SUPPLIERHUB*SUP00001*") and lines[1].endswith("*1*X*004010~")
    assert "GE*2*1~" in lines and "GE*1*2~" in lines
    assert lines[-1] == "IEA*2*000000012~"
    assert "SE*7*0001~" in lines and "SE*7*0002~" in lines  # ST BFR N1 LIN UIT CTT SE
    result = CODEC.parse(data.encode())
    assert result.all_errors == [] and len(result.documents) == 3
    assert result.envelopes[0].test is True


def test_render_5010_uses_repetition_separator():
    doc = PurchaseOrder(number="PO1", issued="2026-03-01", lines=[OrderLine(line="1", buyer_part="P1", quantity=Decimal(1))])
    data = CODEC.render([doc], RenderOptions(receiver_id="SUP00001", version="005010")).decode()
    assert data.startswith("ISA*") and data[82:84] == "^*" and "*00501*" in data[:106]
    assert "*X*005010~" in data


def test_render_rejects_bad_options():
    doc = PurchaseOrder(number="PO1", lines=[OrderLine(line="1", buyer_part="P1")])
    for options, message in (
        (RenderOptions(receiver_id="X", control_ref="ABC"), "control number must be 1-9 digits"),
        (RenderOptions(receiver_id="X" * 16), "longer than the 15 characters"),
        (RenderOptions(receiver_id="X", version="003010"), "cannot be rendered"),
    ):
        try:
            CODEC.render([doc], options)
        except Exception as exc:  # noqa: BLE001 - the message is what is tested
            assert message in str(exc)
        else:
            raise AssertionError(f"{options} rendered")


def test_acknowledgement_from_another_family_renders_as_997():
    # e.g. built from an EDIFACT CONTRL: no X12 source, EDIFACT error codes
    doc = Acknowledgement(
        acknowledges=Acknowledged(group_ref="55", message_refs=["0001", "0002"]),
        status="rejected",
        errors=[
            AckError(position="message 0002, segment 4 (LIN), element 3", code="12", text="invalid value"),
            AckError(position="group 55", code="ZZZZ", text="not an X12 code"),
        ],
        source=Source(format="EDIFACT", version="CONTRL D3"),
    )
    data = CODEC.render([doc], RenderOptions(receiver_id="SUP00001")).decode()
    body = [line for line in data.splitlines() if line[:3] in ("AK1", "AK2", "AK3", "AK4", "AK5", "AK9")]
    assert body == [
        "AK1*SH*55~",
        "AK2*856*0001~",
        "AK5*R~",
        "AK2*856*0002~",
        "AK3*LIN*4**8~",
        "AK4*3**12~",
        "AK5*R*5~",
        "AK9*R*2*2*0*ZZZZ~",
    ]
    back = CODEC.parse(data.encode()).documents[0]
    assert back.status == "rejected" and back.acknowledges.message_refs == ["0001", "0002"]


def test_ta1_renders_before_the_groups():
    ta1 = Acknowledgement(acknowledges=Acknowledged(interchange_ref="77"), status="accepted", issued="2026-03-01T10:30")
    po = PurchaseOrder(number="PO1", issued="2026-03-01", lines=[OrderLine(line="1", buyer_part="P1", quantity=Decimal(1))])
    lines = CODEC.render([po, ta1], RenderOptions(receiver_id="SUP00001")).decode().splitlines()
    assert lines[1] == "TA1*000000077*260301*1030*A*000~"
    assert lines[2].startswith("GS*PO*")
    assert lines[-1].startswith("IEA*1*")
