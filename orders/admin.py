"""Admin for call-offs, with their lines and quantities inline."""

from __future__ import annotations

from django.contrib import admin

from hub.admin import ScopedAdmin
from orders.models import DeliverySchedule, ScheduleLine, ScheduleQuantity


class LineInline(admin.TabularInline):
    model = ScheduleLine
    fk_name = "schedule"
    extra = 0
    can_delete = False
    fields = ["position", "buyer_part", "supplier_part", "unit", "order_number", "unloading_point", "cumulative_received", "superseded_by"]
    readonly_fields = fields
    show_change_link = True


@admin.register(DeliverySchedule)
class DeliveryScheduleAdmin(ScopedAdmin):
    list_display = ["number", "supplier", "plant", "kind", "issued", "status", "created_at", "acknowledged_at"]
    list_filter = ["status", "kind", "plant"]
    search_fields = ["number", "supplier__number", "supplier__name", "lines__buyer_part"]
    date_hierarchy = "created_at"
    readonly_fields = ["interchange", "supplier", "plant", "number", "kind", "issued", "previous_number", "message_ref", "status", "acknowledged_at", "document", "created_at"]
    inlines = [LineInline]


class QuantityInline(admin.TabularInline):
    model = ScheduleQuantity
    extra = 0
    can_delete = False
    readonly_fields = ["quantity", "commitment", "date", "date_from", "date_to"]


@admin.register(ScheduleLine)
class ScheduleLineAdmin(ScopedAdmin):
    list_display = ["schedule", "position", "buyer_part", "supplier_part", "unit"]
    search_fields = ["buyer_part", "supplier_part", "schedule__number"]
    inlines = [QuantityInline]
    readonly_fields = ["schedule", "position", "buyer_part", "supplier_part", "description", "unit", "order_number", "unloading_point", "cumulative_received", "cumulative_received_date", "superseded_by"]

    def has_module_permission(self, request) -> bool:  # reached through its call-off
        return False
