"""Reads of persisted documents that other apps (ingest routing) may use."""

from __future__ import annotations

from collections.abc import Iterable

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
