"""Render then parse gives back the same canonical document, for every EDIFACT message.

The strategies generate canonical documents restricted to what each message carries
(e.g. CONTRL carries error codes, not texts; APERAK says accepted or rejected).
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
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
    Document,
    OrderLine,
    OrderResponse,
    Package,
    Party,
    PartyId,
    PurchaseOrder,
    Receipt,
    ResponseLine,
    ScheduleLine,
    ScheduleQuantity,
    to_json,
)
from hub.formats.edifact import EdifactCodec
from hub.formats.edifact.acknowledge import contrl, contrl_document
from hub.formats.edifact.messages.contrl import position_text

CODEC = EdifactCodec()
OPTIONS = RenderOptions(sender_id="SUPPLIERHUB", sender_qualifier="ZZ", receiver_id="SUP00001", receiver_qualifier="ZZ", control_ref="42")
SENDER = PartyId(scheme="ZZ", id="SUPPLIERHUB")
RECEIVER = PartyId(scheme="ZZ", id="SUP00001")
PROFILE = settings(max_examples=int(os.environ.get("EDIFACT_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Texts as partners send them: any printable character, the service characters included,
# Latin-1 and beyond (the renderer switches to UNOW then); no layout around a value.
_chars = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
text = st.text(_chars, max_size=12).map(str.strip)
ident = st.text(_chars, min_size=1, max_size=12).map(str.strip).filter(bool)
quantity = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
unit = st.sampled_from(["C62", "KGM", "MTR", "LTR"])
day = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
minute = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31)).map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))
when = st.one_of(day, minute)
party = st.builds(Party, id=text, name=text)
ship_to = ident.flatmap(lambda i: st.builds(Party, id=st.just(i), name=text, plant=st.just(i)))
optional_ship_to = st.one_of(st.just(Party()), ship_to)


def check(doc: Document, options: RenderOptions = OPTIONS) -> None:
    data = CODEC.render([doc], options)
    result = CODEC.parse(data)
    assert not result.all_errors, ([str(e) for e in result.all_errors], data)
    (back,) = result.documents
    back.source = doc.source
    assert to_json(back) == to_json(doc), data


@st.composite
def parts(draw):
    buyer = draw(text)
    supplier = draw(ident) if not buyer else draw(text)
    return buyer, supplier


@st.composite
def schedule_entry(draw):
    qty, commitment = draw(quantity), draw(st.sampled_from(["firm", "production", "material", "forecast"]))
    if draw(st.booleans()):
        return ScheduleQuantity(quantity=qty, commitment=commitment, date=draw(when))
    start, end = draw(st.one_of(st.none(), when)), draw(st.one_of(st.none(), when))
    if start is None and end is None:
        start = draw(when)
    return ScheduleQuantity(quantity=qty, commitment=commitment, from_=start, to=end)


@st.composite
def schedule_line(draw):
    buyer, supplier = draw(parts())
    cumulative = draw(st.one_of(st.none(), st.builds(CumulativeQuantity, quantity=quantity, date=st.one_of(st.none(), day))))
    return ScheduleLine(
        buyer_part=buyer,
        supplier_part=supplier,
        description=draw(text),
        unit=draw(unit),
        order_number=draw(text),
        unloading_point=draw(text),
        cumulative_received=cumulative,
        last_receipts=draw(st.lists(st.builds(Receipt, delivery_note=text, date=st.one_of(st.none(), day), quantity=quantity), max_size=2)),
        schedule=draw(st.lists(schedule_entry(), min_size=1, max_size=3)),
    )


@st.composite
def delivery_schedule(draw):
    to = draw(ship_to)
    to.unloading_point = draw(text)
    return DeliverySchedule(
        kind=draw(st.sampled_from(["standard", "jit"])),
        number=draw(ident),
        issued=draw(st.one_of(st.none(), when)),
        sender=SENDER,
        receiver=RECEIVER,
        buyer=draw(party),
        supplier=draw(party),
        ship_to=to,
        previous_number=draw(text),
        lines=draw(st.lists(schedule_line(), min_size=1, max_size=3)),
    )


@given(delivery_schedule())
@PROFILE
def test_delfor_and_deljit_round_trip(doc):
    check(doc)


@st.composite
def despatch_line(draw):
    buyer, supplier = draw(parts())
    return DespatchLine(
        buyer_part=buyer, supplier_part=supplier, quantity=draw(quantity), unit=draw(unit), order_number=draw(text), batch=draw(text)
    )


package = st.builds(Package, type=text, count=st.integers(0, 999), label_ids=st.lists(ident, max_size=7))


@st.composite
def despatch_advice(draw):
    return DespatchAdvice(
        number=draw(ident),
        issued=draw(st.one_of(st.none(), when)),
        sender=SENDER,
        receiver=RECEIVER,
        buyer=draw(party),
        supplier=draw(party),
        ship_to=draw(optional_ship_to),
        ship_date=draw(st.one_of(st.none(), when)),
        arrival_date=draw(st.one_of(st.none(), when)),
        carrier=draw(text),
        transport_id=draw(text),
        gross_weight=draw(st.one_of(st.none(), quantity)),
        packages=draw(st.lists(package, max_size=3)),
        lines=draw(st.lists(despatch_line(), min_size=1, max_size=3)),
    )


@given(despatch_advice())
@PROFILE
def test_desadv_round_trip(doc):
    check(doc)


@st.composite
def purchase_order(draw):
    lines = []
    for index in range(1, draw(st.integers(1, 3)) + 1):
        buyer, supplier = draw(parts())
        lines.append(
            OrderLine(
                line=str(index),
                buyer_part=buyer,
                supplier_part=supplier,
                description=draw(text),
                quantity=draw(quantity),
                unit=draw(unit),
                price=draw(st.one_of(st.none(), quantity)),
                requested_date=draw(st.one_of(st.none(), when)),
            )
        )
    return PurchaseOrder(
        number=draw(ident),
        issued=draw(st.one_of(st.none(), when)),
        sender=SENDER,
        receiver=RECEIVER,
        buyer=draw(party),
        supplier=draw(party),
        ship_to=draw(optional_ship_to),
        currency=draw(st.sampled_from(["", "EUR", "USD", "CZK"])),
        lines=lines,
    )


@given(purchase_order())
@PROFILE
def test_orders_round_trip(doc):
    check(doc)


@st.composite
def order_response(draw):
    lines = []
    for index in range(1, draw(st.integers(0, 3)) + 1):
        buyer, supplier = draw(parts())
        qty = draw(st.one_of(st.none(), quantity))
        lines.append(
            ResponseLine(
                line=str(index),
                buyer_part=buyer,
                supplier_part=supplier,
                quantity=qty,
                unit=draw(unit) if qty is not None else "C62",
                status=draw(st.sampled_from(["accepted", "changed", "rejected"])),
                date=draw(st.one_of(st.none(), when)),
            )
        )
    return OrderResponse(
        number=draw(ident),
        issued=draw(st.one_of(st.none(), when)),
        sender=SENDER,
        receiver=RECEIVER,
        buyer=draw(party),
        supplier=draw(party),
        ship_to=draw(optional_ship_to),
        order_number=draw(text),
        status=draw(st.sampled_from(["accepted", "changed", "rejected"])),
        lines=lines,
    )


@given(order_response())
@PROFILE
def test_ordrsp_round_trip(doc):
    check(doc)


syntax_code = st.sampled_from(sorted(codes.SYNTAX_ERROR_TEXT))


@st.composite
def where(draw, *, segment: bool, tags: list[str]):
    seg = draw(st.integers(1, 999)) if segment else None
    element = draw(st.one_of(st.none(), st.integers(1, 20)))
    component = draw(st.one_of(st.none(), st.integers(1, 9))) if element is not None else None
    tag = "" if segment else draw(st.sampled_from(tags))
    return {"segment": seg, "element": element, "component": component, "tag": tag}


def _ack_error(code: str, **position) -> AckError:
    return AckError(position=position_text(**position), code=code, text=codes.SYNTAX_ERROR_TEXT[code])


@st.composite
def contrl_ack(draw):
    refs = draw(st.lists(ident.filter(lambda r: "]" not in r), max_size=4, unique=True))
    errors: list[AckError] = []
    if draw(st.booleans()):
        errors.append(_ack_error(draw(syntax_code), **draw(where(segment=False, tags=["", "UNB", "UNZ", "UNG"]))))
    failing = set()
    for ref in refs:
        mine = []
        if draw(st.booleans()):
            mine.append(_ack_error(draw(syntax_code), message_ref=ref, **draw(where(segment=False, tags=["", "UNH", "BGM"]))))
        for _ in range(draw(st.integers(0, 2))):
            mine.append(_ack_error(draw(syntax_code), message_ref=ref, **draw(where(segment=True, tags=[]))))
        if mine:
            failing.add(ref)
        errors.extend(mine)
    if not errors:
        status = draw(st.sampled_from(["accepted", "rejected"]))
    elif refs and failing == set(refs):
        status = "rejected"
    else:
        status = draw(st.sampled_from(["partially_accepted", "rejected"]))
    return Acknowledgement(
        number=draw(ident),
        sender=SENDER,
        receiver=RECEIVER,
        acknowledges=Acknowledged(interchange_ref=draw(ident), group_ref=draw(text), message_refs=refs),
        status=status,
        errors=errors,
    )


@given(contrl_ack())
@PROFILE
def test_contrl_round_trip(doc):
    check(doc)


@st.composite
def aperak_ack(draw):
    errors = draw(
        st.lists(
            st.builds(AckError, position=st.text(_chars, max_size=600).map(str.strip), code=ident.filter(lambda c: c != "1"), text=text),
            max_size=3,
        )
    )
    return Acknowledgement(
        number=draw(text),
        issued=draw(st.one_of(st.none(), when)),
        sender=SENDER,
        receiver=RECEIVER,
        acknowledges=Acknowledged(
            interchange_ref=draw(text), group_ref=draw(text), message_refs=draw(st.lists(ident, max_size=3)), number=draw(text)
        ),
        status=draw(st.sampled_from(["accepted", "rejected"])),
        errors=errors,
    )


@given(aperak_ack())
@PROFILE
def test_aperak_round_trip(doc):
    check(doc, RenderOptions(**{**OPTIONS.__dict__, "version": "APERAK"}))


def test_render_picks_the_message_from_the_document():
    line = ScheduleLine(buyer_part="P", schedule=[ScheduleQuantity(quantity=Decimal(1), date="2026-01-01")])
    docs = [
        DeliverySchedule(number="1", ship_to=Party(id="PLANT01", plant="PLANT01"), lines=[line]),
        DeliverySchedule(number="2", kind="jit", ship_to=Party(id="PLANT01", plant="PLANT01"), lines=[line]),
        DespatchAdvice(number="3", lines=[DespatchLine(buyer_part="P", quantity=Decimal(1))]),
        PurchaseOrder(number="4", lines=[OrderLine(line="1", buyer_part="P", quantity=Decimal(1))]),
        OrderResponse(number="5", order_number="4"),
        Acknowledgement(number="6", acknowledges=Acknowledged(interchange_ref="9")),
    ]
    data = CODEC.render(docs, OPTIONS).decode("latin-1")
    types = [seg.split("+")[2].split(":")[0] for seg in data.split("'") if seg.strip().startswith("UNH")]
    assert types == ["DELFOR", "DELJIT", "DESADV", "ORDERS", "ORDRSP", "CONTRL"]
    result = CODEC.parse(data.encode("latin-1"))
    assert not result.all_errors and [d.type for d in result.documents] == [d.type for d in docs]
    aperak = CODEC.render(docs[-1:], RenderOptions(**{**OPTIONS.__dict__, "version": "APERAK"}))
    assert b"APERAK:D:96A:UN" in aperak
    assert b"DELFOR:D:97A:UN" in CODEC.render(docs[:1], RenderOptions(**{**OPTIONS.__dict__, "version": "D:97A"}))


def test_render_switches_to_unow_syntax_4_for_text_beyond_latin1():
    doc = PurchaseOrder(number="Заказ-1", lines=[OrderLine(line="1", buyer_part="P", quantity=Decimal(1))])
    data = CODEC.render([doc], OPTIONS)
    assert b"UNB+UNOW:4+" in data
    unb = data.decode("utf-8").split("'")[1]
    assert len(unb.split("+")[4].split(":")[0]) == 8  # CCYYMMDD in syntax 4
    assert CODEC.parse(data).documents[0].number == "Заказ-1"


def test_describe_lists_every_message_and_direction():
    infos = {i.message_types[0]: i for i in CODEC.describe()}
    assert set(infos) == {"DELFOR", "DELJIT", "DESADV", "ORDERS", "ORDRSP", "CONTRL", "APERAK"}
    assert all(i.directions == ["parse", "render"] for i in infos.values())
    assert infos["DELJIT"].documents == ["delivery_schedule"] and infos["CONTRL"].documents == ["acknowledgement"]


@st.composite
def damaged(draw):
    doc = draw(st.one_of(delivery_schedule(), despatch_advice(), purchase_order(), order_response(), contrl_ack()))
    data = bytearray(CODEC.render([doc], OPTIONS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        byte = draw(st.sampled_from(list(b"+:'?*\n0A9.,-\xc3\xa4 ")))
        if action == "delete" and at < len(data):
            del data[at]
        elif action == "insert":
            data.insert(at, byte)
        elif at < len(data):
            data[at] = byte
    return bytes(data)


@given(damaged())
@PROFILE
def test_damaged_files_give_positioned_errors_never_exceptions(data):
    result = CODEC.parse(data)
    for error in result.all_errors:
        assert error.code != "internal", (str(error), data)
        assert str(error)
    for index in range(len(result.envelopes)):  # and the CONTRL for it is always a clean interchange
        ack = contrl(result, index, control_ref="HUB1")
        back = CODEC.parse(ack)
        assert not back.all_errors, ([str(e) for e in back.all_errors], ack)
        assert back.documents[0].status == contrl_document(result, index).status or back.documents[0].status == "accepted"
