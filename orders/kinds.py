"""One declaration per document type the hub stores and routes: the document-kind registry.

A kind says everything the flow needs about a canonical document type: the model that
stores it and the service that stores it, who gets a copy (outbox recipients), where the
document names its supplier and plant and how its plant code is found, how it is
scoped and shown in the API. Who may send it is ``hub.ingest.authority``'s table
(``SEND_RULES``), keyed by the same type. A new message type touches its codec folder and one entry here.

Inbound acknowledgements (CONTRL, APERAK, 997...) are a kind without a model: they are
applied to the deliveries they answer, not stored as documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hub.formats.canonical import Document
from orders import services
from orders.models import DeliverySchedule, DespatchAdvice, OrderResponse, PurchaseOrder


@dataclass
class Routed:
    """A parsed document with the supplier and plant it was resolved to.

    An inbound acknowledgement has no plant; ``deliveries`` holds the outbound
    deliveries it answers.
    """

    document: Document
    supplier: Any  # suppliers.Supplier | None
    plant: Any  # hub.Plant | None
    message_ref: str
    deliveries: list[Any] = field(default_factory=list)


def ship_to_code(doc: Document, supplier: Any, lookups: Any) -> str:
    """The plant a document ships to: its ship-to party's plant, else the party id."""
    return doc.ship_to.plant or doc.ship_to.id


def order_plant_code(doc: Document, supplier: Any, lookups: Any) -> str:
    """A purchase order names the plant as ship-to, or only as the buyer."""
    return doc.ship_to.plant or doc.ship_to.id or (doc.buyer.id if doc.buyer.id in lookups.plants else "")


def response_plant_code(doc: Document, supplier: Any, lookups: Any) -> str:
    """An order response goes to the plant that placed the order; its own ship-to only counts when the hub never saw the order."""
    order = lookups.orders.get((getattr(doc, "order_number", ""), supplier.pk))
    if order is not None:
        return order.plant.code
    return doc.ship_to.plant or doc.ship_to.id or (doc.buyer.id if doc.buyer.id in lookups.plants else "")


@dataclass(frozen=True)
class Kind:
    """How one canonical document type is routed, stored, delivered, scoped and served."""

    type: str  # the canonical ``type``
    label: str  # in error messages: "call-off 4711 ..."
    model: type | None  # the stored model; None: applied, not stored (acknowledgements)
    store: Callable[..., list[Any]] | None  # keyword args interchange, routed; returns the stored rows
    recipients: tuple[str, ...]  # outbox: "plant", "supplier"
    supplier_where: str  # where the document names its supplier
    plant_where: str  # where it names its plant
    plant_code: Callable[[Document, Any, Any], str]  # (document, supplier, lookups with .plants/.orders)
    related_name: str = ""  # on hub.Interchange: the documents stored from it
    api_detail: str = ""  # URL name of the API detail view
    scope: tuple[str, str] = ("supplier", "plant")  # how to reach (supplier, plant) from the model


# Registry order is also persist order: orders are stored before the responses that refer to them.
KINDS: dict[str, Kind] = {
    "delivery_schedule": Kind(
        "delivery_schedule", "call-off", DeliverySchedule, services.schedules_store, ("plant", "supplier"),
        "NAD+SE / N1*SU", "NAD+ST/CN / N1*ST", ship_to_code,
        "call_offs", "api:call-off-detail",
    ),
    "purchase_order": Kind(
        "purchase_order", "purchase order", PurchaseOrder, services.purchase_orders_store, ("supplier",),
        "NAD+SU/SE / N1*SU", "NAD+ST/BY / N1*ST", order_plant_code,
        "purchase_orders", "api:purchase-order-detail",
    ),
    "despatch_advice": Kind(
        "despatch_advice", "despatch advice", DespatchAdvice, services.despatch_advices_store, ("plant",),
        "NAD+SE/SU / N1*SU", "NAD+ST/CN / N1*ST", ship_to_code,
        "despatch_advices", "api:despatch-advice-detail",
    ),
    "order_response": Kind(
        "order_response", "order response", OrderResponse, services.order_responses_store, ("plant",),
        "NAD+SE/SU / N1*SU", "the referenced order, or NAD+ST/BY / N1*ST", response_plant_code,
        "order_responses", "api:order-response-detail",
    ),
    "acknowledgement": Kind(
        "acknowledgement", "acknowledgement", None, None, (), "", "", ship_to_code,
    ),
}  # fmt: skip


def stored_kinds() -> list[Kind]:
    """The kinds stored as documents (with a model), in persist order."""
    return [kind for kind in KINDS.values() if kind.model is not None]
