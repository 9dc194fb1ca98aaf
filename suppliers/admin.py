"""Admin for suppliers, users, partner profiles and tokens (scoped like everything else)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hub.admin import HiddenIsNotFound, ScopedAdmin, ScopedInline
from hub.permissions import may
from hub.scope import plant_ids, role_of
from suppliers.invitations import InvitationError, invitation_resend, invitation_revoke, invitations_create
from suppliers.models import ApiToken, Invitation, OnboardingTransition, PartnerIdentifier, PartnerProfile, Registration, Supplier, User
from suppliers.onboarding import IllegalTransition, onboarding_transition
from suppliers.services import IdentifierError, identifier_decide, token_create, token_revoke


class ScopedHistoryAdmin(SimpleHistoryAdmin, ScopedAdmin):
    """History (who changed what, when) for scoped objects; out of scope is a 404, as everywhere."""

    def _in_scope(self, request: HttpRequest, object_id: str) -> None:
        try:
            found = self.get_queryset(request).filter(pk=object_id).exists()
        except (ValueError, ValidationError):  # a malformed id is not found either
            found = False
        if not found:
            raise Http404(_("Not found"))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None) -> HttpResponse:
        self._in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class TransitionInline(admin.TabularInline):
    model = OnboardingTransition
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "from_status", "to_status", "by", "note"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _transition_all(admin_obj: Any, request: HttpRequest, queryset: Any, to: str, action: str) -> None:
    done, failed = 0, []
    for supplier in admin_obj.allowed(request, queryset, action):
        try:
            onboarding_transition(supplier=supplier, to=to, by=request.user, note="staff decision (admin)")
            done += 1
        except IllegalTransition as exc:
            failed.append(str(exc))
    admin_obj.message_user(request, _("%(n)d supplier(s) moved to %(state)s.") % {"n": done, "state": to}, messages.SUCCESS)
    for text in failed[:20]:
        admin_obj.message_user(request, text, messages.WARNING)


@admin.register(Supplier)
class SupplierAdmin(ScopedHistoryAdmin):
    list_display = ["number", "name", "country", "duns", "status", "status_changed_at", "onboarding_link"]
    list_filter = ["status", "country", "plants"]
    search_fields = ["number", "name", "duns", "vat_id"]  # icontains, served by the trigram indexes of suppliers 0012
    # With 10,000 suppliers and more, a second COUNT over the whole (scoped) table for "x of N" costs
    # more than the search; the paginator's count of what matched is enough.
    show_full_result_count = False
    filter_horizontal = ["plants"]
    readonly_fields = ["status", "status_changed_at"]  # states change through the onboarding service only
    inlines = [TransitionInline]
    actions = ["invite", "approve_go_live", "suspend"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A shared supplier stays open to a buyer for its own plants' part (see get_readonly_fields).
        return super().has_change_permission(request, obj) or (request.user.is_staff and may(request.user, "supplier.plants", obj))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not may(request.user, "supplier.change", obj):
            # Shared with a plant outside the buyer's scope: master data is what that plant
            # depends on too; only which of the buyer's own plants it supplies may change.
            editable = [f.name for f in self.opts.get_fields() if getattr(f, "editable", False) and not f.auto_created and (f.concrete or f.many_to_many)]
            readonly += [f for f in editable if f not in readonly and f != "plants"]
        if role_of(request.user) != "admin" and "retention_days" not in readonly:
            readonly.append("retention_days")  # retention deletes data for good: an administrator's decision
        return readonly

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The form offers only the buyer's plants: keep the links to every other plant.
        others: list[int] = []
        if change and role_of(request.user) != "admin":
            others = list(form.instance.plants.exclude(pk__in=plant_ids(request.user)).values_list("pk", flat=True))
        super().save_related(request, form, formsets, change)
        if others:
            form.instance.plants.add(*others)

    @admin.display(description=_("onboarding"))
    def onboarding_link(self, obj: Supplier) -> str:
        return format_html('<a href="{}">{}</a>', reverse("staff-onboarding:supplier", args=[obj.pk]), _("open"))

    @admin.action(description=_("Invite the selected suppliers (e-mail with a single-use link)"))
    def invite(self, request: HttpRequest, queryset: Any) -> None:
        invited, skipped = invitations_create(suppliers=self.allowed(request, queryset, "invite"), by=request.user, base_url=request.build_absolute_uri("/").rstrip("/"))
        self.message_user(request, _("%(n)d invitation(s) queued for sending.") % {"n": invited}, messages.SUCCESS)
        if skipped:
            self.message_user(request, _("%(n)d skipped, e.g.: %(why)s") % {"n": len(skipped), "why": skipped[0]}, messages.WARNING)

    @admin.action(description=_("Approve go-live of the selected suppliers in testing"))
    def approve_go_live(self, request: HttpRequest, queryset: Any) -> None:
        _transition_all(self, request, queryset, Supplier.Status.LIVE, "approve_go_live")

    @admin.action(description=_("Suspend the selected suppliers"))
    def suspend(self, request: HttpRequest, queryset: Any) -> None:
        _transition_all(self, request, queryset, Supplier.Status.SUSPENDED, "suspend")


class StaffIdentifierForm(forms.ModelForm):
    """Identifiers staff enter are master data: verified unless staff say otherwise."""

    class Meta:
        model = PartnerIdentifier
        fields = ["profile", "scheme", "qualifier", "value", "plant", "status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.initial.setdefault("status", PartnerIdentifier.Status.VERIFIED)


class IdentifierInline(ScopedInline):
    model = PartnerIdentifier
    form = StaffIdentifierForm
    autocomplete_fields = ["plant"]


@admin.register(PartnerProfile)
class PartnerProfileAdmin(ScopedHistoryAdmin):
    list_display = ["supplier", "format", "version", "channel", "outbound_format", "failure_policy", "send_acknowledgements", "updated_at"]
    list_filter = ["channel", "format", "failure_policy"]
    search_fields = ["supplier__number", "supplier__name", "identifiers__value"]
    autocomplete_fields = ["supplier"]
    inlines = [IdentifierInline]


@admin.register(PartnerIdentifier)
class PartnerIdentifierAdmin(ScopedHistoryAdmin):
    form = StaffIdentifierForm
    list_display = ["value", "scheme", "qualifier", "plant", "profile", "status", "decided_by"]
    list_filter = ["scheme", "status"]
    search_fields = ["value", "profile__supplier__number"]
    autocomplete_fields = ["profile", "plant"]
    actions = ["verify", "reject"]

    def _decide(self, request: HttpRequest, queryset: Any, verify: bool) -> None:
        done = 0
        for identifier in queryset:  # scoped: a buyer decides for its plants' suppliers only
            try:
                identifier_decide(identifier=identifier, by=request.user, verify=verify)
                done += 1
            except IdentifierError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        self.message_user(request, _("%(n)d identifier(s) decided.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Verify the selected identifiers (they route documents from now on)"))
    def verify(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject the selected identifiers"))
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, False)


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    list_display = ["supplier", "email", "created_at", "expires_at", "sent_at", "send_count", "used_at", "revoked_at"]
    list_filter = ["sent_at", "used_at", "revoked_at"]
    search_fields = ["supplier__number", "email"]
    readonly_fields = ["supplier", "email", "base_url", "created_at", "created_by", "expires_at", "sent_at", "send_count", "used_at", "used_by", "revoked_at"]
    exclude = ["nonce", "sent_nonce"]
    actions = ["resend", "revoke"]

    def _each(self, request: HttpRequest, queryset: Any, service: Any, done_text: str, action: str) -> None:
        done = 0
        for invitation in self.allowed(request, queryset, action):
            try:
                service(invitation=invitation, by=request.user)
                done += 1
            except InvitationError as exc:
                self.message_user(request, f"{invitation}: {exc}", messages.WARNING)
        self.message_user(request, done_text % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Resend the selected invitations (new link, old links stop working)"))
    def resend(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, invitation_resend, _("%(n)d invitation(s) resent."), "resend")

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        self._each(request, queryset, invitation_revoke, _("%(n)d invitation(s) revoked."), "revoke")


@admin.register(Registration)
class RegistrationAdmin(ScopedAdmin):
    list_display = ["company", "country", "plant", "email", "status", "created_at", "decided_by"]
    list_filter = ["status", "plant"]
    search_fields = ["company", "email", "duns"]
    readonly_fields = [f.name for f in Registration._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decided in the staff queue, where approval creates and invites the supplier


@admin.register(User)
class UserAdmin(HiddenIsNotFound, DjangoUserAdmin):
    list_display = ["username", "email", "role", "supplier", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Hub", {"fields": ["role", "supplier", "supplier_role", "plants", "language", "notify_call_offs", "notify_rejected_files", "notify_dead_despatch_advices"]})]
    filter_horizontal = ["plants", "groups", "user_permissions"]
    autocomplete_fields = ["supplier"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "user.view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "user.view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "user.change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "user.add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "user.delete")


@admin.register(ApiToken)
class ApiTokenAdmin(HiddenIsNotFound, admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]  # write-only: the token's hash is no one's business once stored
    search_fields = ["user__username", "name", "prefix"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # a stored token's owner is fixed: moving it would hand one person's secret to another
        return [*self.readonly_fields, "user"] if obj is not None else ["prefix", "created_at", "last_used_at", "revoked_at"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # issued by the service, like every token: the admin sees it this once, only its hash is kept
        row, token = token_create(user=obj.user, name=obj.name, scope=obj.scope, expires_at=obj.expires_at)
        obj.pk, obj.prefix, obj.digest, obj.created_at = row.pk, row.prefix, row.digest, row.created_at
        obj._state.adding = False
        self.message_user(request, _("The new token, shown this once: %(token)s") % {"token": token}, messages.WARNING)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # the admin's token pages are the administrators' alone; people revoke their own in the portal
        return super().get_actions(request) if may(request.user, "apitoken.change") else {}

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        if may(request.user, "apitoken.change"):
            for token in queryset:
                token_revoke(token=token)
                done += 1
        self.message_user(request, _("%(n)d token(s) revoked.") % {"n": done}, messages.SUCCESS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "apitoken.view")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "apitoken.view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "apitoken.change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "apitoken.add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "apitoken.delete")
