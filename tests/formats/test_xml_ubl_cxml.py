"""UBL 2.x and cXML: detection with version, hand-written fixtures, round trips, unsupported types by name."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import DespatchAdvice, OrderResponse, PurchaseOrder, ResponseLine
from hub.formats.errors import FormatError, UnsupportedFormat
from hub.formats.xml import CxmlCodec, UblCodec, XmlCodec
from hub.formats.xml.common import join_time, split_time
from tests.formats import strategies as s

XML, UBL, CXML = XmlCodec(), UblCodec(), CxmlCodec()
NS = (
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
)

UBL_ORDER = f"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2" {NS}>
  <cbc:UBLVersionID>2.3</cbc:UBLVersionID>
  <cbc:ID>PO-77</cbc:ID>
  <cbc:IssueDate>2026-03-01</cbc:IssueDate>
  <cbc:IssueTime>08:15:00</cbc:IssueTime>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty><cac:Party><cbc:EndpointID schemeID="0088">4000001000005</cbc:EndpointID>
    <cac:PartyIdentification><cbc:ID>PLANT01</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>Werk Eins</cbc:Name></cac:PartyName></cac:Party></cac:BuyerCustomerParty>
  <cac:SellerSupplierParty><cac:Party><cac:PartyIdentification><cbc:ID>SUP00001</cbc:ID></cac:PartyIdentification></cac:Party></cac:SellerSupplierParty>
  <cac:AnticipatedMonetaryTotal><cbc:PayableAmount currencyID="EUR">25</cbc:PayableAmount></cac:AnticipatedMonetaryTotal>
  <cac:OrderLine><cac:LineItem>
    <cbc:ID>10</cbc:ID>
    <cbc:Quantity unitCode="PCE">100</cbc:Quantity>
    <cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-03-15</cbc:StartDate></cac:RequestedDeliveryPeriod></cac:Delivery>
    <cac:Price><cbc:PriceAmount currencyID="EUR">0.25</cbc:PriceAmount></cac:Price>
    <cac:Item><cbc:Description>Bracket</cbc:Description>
      <cac:BuyersItemIdentification><cbc:ID>A-100</cbc:ID></cac:BuyersItemIdentification></cac:Item>
  </cac:LineItem></cac:OrderLine>
  <cac:OrderLine><cac:LineItem><cbc:ID>20</cbc:ID><cbc:Quantity unitCode="KGM">1,5</cbc:Quantity><cac:Item/></cac:LineItem></cac:OrderLine>
</Order>
"""

CXML_ORDER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.060/cXML.dtd">
<cXML payloadID="p-1@buyer" timestamp="2026-03-01T08:00:00+01:00">
  <Header>
    <From><Credential domain="DUNS"><Identity>123456789</Identity></Credential></From>
    <To><Credential domain="NetworkId"><Identity>SUP00001</Identity></Credential></To>
    <Sender><Credential domain="DUNS"><Identity>123456789</Identity></Credential><UserAgent>x</UserAgent></Sender>
  </Header>
  <Request>
    <OrderRequest>
      <OrderRequestHeader orderID="PO-9" orderDate="2026-03-01T08:00:00+01:00" type="new">
        <Total><Money currency="EUR">10</Money></Total>
        <ShipTo><Address addressID="PLANT01"><Name xml:lang="de">Werk Eins</Name></Address></ShipTo>
      </OrderRequestHeader>
      <ItemOut quantity="4" lineNumber="1" requestedDeliveryDate="2026-03-20">
        <ItemID><SupplierPartID>S-1</SupplierPartID><BuyerPartID>A-100</BuyerPartID></ItemID>
        <ItemDetail><UnitPrice><Money currency="EUR">2.50</Money></UnitPrice>
          <Description xml:lang="en">Bracket</Description><UnitOfMeasure>EA</UnitOfMeasure></ItemDetail>
      </ItemOut>
    </OrderRequest>
  </Request>
