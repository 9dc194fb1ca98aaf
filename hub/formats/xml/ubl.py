"""OASIS UBL 2.0-2.4: Order, OrderResponse and DespatchAdvice, read and written.

UBL 2.x keeps one namespace per document type across minor versions, so the version
comes from ``cbc:UBLVersionID``. Only the fields the canonical model carries are
read; everything else in a UBL document is ignored (UBL is much wider than a call-off
hub needs). Writing follows the UBL 2.1 element order so the output validates
against the OASIS schemas of 2.1 and later.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from hub.formats import codelists, codes
from hub.formats.canonical import (
    DespatchAdvice,
    DespatchLine,
    Document,
    OrderLine,
    OrderResponse,
    Package,
    Party,
    PartyId,
    PurchaseOrder,
    ResponseLine,
    Source,
    add_identifier,
    decimal_text,
)
from hub.formats.errors import FormatError, Position
from hub.formats.xml.common import join_time, number, split_time, sub, text

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
DOC_NS = "urn:oasis:names:specification:ubl:schema:xsd:{}-2"
NS = {"cbc": CBC, "cac": CAC}
VERSIONS = ["2.0", "2.1", "2.2", "2.3", "2.4"]

# Root element -> canonical type, for the documents the hub carries.
SUPPORTED = {"Order": "purchase_order", "OrderResponse": "order_response", "DespatchAdvice": "despatch_advice"}
TYPE_TO_ROOT = {v: k for k, v in SUPPORTED.items()}

# LineStatusCode (UNCL 1229 as PEPPOL uses it, and the UBL 2.0 words) <-> canonical line
# status, and UNCL 4343 OrderResponseCode (UBL 2.1+) <-> canonical status: codelists/ubl.json.
LINE_STATUS = codes.status_map("ubl", "LineStatusCode")
STATUS_TO_LINE = codes.status_writer("ubl", "LineStatusCode")  # 5, 3, 7
RESPONSE_CODE = codes.status_map("ubl", "OrderResponseCode")
STATUS_TO_CODE = codes.status_writer("ubl", "OrderResponseCode")  # AP, CA, RE
# cac:Item children (paths below cac:Item) that carry an identifier, and its canonical scheme.
ITEM_IDS = {c.code: c.canonical for c in codelists.code_list("ubl", "item").codes}


def is_ubl(namespace: str) -> str:
    """The UBL document name for a root namespace (``Order``), or "" when it is not UBL."""
    prefix, _, rest = namespace.partition("urn:oasis:names:specification:ubl:schema:xsd:")
    if prefix or not rest.endswith("-2"):
        return ""
    return rest[:-2]


def version_of(root: etree._Element) -> str:
    """The UBL version the document declares (``2.1``), or ``2`` when it does not say."""
    return text(root, "cbc:UBLVersionID", NS) or "2"


def _pos(element: etree._Element | None, tag: str = "") -> Position:
    return Position(line=element.sourceline if element is not None else None, tag=tag)


def _party(container: etree._Element | None) -> Party:
    """A role party (BuyerCustomerParty, ...): id from PartyIdentification or the account id, name."""
    if container is None:
        return Party()
    party = container.find("cac:Party", NS)
    ident = (
        text(party, "cac:PartyIdentification/cbc:ID", NS)
        or text(container, "cbc:CustomerAssignedAccountID", NS)
        or text(container, "cbc:SupplierAssignedAccountID", NS)
    )
    name = text(party, "cac:PartyName/cbc:Name", NS) or text(party, "cac:PartyLegalEntity/cbc:RegistrationName", NS)
    return Party(id=ident, name=name)


def _endpoint(container: etree._Element | None) -> PartyId:
    """The electronic address of a role party (``cbc:EndpointID`` and its ``schemeID``)."""
    if container is None:
        return PartyId()
    found = container.find("cac:Party/cbc:EndpointID", NS)
    if found is None or not (found.text or "").strip():
        return PartyId()
    return PartyId(scheme=found.get("schemeID", ""), id=found.text.strip())


def _item_parts(item: etree._Element | None) -> tuple[str, str, str]:
    """Buyer's and seller's item ids and the description of a ``cac:Item``."""
    return (
        text(item, "cac:BuyersItemIdentification/cbc:ID", NS),
        text(item, "cac:SellersItemIdentification/cbc:ID", NS),
        text(item, "cbc:Description", NS) or text(item, "cbc:Name", NS),
    )


def _quantity(element: etree._Element | None, path: str, what: str, warnings: list[str]) -> tuple[Decimal | None, str]:
    found = element.find(path, NS) if element is not None else None
    if found is None:
        return None, "C62"
    where = f"line {found.sourceline} ({etree.QName(found).localname}), attribute unitCode"
    return number(found.text or "", _pos(found, what), what), codes.unit_to_rec20(found.get("unitCode", ""), "ubl", warnings, where)


def _keep_ids(line: Any, item: etree._Element | None) -> None:
    """Keep every identifier of a ``cac:Item`` on the line (GTIN, manufacturer's id, lots, serials)."""
    if item is None:
        return
    for path, scheme in ITEM_IDS.items():
        parts = path.split("/")
        xpath = "/".join(f"cac:{p}" for p in parts[:-1]) + ("/" if len(parts) > 1 else "")
        xpath += f"cbc:{parts[-1]}" if len(parts) > 1 else f"cac:{parts[-1]}/cbc:ID"
        for found in item.findall(xpath, NS):
            add_identifier(line, scheme, (found.text or "").strip())


def _line_status(item: etree._Element | None, warnings: list[str]) -> str:
    """A line's status from its LineStatusCode; a code the list does not have is a change, with a warning."""
    code = text(item, "cbc:LineStatusCode", NS)
    if not code:
        return "accepted"
    status = LINE_STATUS.get(code)
    if status is None:
        found = item.find("cbc:LineStatusCode", NS)
        warnings.append(
            f"line {found.sourceline} (LineStatusCode): '{code}' is not a line status the hub knows (UNCL 1229); taken as changed"
        )
        return "changed"
    return status


def _source(root: etree._Element, version: str) -> Source:
    return Source(format="UBL", version=f"{etree.QName(root).localname} {version}", message_ref=text(root, "cbc:UUID", NS))


def _issued(root: etree._Element) -> str | None:
    return join_time(text(root, "cbc:IssueDate", NS), text(root, "cbc:IssueTime", NS))


def read_order(root: etree._Element, version: str) -> PurchaseOrder:
    """UBL Order -> purchase order."""
    delivery = root.find("cac:Delivery", NS)
    header_date = join_time(
        text(delivery, "cac:RequestedDeliveryPeriod/cbc:StartDate", NS), text(delivery, "cac:RequestedDeliveryPeriod/cbc:StartTime", NS)
    )
    doc = PurchaseOrder(
        number=text(root, "cbc:ID", NS),
        issued=_issued(root),
        sender=_endpoint(root.find("cac:BuyerCustomerParty", NS)),
        receiver=_endpoint(root.find("cac:SellerSupplierParty", NS)),
        buyer=_party(root.find("cac:BuyerCustomerParty", NS)),
        supplier=_party(root.find("cac:SellerSupplierParty", NS)),
        ship_to=Party(
            id=text(delivery, "cac:DeliveryLocation/cbc:ID", NS)
            or text(delivery, "cac:DeliveryLocation/cac:Address/cbc:ID", NS)
            or text(delivery, "cac:DeliveryParty/cac:PartyIdentification/cbc:ID", NS),
            name=text(delivery, "cac:DeliveryParty/cac:PartyName/cbc:Name", NS),
        ),
        source=_source(root, version),
        currency=text(root, "cbc:DocumentCurrencyCode", NS),
    )
    for index, order_line in enumerate(root.findall("cac:OrderLine", NS), 1):
        item = order_line.find("cac:LineItem", NS)
        if item is None:
            raise FormatError("order line has no cac:LineItem", _pos(order_line, "OrderLine"))
        quantity, unit = _quantity(item, "cbc:Quantity", "quantity", doc.warnings)
        price_el = item.find("cac:Price/cbc:PriceAmount", NS)
        buyer_part, supplier_part, description = _item_parts(item.find("cac:Item", NS))
        line_delivery = item.find("cac:Delivery", NS)
        requested = join_time(
            text(line_delivery, "cac:RequestedDeliveryPeriod/cbc:StartDate", NS),
            text(line_delivery, "cac:RequestedDeliveryPeriod/cbc:StartTime", NS),
        )
        if not doc.currency and price_el is not None:
            doc.currency = price_el.get("currencyID", "")
        doc.lines.append(
            OrderLine(
                line=text(item, "cbc:ID", NS) or str(index),
                buyer_part=buyer_part,
                supplier_part=supplier_part,
                description=description,
                quantity=quantity if quantity is not None else Decimal(0),
                unit=unit,
                price=number(price_el.text or "", _pos(price_el, "PriceAmount"), "price") if price_el is not None else None,
                requested_date=requested or header_date,
            )
        )
        _keep_ids(doc.lines[-1], item.find("cac:Item", NS))
    return doc


def read_order_response(root: etree._Element, version: str) -> OrderResponse:
    """UBL OrderResponse -> order response (status from OrderResponseCode, else from the lines)."""
    doc = OrderResponse(
        number=text(root, "cbc:ID", NS),
        issued=_issued(root),
        sender=_endpoint(root.find("cac:SellerSupplierParty", NS)),
        receiver=_endpoint(root.find("cac:BuyerCustomerParty", NS)),
        buyer=_party(root.find("cac:BuyerCustomerParty", NS)),
        supplier=_party(root.find("cac:SellerSupplierParty", NS)),
        source=_source(root, version),
        order_number=text(root, "cac:OrderReference/cbc:ID", NS),
    )
    for index, order_line in enumerate(root.findall("cac:OrderLine", NS), 1):
        item = order_line.find("cac:LineItem", NS)
        quantity, unit = _quantity(item, "cbc:Quantity", "quantity", doc.warnings)
        buyer_part, supplier_part, _ = _item_parts(item.find("cac:Item", NS) if item is not None else None)
        line_delivery = item.find("cac:Delivery", NS) if item is not None else None
        doc.lines.append(
            ResponseLine(
                line=text(item, "cbc:ID", NS) or str(index),
                buyer_part=buyer_part,
                supplier_part=supplier_part,
                quantity=quantity,
                unit=unit,
                status=_line_status(item, doc.warnings),
                date=join_time(
                    text(line_delivery, "cac:PromisedDeliveryPeriod/cbc:StartDate", NS),
                    text(line_delivery, "cac:PromisedDeliveryPeriod/cbc:StartTime", NS),
                ),
            )
        )
        _keep_ids(doc.lines[-1], item.find("cac:Item", NS) if item is not None else None)
    code = text(root, "cbc:OrderResponseCode", NS)
    if code:
        doc.status = RESPONSE_CODE.get(code, "changed")
        if code not in RESPONSE_CODE:
            doc.warnings.append(f"OrderResponseCode '{code}' is not a response code the hub knows (UNCL 4343); taken as changed")
    elif doc.lines and all(line.status == "rejected" for line in doc.lines):
        doc.status = "rejected"
    elif any(line.status != "accepted" for line in doc.lines):
        doc.status = "changed"
    return doc


def read_despatch_advice(root: etree._Element, version: str) -> DespatchAdvice:
    """UBL DespatchAdvice -> despatch advice (shipment data from ``cac:Shipment``)."""
    shipment = root.find("cac:Shipment", NS)
    delivery = shipment.find("cac:Delivery", NS) if shipment is not None else None
    arrival = (
        join_time(text(delivery, "cbc:ActualDeliveryDate", NS), text(delivery, "cbc:ActualDeliveryTime", NS))
        or join_time(
            text(delivery, "cac:EstimatedDeliveryPeriod/cbc:StartDate", NS), text(delivery, "cac:EstimatedDeliveryPeriod/cbc:StartTime", NS)
        )
        or join_time(
            text(delivery, "cac:RequestedDeliveryPeriod/cbc:StartDate", NS), text(delivery, "cac:RequestedDeliveryPeriod/cbc:StartTime", NS)
        )
    )
    weight_el = shipment.find("cbc:GrossWeightMeasure", NS) if shipment is not None else None
    header_order = text(root, "cac:OrderReference/cbc:ID", NS)
    ship_to_party = root.find("cac:DeliveryCustomerParty", NS)
    doc = DespatchAdvice(
        number=text(root, "cbc:ID", NS),
        issued=_issued(root),
        sender=_endpoint(root.find("cac:DespatchSupplierParty", NS)),
        receiver=_endpoint(ship_to_party),
        buyer=_party(root.find("cac:BuyerCustomerParty", NS)),
        supplier=_party(root.find("cac:DespatchSupplierParty", NS)),
        ship_to=_party(ship_to_party),
        source=_source(root, version),
        ship_date=join_time(
            text(delivery, "cac:Despatch/cbc:ActualDespatchDate", NS), text(delivery, "cac:Despatch/cbc:ActualDespatchTime", NS)
        ),
        arrival_date=arrival,
        carrier=text(shipment, "cac:Consignment/cac:CarrierParty/cac:PartyName/cbc:Name", NS),
        transport_id=text(shipment, "cac:ShipmentStage/cac:TransportMeans/cac:RoadTransport/cbc:LicensePlateID", NS),
        gross_weight=number(weight_el.text or "", _pos(weight_el, "GrossWeightMeasure"), "gross weight") if weight_el is not None else None,
    )
    if shipment is not None:
        for unit in shipment.findall("cac:TransportHandlingUnit", NS):
            count = text(unit, "cbc:TotalPackageQuantity", NS)
            labels = [(p.findtext("cbc:ID", "", NS) or "").strip() for p in unit.findall("cac:Package", NS)]
            labels = [label for label in labels if label]
            if count and not count.isdigit():
                raise FormatError(f"package count {count!r} is not a whole number", _pos(unit, "TotalPackageQuantity"))
            doc.packages.append(
                Package(
                    type=text(unit, "cbc:TransportHandlingUnitTypeCode", NS), count=int(count) if count else len(labels), label_ids=labels
                )
            )
    for line_el in root.findall("cac:DespatchLine", NS):
        quantity, unit = _quantity(line_el, "cbc:DeliveredQuantity", "delivered quantity", doc.warnings)
        buyer_part, supplier_part, _ = _item_parts(line_el.find("cac:Item", NS))
        doc.lines.append(
            DespatchLine(
                buyer_part=buyer_part,
                supplier_part=supplier_part,
                quantity=quantity if quantity is not None else Decimal(0),
                unit=unit,
                order_number=text(line_el, "cac:OrderLineReference/cac:OrderReference/cbc:ID", NS) or header_order,
                batch=text(line_el, "cac:Item/cac:ItemInstance/cac:LotIdentification/cbc:LotNumberID", NS),
            )
        )
        _keep_ids(doc.lines[-1], line_el.find("cac:Item", NS))
    return doc


READERS: dict[str, Callable[[etree._Element, str], Document]] = {
    "Order": read_order,
    "OrderResponse": read_order_response,
    "DespatchAdvice": read_despatch_advice,
}


# --------------------------------------------------------------------------- render


def _c(name: str) -> str:
    return "{" + CBC + "}" + name


def _a(name: str) -> str:
    return "{" + CAC + "}" + name


def _write_party(parent: etree._Element, role: str, party: Party, endpoint: PartyId | None = None) -> None:
    container = sub(parent, _a(role))
    body = sub(container, _a("Party"))
    if endpoint is not None and endpoint.id:
        sub(body, _c("EndpointID"), endpoint.id, schemeID=endpoint.scheme)
    if party.id:
        sub(sub(body, _a("PartyIdentification")), _c("ID"), party.id)
    if party.name:
        sub(sub(body, _a("PartyName")), _c("Name"), party.name)


def _write_date(parent: etree._Element, date_tag: str, time_tag: str, value: str | None) -> None:
    day, time = split_time(value)
    if day:
        sub(parent, _c(date_tag), day)
        if time:
            sub(parent, _c(time_tag), time)


def _write_item(parent: etree._Element, line: Any, description: str = "") -> None:
    """Write ``cac:Item``: description, the line's identifiers in UBL's order, then lots and serials.

    An identifier whose scheme UBL has no element for is left out.
    """
    item = sub(parent, _a("Item"))
    if description:
        sub(item, _c("Description"), description)
    ids = [(scheme, value) for scheme, value in (("buyer_part", line.buyer_part), ("supplier_part", line.supplier_part)) if value]
    ids += [(i.scheme, i.id) for i in line.identifiers if i.id]
    lots = [line.batch] if getattr(line, "batch", "") else []
    for path, scheme in ITEM_IDS.items():
        values = [value for found_scheme, value in ids if found_scheme == scheme]
        if path.startswith("ItemInstance/"):
            continue
        for value in values:
            sub(sub(item, _a(path)), _c("ID"), value)
    lots += [value for scheme, value in ids if scheme == "batch" and value not in lots]
    serials = [value for scheme, value in ids if scheme == "serial"]
    for serial in serials:
        sub(sub(item, _a("ItemInstance")), _c("SerialID"), serial)
    for lot in lots:
        sub(sub(sub(item, _a("ItemInstance")), _a("LotIdentification")), _c("LotNumberID"), lot)


def _header(doc: Document, root_name: str, version: str) -> etree._Element:
    root = etree.Element("{" + DOC_NS.format(root_name) + "}" + root_name, nsmap={None: DOC_NS.format(root_name), "cac": CAC, "cbc": CBC})
    sub(root, _c("UBLVersionID"), version)
    sub(root, _c("ID"), doc.number)
    if doc.source.message_ref and doc.source.format == "UBL":
        sub(root, _c("UUID"), doc.source.message_ref)
    day, time = split_time(doc.issued)
    # IssueDate is mandatory in every UBL document; a document without one gets none invented
    sub(root, _c("IssueDate"), day or "")
    if time:
        sub(root, _c("IssueTime"), time)
    return root


def _period(parent: etree._Element, tag: str, value: str | None) -> None:
    if value:
        _write_date(sub(parent, _a(tag)), "StartDate", "StartTime", value)


def write_order(doc: PurchaseOrder, version: str) -> etree._Element:
    """Purchase order -> UBL Order (with the mandatory AnticipatedMonetaryTotal)."""
    root = _header(doc, "Order", version)
    if doc.currency:
        sub(root, _c("DocumentCurrencyCode"), doc.currency)
    _write_party(root, "BuyerCustomerParty", doc.buyer, doc.sender)
    _write_party(root, "SellerSupplierParty", doc.supplier, doc.receiver)
    if doc.ship_to.id or doc.ship_to.name:
        delivery = sub(root, _a("Delivery"))
        if doc.ship_to.id:
            sub(sub(delivery, _a("DeliveryLocation")), _c("ID"), doc.ship_to.id)
        if doc.ship_to.name:
            sub(sub(sub(delivery, _a("DeliveryParty")), _a("PartyName")), _c("Name"), doc.ship_to.name)
    total = sum(((line.price or Decimal(0)) * line.quantity for line in doc.lines), Decimal(0))
    monetary = sub(root, _a("AnticipatedMonetaryTotal"))
    sub(monetary, _c("LineExtensionAmount"), decimal_text(total), currencyID=doc.currency)
    sub(monetary, _c("PayableAmount"), decimal_text(total), currencyID=doc.currency)
    for index, line in enumerate(doc.lines, 1):
        item = sub(sub(root, _a("OrderLine")), _a("LineItem"))
        sub(item, _c("ID"), line.line or str(index))
        sub(item, _c("Quantity"), decimal_text(line.quantity), unitCode=line.unit)
        if line.requested_date:
            _period(sub(item, _a("Delivery")), "RequestedDeliveryPeriod", line.requested_date)
        if line.price is not None:
            sub(sub(item, _a("Price")), _c("PriceAmount"), decimal_text(line.price), currencyID=doc.currency)
        _write_item(item, line, line.description)
    return root


def write_order_response(doc: OrderResponse, version: str) -> etree._Element:
    """Order response -> UBL OrderResponse (OrderResponseCode from UBL 2.1 on)."""
    root = _header(doc, "OrderResponse", version)
    if version != "2.0":
        issue_time = root.find(_c("IssueTime"))
        anchor = issue_time if issue_time is not None else root.find(_c("IssueDate"))
        anchor.addnext(etree.Element(_c("OrderResponseCode")))
        anchor.getnext().text = STATUS_TO_CODE.get(doc.status, "AP")
    sub(sub(root, _a("OrderReference")), _c("ID"), doc.order_number)
    _write_party(root, "SellerSupplierParty", doc.supplier, doc.sender)
    _write_party(root, "BuyerCustomerParty", doc.buyer, doc.receiver)
    for index, line in enumerate(doc.lines, 1):
        item = sub(sub(root, _a("OrderLine")), _a("LineItem"))
        sub(item, _c("ID"), line.line or str(index))
        sub(item, _c("LineStatusCode"), STATUS_TO_LINE.get(line.status, "NoStatus"))
        if line.quantity is not None:
            sub(item, _c("Quantity"), decimal_text(line.quantity), unitCode=line.unit)
        if line.date:
            _period(sub(item, _a("Delivery")), "PromisedDeliveryPeriod", line.date)
        _write_item(item, line)
    return root


def write_despatch_advice(doc: DespatchAdvice, version: str) -> etree._Element:
    """Despatch advice -> UBL DespatchAdvice (one Shipment carrying the transport data)."""
    root = _header(doc, "DespatchAdvice", version)
    _write_party(root, "DespatchSupplierParty", doc.supplier, doc.sender)
    _write_party(root, "DeliveryCustomerParty", doc.ship_to, doc.receiver)
    if doc.buyer.id or doc.buyer.name:
        _write_party(root, "BuyerCustomerParty", doc.buyer)
    shipment = sub(root, _a("Shipment"))
    sub(shipment, _c("ID"), doc.number or "1")
    if doc.gross_weight is not None:
        sub(shipment, _c("GrossWeightMeasure"), decimal_text(doc.gross_weight), unitCode="KGM")
    consignment = sub(shipment, _a("Consignment"))
    sub(consignment, _c("ID"), doc.number or "1")
    if doc.carrier:
        sub(sub(sub(consignment, _a("CarrierParty")), _a("PartyName")), _c("Name"), doc.carrier)
    if doc.transport_id:
        stage = sub(shipment, _a("ShipmentStage"))
        sub(sub(sub(stage, _a("TransportMeans")), _a("RoadTransport")), _c("LicensePlateID"), doc.transport_id)
    if doc.arrival_date or doc.ship_date:
        delivery = sub(shipment, _a("Delivery"))
        _period(delivery, "EstimatedDeliveryPeriod", doc.arrival_date)
        if doc.ship_date:
            _write_date(sub(delivery, _a("Despatch")), "ActualDespatchDate", "ActualDespatchTime", doc.ship_date)
    for package in doc.packages:
        unit = sub(shipment, _a("TransportHandlingUnit"))
        if package.type:
            sub(unit, _c("TransportHandlingUnitTypeCode"), package.type)
        sub(unit, _c("TotalPackageQuantity"), str(package.count))
        for label in package.label_ids:
            sub(sub(unit, _a("Package")), _c("ID"), label)
    for index, line in enumerate(doc.lines, 1):
        line_el = sub(root, _a("DespatchLine"))
        sub(line_el, _c("ID"), str(index))
        sub(line_el, _c("DeliveredQuantity"), decimal_text(line.quantity), unitCode=line.unit)
        reference = sub(line_el, _a("OrderLineReference"))
        sub(reference, _c("LineID"), str(index))
        if line.order_number:
            sub(sub(reference, _a("OrderReference")), _c("ID"), line.order_number)
        _write_item(line_el, line)
    return root


WRITERS: dict[str, Callable[..., etree._Element]] = {
    "purchase_order": write_order,
    "order_response": write_order_response,
    "despatch_advice": write_despatch_advice,
}


def render(doc: Document, version: str = "2.1") -> bytes:
    """Render one canonical document as a UBL document of ``version`` (2.0-2.4)."""
    if version not in VERSIONS:
        raise FormatError(f"UBL version {version!r} is not supported (use {', '.join(VERSIONS)})")
    writer = WRITERS.get(doc.type)
    if writer is None:
        raise FormatError(f"UBL rendering carries {', '.join(sorted(WRITERS))}, not {doc.type}")
    try:
        root = writer(doc, version)
    except ValueError as exc:  # lxml refuses control characters XML 1.0 cannot hold
        raise FormatError(f"document {doc.number!r} holds text XML cannot carry: {exc}", code="render") from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
