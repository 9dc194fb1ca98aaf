"""Staff onboarding URLs, mounted at /staff/onboarding/."""

from django.urls import path

from suppliers import staff_views

app_name = "staff-onboarding"

urlpatterns = [
    path("", staff_views.funnel, name="funnel"),
    path("suppliers/<uuid:pk>/", staff_views.supplier_detail, name="supplier"),
    path("suppliers/<uuid:pk>/action/", staff_views.supplier_action, name="supplier-action"),
    path("registrations/", staff_views.registrations, name="registrations"),
    path("registrations/<int:pk>/decide/", staff_views.registration_decide, name="registration-decide"),
    path("identifiers/", staff_views.identifier_claims, name="identifiers"),
    path("identifiers/<int:pk>/decide/", staff_views.identifier_claim_decide, name="identifier-decide"),
    path("import/", staff_views.import_upload, name="import"),
    path("import/<int:pk>/", staff_views.import_preview, name="import-preview"),
]
