"""Admin for the engine: plants, interchanges (with raw download and reprocess), deliveries.

Every admin list goes through ``hub.scope.scoped`` and every admin write (forms, actions)
through ``hub.permissions``: buyers see and change their plants' data only, headquarters
sees everything read-only, and a stored secret is never shown again once saved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.dispatch.services import delivery_replay, delivery_retry, plant_pause, plant_resume
from hub.ingest.preview import reprocess_preview
from hub.ingest.receive import interchange_reprocess
from hub.models import Acknowledgement, Delivery, DeliveryAttempt, Interchange, Plant
from hub.permissions import check, may, refusal
from hub.readable import readable_payload
from hub.scope import role_of, scoped

admin.site.site_header = _("Supplier hub administration")
admin.site.site_title = _("Supplier hub")
admin.site.index_title = _("Plants, suppliers, files and deliveries")

# Model fields whose stored value is never shown again (write-only once saved): by name,
# so a secret added to any model later is covered without touching the admin.
SECRET_SUFFIXES = ("secret", "_token", "password_hash", "private_key")
NOT_SECRET = {"claim_token"}  # a worker's lease on a row, worthless outside the worker that holds it


def secret_fields(model: type[models.Model]) -> list[str]:
    """The names of ``model``'s write-only fields."""
    return [f.name for f in model._meta.fields if f.name.endswith(SECRET_SUFFIXES) and f.name not in NOT_SECRET]


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-object filter that offers only the objects the user may see."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        qs = scoped(field.related_model._default_manager.all(), request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            qs = qs.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in qs]


class ScopedChoicesMixin:
    """Form choices of related objects (foreign keys, many-to-many) limited to the user's scope."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HiddenIsNotFound:
    """A model the user may not see at all answers 404 on every admin page, never 403.

    403 stays for what the user sees but may not do (headquarters' read-only pages).
    """

    def _visible(self, request: HttpRequest) -> None:
        if not self.has_view_or_change_permission(request):
            raise Http404(gettext("Not found"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        self._visible(request)
        # An action the user can see the list of but may not run is refused out loud (403),
        # not silently turned into "no action selected".
        name = request.POST.get("action", "") if request.method == "POST" else ""
        if name and name not in self.get_actions(request):
            check(request.user, f"{self.opts.model_name}.{name}")
            raise PermissionDenied(gettext("Your account may not do this."))
        return super().changelist_view(request, extra_context)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        self._visible(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        self._visible(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._visible(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._visible(request)
        return super().history_view(request, object_id, extra_context)


def editable(context: dict[str, Any]) -> bool:
    """Whether a change form has anything to save: a form field, or an inline that may add, change or delete."""
    if context["adminform"].form.fields:
        return True
    return any(i.has_add_permission or i.has_change_permission or i.has_delete_permission for i in context.get("inline_admin_formsets", []))


class ReadOnlyInline(admin.TabularInline):
    """The parts of a stored record (lines, quantities, attempts): shown, never edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) in ("admin", "hq", "buyer") and request.user.is_staff


