"""Admin for call-offs (lines and quantities inline), despatch advices, purchase orders and order responses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hub.admin import ReadOnlyInline, ScopedAdmin
from hub.readable import readable_payload
from orders.models import (
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    OrderLine,
    OrderResponse,
    PurchaseOrder,
    ScheduleLine,
    ScheduleQuantity,
)


class DocumentAdmin(ScopedAdmin):
    """A stored canonical document: read-only, its canonical JSON shown as a readable document."""

    show_full_result_count = False  # counting a whole table of documents is a full scan

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[Any]:
        # Every field: a stored document changes only by a newer document superseding it.
        return [("document_view" if f.name == "document" else f.name) for f in self.model._meta.fields if f.name != "id"]

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        return [*(super().get_exclude(request, obj) or []), "document"]

    @admin.display(description=_("canonical document"))
    def document_view(self, obj: Any) -> str:
        return readable_payload(obj.document)


class LineInline(ReadOnlyInline):
    model = ScheduleLine
    fk_name = "schedule"
    fields = ["position", "buyer_part", "supplier_part", "unit", "order_number", "unloading_point", "cumulative_received", "superseded_by"]
    readonly_fields = fields
    show_change_link = True


@admin.register(DeliverySchedule)
class DeliveryScheduleAdmin(DocumentAdmin):
    list_display = ["number", "supplier", "plant", "kind", "issued", "status", "created_at", "acknowledged_at"]
    list_filter = ["status", "kind", "plant"]
    search_fields = ["number", "supplier__number", "supplier__name", "lines__buyer_part"]
    date_hierarchy = "created_at"
    inlines = [LineInline]


class QuantityInline(ReadOnlyInline):
    model = ScheduleQuantity
    # Not the plant, supplier and part it repeats for the overview: the line above shows them.
    fields = ["quantity", "commitment", "date", "date_from", "date_to", "open"]
    readonly_fields = fields


@admin.register(ScheduleLine)
class ScheduleLineAdmin(ScopedAdmin):
    list_display = ["schedule", "position", "buyer_part", "supplier_part", "unit"]
    search_fields = ["buyer_part", "supplier_part", "schedule__number"]
    inlines = [QuantityInline]
    readonly_fields = ["schedule", "position", "buyer_part", "supplier_part", "description", "unit", "order_number", "unloading_point", "cumulative_received", "cumulative_received_date", "superseded_by"]  # fmt: skip

    def has_module_permission(self, request) -> bool:  # reached through its call-off
        return False


class DespatchLineInline(ReadOnlyInline):
    model = DespatchLine
    fields = ["position", "buyer_part", "supplier_part", "quantity", "unit", "order_number", "batch"]
    readonly_fields = fields


@admin.register(DespatchAdvice)
class DespatchAdviceAdmin(DocumentAdmin):
    list_display = ["number", "supplier", "plant", "ship_date", "arrival_date", "created_at"]
    list_filter = ["plant"]
    search_fields = ["number", "supplier__number", "supplier__name", "lines__buyer_part"]
    date_hierarchy = "created_at"
    inlines = [DespatchLineInline]


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["position", "line", "buyer_part", "supplier_part", "quantity", "unit", "price", "requested_date"]
    readonly_fields = fields


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(DocumentAdmin):
    list_display = ["number", "plant", "supplier", "issued", "currency", "created_at"]
    list_filter = ["plant"]
    search_fields = ["number", "supplier__number", "supplier__name", "lines__buyer_part"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]


@admin.register(OrderResponse)
class OrderResponseAdmin(DocumentAdmin):
    list_display = ["number", "order_number", "status", "supplier", "plant", "created_at"]
    list_filter = ["status", "plant"]
    search_fields = ["number", "order_number", "supplier__number", "supplier__name"]
    date_hierarchy = "created_at"
