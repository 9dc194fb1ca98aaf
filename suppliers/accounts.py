"""Account pages beside Django's own: the rate-limited password reset."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from suppliers import ratelimits


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per client address and per e-mail address."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = ratelimits.check(request, action="password_reset")
        if limited:
            return ratelimits.limited_response(request, limited)
        return super().post(request, *args, **kwargs)
