"""Documents submitted by web form or API: despatch advices (ASNs), order responses, call-offs issued by plants.

The portal form and ``POST /api/v1/despatch-advices/`` / ``order-responses/`` all call the
services here. Each checks the document on the spot, with one message per field (an
unknown part, a quantity far above the open call-off, a date in the past, a delivery-note
number already used), and only then turns it into the hub's XML and *receives* it through
``hub.ingest.receive`` like any uploaded file: the bytes are stored first, and the normal
pipeline routes, stores and dispatches it to the plant like an EDI ASN. Nothing here
writes documents itself.

Field names in errors are the canonical JSON paths: ``number``, ``ship_to.plant``,
``lines.0.quantity``, ``packages.1.label_ids``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import DeliverySchedule as CallOff
from hub.formats.canonical import DespatchAdvice, Document, OrderResponse, Party, from_json
from hub.ingest.receive import interchange_receive
from hub.models import Interchange, Plant
from hub.parties import party_of_user
from hub.permissions import check
from hub.scope import role_of, scoped
from orders.models import DespatchAdvice as StoredDespatch
from orders.models import OrderLine, PurchaseOrder, ScheduleLine, ScheduleQuantity
from orders.models import OrderResponse as StoredResponse
from suppliers.models import Supplier

# A shipment above this multiple of what the open call-offs still ask for is refused as a
# typing error (an extra zero); ordinary over-deliveries within it pass.
OVER_CALL_OFF_FACTOR = Decimal("1.5")
LABEL_ID_DIGITS = 9  # VDA 4902 package number (Packstück-Nr.): up to 9 digits
RESPONSE_STATUSES = ("accepted", "changed", "rejected")
COMMITMENTS = ("firm", "production", "material", "forecast")


@dataclass
class Invalid(Exception):
    """The submitted document is not acceptable; ``errors`` maps field paths to messages."""

    errors: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items())


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, name: str, message: str) -> None:
        self.by_field[name].append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise Invalid(dict(self.by_field))


# -- reading canonical JSON (the API) -----------------------------------------------------


def document_from_json(data: Any, *, kind: str) -> Document:
    """Read canonical JSON of ``kind`` (``type`` may be left out); ``Invalid`` with a clear message otherwise."""
    if not isinstance(data, dict):
        raise Invalid({"document": [_("The body must be a JSON object holding one canonical document.")]})
    given = data.get("type") or kind
    if given != kind:
        raise Invalid({"type": [_("This endpoint takes documents of type %(kind)s, not %(given)s.") % {"kind": kind, "given": given}]})
    try:
        return from_json({**data, "type": kind})
    except (ValueError, TypeError, AttributeError) as exc:
        raise Invalid({"document": [_("The document does not follow the canonical model: %(why)s") % {"why": exc}]}) from None


# -- despatch advices ----------------------------------------------------------------------


def despatch_advice_submit(*, user: Any, document: DespatchAdvice, channel: str) -> Interchange:
    """Check a despatch advice and receive it as an interchange of ``channel``; raises ``Invalid``.

    The supplier is the user's own (an admin or a buyer names it, sending on its behalf);
    the plant must be one the supplier is assigned to. Returns the stored interchange,
    queued for the normal pipeline.
    """
    check(user, "despatch_advice.create")
    supplier = _sending_supplier(user, document.supplier.id)
    despatch_advice_check(user=user, supplier=supplier, document=document)
    document.supplier = Party(id=supplier.number, name=document.supplier.name or supplier.name)
    document.issued = document.issued or timezone.localdate().isoformat()
    _fill_label_ids(document, sequence=StoredDespatch.objects.filter(supplier=supplier).count() + 1)
    return _receive(user=user, document=document, channel=channel, name=f"despatch-advice-{document.number}.xml")


def despatch_advice_check(*, user: Any, supplier: Supplier, document: DespatchAdvice) -> None:
    """Raise ``Invalid`` naming every field of ``document`` that ``supplier`` may not send as it is."""
    errors = _Errors()
    plant = _plant(user, supplier, document, errors)
    number = _document_number(
        document, errors, missing=_("Enter the delivery-note number."), too_long=_("A delivery-note number has at most 35 characters.")
    )
    if number and _delivery_note_used(supplier, number):
        errors.add("number", _("Delivery note %(number)s was already sent; use a new number.") % {"number": number})
    today = timezone.localdate()
    ship = _parse_date(document.ship_date, "ship_date", errors, required=True)
    arrival = _parse_date(document.arrival_date, "arrival_date", errors)
    if ship is not None and ship < today:
        errors.add("ship_date", _("The ship date %(date)s is in the past.") % {"date": ship.isoformat()})
    if arrival is not None and arrival < (ship or today):
        errors.add("arrival_date", _("The arrival date is before the ship date."))
    if document.gross_weight is not None and document.gross_weight < 0:
        errors.add("gross_weight", _("The gross weight cannot be negative."))
    if not document.lines:
        errors.add("lines", _("Add at least one part."))
    if plant is not None:
        _check_lines(supplier, plant, document, errors)
    _check_packages(document, errors)
    errors.raise_any()


def _check_lines(supplier: Supplier, plant: Plant, document: DespatchAdvice, errors: _Errors) -> None:
    parts = {line.buyer_part.strip() for line in document.lines if line.buyer_part.strip()}
    known = _known_parts(supplier, plant, parts)
    due = open_call_off_quantities(supplier=supplier, plant=plant, parts=parts)
    shipped: dict[str, Decimal] = defaultdict(Decimal)
    for index, line in enumerate(document.lines):
        line.buyer_part = line.buyer_part.strip()
        if not line.buyer_part:
            errors.add(f"lines.{index}.buyer_part", _("Enter the customer's part number."))
            continue
        if line.buyer_part not in known:
            errors.add(
                f"lines.{index}.buyer_part",
                _("Part %(part)s is not called off or ordered from you for plant %(plant)s.")
                % {"part": line.buyer_part, "plant": plant.code},
            )
            continue
        if line.quantity is None or line.quantity <= 0:
            errors.add(f"lines.{index}.quantity", _("The quantity must be greater than zero."))
            continue
        shipped[line.buyer_part] += line.quantity
        open_quantity = due.get(line.buyer_part)
        if open_quantity is not None and shipped[line.buyer_part] > open_quantity * OVER_CALL_OFF_FACTOR:
            errors.add(
                f"lines.{index}.quantity",
                _("%(quantity)s is far above the %(due)s the open call-off asks for part %(part)s.")
                % {"quantity": _number(shipped[line.buyer_part]), "due": _number(open_quantity), "part": line.buyer_part},
            )


def _check_packages(document: DespatchAdvice, errors: _Errors) -> None:
    seen: set[str] = set()
    for index, package in enumerate(document.packages):
        if package.count is None or int(package.count) < 1:
            errors.add(f"packages.{index}.count", _("A package row needs a count of at least 1."))
            continue
        ids = [i.strip() for i in package.label_ids if i.strip()]
        package.label_ids = ids
        if len(ids) > int(package.count):
            errors.add(f"packages.{index}.label_ids", _("More label ids than packages."))
        for label_id in ids:
            if label_id in seen:
                errors.add(f"packages.{index}.label_ids", _("Label id %(id)s is used twice.") % {"id": label_id})
            seen.add(label_id)


def open_call_off_quantities(*, supplier: Supplier, plant: Plant, parts: set[str]) -> dict[str, Decimal]:
    """What the current call-offs of ``supplier`` for ``plant`` ask for per part, from today on."""
    # In force is what the live overview counts too: ``open``, kept with the quantity's
    # supplier, plant and part where call-offs are stored and superseded (orders.services).
    rows = (
        ScheduleQuantity.objects.filter(supplier=supplier, plant=plant, open=True, buyer_part__in=parts, date__gte=timezone.localdate())
        .order_by()
        .values("buyer_part")
        .annotate(total=Sum("quantity"))
    )
    return {row["buyer_part"]: row["total"] for row in rows}


def _known_parts(supplier: Supplier, plant: Plant, parts: set[str]) -> set[str]:
    called = ScheduleLine.objects.filter(schedule__supplier=supplier, schedule__plant=plant, buyer_part__in=parts).values_list(
        "buyer_part", flat=True
    )
    ordered = OrderLine.objects.filter(order__supplier=supplier, order__plant=plant, buyer_part__in=parts).values_list(
        "buyer_part", flat=True
    )
    return set(called) | set(ordered)


def _delivery_note_used(supplier: Supplier, number: str) -> bool:
    if StoredDespatch.objects.filter(supplier=supplier, number=number).exists():
        return True
    # Submitted a moment ago and not yet through the pipeline: the same number is taken.
    return _in_flight(supplier, f"despatch-advice-{number}.xml")


def _fill_label_ids(document: DespatchAdvice, *, sequence: int) -> None:
    """Number the packages that have no label ids yet (VDA 4902 package numbers, 9 digits), after the ones given.

    ``sequence`` is this ASN's place among the supplier's ASNs: its last four digits and a
    five-digit serial make the id, so ids repeat only after 10,000 ASNs.
    """
    taken = {i for p in document.packages for i in p.label_ids}
    serial = 0
    base = f"{sequence % 10000:04d}"
    for package in document.packages:
        while len(package.label_ids) < int(package.count):
            serial += 1
            candidate = f"{base}{serial:05d}"[-LABEL_ID_DIGITS:]
            if candidate not in taken:
                package.label_ids.append(candidate)
                taken.add(candidate)


# -- order responses -----------------------------------------------------------------------


def order_response_submit(*, user: Any, document: OrderResponse, channel: str) -> Interchange:
    """Check an order response to a purchase order of the caller's supplier and receive it; raises ``Invalid``.

    The order must be one the caller may see and its supplier's: another supplier's order
    number answers as unknown, never with its data.
    """
    check(user, "order_response.create")
    errors = _Errors()
    order = _order(user, document.order_number, errors)
    number = _document_number(
        document, errors, missing=_("Enter the response number."), too_long=_("A response number has at most 35 characters.")
    )
    if document.status not in RESPONSE_STATUSES:
        errors.add("status", _("The status is one of: %(choices)s.") % {"choices": ", ".join(RESPONSE_STATUSES)})
    for index, line in enumerate(document.lines):
        if line.status not in RESPONSE_STATUSES:
            errors.add(f"lines.{index}.status", _("The status is one of: %(choices)s.") % {"choices": ", ".join(RESPONSE_STATUSES)})
        if line.quantity is not None and line.quantity < 0:
            errors.add(f"lines.{index}.quantity", _("The quantity cannot be negative."))
        if line.date:
            _parse_date(line.date, f"lines.{index}.date", errors)
    if order is not None:
        if number and (
            StoredResponse.objects.filter(supplier=order.supplier, number=number).exists()
            or _in_flight(order.supplier, f"order-response-{number}.xml")
        ):
            errors.add("number", _("Response %(number)s was already sent; use a new number.") % {"number": number})
        if role_of(user) == "supplier" and order.supplier_id != user.supplier_id:
            errors.add("order_number", _("No purchase order %(number)s of yours is known.") % {"number": document.order_number})
        known = set(order.lines.values_list("buyer_part", flat=True))
        for index, line in enumerate(document.lines):
            if line.buyer_part and line.buyer_part not in known:
                errors.add(
                    f"lines.{index}.buyer_part",
                    _("Part %(part)s is not in order %(order)s.") % {"part": line.buyer_part, "order": order.number},
                )
    errors.raise_any()
    assert order is not None
    document.supplier = Party(id=order.supplier.number, name=order.supplier.name)
    document.ship_to = Party(id=order.plant.code, plant=order.plant.code)
    document.buyer = Party(id=order.plant.code)
    document.issued = document.issued or timezone.localdate().isoformat()
    return _receive(user=user, document=document, channel=channel, name=f"order-response-{number}.xml")


# -- call-offs issued by plants ------------------------------------------------------------


def delivery_schedule_submit(*, user: Any, document: CallOff, channel: str) -> Interchange:
    """Check a call-off a plant's staff issue or correct and receive it as an interchange; raises ``Invalid``.

    The buyer (or an admin) sends it for a supplier assigned to the plant; a buyer only for
    its own plants. Received as the user's file, it is routed, stored (superseding the
    previous call-off for the same parts) and sent to the supplier in its format by the
    normal pipeline.
    """
    check(user, "delivery_schedule.create")
    supplier = _sending_supplier(user, document.supplier.id)
    delivery_schedule_check(user=user, supplier=supplier, document=document)
    document.supplier = Party(id=supplier.number, name=document.supplier.name or supplier.name)
    document.issued = document.issued or timezone.localdate().isoformat()
    return _receive(user=user, document=document, channel=channel, name=f"call-off-{document.number}.xml")


def delivery_schedule_check(*, user: Any, supplier: Supplier, document: CallOff) -> None:
    """Raise ``Invalid`` naming every field of ``document`` that cannot be sent as it is."""
    errors = _Errors()
    _plant(user, supplier, document, errors)
    _document_number(document, errors, missing=_("Enter the call-off number."), too_long=_("A call-off number has at most 35 characters."))
    if not document.lines:
        errors.add("lines", _("Enter at least one part with a quantity."))
    for i, line in enumerate(document.lines):
        line.buyer_part = (line.buyer_part or "").strip()
        if not line.buyer_part:
            errors.add(f"lines.{i}.buyer_part", _("Enter the part number."))
        if not line.schedule:
            errors.add(f"lines.{i}.schedule", _("Enter at least one date with a quantity."))
        for j, quantity in enumerate(line.schedule):
            where = f"lines.{i}.schedule.{j}"
            _parse_date(quantity.date, f"{where}.date", errors, required=True)
            if quantity.quantity is None or quantity.quantity < 0:
                errors.add(f"{where}.quantity", _("A quantity is a number of at least 0."))
            if quantity.commitment not in COMMITMENTS:
                errors.add(f"{where}.commitment", _("Commitment is one of: %(choices)s.") % {"choices": ", ".join(COMMITMENTS)})
    errors.raise_any()


def _order(user: Any, number: str, errors: _Errors) -> PurchaseOrder | None:
    number = (number or "").strip()
    if not number:
        errors.add("order_number", _("Enter the number of the purchase order this answers."))
        return None
    order = scoped(PurchaseOrder.objects.select_related("supplier", "plant"), user).filter(number=number).order_by("-created_at").first()
    if order is None:
        errors.add("order_number", _("No purchase order %(number)s of yours is known.") % {"number": number})
    return order


# -- shared ----------------------------------------------------------------------------------


def _sending_supplier(user: Any, named: str) -> Supplier:
    """The supplier a document is sent for: a supplier user's own; the one an admin or buyer names."""
    if role_of(user) == "supplier":
        own = user.supplier
        if own is None:
            raise Invalid({"supplier.id": [_("Your account belongs to no supplier.")]})
        if named and named != own.number:
            raise Invalid({"supplier.id": [_("You can send documents for your own supplier %(number)s only.") % {"number": own.number}]})
        return own
    supplier = scoped(Supplier.objects.all(), user).filter(number=named).first() if named else None
    if supplier is None:
        raise Invalid({"supplier.id": [_("Name a supplier you may send for (its supplier number).")]})
    return supplier


