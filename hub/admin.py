"""Admin for the engine: plants, interchanges (with raw download and reprocess), deliveries.

Every admin list goes through ``hub.scope.scoped``: buyers see their plants' data,
headquarters sees everything read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from hub.dispatch.services import delivery_replay, delivery_retry, plant_pause, plant_resume
from hub.ingest.receive import interchange_reprocess
from hub.models import Acknowledgement, Delivery, DeliveryAttempt, Interchange, Plant
from hub.scope import role_of, scoped


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose querysets and permissions follow the user's role."""

    writable_roles: tuple[str, ...] = ("admin",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return scoped(super().get_queryset(request), request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in ("admin", "hq", "buyer") and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) in self.writable_roles and request.user.is_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == "admin" and request.user.is_staff

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing received or sent is ever deleted through the UI


@admin.register(Plant)
class PlantAdmin(ScopedAdmin):
    list_display = ["code", "name", "timezone", "connector", "endpoint_url", "outbound_format", "queue", "paused", "consecutive_failures"]
    search_fields = ["code", "name"]
    list_filter = ["paused", "connector"]
    readonly_fields = ["consecutive_failures", "circuit_open_until"]
    actions = ["pause", "resume"]
    writable_roles = ("admin", "buyer")

    def save_model(self, request: HttpRequest, obj: Plant, form: Any, change: bool) -> None:
        from hub.dispatch.services import deliveries_release

        super().save_model(request, obj, form, change)
        if change and "endpoint_url" in form.changed_data and obj.endpoint_url and not obj.paused:
            deliveries_release(plant=obj)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        from hub.dispatch.forms import PlantEndpointForm

        kwargs["form"] = PlantEndpointForm
        return super().get_form(request, obj, **kwargs)

    @admin.action(description=_("Pause dispatch to the selected plants (deliveries wait)"))
    def pause(self, request: HttpRequest, queryset: Any) -> None:
        for plant in queryset:
            plant_pause(plant=plant)
        self.message_user(request, _("Dispatch paused for %d plant(s).") % queryset.count(), messages.SUCCESS)

    @admin.action(description=_("Resume dispatch to the selected plants and release held deliveries"))
    def resume(self, request: HttpRequest, queryset: Any) -> None:
        released = sum(plant_resume(plant=plant) for plant in queryset)
        self.message_user(request, _("Dispatch resumed; %d held deliveries released.") % released, messages.SUCCESS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Interchange)
class InterchangeAdmin(ScopedAdmin):
    list_display = ["received_at", "filename", "channel", "format", "message_types", "status", "document_count", "sender_id", "control_ref"]
    list_filter = ["status", "channel", "format"]
    search_fields = ["filename", "sha256", "control_ref", "sender_id"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in Interchange._meta.fields if f.name != "raw"] + ["raw_download", "ack_download", "error_list"]
    exclude = ["raw"]
    actions = ["reprocess"]
    writable_roles = ("admin", "buyer")

    @admin.display(description=_("raw file"))
    def raw_download(self, obj: Interchange) -> str:
        return format_html('<a href="{}">{}</a>', reverse("portal:interchange-raw", args=[obj.pk]), _("download the bytes as received"))

    @admin.display(description=_("acknowledgement"))
    def ack_download(self, obj: Interchange) -> str:
        ack = Acknowledgement.objects.filter(interchange=obj).first()
        if ack is None:
            return "–"
        return format_html('<a href="{}">{} ({})</a>', reverse("portal:interchange-ack", args=[obj.pk]), ack.kind, ack.status)

    @admin.display(description=_("errors with positions"))
    def error_list(self, obj: Interchange) -> str:
        if not obj.errors:
            return "–"
        items = "".join(format_html("<li>{}: {}</li>", e.get("position", ""), e.get("text", "")) for e in obj.errors)
        return format_html("<ul>{}</ul>", format_html(items))

    @admin.action(description=_("Process the selected failed files again"))
    def reprocess(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for interchange in queryset.filter(status=Interchange.Status.FAILED):
            interchange_reprocess(interchange=interchange)
            done += 1
        self.message_user(request, _("%d file(s) queued for processing.") % done, messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "duration_ms", "url", "status_code", "outcome", "response_excerpt"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    list_display = ["id", "created_at", "document_type", "document_number", "plant", "supplier", "status", "attempts", "delivered_at", "last_error"]
    list_filter = ["status", "document_type", "plant"]
    search_fields = ["document_number", "idempotency_key"]
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "rendered"]
    inlines = [AttemptInline]
    actions = ["retry", "replay"]
    writable_roles = ("admin", "buyer")
    exclude = ["rendered"]

    @admin.action(description=_("Retry the selected dead-lettered or held deliveries"))
    def retry(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for delivery in queryset.filter(status__in=[Delivery.Status.DEAD, Delivery.Status.HELD]):
            delivery_retry(delivery=delivery)
            done += 1
        self.message_user(request, _("%d deliveries queued again.") % done, messages.SUCCESS)

    @admin.action(description=_("Replay the selected deliveries (new delivery, new idempotency key)"))
    def replay(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for delivery in queryset.exclude(status=Delivery.Status.SUPERSEDED):
            delivery_replay(delivery=delivery)
            done += 1
        self.message_user(request, _("%d deliveries replayed.") % done, messages.SUCCESS)
