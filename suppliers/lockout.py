"""Login lockout (django-axes): the backend that refuses locked-out logins, and the page that says so.

Thresholds are settings (``AXES_FAILURE_LIMIT`` failures per user name or per IP
address within ``AXES_COOLOFF_TIME``); docs/security.md explains the choice.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The client's address, for the lockout and the rate limits alike.

    ``REMOTE_ADDR``, unless ``HUB_CLIENT_IP_HEADER`` names a header that the hub's own
    proxy sets (e.g. ``HTTP_X_REAL_IP``); then its last address, the one that proxy saw.
    A header the client sends itself is never trusted otherwise, or an attacker could
    dodge every limit by changing it.
    """
    header = settings.HUB_CLIENT_IP_HEADER
    if header:
        candidate = request.META.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass  # no usable header: fall back to the peer address
    return request.META.get("REMOTE_ADDR", "")


class LockoutBackend(AxesStandaloneBackend):
    """Refuse logins that are locked out; let the next backend check the password otherwise.

    Callers outside an HTTP request (no ``request``: Django's test client ``login()``, a
    future non-HTTP channel) are passed on to the password check instead of failing with
    axes' "request required" error; such a channel must throttle its own logins.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def locked_until(*, username: str | None, ip_address: str | None) -> datetime:
    """When the lockout of this user name / address ends: the cool-off after the last counted failure."""
    cool_off = get_cool_off()
    now = timezone.now()
    since = now - cool_off
    ends = now
    for condition in (Q(username=username) if username else None, Q(ip_address=ip_address) if ip_address else None):
        if condition is None:
            continue
        found = AccessAttempt.objects.filter(condition, attempt_time__gte=since).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if found["last"] and (found["failures"] or 0) >= settings.AXES_FAILURE_LIMIT:
            ends = max(ends, found["last"] + cool_off)
    return ends


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None) -> HttpResponse:
    """The lockout page (429): what happened, and from when the user may try again."""
    username = get_client_username(request, credentials)
    until = locked_until(username=username, ip_address=getattr(request, "axes_ip_address", None))
    seconds = max(60, math.ceil((until - timezone.now()).total_seconds()))
    context = {"until": until, "minutes": math.ceil(seconds / 60), "failure_limit": settings.AXES_FAILURE_LIMIT}
    response = render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(seconds)
    return response
