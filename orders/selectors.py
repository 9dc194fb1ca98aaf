"""Reads of persisted documents that other apps (ingest routing) may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from orders.models import DeliverySchedule, DespatchAdvice, OrderResponse, PurchaseOrder


def purchase_orders_by_number(*, numbers: Iterable[str]) -> dict[tuple[str, int], PurchaseOrder]:
    """The newest purchase order per (number, supplier id), for matching order responses to them."""
    found: dict[tuple[str, int], PurchaseOrder] = {}
    wanted = {n for n in numbers if n}
    if not wanted:
        return found
    for order in PurchaseOrder.objects.filter(number__in=wanted).select_related("plant").order_by("-created_at"):
        found.setdefault((order.number, order.supplier_id), order)
    return found


def documents_of_interchange(*, interchange: Any, user: Any) -> list[dict[str, Any]]:
    """Every document stored from ``interchange`` that ``user`` may see: type, id, number, supplier, plant."""
    from hub.scope import scoped

    out: list[dict[str, Any]] = []
    for doc_type, model, url_name in DOCUMENT_MODELS:
        qs = scoped(model.objects.filter(interchange=interchange), user).select_related("plant", "supplier").only(
            "pk", "number", "plant__code", "supplier__number"
        )
        out += [
            {"type": doc_type, "id": str(d.pk), "number": d.number, "supplier": d.supplier.number, "plant": d.plant.code, "url": reverse(url_name, args=[d.pk])}
            for d in qs
        ]
    return out


DOCUMENT_MODELS: tuple[tuple[str, type, str], ...] = (
    ("delivery_schedule", DeliverySchedule, "api:call-off-detail"),
    ("despatch_advice", DespatchAdvice, "api:despatch-advice-detail"),
    ("purchase_order", PurchaseOrder, "api:purchase-order-detail"),
    ("order_response", OrderResponse, "api:order-response-detail"),
)