def _plant(user: Any, supplier: Supplier, document: Document, errors: _Errors) -> Plant | None:
    code = (document.ship_to.plant or document.ship_to.id or "").strip()
    if not code:
        errors.add("ship_to.plant", _("Choose the plant the goods are shipped to."))
        return None
    plant = supplier.plants.filter(code=code).first()
    if plant is not None and role_of(user) == "buyer" and not user.plants.filter(pk=plant.pk).exists():
        plant = None
    if plant is None:
        # The same answer whether the plant exists or not: nothing about other plants leaks.
        errors.add(
            "ship_to.plant",
            _("Plant %(code)s is not one of the plants supplier %(supplier)s delivers to.") % {"code": code, "supplier": supplier.number},
        )
        return None
    document.ship_to = Party(
        id=plant.code, name=document.ship_to.name or plant.name, plant=plant.code, unloading_point=document.ship_to.unloading_point.strip()
    )
    return plant


def _document_number(document: Document, errors: _Errors, *, missing: str, too_long: str) -> str:
    """The document's own number, trimmed; '' (with an error) when missing or too long for EDI (35)."""
    number = (document.number or "").strip()
    document.number = number
    if not number:
        errors.add("number", missing)
    elif len(number) > 35:
        errors.add("number", too_long)
        return ""
    return number


