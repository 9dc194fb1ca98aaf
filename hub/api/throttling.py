"""Rate limits per API token (or per session user, or per address when anonymous), counted in Redis.

DRF's throttling keeps its counters in the ``throttle`` cache, which is Redis whenever the
hub runs on Redis (``hub/settings.py``), so every web process shares one count. A caller
over its rate gets 429 with ``Retry-After`` (seconds) as a problem. The rates are read from
the settings on each request (``HUB_API_RATE``, ``HUB_API_ANON_RATE``), so a deployment (or a
test) can change them without a restart of the class.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from suppliers.lockout import client_ip


class TokenRateThrottle(SimpleRateThrottle):
    """One bucket per token: two tokens of one user are limited apart; a session user has its own bucket."""

    scope = "token"

    def __init__(self) -> None:
        self.cache = caches["throttle"]
        super().__init__()

    def get_rate(self) -> str | None:
        return settings.HUB_API_RATE or None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = request.auth
        if getattr(token, "pk", None) is not None:
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None
        return f"throttle_{self.scope}_{ident}"


class AnonymousRateThrottle(TokenRateThrottle):
    """Callers without credentials, by client address (they only ever get 401, but cheaply)."""

    scope = "anon"

    def get_rate(self) -> str | None:
        return settings.HUB_API_ANON_RATE or None

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle_{self.scope}_{client_ip(request)}"
