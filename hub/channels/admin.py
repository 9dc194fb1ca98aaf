"""Admin for the channels: partners' channel settings, the hub's AS2 identity (key write-only), AS2 messages.

Certificates show their expiry; the lists warn about those that expire within
``EXPIRY_WARNING_DAYS`` (partners need time to install a new one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.admin import ScopedAdmin
from hub.channels.as2.outbound import as2_connection_test
from hub.channels.models import As2Identity, As2Message, ChannelProfile
from hub.scope import role_of

EXPIRY_WARNING_DAYS = 30


def expiry_text(expires: dt.datetime | None) -> str:
    """The expiry as staff should read it: the date, and a warning when it is near or past."""
    if expires is None:
        return "-"
    days = (expires - timezone.now()).days
    if days < 0:
        return gettext("%(date)s (EXPIRED)") % {"date": f"{expires:%Y-%m-%d}"}
    if days <= EXPIRY_WARNING_DAYS:
        return gettext("%(date)s (expires in %(days)d days)") % {"date": f"{expires:%Y-%m-%d}", "days": days}
    return f"{expires:%Y-%m-%d}"


def warn_expiring(request: HttpRequest, rows: Any, field: str, name: Any) -> None:
    """Add a warning to the page for each certificate that expires within EXPIRY_WARNING_DAYS."""
    soon = timezone.now() + dt.timedelta(days=EXPIRY_WARNING_DAYS)
    for row in rows.filter(**{f"{field}__lte": soon})[:20]:
        messages.warning(request, gettext("Certificate of %(who)s: %(when)s") % {"who": name(row), "when": expiry_text(getattr(row, field))})


@admin.register(ChannelProfile)
class ChannelProfileAdmin(ScopedAdmin):
    list_display = ["profile", "inbound", "outbound", "as2_id", "certificate_expiry", "updated_at"]
    list_filter = ["inbound", "outbound"]
    search_fields = ["profile__supplier__number", "profile__supplier__name", "as2_id"]
    readonly_fields = ["certificate_expiry"]
    autocomplete_fields = ["profile"]
    actions = ["test_connection"]
    fieldsets = [
        (None, {"fields": ["profile", "inbound", "outbound"]}),
        ("AS2", {"fields": ["as2_id", "as2_url", "as2_certificate", "certificate_expiry", "as2_sign", "as2_encrypt", "as2_compress", "as2_mdn_mode"]}),
        ("SFTP", {"fields": ["sftp_keys"]}),
    ]

    @admin.display(description=_("certificate expires"), ordering="as2_certificate_expires")
    def certificate_expiry(self, obj: ChannelProfile) -> str:
        return expiry_text(obj.as2_certificate_expires)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "GET" and self.has_view_permission(request):
            warn_expiring(request, self.get_queryset(request), "as2_certificate_expires", lambda row: row.profile.supplier.number)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Test the AS2 connection (send a test message and wait for its MDN)"))
    def test_connection(self, request: HttpRequest, queryset: Any) -> None:
        for channels in self.allowed(request, queryset.select_related("profile__supplier")[:10], "test_connection"):
            result = as2_connection_test(channels=channels)
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{channels.profile.supplier.number}: {result.excerpt}", level)


@admin.register(As2Identity)
class As2IdentityAdmin(ScopedAdmin):
    list_display = ["as2_id", "certificate_expiry", "created_at"]
    readonly_fields = ["certificate_expiry"]
    fields = ["as2_id", "certificate", "private_key", "certificate_expiry"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) in ("admin", "hq") and request.user.is_staff

    @admin.display(description=_("certificate expires"), ordering="certificate_expires")
    def certificate_expiry(self, obj: As2Identity) -> str:
        return expiry_text(obj.certificate_expires)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.method == "GET" and self.has_view_permission(request):
            warn_expiring(request, self.get_queryset(request), "certificate_expires", lambda row: row.as2_id)
        return super().changelist_view(request, extra_context)


@admin.register(As2Message)
class As2MessageAdmin(ScopedAdmin):
    list_display = ["created_at", "direction", "partner", "message_id", "status", "mdn_status", "interchange", "delivery"]
    list_filter = ["direction", "status"]
    search_fields = ["message_id", "partner__number", "partner_as2_id"]
    exclude = ["mdn_body", "mdn_headers"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]
