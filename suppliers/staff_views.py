"""Staff pages for onboarding under /staff/onboarding/: funnel, one supplier, registrations, import.

Plant purchasing staff see and act on their plants' suppliers only, headquarters sees
everything read-only, admins everything; anything outside a user's scope is a 404.
Views only translate the request and call services and selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hub.permissions import can_write, check, may
from hub.scope import role_of
from suppliers import selectors
from suppliers.imports import INLINE_ROWS, ImportFileError, import_commit, import_commit_start, suppliers_import
from suppliers.invitations import (
    InvitationError,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    registration_approve,
    registration_reject,
)
from suppliers.models import PartnerIdentifier, Registration, Supplier, SupplierImport
from suppliers.onboarding import IllegalTransition, onboarding_transition
from suppliers.services import IdentifierError, identifier_decide

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def staff_only(view: Callable) -> Callable:
    """Signed-in plant staff, headquarters and admins; everyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if role_of(request.user) not in ("buyer", "hq", "admin") or not request.user.is_staff:
            raise Http404(_("Not found"))
        if request.method == "POST" and not can_write(request.user):
            raise PermissionDenied(_("Headquarters accounts are read-only."))
        return view(request, *args, **kwargs)

    return wrapper


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@staff_only
def funnel(request: HttpRequest) -> HttpResponse:
    """Counts per state per plant, time per state, suppliers stuck longest."""
    data = selectors.onboarding_funnel(user=request.user)
    return render(request, "staff/onboarding_funnel.html", {**data, "state_labels": [s["label"] for s in data["states"]]})


@staff_only
def supplier_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One supplier's onboarding with the actions staff may take."""
    try:
        data = selectors.supplier_onboarding(user=request.user, pk=pk)
    except (Supplier.DoesNotExist, ValidationError):
        raise Http404(_("Not found")) from None
    supplier = data.get("supplier")
    context = {**data, "can_act": may(request.user, "supplier.invite", supplier), "can_transition": may(request.user, "supplier.transition", supplier)}
    return render(request, "staff/onboarding_supplier.html", context)


@staff_only
@require_POST
def supplier_action(request: HttpRequest, pk: Any) -> HttpResponse:
    """Invite, resend or revoke an invitation, approve go-live, suspend or resume."""
    try:
        supplier = selectors.suppliers_for(user=request.user).get(pk=pk)
    except (Supplier.DoesNotExist, ValidationError):
        raise Http404(_("Not found")) from None
    action = request.POST.get("action", "")
    # Invitations reach the supplier's people only; a state change (go-live, suspension)
    # changes what every plant it serves depends on (hub.permissions: "sole").
    check(request.user, "supplier.transition" if action in Supplier.Status.values else "supplier.invite", supplier)
    try:
        if action == "invite":
            invitation = invitation_create(supplier=supplier, by=request.user, base_url=_base_url(request))
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        elif action in ("resend", "revoke"):
            try:
                invitation = selectors.invitation_for(user=request.user, pk=request.POST.get("invitation"))
            except (ObjectDoesNotExist, ValueError):
                raise Http404(_("Not found")) from None
            if invitation.supplier_id != supplier.pk:
                raise Http404(_("Not found"))
            if action == "resend":
                invitation_resend(invitation=invitation, by=request.user)
                messages.success(request, _("A new link was sent; earlier links no longer work."))
            else:
                invitation_revoke(invitation=invitation, by=request.user)
                messages.success(request, _("The invitation was revoked."))
        elif action in Supplier.Status.values:
            onboarding_transition(supplier=supplier, to=action, by=request.user, note=request.POST.get("note", "")[:200] or "staff decision")
            messages.success(request, _("%(number)s is now %(status)s.") % {"number": supplier.number, "status": supplier.get_status_display()})
        else:
            raise Http404(_("Not found"))
    except (InvitationError, IllegalTransition) as exc:
        messages.error(request, str(exc))
    return redirect("staff-onboarding:supplier", pk=supplier.pk)


class DecideForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("supplier number (empty: assign one)"), max_length=20, required=False)
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=300, required=False)


@staff_only
def registrations(request: HttpRequest) -> HttpResponse:
    """The approval queue of self-registrations for the user's plants."""
    status = request.GET.get("status", Registration.Status.PENDING)
    qs = selectors.registrations_for(user=request.user, status=status if status in Registration.Status.values else "")
    return render(request, "staff/registrations.html", {"registrations": qs[:300], "status": status, "can_act": may(request.user, "registration.decide")})


