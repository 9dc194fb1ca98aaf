"""Reads of persisted documents that other apps (ingest routing) may use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from orders.models import PurchaseOrder


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
    from orders.kinds import stored_kinds

    out: list[dict[str, Any]] = []
    if getattr(interchange, "status", "processed") != "processed":
        return out  # a file still being ingested (or refused) has no documents yet
    for kind in stored_kinds():
        doc_type, model, url_name = kind.type, kind.model, kind.api_detail
        qs = scoped(model.objects.filter(interchange=interchange), user).select_related("plant", "supplier").only(
            "pk", "number", "plant__code", "supplier__number"
        )
        out += [
            {"type": doc_type, "id": str(d.pk), "number": d.number, "supplier": d.supplier.number, "plant": d.plant.code, "url": reverse(url_name, args=[d.pk])}
            for d in qs
        ]
    return out