</cXML>
"""


def test_ubl_detection_reports_type_and_version():
    detection = registry.detect(UBL_ORDER.encode())
    assert (detection.codec, detection.family, detection.version, detection.message_types) == ("ubl", "UBL", "2.3", ["Order"])


def test_ubl_order_fields_and_positioned_number_error():
    result = XML.parse(UBL_ORDER.encode())
    (error,) = result.all_errors  # the second line's quantity uses a decimal comma
    assert "'1,5' is not a number" in error.text and error.position.line == UBL_ORDER[: UBL_ORDER.index("1,5")].count("\n") + 1
    good = UBL_ORDER.replace("1,5", "1.5")
    (order,) = XML.parse(good.encode()).documents
    assert isinstance(order, PurchaseOrder)
    assert (order.number, order.issued, order.currency) == ("PO-77", "2026-03-01T08:15", "EUR")
    assert order.buyer.id == "PLANT01" and order.buyer.name == "Werk Eins"
    assert order.sender.scheme == "0088" and order.supplier.id == "SUP00001"
    first, second = order.lines
    assert (first.line, first.buyer_part, first.quantity, first.unit, first.price) == ("10", "A-100", Decimal(100), "C62", Decimal("0.25"))
    assert first.requested_date == "2026-03-15" and second.unit == "KGM" and second.price is None
    assert order.source.format == "UBL" and order.source.version == "Order 2.3"


def test_cxml_detection_and_order_request():
    detection = registry.detect(CXML_ORDER.encode())
    assert (detection.codec, detection.version, detection.message_types) == ("cxml", "1.2.060", ["OrderRequest"])
    result = registry.parse(CXML_ORDER.encode())[1]
    assert result.envelopes[0].sender == {"scheme": "DUNS", "id": "123456789"} and result.envelopes[0].control_ref == "p-1@buyer"
    (order,) = result.documents
    assert order.ship_to.id == "PLANT01" and order.issued == "2026-03-01T08:00+01:00"
    assert order.lines[0].price == Decimal("2.5") and order.lines[0].unit == "C62" and order.lines[0].buyer_part == "A-100"


def test_unsupported_types_are_named():
    receipt = f'<ReceiptAdvice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2" {NS}><cbc:ID>1</cbc:ID></ReceiptAdvice>'
    (error,) = XML.parse(receipt.encode()).all_errors
    assert isinstance(error, UnsupportedFormat) and "UBL ReceiptAdvice is not carried" in error.text
    status = CXML_ORDER.replace("<OrderRequest>", "<StatusUpdateRequest>").replace("</OrderRequest>", "</StatusUpdateRequest>")
    (error,) = XML.parse(status.encode()).all_errors
    assert "cXML StatusUpdateRequest is not carried" in error.text
    (error,) = XML.parse(b"<invoice><total>1</total></invoice>").all_errors
    assert "<invoice>" in error.text and error.code == "unsupported"


def test_ubl_order_response_status_from_lines_when_no_code():
    data = f"""<OrderResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2" {NS}>
      <cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:ID>R1</cbc:ID><cbc:IssueDate>2026-01-02</cbc:IssueDate>
      <cac:OrderReference><cbc:ID>PO-1</cbc:ID></cac:OrderReference>
      <cac:OrderLine><cac:LineItem><cbc:ID>1</cbc:ID><cbc:LineStatusCode>Cancelled</cbc:LineStatusCode><cac:Item/></cac:LineItem></cac:OrderLine>
    </OrderResponse>"""
    (doc,) = XML.parse(data.encode()).documents
    assert isinstance(doc, OrderResponse) and doc.status == "rejected" and doc.order_number == "PO-1"
    # rendered as UBL 2.0 there is no OrderResponseCode, and the line status carries the meaning
    out = UBL.render([doc], RenderOptions(version="2.0"))
    assert b"OrderResponseCode" not in out
    assert XML.parse(out).documents[0].status == "rejected"


def test_render_needs_one_document_and_a_known_version():
    with pytest.raises(FormatError, match="exactly one document"):
        UBL.render([PurchaseOrder(), PurchaseOrder()], RenderOptions())
    with pytest.raises(FormatError, match="not supported"):
        UBL.render([PurchaseOrder()], RenderOptions(version="3.0"))
    with pytest.raises(FormatError, match="cXML rendering carries"):
        CXML.render([OrderResponse()], RenderOptions())
    with pytest.raises(FormatError, match="not a version"):
        CXML.render([PurchaseOrder()], RenderOptions(version='1" [<!ENTITY x "y">] "'))


def test_rendered_cxml_parses_through_the_safe_doctype_allowance():
    out = CXML.render([PurchaseOrder(number="PO-1")], RenderOptions(control_ref="ref-1"))
    assert out.splitlines()[1].startswith(b"<!DOCTYPE cXML SYSTEM")
    result = XML.parse(out)
    assert result.documents[0].number == "PO-1" and result.envelopes[0].version == "1.2.050"


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        ("2026-01-02", "", "2026-01-02"),
        ("2026-01-02", "10:30:00", "2026-01-02T10:30"),
        ("2026-01-02", "10:30:47.0Z", "2026-01-02T10:30:47"),
        ("2026-01-02T10:30:00+01:00", "", "2026-01-02T10:30+01:00"),
        ("", "10:00", None),
    ],
)
def test_join_time(day, time, expected):
    assert join_time(day, time) == expected


def test_split_time():
    assert split_time("2026-01-02T10:30") == ("2026-01-02", "10:30:00")
    assert split_time("2026-01-02") == ("2026-01-02", "")


def _without_source(doc):
    return dataclasses.replace(doc, source=type(doc.source)())


def _round_trip(codec, doc, version=""):
    out = codec.render([doc], RenderOptions(version=version))
    result = XML.parse(out)
    assert not result.all_errors, [str(e) for e in result.all_errors]
    (again,) = result.documents
    return _without_source(again)


ROUND = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND
@given(doc=s.ubl_order)
def test_ubl_order_round_trip(doc):
    assert _round_trip(UBL, doc) == doc


@ROUND
@given(doc=s.ubl_order_response)
def test_ubl_order_response_round_trip(doc):
    assert _round_trip(UBL, doc, "2.4") == doc


@ROUND
@given(doc=s.ubl_despatch_advice)
def test_ubl_despatch_advice_round_trip(doc):
    assert _round_trip(UBL, doc, "2.2") == doc


@ROUND
@given(doc=s.cxml_order)
def test_cxml_order_round_trip(doc):
    assert _round_trip(CXML, doc) == doc


@ROUND
@given(doc=s.cxml_ship_notice)
def test_cxml_ship_notice_round_trip(doc):
    # lines come back grouped by order (one ShipNoticePortion per order), in first-seen order
    orders = list(dict.fromkeys(line.order_number for line in doc.lines))
    grouped = sorted(doc.lines, key=lambda line: orders.index(line.order_number))
    assert _round_trip(CXML, doc) == dataclasses.replace(doc, lines=grouped)


def test_response_line_without_quantity():
    doc = OrderResponse(number="R", issued="2026-01-01", order_number="PO", lines=[ResponseLine(line="1", quantity=None)])
    assert _round_trip(UBL, doc) == doc


def test_despatch_advice_from_ubl_keeps_transport_data():
    doc = DespatchAdvice(
        number="DN1", issued="2026-01-01", carrier="Spedition Maier", transport_id="M-AB 123", gross_weight=Decimal("850.5")
    )
    again = _round_trip(UBL, doc)
    assert (again.carrier, again.transport_id, again.gross_weight) == ("Spedition Maier", "M-AB 123", Decimal("850.5"))
