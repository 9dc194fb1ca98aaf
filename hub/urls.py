"""Top-level URLs: portal, staff admin, API, health, login."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from hub.channels.as2.views import as2_endpoint
from hub.channels.portal import channels_page, hub_certificate
from hub.health import healthz
from hub.published import schema
from suppliers.accounts import PasswordResetView

urlpatterns = [
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("as2/", as2_endpoint, name="as2"),
    path("schemas/<str:name>", schema, name="schema-file"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),  # rate-limited
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/channels/", channels_page, name="portal-channels"),
    path("portal/channels/hub-as2.pem", hub_certificate, name="portal-channels-certificate"),
    path("portal/", include("suppliers.urls")),
    path("staff/onboarding/", include("suppliers.staff_urls")),
    path("staff/", include("hub.staff_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("hub.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
