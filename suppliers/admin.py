"""Admin for suppliers, users, partner profiles and tokens (scoped like everything else)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from hub.admin import ScopedAdmin
from hub.scope import role_of
from suppliers.models import ApiToken, PartnerIdentifier, PartnerProfile, Supplier, User


@admin.register(Supplier)
class SupplierAdmin(ScopedAdmin):
    list_display = ["number", "name", "country", "duns", "status", "created_at"]
    list_filter = ["status", "country", "plants"]
    search_fields = ["number", "name", "duns", "vat_id"]
    filter_horizontal = ["plants"]
    writable_roles = ("admin", "buyer")


class IdentifierInline(admin.TabularInline):
    model = PartnerIdentifier
    extra = 0


@admin.register(PartnerProfile)
class PartnerProfileAdmin(ScopedAdmin):
    list_display = ["supplier", "channel", "outbound_format", "failure_policy", "updated_at"]
    list_filter = ["channel", "failure_policy"]
    search_fields = ["supplier__number", "supplier__name", "identifiers__value"]
    inlines = [IdentifierInline]
    writable_roles = ("admin", "buyer")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "role", "supplier", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = [*DjangoUserAdmin.fieldsets, ("Hub", {"fields": ["role", "supplier", "plants", "language"]})]
    filter_horizontal = ["plants", "groups", "user_permissions"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == "admin"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return role_of(request.user) == "admin"

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    search_fields = ["user__username", "name", "prefix"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) == "admin"

    has_view_permission = has_change_permission = lambda self, request, obj=None: role_of(request.user) == "admin"  # noqa: E731

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by the service, which shows the token once