def _parse_date(value: str | None, name: str, errors: _Errors, *, required: bool = False) -> dt.date | None:
    if not value:
        if required:
            errors.add(name, _("Enter a date."))
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        errors.add(name, _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value})
        return None


def _in_flight(supplier: Supplier, filename: str) -> bool:
    return (
        Interchange.objects.filter(
            sender_supplier=supplier, filename=filename, channel__in=[Interchange.Channel.PORTAL, Interchange.Channel.API]
        )
        .filter(status__in=[Interchange.Status.RECEIVED, Interchange.Status.PROCESSING])
        .exists()
    )


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


# Characters XML 1.0 cannot carry (control characters, lone surrogates, non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _unwritable(value: Any, path: str = "") -> list[str]:
    """The field paths of ``value`` (a canonical document) holding text that no EDI or XML file can carry."""
    if isinstance(value, str):
        return [path] if _NOT_XML.search(value) else []
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _unwritable(item, f"{path}.{i}")]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [p for f in dataclasses.fields(value) for p in _unwritable(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)]
    return []


def _receive(*, user: Any, document: Document, channel: str, name: str) -> Interchange:
    """Render ``document`` as hub XML and receive it like any file: stored first, then the pipeline."""
    bad = _unwritable(document)
    if bad:
        raise Invalid({path: [_("This text holds control characters, which no EDI or XML file can carry.")] for path in bad})
    data = registry.get("xml").render([document], RenderOptions())
    return interchange_receive(stream=[data], channel=channel, party=party_of_user(user), filename=name, content_type="application/xml")
