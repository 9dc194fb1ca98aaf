"""The supplier portal: call-offs, uploads and their results (scoped to the signed-in user)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hub.ingest.receive import EmptyUpload, TooLarge, interchange_receive
from hub.models import Acknowledgement, Delivery, Interchange
from hub.parties import party_of_user
from hub.permissions import check, may
from hub.scope import role_of, scoped
from orders.selectors import documents_of_interchange
from suppliers import portal_selectors
from suppliers.error_text import error_text, positioned_error
from suppliers.inbox import inbox_mark
from suppliers.models import Supplier


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("EDI, XML or CSV file"))


def _get(qs: Any, user: Any, pk: Any) -> Any:
    try:
        return scoped(qs, user).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404(_("Not found")) from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The portal's start page: the call-offs, or the onboarding step a new supplier is at."""
    supplier = request.user.supplier if role_of(request.user) == "supplier" else None
    if supplier is not None and supplier.status == Supplier.Status.REGISTERED:
        return redirect("portal:profile")
    if supplier is not None and supplier.status in (Supplier.Status.PROFILE_COMPLETE, Supplier.Status.TESTING):
        return redirect("portal:profile-done")
    return render(request, "portal/dashboard.html", portal_selectors.dashboard(user=request.user))


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a file; the result page shows at once whether it was accepted and why not."""
    check(request.user, "interchange.upload")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            interchange = interchange_receive(stream=f, channel=Interchange.Channel.PORTAL, party=party_of_user(request.user), filename=f.name, content_type=f.content_type or "")
        except (TooLarge, EmptyUpload) as exc:
            form.add_error("file", error_text(str(exc)))
        else:
            messages.success(request, _("File received; it is being processed."))
            return redirect("portal:interchange", pk=interchange.pk)
    return render(request, "portal/upload.html", {"form": form})


@login_required
def interchanges(request: HttpRequest) -> HttpResponse:
    """The files this user's organisation sent, with their status."""
    # NULLS LAST keeps PostgreSQL off walking the received_at index newest first through every
    # supplier's files (100,000 rows to find a supplier's 200): it picks the supplier's own and sorts those.
    rows = list(scoped(Interchange.objects.all(), request.user).order_by(F("received_at").desc(nulls_last=True))[:200])
    live = any(i.status in (Interchange.Status.RECEIVED, Interchange.Status.PROCESSING) for i in rows)
    return render(request, "portal/interchanges.html", {"interchanges": rows, "live": live})


@login_required
def interchange_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One received file: status, documents, positioned errors, raw download, and what the plant made of it.

    While the file is being processed the page polls itself (htmx) for the part below the
    title, which answers alone to an htmx request, so the outcome arrives without a reload.
    """
    interchange = _get(Interchange.objects.all(), request.user, pk)
    documents = scoped(interchange.call_offs.select_related("plant"), request.user)
    others = [d for d in documents_of_interchange(interchange=interchange, user=request.user) if d["type"] != "delivery_schedule"]
    ack = Acknowledgement.objects.filter(interchange=interchange).first()
    outcomes = portal_selectors.plant_outcomes(interchange=interchange, user=request.user)
    context = {
        "interchange": interchange, "documents": documents, "other_documents": others, "ack": ack,
        "may_download": may(request.user, "interchange.file", interchange), "outcomes": outcomes,
        "live": interchange.status in (Interchange.Status.RECEIVED, Interchange.Status.PROCESSING) or any(d.status in LIVE_DELIVERY for d in outcomes),
        "errors": [positioned_error(e) for e in interchange.errors or []],
    }  # fmt: skip
    template = "portal/_interchange_state.html" if getattr(request, "htmx", False) else "portal/interchange_detail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers a page or a fragment
    return response


# Delivery states still moving: the page keeps polling until none is left.
LIVE_DELIVERY = ("staged", "pending", "sending", "held")


@login_required
def interchange_raw(request: HttpRequest, pk: Any) -> FileResponse:
    """Download the raw bytes exactly as received (only where the whole file is the user's to see)."""
    interchange = _get(Interchange.objects.all(), request.user, pk)
    check(request.user, "interchange.file", interchange)
    return FileResponse(interchange.raw.open("rb"), as_attachment=True, filename=interchange.filename or f"{interchange.pk}.edi")


@login_required
def interchange_ack(request: HttpRequest, pk: Any) -> FileResponse:
    """Download the hub's acknowledgement of a file (CONTRL, 997) as it was built for the sender."""
    interchange = _get(Interchange.objects.all(), request.user, pk)
    check(request.user, "interchange.file", interchange)
    ack = Acknowledgement.objects.filter(interchange=interchange).first()
    if ack is None:
        raise Http404(_("This file has no acknowledgement."))
    name = f"{ack.kind}-{interchange.control_ref or interchange.pk}.{ack.extension}"
    return FileResponse(ack.file.open("rb"), as_attachment=True, filename=name)


class InboxFilter(forms.Form):
    type = forms.CharField(required=False)
    state = forms.ChoiceField(required=False, choices=[("", ""), ("unread", "unread"), ("read", "read")])
    q = forms.CharField(required=False, max_length=80)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Documents the hub placed in the supplier's portal inbox, newest first, with this user's read marks."""
    form = InboxFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = portal_selectors.inbox(
        user=request.user, document_type=filters.get("type", ""), state=filters.get("state", ""), search=filters.get("q", ""),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"), page=request.GET.get("page") or 1,
    )  # fmt: skip
    return render(request, "portal/inbox.html", {**found, "form": form, "filters": filters, "may_mark": may(request.user, "inbox.mark")})


def _inbox_item(request: HttpRequest, pk: Any) -> Any:
    try:
        return portal_selectors.inbox_item(user=request.user, pk=pk)
    except (Delivery.DoesNotExist, ValueError):
        raise Http404(_("Not found")) from None


@login_required
def inbox_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Download one inbox document as the supplier's preferred format rendered it (and mark it read)."""
    delivery = _inbox_item(request, pk)
    if may(request.user, "inbox.mark", delivery):
        inbox_mark(user=request.user, delivery=delivery)
    response = HttpResponse(bytes(delivery.rendered or b""), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{delivery.rendered_name or delivery.pk}"'
    return response


@login_required
def inbox_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Download one inbox document as the hub's canonical JSON (and mark it read)."""
    delivery = _inbox_item(request, pk)
    if may(request.user, "inbox.mark", delivery):
        inbox_mark(user=request.user, delivery=delivery)
    response = HttpResponse(delivery.payload.encode(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{delivery.document_type}-{delivery.document_number or delivery.pk}.json"'
    return response


@login_required
@require_POST
def inbox_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one inbox document read or unread for this user."""
    delivery = _inbox_item(request, pk)
    check(request.user, "inbox.mark", delivery)
    inbox_mark(user=request.user, delivery=delivery, read=request.POST.get("read", "1") == "1")
    nxt = request.POST.get("next", "")
    return redirect(nxt if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) and nxt.startswith("/") else "portal:inbox")