class ScopedAdmin(HiddenIsNotFound, ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin whose querysets follow ``hub.scope`` and whose writes follow ``hub.permissions``.

    Permission names are ``<model_name>.<add|change|delete|action>`` in ``RULES``; an action
    not declared there is offered to nobody.
    """

    def _perm(self, what: str) -> str:
        return f"{self.opts.model_name}.{what}"

    def get_queryset(self, request: HttpRequest) -> Any:
        return scoped(super().get_queryset(request), request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in ("admin", "hq", "buyer") and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and may(request.user, self._perm("change"), obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and may(request.user, self._perm("add"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and may(request.user, self._perm("delete"), obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        return {name: action for name, action in actions.items() if request.user.is_staff and may(request.user, self._perm(name))}

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        if request.method == "POST":
            # Django refuses a read-only user's POST with a bare 403; say why.
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                check(request.user, self._perm("change"), obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], add: bool = False, change: bool = False, form_url: str = "", obj: Any = None
    ) -> Any:
        if change and not editable(context):
            # A record nothing can be changed on (a stored document, a file, a delivery): no Save buttons.
            context.update(show_save=False, show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        raise Http404(gettext("Not found"))  # out of scope is not found, as everywhere

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [self._scoped_filter(f) for f in super().get_list_filter(request)]

    def _scoped_filter(self, spec: Any) -> Any:
        if isinstance(spec, str) and "__" not in spec:
            try:
                field = self.opts.get_field(spec)
            except Exception:  # a callable or a custom filter: left as it is
                return spec
            if field.is_relation:
                return (spec, ScopedRelatedFilter)
        return spec

    def allowed(self, request: HttpRequest, queryset: Any, what: str) -> list[Any]:
        """The selected objects the user may act on; the others are named in a warning."""
        ok, refused = [], []
        for obj in queryset:
            why = refusal(request.user, self._perm(what), obj)
            (refused if why else ok).append((obj, why))
        for obj, why in refused[:20]:
            self.message_user(request, f"{obj}: {why}", messages.WARNING)
        return [obj for obj, _why in ok]

    # Secrets: write-only once saved.
    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in secret_fields(self.model):
            return forms.CharField(
                label=db_field.verbose_name,
                required=False,
                max_length=db_field.max_length,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
                help_text=_("Write-only: the stored value is never shown. Leave empty to keep it; type a new value to replace it."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = list(super().get_fields(request, obj))
        secrets = secret_fields(self.model)
        if not secrets:
            return fields
        if not self.has_change_permission(request, obj):
            fields = [f for f in fields if f not in secrets]
        return [*fields, "secrets_state"] if "secrets_state" not in fields else fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        readonly = list(super().get_readonly_fields(request, obj))
        if secret_fields(self.model) and "secrets_state" not in readonly:
            readonly.append("secrets_state")
        return readonly

    @admin.display(description=_("secrets"))
    def secrets_state(self, obj: Any) -> str:
        parts = []
        for name in secret_fields(self.model):
            label = self.model._meta.get_field(name).verbose_name
            state = gettext("set") if obj is not None and getattr(obj, name) else gettext("not set")
            parts.append(f"{label}: {state}")
        return "; ".join(parts)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        for name in secret_fields(self.model):
            if name in form.cleaned_data and not form.cleaned_data[name] and change:
                # An empty write-only field means "keep the stored value".
                setattr(obj, name, type(obj)._default_manager.filter(pk=obj.pk).values_list(name, flat=True).first() or "")
        super().save_model(request, obj, form, change)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    """An inline that follows ``hub.permissions`` for its parent object, with scoped choices."""

    extra = 0

    def _perm(self, what: str) -> str:
        return f"{self.opts.model_name}.{what}"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) in ("admin", "hq", "buyer") and request.user.is_staff

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and may(request.user, self._perm("change"), obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and may(request.user, self._perm("add"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff and may(request.user, self._perm("delete"), obj)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(HiddenIsNotFound, DjangoGroupAdmin):
    """Django's groups: roles decide in the hub, so only a hub administrator sees these."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "group.view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "group.view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "group.change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "group.add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plant)
class PlantAdmin(ScopedAdmin):
    list_display = ["code", "name", "timezone", "connector", "endpoint_url", "outbound_format", "queue", "paused", "consecutive_failures"]
    search_fields = ["code", "name"]
    list_filter = ["paused", "connector"]
    readonly_fields = ["consecutive_failures", "circuit_open_until"]
    actions = ["pause", "resume"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        readonly = super().get_readonly_fields(request, obj)
        if role_of(request.user) != "admin":
            # Retention deletes files and deliveries for good: a group decision, never a buyer's.
            readonly = ["retention_days", *readonly]
            if obj is not None:
                readonly = ["code", *readonly]  # the plant's identity in every file: an administrator's change
        return readonly

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
        plants = self.allowed(request, queryset, "pause")
        for plant in plants:
            plant_pause(plant=plant)
        self.message_user(request, gettext("Dispatch paused for %d plant(s).") % len(plants), messages.SUCCESS)

    @admin.action(description=_("Resume dispatch to the selected plants and release held deliveries"))
    def resume(self, request: HttpRequest, queryset: Any) -> None:
        released = sum(plant_resume(plant=plant) for plant in self.allowed(request, queryset, "resume"))
        self.message_user(request, gettext("Dispatch resumed; %d held deliveries released.") % released, messages.SUCCESS)


@admin.register(Interchange)
class InterchangeAdmin(ScopedAdmin):
    list_display = ["received_at", "status", "filename", "channel", "format", "message_types", "document_count", "sender_id", "control_ref"]
    list_filter = ["status", "channel", "format"]
    show_full_result_count = False  # a count over every file received is a full scan
    search_fields = ["filename", "sha256", "control_ref", "sender_id"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in Interchange._meta.fields if f.name not in ("raw", "errors", "warnings", "envelope", "test_report")] + [
        "raw_download", "ack_download", "error_list", "warnings_view", "envelope_view", "test_report_view",
    ]  # fmt: skip
    exclude = ["raw", "errors", "warnings", "envelope", "test_report"]
    actions = ["reprocess"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and not may(request.user, "interchange.file", obj):
            # A multi-plant file: the buyer sees its own documents, never the file.
            readonly = [f for f in readonly if f not in ("raw_download", "ack_download")]
        return readonly

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = super().get_fields(request, obj)
        if obj is not None and not may(request.user, "interchange.file", obj):
            fields = [f for f in fields if f not in ("raw_download", "ack_download")]
        return fields

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
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", ((e.get("position", ""), e.get("text", "")) for e in obj.errors))
        )

    @admin.display(description=_("warnings"))
    def warnings_view(self, obj: Interchange) -> str:
        return readable_payload(obj.warnings)

    @admin.display(description=_("envelope"))
    def envelope_view(self, obj: Interchange) -> str:
        return readable_payload(obj.envelope)

    @admin.display(description=_("test report"))
    def test_report_view(self, obj: Interchange) -> str:
        return readable_payload(obj.test_report)

    change_form_template = "admin/hub/interchange/change_form.html"

    def get_urls(self) -> list[Any]:
        reprocess = path("<path:object_id>/reprocess/", self.admin_site.admin_view(self.reprocess_view), name="hub_interchange_reprocess")
        return [reprocess, *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        may_reprocess = obj is not None and may(request.user, "interchange.reprocess", obj)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "may_reprocess": may_reprocess})

    def reprocess_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Before and after, side by side; a POST confirms and queues the file again."""
        self._visible(request)
        interchange = self.get_object(request, unquote(object_id))
        if interchange is None:
            raise Http404(gettext("Not found"))
        check(request.user, "interchange.reprocess", interchange)
        change_url = reverse("admin:hub_interchange_change", args=[interchange.pk])
        failed = interchange.status == Interchange.Status.FAILED
        if request.method == "POST":
            if not failed:
                self.message_user(
                    request,
                    gettext("Only a failed file can be processed again; this one is %s.") % interchange.get_status_display(),
                    messages.ERROR,
                )
                return HttpResponseRedirect(change_url)
            interchange_reprocess(interchange=interchange)
            self.message_user(
                request, gettext("The file is being processed again; its status below follows the outcome."), messages.SUCCESS
            )
            return HttpResponseRedirect(change_url)
        try:
            preview = reprocess_preview(interchange=interchange)
        except OSError:
            self.message_user(request, gettext("The stored bytes of this file cannot be read."), messages.ERROR)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": interchange, "preview": preview,
            "title": gettext("Reprocess %s") % interchange, "may_confirm": failed, "change_url": change_url,
        }  # fmt: skip
        return TemplateResponse(request, "admin/hub/interchange/reprocess.html", context)

    @admin.action(description=_("Reprocess the selected failed files (one: see before and after first)"))
    def reprocess(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        chosen = self.allowed(request, queryset.filter(status=Interchange.Status.FAILED), "reprocess")
        if len(chosen) == 1:
            return HttpResponseRedirect(reverse("admin:hub_interchange_reprocess", args=[chosen[0].pk]))
        for interchange in chosen:
            interchange_reprocess(interchange=interchange)
        self.message_user(request, gettext("%d file(s) queued for processing.") % len(chosen), messages.SUCCESS)
        return None


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    readonly_fields = ["number", "started_at", "duration_ms", "url", "status_code", "outcome", "response_excerpt"]


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    list_display = [
        "id", "status", "created_at", "document_type", "document_number", "plant", "supplier", "connector", "attempts", "delivered_at",
        "acknowledgement_status", "last_error",
    ]  # fmt: skip
    show_full_result_count = False
    list_filter = ["status", "connector", "document_type", "plant"]
    search_fields = ["document_number", "idempotency_key"]
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name not in ("rendered", "payload")] + ["payload_view"]
    inlines = [AttemptInline]
    actions = ["retry", "replay"]
    exclude = ["rendered", "payload"]

    @admin.display(description=_("payload"))
    def payload_view(self, obj: Delivery) -> str:
        return readable_payload(obj.payload)

    change_form_template = "admin/hub/delivery/change_form.html"

    def get_urls(self) -> list[Any]:
        retry = path("<path:object_id>/retry/", self.admin_site.admin_view(self.retry_view), name="hub_delivery_retry")
        return [retry, *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        may_retry = (
            obj is not None and obj.status in (Delivery.Status.DEAD, Delivery.Status.HELD) and may(request.user, "delivery.retry", obj)
        )
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "may_retry": may_retry})

    def retry_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The detail page's Retry button: a dead-lettered or held delivery goes back in the queue, same key."""
        self._visible(request)
        delivery = self.get_object(request, unquote(object_id))
        if delivery is None:
            raise Http404(gettext("Not found"))
        change_url = reverse("admin:hub_delivery_change", args=[delivery.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        check(request.user, "delivery.retry", delivery)
        try:
            delivery_retry(delivery=delivery)
        except ValueError:
            self.message_user(
                request,
                gettext("Only a dead-lettered or held delivery can be retried; this one is %s.") % delivery.get_status_display(),
                messages.ERROR,
            )
        else:
            self.message_user(
                request, gettext("The delivery is queued again under the same key; reload to follow its status."), messages.SUCCESS
            )
        return HttpResponseRedirect(change_url)

    @admin.action(description=_("Retry the selected dead-lettered or held deliveries"))
    def retry(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for delivery in self.allowed(request, queryset.filter(status__in=[Delivery.Status.DEAD, Delivery.Status.HELD]), "retry"):
            delivery_retry(delivery=delivery)
            done += 1
        self.message_user(request, gettext("%d deliveries queued again.") % done, messages.SUCCESS)

    @admin.action(description=_("Replay the selected deliveries (new delivery, new idempotency key)"))
    def replay(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for delivery in self.allowed(request, queryset.exclude(status=Delivery.Status.SUPERSEDED), "replay"):
            delivery_replay(delivery=delivery)
            done += 1
        self.message_user(request, gettext("%d deliveries replayed.") % done, messages.SUCCESS)


# -- login lockout records (django-axes) ---------------------------------------------------


class LockoutRecordAdmin(HiddenIsNotFound):
    """django-axes' records of failed logins: a hub administrator reads them and unlocks
    (deletes an access attempt); nobody else sees that they exist."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "lockout.view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "lockout.view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.opts.model_name == "accessattempt" and may(request.user, "lockout.unlock")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return super().get_actions(request) if may(request.user, "lockout.unlock") else {}


def _lockout_admins() -> None:
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, base in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, type(f"Hub{base.__name__}", (LockoutRecordAdmin, base), {}))


_lockout_admins()


# The channels' admin pages (AS2, SFTP) register themselves beside the engine's.
from hub.channels import admin as _channels_admin  # noqa: E402, F401
