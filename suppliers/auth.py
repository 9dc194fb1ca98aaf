"""API authentication: ``Authorization: Bearer TOKEN``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from suppliers.models import ApiToken
from suppliers.services import token_authenticate


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Authenticate API calls by a bearer token issued with ``manage.py issue_token``."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        found = token_authenticate(token=token.strip())
        if found is None:
            raise exceptions.AuthenticationFailed(_("The token is unknown, expired or revoked."))
        return found.user, found

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Describe bearer tokens in the OpenAPI schema (drf-spectacular)."""

    target_class = "suppliers.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "a token from `manage.py issue_token USERNAME`"}
