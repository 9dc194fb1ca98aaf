"""RFC 9457 problem details for every error the API answers; never a traceback.

Every error is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail`` (a sentence), plus extension members where they help a program:
``code`` (DRF's error code), ``errors`` (field -> messages for a request that is not
valid; or the positioned EDI errors of a file), ``segment``/``element``/``component``/
``message`` (the first EDI error's position, for format errors), ``retry_after`` (429).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Problem types the hub defines (docs/api.md#errors); every other error is "about:blank",
# which RFC 9457 says means "nothing beyond the HTTP status".
TYPE_BASE = "urn:supplier-hub:problem:"
VALIDATION = TYPE_BASE + "validation"
FORMAT = TYPE_BASE + "format"
RATE_LIMITED = TYPE_BASE + "rate-limited"
TOKEN_SCOPE = TYPE_BASE + "token-scope"
IDEMPOTENCY = TYPE_BASE + "idempotency-key"


def problem_body(http_status: int, detail: str, *, type_: str = "about:blank", title: str = "", **extensions: Any) -> dict[str, Any]:
    """The problem object: ``type``, ``title``, ``status``, ``detail`` and the extension members given."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(http_status).phrase,
        "status": http_status,
        "detail": detail,
    }
    body.update({k: v for k, v in extensions.items() if v is not None})
    return body


def problem(http_status: int, detail: str, *, type_: str = "about:blank", title: str = "", headers: dict[str, str] | None = None, **extensions: Any) -> Response:
    """A DRF response carrying a problem object (for API views)."""
    body = problem_body(http_status, detail, type_=type_, title=title, **extensions)
    return Response(body, status=http_status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def plain_problem(http_status: int, detail: str, **extensions: Any) -> HttpResponse:
    """A problem as a plain Django response (for middleware, outside DRF's views)."""
    body = problem_body(http_status, detail, **extensions)
    return JsonResponse(body, status=http_status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})


def format_problem(errors: list[dict[str, Any]], *, detail: str, http_status: int = status.HTTP_422_UNPROCESSABLE_ENTITY) -> Response:
    """A file that does not parse: every positioned error in ``errors``, the first one's position at the top level."""
    first = errors[0] if errors else {}
    return problem(
        http_status,
        detail,
        type_=FORMAT,
        title="The file has format errors",
        errors=errors,
        segment=first.get("segment"),
        tag=first.get("tag") or None,
        element=first.get("element"),
        component=first.get("component"),
        line=first.get("line"),
        message=first.get("message_ref") or None,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn every exception into a problem: DRF's own, 404 for missing/out-of-scope, 400, 500."""
    # imported here: rest_framework.views loads the permission classes, which import this module
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, ObjectDoesNotExist | Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    response = drf_handler(exc, context)
    if response is None:
        log.exception("unhandled API error", exc_info=exc)
        return problem(status.HTTP_500_INTERNAL_SERVER_ERROR, "internal error; the request was logged")
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    return problem(response.status_code, headers=headers, **_describe(exc, response.data))


def _describe(exc: Exception, data: Any) -> dict[str, Any]:
    """``detail``, ``type`` and extension members for a DRF exception."""
    code = _code(exc)
    if isinstance(exc, exceptions.NotFound):
        return {"detail": str(exc.detail), "code": "not_found"}
    if isinstance(exc, exceptions.Throttled):
        return {"detail": str(exc.detail), "type_": RATE_LIMITED, "code": "throttled", "retry_after": exc.wait and int(exc.wait + 0.999)}
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        return {"detail": _first_message(errors) or "The request is not valid.", "type_": VALIDATION, "title": "The request is not valid", "code": "invalid", "errors": errors}
    if isinstance(data, dict) and set(data) == {"detail"}:
        return {"detail": str(data["detail"]), "code": code, "type_": getattr(exc, "problem_type", "about:blank")}
    return {"detail": str(getattr(exc, "detail", exc)), "code": code}


def _code(exc: Exception) -> str | None:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    return codes if isinstance(codes, str) else None


def _first_message(errors: Any, prefix: str = "") -> str:
    """The first message of a (nested) DRF error structure, with the field it belongs to."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            where = field if field == "non_field_errors" else f"{prefix}{field}"
            found = _first_message(value, "" if field == "non_field_errors" else f"{where}: ")
            if found:
                return found
        return ""
    if isinstance(errors, list):
        for value in errors:
            found = _first_message(value, prefix)
            if found:
                return found
        return ""
    return f"{prefix}{errors}" if errors else ""
