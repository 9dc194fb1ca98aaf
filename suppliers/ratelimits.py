"""Rate limits of the anonymous account pages: self-registration and password reset.

Each action is limited per client IP address and per target e-mail address, so neither
one address flooding the registration queue nor many addresses aiming at one mailbox
get through. Counters are django-ratelimit's fixed windows in the default cache
(``CACHE_URL``; shared Redis when several web processes run). Every POST counts, valid
or not, so a flood of garbage is limited too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

# action -> ((key, rate), ...); key "ip" is the client address, "email" the POSTed address.
# A supplier registers once and resets a password rarely: these leave room for typos
# and colleagues behind one company proxy, and stop scripted floods.
LIMITS: dict[str, tuple[tuple[str, str], ...]] = {
    "register": (("ip", "5/h"), ("email", "3/d")),
    "password_reset": (("ip", "10/h"), ("email", "3/h")),
}


@dataclass(frozen=True)
class Limited:
    """A refused request: which limit it hit and how long until the window ends."""

    action: str
    key: str
    retry_after: int


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


def check(request: HttpRequest, *, action: str) -> Limited | None:
    """Count this request against every limit of ``action``; the first limit it exceeds, or None."""
    hit: Limited | None = None
    for key, rate in LIMITS[action]:
        if key == "email" and not _email_key("", request):
            continue
        usage = get_usage(request, group=f"hub.{action}.{key}", key="ip" if key == "ip" else _email_key, rate=rate, method="POST", increment=True)
        if usage and usage["should_limit"] and hit is None:
            hit = Limited(action=action, key=key, retry_after=max(1, int(usage["time_left"])))
    return hit


def limited_response(request: HttpRequest, limited: Limited) -> HttpResponse:
    """The 429 page: what was refused and when to try again."""
    context = {"limited": limited, "minutes": max(1, math.ceil(limited.retry_after / 60))}
    response = render(request, "ratelimited.html", context, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response
