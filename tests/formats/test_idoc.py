"""SAP IDocs, flat and XML: detection, mapping, positioned errors, rendering, round trips.

The fixtures are written here from the layouts (``hub/formats/idoc/layouts.py``), field by
field, never copied from a real file; the real ORDERS01 files are checked by
``test_idoc_corpus.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import string
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    CumulativeQuantity,
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    OrderLine,
    Package,
    Party,
    PurchaseOrder,
    Receipt,
    ScheduleLine,
    ScheduleQuantity,
    to_json,
)
from hub.formats.errors import UnsupportedFormat
from hub.formats.idoc import IdocCodec, IdocXmlCodec
from hub.formats.idoc import layouts as L

FLAT = IdocCodec()
XML = IdocXmlCodec()
SETTINGS = settings(max_examples=int(os.environ.get("IDOC_EXAMPLES", "60")), deadline=None)
DOCNUM = "0000000000123456"


def control(idoctyp: str = "ORDERS05", mestyp: str = "ORDERS", docnum: str = DOCNUM, **extra: str) -> str:
    values = {"TABNAM": "EDI_DC40", "MANDT": "100", "DOCNUM": docnum, "DOCREL": "740", "STATUS": "30", "DIRECT": "1"}
    values |= {"IDOCTYP": idoctyp, "MESTYP": mestyp, "SNDPOR": "SAPPRD", "SNDPRT": "LS", "SNDPRN": "PRDCLNT100"}
    values |= {"RCVPOR": "HUBPORT", "RCVPRT": "LI", "RCVPRN": "SUP00001", "CREDAT": "20261123", "CRETIM": "063000"} | extra
    return "".join(values.get(name, "").ljust(length) for name, length in L.CONTROL.rows)


def record(segnam: str, segnum: int, parent: int = 0, level: int = 2, docnum: str = DOCNUM, **fields: str) -> str:
    layout = L.SEGMENTS.get(L.segment_type(segnam))
    rows = layout.rows if layout else ()
    assert set(fields) <= {name for name, _ in rows}, fields
    sdata = "".join(fields.get(name, "").ljust(length) for name, length in rows)
    return f"{segnam:<30}100{docnum}{segnum:06d}{parent:06d}{level:02d}{sdata}".ljust(L.DATA_LENGTH)


def orders_idoc(docnum: str = DOCNUM, menge: str = "12.5") -> list[str]:
    return [
        control(docnum=docnum),
        record("E2EDK01005", 1, docnum=docnum, CURCY="EUR", BELNR="4500001234"),
        record("E2EDK03", 2, docnum=docnum, IDDAT="012", DATUM="20261120", UZEIT="143000"),
        record("E2EDKA1003", 3, docnum=docnum, PARVW="AG", PARTN="OEMPLANTS", NAME1="OEM Plants Group"),
        record("E2EDKA1003", 4, docnum=docnum, PARVW="LF", PARTN="SUP00001", NAME1="Supplier 00001 GmbH"),
        record("E2EDKA1003", 5, docnum=docnum, PARVW="WE", PARTN="PLANT01", ABLAD="G01"),
        record("E2EDK02", 6, docnum=docnum, QUALF="001", BELNR="4500001234", DATUM="20261120"),
        record("E2EDP01008", 7, docnum=docnum, POSEX="00010", MENGE=menge, MENEE="PCE", VPREI="125.00", PEINH="100"),
        record("E2EDP20", 8, 7, 3, docnum=docnum, WMENG=menge, EDATU="20261201"),
        record("E2EDP19001", 9, 7, 3, docnum=docnum, QUALF="001", IDTNR="4711-A", KTEXT="Bracket"),
        record("E2EDP19001", 10, 7, 3, docnum=docnum, QUALF="002", IDTNR="S47110"),
        record("E2EDP01008", 11, docnum=docnum, POSEX="00020", MENGE="3", MENEE="KGM"),
        record("E2EDP03", 12, 11, 3, docnum=docnum, IDDAT="002", DATUM="20261215"),
        record("E2EDP19001", 13, 11, 3, docnum=docnum, QUALF="002", IDTNR="S99", KTEXT="Grease"),
        record("Z1CUSTOM", 14, docnum=docnum),  # a customer segment: read past
        record("E2EDK14", 15, docnum=docnum, QUALF="014", ORGID="0001"),
    ]


def flat(*idocs: list[str], newline: str = "\n") -> bytes:
    return newline.join(line for idoc in idocs for line in idoc).encode("utf-8") + newline.encode()


def test_flat_orders05_maps_every_field():
    result = FLAT.parse(flat(orders_idoc()))
    assert result.all_errors == []
    (doc,) = result.documents
    got = to_json(doc)
    assert got["number"] == "4500001234" and got["issued"] == "2026-11-20T14:30" and got["currency"] == "EUR"
    assert got["sender"] == {"scheme": "LS", "id": "PRDCLNT100"} and got["receiver"] == {"scheme": "LI", "id": "SUP00001"}
    assert got["buyer"]["id"] == "OEMPLANTS" and got["supplier"]["name"] == "Supplier 00001 GmbH"
    assert got["ship_to"] == {"id": "PLANT01", "name": "", "plant": "PLANT01", "unloading_point": "G01"}
    assert got["source"] == {"format": "IDOC", "version": "ORDERS05", "message_ref": DOCNUM, "interchange_ref": DOCNUM}
    one, two = got["lines"]
    assert one == {
        "line": "00010",
        "buyer_part": "4711-A",
        "supplier_part": "S47110",
        "description": "Bracket",
        "quantity": "12.5",
        "unit": "C62",
        "price": "1.25",  # 125.00 per 100 pieces
        "requested_date": "2026-12-01",
    }
    assert two["supplier_part"] == "S99" and two["description"] == "Grease" and two["unit"] == "KGM"
    assert two["requested_date"] == "2026-12-15" and two["price"] is None
    assert result.messages[0].type == "ORDERS" and result.messages[0].version == "ORDERS05"


def test_detection_flat_and_xml_and_registry_order():
    data = flat(orders_idoc())
    found = registry.detect(data)
    assert (found.codec, found.family, found.version, found.message_types) == ("idoc", "IDoc", "ORDERS05", ["ORDERS"])
    xml = XML.render(FLAT.parse(data).documents, RenderOptions(receiver_id="SUP00001"))
    found = registry.detect(xml)
    assert (found.codec, found.version, found.message_types) == ("idoc-xml", "ORDERS05", ["ORDERS"])
    assert list(registry.CODECS)[:3] == ["idoc", "idoc-xml", "xml"]
    assert registry.detect(b"\xef\xbb\xbf\r\n" + data).codec == "idoc"
    # other formats are not claimed
    for other in (b"UNA:+.? 'UNB+UNOC:3+X+Y+260101:1200+1'", b"ISA*00*", b"<documents/>", b"<Order/>"):
        assert FLAT.detect(other) is None and XML.detect(other) is None


def test_positioned_error_names_record_field_and_idoc():
    result = FLAT.parse(flat(orders_idoc(menge="12,5x")))
    (message,) = result.messages
    errors = [str(e) for e in message.errors]
    assert errors == [f"record 8 (E1EDP01), field MENGE: '12,5x' is not a number [IDoc {DOCNUM}]"]
    error = message.errors[0]
    assert error.as_dict()["field_name"] == "MENGE" and error.as_dict()["segment"] == 8 and error.code == "invalid_value"


def test_one_bad_idoc_rejects_itself_alone():
    good1, bad, good2 = orders_idoc("0000000000000001"), orders_idoc("0000000000000002", "1O"), orders_idoc("0000000000000003")
    result = FLAT.parse(flat(good1, bad, good2))
    assert [m.ref for m in result.messages] == ["0000000000000001", "0000000000000002", "0000000000000003"]
    assert [m.ok for m in result.messages] == [True, False, True]
    assert len(result.documents) == 2
    assert str(result.messages[1].errors[0]).startswith("record 24 (E1EDP01), field MENGE: '1O' is not a number")


def test_bad_dates_times_and_codes_are_positioned():
    idoc = orders_idoc()
    idoc[2] = record("E2EDK03", 2, IDDAT="012", DATUM="20261341")
    (error,) = FLAT.parse(flat(idoc)).all_errors
    assert str(error) == f"record 3 (E1EDK03), field DATUM: '20261341' is not a date (YYYYMMDD) [IDoc {DOCNUM}]"
    idoc = orders_idoc()
    idoc[8] = record("E2EDP20", 8, 7, 3, WMENG="1", EDATU="20261201", EZEIT="2561")
    (error,) = FLAT.parse(flat(idoc)).all_errors
    assert "record 9 (E1EDP20), field EZEIT: '2561' is not a time" in str(error)


def test_unsupported_basic_type_is_named_and_stray_records_reported():
    invoice = [control("INVOIC02", "INVOIC", "0000000000000009"), record("E2EDK01005", 1, docnum="0000000000000009", CURCY="EUR")]
    result = FLAT.parse(flat(invoice, orders_idoc()))
    first, second = result.messages
    (error,) = first.errors
    assert isinstance(error, UnsupportedFormat) and "INVOIC02" in error.text and "(invoice)" in error.text
    assert second.ok and len(result.documents) == 1
    result = FLAT.parse(b"EDI_DC40" + b" " * 516 + b"\n" + flat(orders_idoc()))  # a control record without a basic type
    assert "names no basic type" in str(result.messages[0].errors[0]) and result.messages[1].ok
    stray = FLAT.parse(b"\n" + flat(orders_idoc())[525:])  # data records without their control record
    assert stray.errors and "before any EDI_DC40 control record" in str(stray.errors[0]) and stray.errors[0].code == "envelope"


def test_docnum_mismatch_and_custom_message_type():
    idoc = orders_idoc()
    idoc[0] = control(mestyp="ZZORDERS")
    idoc[3] = record("E2EDKA1003", 3, docnum="0000000000999999", PARVW="AG", PARTN="X")
    (message,) = FLAT.parse(flat(idoc)).messages
    assert message.type == "ZZORDERS"  # the basic type decides what the IDoc carries
    assert [e.code for e in message.errors] == ["envelope"]
    assert "DOCNUM '0000000000999999' differs" in str(message.errors[0])


def test_trimmed_crlf_and_unbroken_records():
    lines = orders_idoc()
    trimmed = flat([line.rstrip() for line in lines], newline="\r\n")
    assert len(FLAT.parse(trimmed).documents) == 1
    unbroken = "".join(lines).encode()
    result = FLAT.parse(unbroken)
    assert result.all_errors == [] and result.documents[0].lines[0].buyer_part == "4711-A"


def test_xml_idoc_parse_errors_name_the_line():
    doc = FLAT.parse(flat(orders_idoc())).documents[0]
    xml = XML.render([doc], RenderOptions(receiver_id="SUP00001", control_ref="77")).decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<ORDERS05>\n  <IDOC BEGIN="1">\n    <EDI_DC40 SEGMENT="1">')
    bad = xml.replace("<MENGE>12.5</MENGE>", "<MENGE>12,5x</MENGE>")
    line = bad.splitlines().index("      <MENGE>12,5x</MENGE>") + 1
    (error,) = XML.parse(bad.encode()).all_errors
    assert str(error) == f"line {line} (E1EDP01), field MENGE: '12,5x' is not a number [IDoc 0000000000000077]"
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><ORDERS05><IDOC BEGIN="1"><EDI_DC40/></IDOC></ORDERS05>'
    (error,) = XML.parse(hostile).all_errors
    assert error.code == "forbidden"


def test_xml_idoc_with_idoc_root_and_e2_names():
    body = (
        "<IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'><DOCNUM>42</DOCNUM><IDOCTYP>DELVRY07</IDOCTYP><MESTYP>DESADV</MESTYP>"
        "<CREDAT>20261123</CREDAT><CRETIM>101500</CRETIM></EDI_DC40>"
        "<E2EDL20004 SEGMENT='1'><VBELN>80001</VBELN><E1EDL24 SEGMENT='1'><KDMAT>P-1</KDMAT><LFIMG>5</LFIMG><VRKME>PCE</VRKME>"
        "<E1EDL41 SEGMENT='1'><QUALI>001</QUALI><BSTNR>PO-9</BSTNR></E1EDL41></E1EDL24></E2EDL20004></IDOC>"
    )
    assert registry.detect(body.encode()).codec == "idoc-xml"
    (doc,) = XML.parse(body.encode()).documents
    assert doc.number == "80001" and doc.issued == "2026-11-23T10:15"
    assert [(line.buyer_part, line.quantity, line.unit, line.order_number) for line in doc.lines] == [("P-1", Decimal(5), "C62", "PO-9")]


def test_render_flat_layout_and_envelope():
    doc = PurchaseOrder(number="PO1", issued="2026-03-01", lines=[OrderLine(line="10", buyer_part="P1", quantity=Decimal("2.5"))])
    options = RenderOptions(receiver_id="SUP00001", control_ref="41", test=True, now=dt.datetime(2026, 3, 2, 7, 5, 9))
    lines = FLAT.render([doc, doc], options).decode().splitlines()
    assert [len(line) for line in lines] == [524, 1063, 1063, 1063, 1063, 1063] * 2
    head = lines[0]
    assert head.startswith("EDI_DC40     0000000000000041740 302") and head[38] == "X"  # TEST flag
    assert "ORDERS05" in head and "SUPPLIERHU" in head and "SUPPLIERHUB" in head and "20260302070509" in head
    assert lines[6][13:29] == "0000000000000042"
    item = next(line for line in lines if line.startswith("E1EDP01"))
    assert item[49:63] == "000004" + "000000" + "02" and item[63:69] == "10    "
    sub = next(line for line in lines if line.startswith("E1EDP19"))
    assert sub[55:63] == "00000403"  # parent E1EDP01 is segment 4, level 03
    parsed = FLAT.parse(FLAT.render([doc], options))
    assert parsed.envelopes[0].test and parsed.documents[0].sender.id == "SUPPLIERHUB"


def test_render_refuses_what_does_not_fit():
    doc = PurchaseOrder(number="PO1", lines=[OrderLine(line="1234567", quantity=Decimal(1))])
    with pytest.raises(Exception, match="longer than the 6 characters of E1EDP01-POSEX"):
        FLAT.render([doc], RenderOptions())
    with pytest.raises(Exception, match="one basic type"):
        XML.render([PurchaseOrder(number="PO1"), DespatchAdvice(number="D1")], RenderOptions())
    from hub.formats.canonical import OrderResponse

    with pytest.raises(Exception, match="cannot carry a order_response"):
        FLAT.render([OrderResponse(number="R1")], RenderOptions())


def test_jit_calloff_and_basic_type_choice():
    doc = DeliverySchedule(
        kind="jit",
        number="J1",
        issued="2026-03-01",
        lines=[ScheduleLine(buyer_part="P", schedule=[ScheduleQuantity(Decimal(4), date="2026-03-02T06:15")])],
    )
    data = FLAT.render([doc], RenderOptions(version="DELFOR01"))
    assert b"DELFOR01" in data[:524] and b"DELJIT" in data[:524]
    (back,) = FLAT.parse(data).documents
    assert back.kind == "jit" and back.lines[0].schedule[0].date == "2026-03-02T06:15"


# --------------------------------------------------------------------------- round trips

text = st.text(alphabet=string.ascii_letters + string.digits + " -./,&'\"<>äöüß", min_size=1, max_size=12).map(str.strip).filter(bool)
ident = st.text(alphabet=string.ascii_uppercase + string.digits + "-/.", min_size=1, max_size=10)
maybe = st.one_of(st.just(""), text)
maybe_id = st.one_of(st.just(""), ident)
days = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
times = st.tuples(st.integers(1, 23), st.integers(0, 59), st.sampled_from([0, 0, 30])).map(
    lambda t: f"T{t[0]:02d}:{t[1]:02d}" + (f":{t[2]:02d}" if t[2] else "")
)
datetimes = st.tuples(days, times).map("".join)
when = st.one_of(days, datetimes)
quantities = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
units = st.sampled_from(["C62", "KGM", "MTR", "LTR", "PR", "SET", "PA"])
parties = st.builds(Party, id=maybe_id, name=maybe)


@st.composite
def ship_tos(draw, unloading: bool = True) -> Party:
    plant = draw(maybe_id)
    return Party(id=plant, name=draw(maybe), plant=plant, unloading_point=draw(maybe_id) if unloading else "")


@st.composite
def purchase_orders(draw) -> PurchaseOrder:
    lines = [
        OrderLine(
            line=str(n * 10),
            buyer_part=draw(maybe_id),
            supplier_part=draw(maybe_id),
            description=draw(maybe),
            quantity=draw(quantities),
            unit=draw(units),
            price=draw(st.one_of(st.none(), quantities)),
            requested_date=draw(st.one_of(st.none(), when)),
        )
        for n in range(1, draw(st.integers(0, 4)) + 1)
    ]
    return PurchaseOrder(
        number=draw(ident),
        issued=draw(st.one_of(st.none(), when)),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos()),
        currency=draw(st.sampled_from(["", "EUR", "USD"])),
        lines=lines,
    )


@st.composite
def schedule_entries(draw) -> ScheduleQuantity:
    commitment = draw(st.sampled_from(["firm", "production", "material", "forecast"]))
    quantity = draw(quantities)
    shape = draw(st.sampled_from(["day", "period", "week", "month", "open"]))
    if shape == "day":
        return ScheduleQuantity(quantity=quantity, commitment=commitment, date=draw(when))
    start = dt.date.fromisoformat(draw(days))
    if shape == "week":
        start -= dt.timedelta(days=start.weekday())
        return ScheduleQuantity(
            quantity=quantity, commitment=commitment, from_=start.isoformat(), to=(start + dt.timedelta(days=6)).isoformat()
        )
    if shape == "month":
        start = start.replace(day=1)
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return ScheduleQuantity(quantity=quantity, commitment=commitment, from_=start.isoformat(), to=end.isoformat())
    end = draw(days) if shape == "period" else None
    return ScheduleQuantity(quantity=quantity, commitment=commitment, from_=start.isoformat(), to=end)


@st.composite
def delivery_schedules(draw) -> DeliverySchedule:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        cumulative = draw(st.one_of(st.none(), st.builds(CumulativeQuantity, quantity=quantities, date=st.one_of(st.none(), days))))
        receipts = draw(
            st.lists(st.builds(Receipt, delivery_note=maybe_id, date=st.one_of(st.none(), days), quantity=quantities), max_size=1)
        )
        lines.append(
            ScheduleLine(
                buyer_part=draw(maybe_id),
                supplier_part=draw(maybe_id),
                description=draw(maybe),
                unit=draw(units),
                order_number=draw(maybe_id),
                unloading_point=draw(maybe_id),
                cumulative_received=cumulative,
                last_receipts=receipts,
                schedule=draw(st.lists(schedule_entries(), max_size=5)),
            )
        )
    return DeliverySchedule(
        kind=draw(st.sampled_from(["standard", "jit"])),
        number=draw(ident),
        issued=draw(st.one_of(st.none(), days)),
        previous_number=draw(maybe_id),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos()),
        lines=lines,
    )


@st.composite
def despatch_advices(draw) -> DespatchAdvice:
    packages = []
    for kind in draw(st.lists(maybe_id, max_size=3, unique=True)):
        labels = draw(st.lists(ident, max_size=3))
        packages.append(Package(type=kind, count=draw(st.integers(max(1, len(labels)), 12)), label_ids=labels))
    lines = [
        DespatchLine(
            buyer_part=draw(maybe_id),
            supplier_part=draw(maybe_id),
            quantity=draw(quantities),
            unit=draw(units),
            order_number=draw(maybe_id),
            batch=draw(maybe_id),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    return DespatchAdvice(
        number=draw(ident),
        issued=draw(when),
        buyer=draw(parties),
        supplier=draw(parties),
        ship_to=draw(ship_tos()),
        ship_date=draw(st.one_of(st.none(), when)),
        arrival_date=draw(st.one_of(st.none(), when)),
        carrier=draw(maybe),
        transport_id=draw(maybe_id),
        gross_weight=draw(st.one_of(st.none(), quantities)),
        packages=packages,
        lines=lines,
    )


def round_trip(codec, docs) -> None:
    options = RenderOptions(receiver_id="SUP00001", control_ref="4711")
    data = codec.render(docs, options)
    result = codec.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors] + [data.decode()]
    assert [m.ref for m in result.messages] == [f"{4711 + n:016d}" for n in range(len(docs))]
    for back, doc in zip(result.documents, docs, strict=True):
        assert (back.sender.id, back.receiver.id) == ("SUPPLIERHUB", "SUP00001")
        got, want = to_json(back), to_json(doc)
        for key in ("sender", "receiver", "source"):
            got.pop(key), want.pop(key)
        assert got == want


@SETTINGS
@given(st.lists(purchase_orders(), min_size=1, max_size=3), st.sampled_from([FLAT, XML]))
def test_orders_round_trip(docs, codec):
    round_trip(codec, docs)


@SETTINGS
@given(st.lists(delivery_schedules(), min_size=1, max_size=3), st.sampled_from([FLAT, XML]))
def test_delins_round_trip(docs, codec):
    round_trip(codec, docs)


@SETTINGS
@given(st.lists(despatch_advices(), min_size=1, max_size=3), st.sampled_from([FLAT, XML]))
def test_desadv_round_trip(docs, codec):
    round_trip(codec, docs)


@settings(max_examples=int(os.environ.get("IDOC_EXAMPLES", "60")), deadline=None)
@given(st.data())
def test_mutated_files_give_only_positioned_errors(data):
    doc = data.draw(st.sampled_from([purchase_orders(), delivery_schedules(), despatch_advices()]).flatmap(lambda s: s))
    codec = data.draw(st.sampled_from([FLAT, XML]))
    raw = bytearray(codec.render([doc], RenderOptions(receiver_id="SUP00001")))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.sampled_from(list(b"0123456789 ,.-xX<>&E\n")))
    result = codec.parse(bytes(raw))
    for error in result.all_errors:
        assert error.code != "internal", str(error)
        assert str(error)
