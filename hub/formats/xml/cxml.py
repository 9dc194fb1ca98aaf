"""cXML 1.2: OrderRequest (purchase order) and ShipNoticeRequest (despatch advice).

cXML carries the envelope in ``Header`` (From/To credentials, which become the
document's sender and receiver) and one request in ``Request``. Its DTD is never
loaded (see ``safe``); the version comes from the DOCTYPE's system id or the
``version`` attribute.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from hub.formats import codes
from hub.formats.canonical import (
    DespatchAdvice,
    DespatchLine,
    Document,
    OrderLine,
    Package,
    Party,
    PartyId,
    PurchaseOrder,
    Source,
    add_identifier,
    decimal_text,
)
from hub.formats.errors import FormatError, Position
from hub.formats.xml.common import join_time, number, sub, text

_VERSION = re.compile(r"^1\.[0-9]+(\.[0-9]+)?$")
VERSIONS = ["1.2.050", "1.2.060", "1.2.063"]
DEFAULT_VERSION = "1.2.050"
NO_NS: dict[str, str] = {}

# The request element -> canonical type, for the requests the hub carries.
SUPPORTED = {"OrderRequest": "purchase_order", "ShipNoticeRequest": "despatch_advice"}
DTD_OF = {"OrderRequest": "cXML", "ShipNoticeRequest": "Fulfill"}


def request_name(root: etree._Element) -> str:
    """The name of the request (or response/message) element a cXML document carries."""
    for wrapper in ("Request", "Response", "Message"):
        found = root.find(wrapper)
        if found is not None:
            for child in found:
                if isinstance(child.tag, str) and child.tag != "Status":
                    return etree.QName(child).localname
    return ""


def _credential(header: etree._Element | None, role: str) -> PartyId:
    cred = header.find(f"{role}/Credential") if header is not None else None
    if cred is None:
        return PartyId()
    return PartyId(scheme=cred.get("domain", ""), id=text(cred, "Identity", NO_NS))


def _address_party(address: etree._Element | None) -> Party:
    if address is None:
        return Party()
    return Party(id=address.get("addressID", ""), name=text(address, "Name", NO_NS))


def _pos(element: etree._Element | None, tag: str) -> Position:
    return Position(line=element.sourceline if element is not None else None, tag=tag)


def _source(root: etree._Element, request: str, version: str) -> Source:
    return Source(format="cXML", version=f"{request} {version}", message_ref=root.get("payloadID", ""))


def read_order_request(root: etree._Element, version: str) -> PurchaseOrder:
    """cXML OrderRequest -> purchase order."""
    header = root.find("Header")
    request = root.find("Request/OrderRequest")
    head = request.find("OrderRequestHeader")
    if head is None:
        raise FormatError("OrderRequest has no OrderRequestHeader", _pos(request, "OrderRequest"))
    supplier = head.find("Contact[@role='supplierCorporate']")
    doc = PurchaseOrder(
        number=head.get("orderID", ""),
        issued=join_time(head.get("orderDate", "")),
        sender=_credential(header, "From"),
        receiver=_credential(header, "To"),
        buyer=_address_party(head.find("BillTo/Address")),
        supplier=Party(id=supplier.get("addressID", ""), name=text(supplier, "Name", NO_NS)) if supplier is not None else Party(),
        ship_to=_address_party(head.find("ShipTo/Address")),
        source=_source(root, "OrderRequest", version),
        currency=(head.find("Total/Money").get("currency", "") if head.find("Total/Money") is not None else ""),
    )
    for index, item in enumerate(request.findall("ItemOut"), 1):
        price_el = item.find("ItemDetail/UnitPrice/Money")
        if not doc.currency and price_el is not None:
            doc.currency = price_el.get("currency", "")
        doc.lines.append(
            OrderLine(
                line=item.get("lineNumber", "") or str(index),
                buyer_part=text(item, "ItemID/BuyerPartID", NO_NS),
                supplier_part=text(item, "ItemID/SupplierPartID", NO_NS),
                description=text(item, "ItemDetail/Description", NO_NS),
                quantity=number(item.get("quantity", ""), _pos(item, "ItemOut"), "quantity") or Decimal(0),
                unit=codes.unit_to_rec20(text(item, "ItemDetail/UnitOfMeasure", NO_NS), "cxml", doc.warnings, f"line {item.sourceline} (ItemDetail/UnitOfMeasure)"),
                price=number(price_el.text or "", _pos(price_el, "Money"), "unit price") if price_el is not None else None,
                requested_date=join_time(item.get("requestedDeliveryDate", "")),
            )
        )
        _keep_ids(doc.lines[-1], item)
    return doc


def _keep_ids(line: Any, item: etree._Element) -> None:
    """Keep the item ids beyond the parts: SupplierPartAuxiliaryID, ManufacturerPartID."""
    add_identifier(line, "supplier_part_auxiliary", text(item, "ItemID/SupplierPartAuxiliaryID", NO_NS))
    add_identifier(line, "manufacturer_part", text(item, "ItemDetail/ManufacturerPartID", NO_NS))


def _write_ids(item: etree._Element, line: Any) -> None:
    """ItemID: SupplierPartID, the first SupplierPartAuxiliaryID, BuyerPartID (the order the DTD wants)."""
    ids = sub(item, "ItemID")
    sub(ids, "SupplierPartID", line.supplier_part)
    auxiliary = next((i.id for i in line.identifiers if i.scheme == "supplier_part_auxiliary" and i.id), "")
    if auxiliary:
        sub(ids, "SupplierPartAuxiliaryID", auxiliary)
    if line.buyer_part:
        sub(ids, "BuyerPartID", line.buyer_part)


def read_ship_notice(root: etree._Element, version: str) -> DespatchAdvice:
    """cXML ShipNoticeRequest -> despatch advice (lines from ShipNoticeItem, orders from OrderReference)."""
    header = root.find("Header")
    request = root.find("Request/ShipNoticeRequest")
    head = request.find("ShipNoticeHeader")
    if head is None:
        raise FormatError("ShipNoticeRequest has no ShipNoticeHeader", _pos(request, "ShipNoticeRequest"))
    control = request.find("ShipControl")
    carrier = ""
    if control is not None:
        named = control.find("CarrierIdentifier[@domain='companyName']")
        first = control.find("CarrierIdentifier")
        carrier = (named.text if named is not None else first.text if first is not None else "") or ""
    contacts = {c.get("role", ""): c for c in head.findall("Contact")}
    doc = DespatchAdvice(
        number=head.get("shipmentID", ""),
        issued=join_time(head.get("noticeDate", "")),
        sender=_credential(header, "From"),
        receiver=_credential(header, "To"),
        supplier=_address_party(contacts.get("shipFrom")),
        ship_to=_address_party(contacts.get("shipTo")),
        buyer=_address_party(contacts["buyer"] if "buyer" in contacts else contacts.get("soldTo")),
        source=_source(root, "ShipNoticeRequest", version),
        ship_date=join_time(head.get("shipmentDate", "")),
        arrival_date=join_time(head.get("deliveryDate", "")),
        carrier=carrier.strip(),
        transport_id=text(control, "ShipmentIdentifier", NO_NS),
    )
    for portion in request.findall("ShipNoticePortion"):
        order = portion.find("OrderReference")
        order_number = order.get("orderID", "") if order is not None else ""
        items = portion.findall("ShipNoticeItem")
        if not items and order_number:
            # a portion without items still says which order the shipment answers
            doc.lines.append(DespatchLine(order_number=order_number, quantity=Decimal(0)))
        for item in items:
            doc.lines.append(
                DespatchLine(
                    buyer_part=text(item, "ItemID/BuyerPartID", NO_NS),
                    supplier_part=text(item, "ItemID/SupplierPartID", NO_NS),
                    quantity=number(item.get("quantity", ""), _pos(item, "ShipNoticeItem"), "quantity") or Decimal(0),
                    unit=codes.unit_to_rec20(text(item, "UnitOfMeasure", NO_NS), "cxml", doc.warnings, f"line {item.sourceline} (UnitOfMeasure)"),
                    order_number=order_number,
                    batch=text(item, "Batch/SupplierBatchID", NO_NS),
                )
            )
            _keep_ids(doc.lines[-1], item)
    for packaging in request.findall("ShipNoticePortion/ShipNoticeItem/Packaging"):
        label = text(packaging, "ShippingContainerSerialCode", NO_NS)
        doc.packages.append(Package(type=text(packaging, "PackagingCode", NO_NS), count=1, label_ids=[label] if label else []))
    return doc


READERS: dict[str, Callable[[etree._Element, str], Document]] = {
    "OrderRequest": read_order_request,
    "ShipNoticeRequest": read_ship_notice,
}


# --------------------------------------------------------------------------- render


def _envelope(doc: Document, request: str, version: str, payload_id: str) -> tuple[etree._Element, etree._Element]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    root = etree.Element("cXML", {"payloadID": payload_id, "timestamp": now, "version": version})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    header = sub(root, "Header")
    for role, party in (("From", doc.sender), ("To", doc.receiver), ("Sender", doc.sender)):
        cred = sub(sub(header, role), "Credential", domain=party.scheme or "NetworkId")
        sub(cred, "Identity", party.id)
        if role == "Sender":
            sub(header.find("Sender"), "UserAgent", "supplier hub")
    body = sub(sub(root, "Request"), request)
    return root, body


def _address(parent: etree._Element, tag: str, party: Party, **attrs: str) -> None:
    address = sub(parent, tag, addressID=party.id, **attrs)
    sub(address, "Name", party.name).set("{http://www.w3.org/XML/1998/namespace}lang", "en")


def write_order_request(doc: PurchaseOrder, version: str, payload_id: str) -> etree._Element:
    """Purchase order -> cXML OrderRequest."""
    root, body = _envelope(doc, "OrderRequest", version, payload_id)
    head = sub(body, "OrderRequestHeader", orderID=doc.number, orderDate=doc.issued or "", type="new")
    total = sum(((line.price or Decimal(0)) * line.quantity for line in doc.lines), Decimal(0))
    sub(sub(head, "Total"), "Money", decimal_text(total), currency=doc.currency or "EUR")
    if doc.ship_to.id or doc.ship_to.name:
        _address(sub(head, "ShipTo"), "Address", doc.ship_to)
    if doc.buyer.id or doc.buyer.name:
        _address(sub(head, "BillTo"), "Address", doc.buyer)
    if doc.supplier.id or doc.supplier.name:
        _address(head, "Contact", doc.supplier, role="supplierCorporate")
    for index, line in enumerate(doc.lines, 1):
        item = sub(
            body,
            "ItemOut",
            quantity=decimal_text(line.quantity),
            lineNumber=line.line or str(index),
            requestedDeliveryDate=line.requested_date or "",
        )
        _write_ids(item, line)
        detail = sub(item, "ItemDetail")
        sub(sub(detail, "UnitPrice"), "Money", decimal_text(line.price) if line.price is not None else "", currency=doc.currency or "EUR")
        sub(detail, "Description", line.description).set("{http://www.w3.org/XML/1998/namespace}lang", "en")
        sub(detail, "UnitOfMeasure", line.unit)
        manufacturer = next((i.id for i in line.identifiers if i.scheme == "manufacturer_part" and i.id), "")
        if manufacturer:
            sub(detail, "ManufacturerPartID", manufacturer)
    return root


def write_ship_notice(doc: DespatchAdvice, version: str, payload_id: str) -> etree._Element:
    """Despatch advice -> cXML ShipNoticeRequest (one ShipNoticePortion per order)."""
    root, body = _envelope(doc, "ShipNoticeRequest", version, payload_id)
    head = sub(
        body,
        "ShipNoticeHeader",
        shipmentID=doc.number,
        noticeDate=doc.issued or "",
        shipmentDate=doc.ship_date or "",
        deliveryDate=doc.arrival_date or "",
    )
    for role, party in (("shipFrom", doc.supplier), ("shipTo", doc.ship_to), ("buyer", doc.buyer)):
        if party.id or party.name:
            _address(head, "Contact", party, role=role)
    if doc.carrier or doc.transport_id:
        control = sub(body, "ShipControl")
        sub(control, "CarrierIdentifier", doc.carrier, domain="companyName")
        if doc.transport_id:
            sub(control, "ShipmentIdentifier", doc.transport_id)
    portions: dict[str, etree._Element] = {}
    for index, line in enumerate(doc.lines, 1):
        portion = portions.get(line.order_number)
        if portion is None:
            portion = portions[line.order_number] = sub(body, "ShipNoticePortion")
            sub(sub(portion, "OrderReference", orderID=line.order_number), "DocumentReference", payloadID="")
        item = sub(portion, "ShipNoticeItem", quantity=decimal_text(line.quantity), lineNumber=str(index))
        _write_ids(item, line)
        sub(item, "UnitOfMeasure", line.unit)
        if line.batch:
            sub(sub(item, "Batch"), "SupplierBatchID", line.batch)
    return root


WRITERS: dict[str, Callable[..., etree._Element]] = {
    "purchase_order": write_order_request,
    "despatch_advice": write_ship_notice,
}


def render(doc: Document, version: str = DEFAULT_VERSION, payload_id: str = "") -> bytes:
    """Render one canonical document as a cXML request, with the standard DOCTYPE line."""
    writer = WRITERS.get(doc.type)
    if writer is None:
        raise FormatError(f"cXML rendering carries {', '.join(sorted(WRITERS))}, not {doc.type}")
    version = version or DEFAULT_VERSION
    if not _VERSION.match(version):  # it goes into the DOCTYPE line: digits and dots only
        raise FormatError(f"cXML version {version!r} is not a version like {DEFAULT_VERSION}")
    payload_id = payload_id or f"{doc.number or 'doc'}@supplierhub"
    try:
        root = writer(doc, version, payload_id)
    except ValueError as exc:  # lxml refuses control characters XML 1.0 cannot hold
        raise FormatError(f"document {doc.number!r} holds text XML cannot carry: {exc}", code="render") from None
    request = "OrderRequest" if doc.type == "purchase_order" else "ShipNoticeRequest"
    doctype = f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{version}/{DTD_OF[request]}.dtd">'
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=doctype)