@staff_only
@require_POST
def registration_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (creates and invites the supplier) or reject one self-registration."""
    try:
        registration = selectors.registrations_for(user=request.user).get(pk=pk)
    except Registration.DoesNotExist:
        raise Http404(_("Not found")) from None
    check(request.user, "registration.decide", registration)
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("decision") == "approve":
            supplier = registration_approve(registration=registration, by=request.user, number=form.cleaned_data.get("number", ""), base_url=_base_url(request))
            messages.success(request, _("%(company)s is supplier %(number)s now; the invitation is on its way.") % {"company": registration.company, "number": supplier.number})
        elif request.POST.get("decision") == "reject":
            registration_reject(registration=registration, by=request.user, reason=form.cleaned_data.get("reason", ""))
            messages.success(request, _("The registration of %(company)s was rejected.") % {"company": registration.company})
        else:
            raise Http404(_("Not found"))
    except InvitationError as exc:
        messages.error(request, str(exc))
    return redirect("staff-onboarding:registrations")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"))
    all_or_nothing = forms.BooleanField(label=gettext_lazy("all or nothing: import nothing if any row is bad"), required=False)


@staff_only
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a master-data file; it is checked (nothing written) and shown as a preview."""
    if request.method == "POST":
        check(request.user, "supplier.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            data = f.read()
            try:
                result = suppliers_import(data=data, filename=f.name, by=request.user, dry_run=True)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                batch = SupplierImport(filename=f.name[:255], created_by=request.user, all_or_nothing=form.cleaned_data["all_or_nothing"], summary=result.as_dict())
                f.seek(0)
                batch.file.save("import.bin", f, save=False)
                batch.save()
                return redirect("staff-onboarding:import-preview", pk=batch.pk)
    recent = selectors.imports_for(user=request.user)[:10]
    return render(request, "staff/import_upload.html", {"form": form, "recent": recent})


@staff_only
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (counts new/updated/unchanged/bad with every row's errors); POST commits it."""
    try:
        batch = selectors.imports_for(user=request.user).get(pk=pk)
    except SupplierImport.DoesNotExist:
        raise Http404(_("Not found")) from None
    if request.method == "POST" and batch.status == SupplierImport.Status.PREVIEWED:
        check(request.user, "supplier.import")
        if import_commit_start(batch=batch):
            if batch.summary.get("rows", 0) > INLINE_ROWS:
                from suppliers.tasks import commit_import

                commit_import.delay_on_commit(batch.pk, request.user.pk)
                messages.info(request, _("The import runs in the background; this page shows its progress."))
            else:
                batch = import_commit(batch_id=batch.pk, by=request.user)
                result = batch.summary
                if result.get("committed"):
                    messages.success(request, _("Imported: %(created)d new, %(updated)d updated.") % {"created": result.get("created", 0), "updated": result.get("updated", 0)})
                elif result.get("file_error"):
                    messages.error(request, result["file_error"])
                else:
                    messages.error(request, _("Nothing was imported: some rows are bad and you chose all or nothing."))
        return redirect("staff-onboarding:import-preview", pk=batch.pk)
    summary = batch.summary
    return render(
        request, "staff/import_preview.html",
        {"batch": batch, "summary": summary, "errors": summary.get("errors", [])[:1000], "more_errors": max(0, len(summary.get("errors", [])) - 1000),
         "can_act": may(request.user, "supplier.import"), "running": batch.status == SupplierImport.Status.IMPORTING},
    )  # fmt: skip





@staff_only
def identifier_claims(request: HttpRequest) -> HttpResponse:
    """Identifiers suppliers claimed in the portal, waiting for a decision (a buyer: its plants' suppliers)."""
    claims = selectors.identifier_claims_for(user=request.user)
    return render(request, "staff/identifier_claims.html", {"claims": claims[:300], "can_act": can_write(request.user)})


@staff_only
@require_POST
def identifier_claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify or reject one claim; until verified, an identifier routes nothing and binds no envelope."""
    try:
        identifier = selectors.identifier_claims_for(user=request.user, status="").get(pk=pk)
    except (PartnerIdentifier.DoesNotExist, ValueError):
        raise Http404(_("Not found")) from None
    decision = request.POST.get("decision")
    if decision not in ("verify", "reject"):
        raise Http404(_("Not found"))
    try:
        identifier_decide(identifier=identifier, by=request.user, verify=decision == "verify")
    except IdentifierError as exc:
        messages.error(request, str(exc))
    else:
        text = _("%(value)s is verified for %(number)s.") if decision == "verify" else _("%(value)s is rejected for %(number)s.")
        messages.success(request, text % {"value": identifier.value, "number": identifier.profile.supplier.number})
    return redirect("staff-onboarding:identifiers")
