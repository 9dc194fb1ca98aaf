"""The portal's channel page: how a supplier's systems reach the hub over SFTP and AS2, and its SFTP keys.

Supplier users only (everyone else: 404). Reads go through ``hub.scope``, the key
change through ``hub.permissions`` (``channelprofile.sftp_keys``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hub.channels.as2.peers import hub_identity
from hub.channels.models import ChannelProfile
from hub.channels.services import sftp_keys_set
from hub.permissions import check
from hub.scope import role_of, scoped


class SftpKeysForm(forms.Form):
    keys = forms.CharField(
        label=_("SFTP public keys"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("OpenSSH public keys (one a line), e.g. the content of id_ed25519.pub; empty: password login only"),
    )  # fmt: skip


def _supplier_of(request: HttpRequest) -> object:
    if role_of(request.user) != "supplier" or request.user.supplier_id is None:
        raise Http404(gettext("Not found"))
    return request.user.supplier


@login_required
def channels_page(request: HttpRequest) -> HttpResponse:
    """The supplier's SFTP login and folders, the hub's AS2 endpoint and id, and the SFTP key form."""
    supplier = _supplier_of(request)
    channels = scoped(ChannelProfile.objects.all(), request.user).filter(profile__supplier=supplier).first()
    form = SftpKeysForm(request.POST or None, initial={"keys": channels.sftp_keys if channels else ""})
    if request.method == "POST":
        check(request.user, "channelprofile.sftp_keys", channels)
        if form.is_valid():
            try:
                sftp_keys_set(supplier=supplier, keys=form.cleaned_data["keys"])
            except ValueError as exc:
                form.add_error("keys", str(exc))
            else:
                messages.success(request, gettext("Your SFTP keys were saved."))
                return redirect("portal-channels")
    identity = hub_identity()
    context = {
        "supplier": supplier,
        "channels": channels,
        "form": form,
        "sftp_host": settings.HUB_SFTP_PUBLIC_HOST,
        "sftp_port": settings.HUB_SFTP_PUBLIC_PORT,
        "username": request.user.get_username(),
        "as2_url": settings.HUB_PUBLIC_URL.rstrip("/") + "/as2/",
        "as2_id": identity.as2_id,
        "certificate_expires": identity.certificate_expires,
    }
    return render(request, "portal/channels.html", context)


@login_required
def hub_certificate(request: HttpRequest) -> HttpResponse:
    """The hub's AS2 certificate (PEM) for the supplier's AS2 system."""
    _supplier_of(request)
    response = HttpResponse(hub_identity().certificate, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="supplierhub-as2.pem"'
    return response
