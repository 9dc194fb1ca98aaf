"""The supplier portal: call-offs, uploads and their results (scoped to the signed-in user)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.ingest.receive import EmptyUpload, TooLarge, interchange_receive
from hub.models import Acknowledgement, Interchange
from hub.parties import party_of_user
from hub.permissions import check, may
from hub.scope import role_of, scoped
from orders.selectors import documents_of_interchange
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
    return redirect("portal:call-offs")


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
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("File received; it is being processed."))
            return redirect("portal:interchange", pk=interchange.pk)
    return render(request, "portal/upload.html", {"form": form})


@login_required
def interchanges(request: HttpRequest) -> HttpResponse:
    """The files this user's organisation sent, with their status."""
    qs = scoped(Interchange.objects.all(), request.user).order_by("-received_at")[:200]
    return render(request, "portal/interchanges.html", {"interchanges": qs})


@login_required
def interchange_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One received file: status, documents, positioned errors, raw download."""
    interchange = _get(Interchange.objects.all(), request.user, pk)
    documents = scoped(interchange.call_offs.select_related("plant"), request.user)
    others = [d for d in documents_of_interchange(interchange=interchange, user=request.user) if d["type"] != "delivery_schedule"]
    ack = Acknowledgement.objects.filter(interchange=interchange).first()
    context = {"interchange": interchange, "documents": documents, "other_documents": others, "ack": ack, "may_download": may(request.user, "interchange.file", interchange)}
    return render(request, "portal/interchange_detail.html", context)


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


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Documents the hub placed in the supplier's portal inbox, newest first, in its own format."""
    from hub.models import Delivery

    qs = scoped(Delivery.objects.filter(recipient=Delivery.Recipient.SUPPLIER, connector="portal", status=Delivery.Status.DELIVERED), request.user)
    return render(request, "portal/inbox.html", {"deliveries": qs.select_related("supplier").order_by("-delivered_at")[:200]})


@login_required
def inbox_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Download one inbox document as the supplier's preferred format rendered it."""
    from hub.models import Delivery

    delivery = _get(Delivery.objects.filter(recipient=Delivery.Recipient.SUPPLIER, connector="portal", status=Delivery.Status.DELIVERED), request.user, pk)
    response = HttpResponse(bytes(delivery.rendered or b""), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{delivery.rendered_name or delivery.pk}"'
    return response
