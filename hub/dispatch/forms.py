"""Admin forms of the dispatch engine: endpoints are checked against SSRF when configured."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from hub.dispatch.connectors.outbound import OutboundRefused, check_url
from hub.dispatch.droppath import DropPathRefused, drop_directory
from hub.models import Plant


class PlantEndpointForm(forms.ModelForm):
    """A plant's settings; the endpoint URL is refused when it points at a private address,
    the drop directory when it lies outside the plant's folder under HUB_FILEDROP_ROOT."""

    class Meta:
        model = Plant
        fields = ["code", "name", "timezone", "connector", "endpoint_url", "endpoint_secret", "drop_directory", "outbound_format", "queue", "max_in_flight", "batch_size", "paused", "retention_days"]

    def clean_endpoint_url(self) -> str:
        url = self.cleaned_data.get("endpoint_url", "")
        if url:
            try:
                check_url(url)
            except OutboundRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return url

    def clean(self) -> dict:
        data = super().clean()
        directory = data.get("drop_directory", "")
        code = data.get("code") or getattr(self.instance, "code", "")
        if directory and code:
            try:
                drop_directory(owner=code, directory=directory)
            except DropPathRefused as exc:
                self.add_error("drop_directory", str(exc))
        return data

    def clean_queue(self) -> str:
        queue = self.cleaned_data.get("queue", "")
        if queue and queue not in settings.HUB_DISPATCH_QUEUES:
            raise forms.ValidationError(_("Unknown queue; the hub's dispatch queues are: %s") % ", ".join(settings.HUB_DISPATCH_QUEUES))
        return queue
