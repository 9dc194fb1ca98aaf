"""What an API token's scope allows, checked on every API request (the role is checked by each view).

Safe methods need ``read``; any other method ``write``, unless the view says it stores
nothing (``token_scope_needed = "read"``: ``translate``) or manages tokens (``"admin"``).
Session logins (the browsable docs) carry no token and are decided by their role alone.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions

from hub.api.errors import TOKEN_SCOPE
from hub.permissions import token_refusal


class TokenScopeDenied(exceptions.PermissionDenied):
    """403 for a token whose scope is too narrow; its problem type says so."""

    problem_type = TOKEN_SCOPE
    default_code = "token_scope"


class TokenScope(permissions.BasePermission):
    """Refuse (403, problem details) a request the token's scope does not cover."""

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = getattr(request.auth, "scope", None)
        if scope is None:
            return True
        needs = getattr(view, "token_scope_needed", None) or ("read" if request.method in permissions.SAFE_METHODS else "write")
        why = token_refusal(scope, needs)
        if why:
            raise TokenScopeDenied(why)
        return True
