"""API errors as JSON with a clear ``detail``; unexpected errors never leak a traceback."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

log = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn every exception into a JSON answer: DRF's own, 404 for missing/out-of-scope, 400, 500."""
    if isinstance(exc, ObjectDoesNotExist):
        exc = Http404()
    if isinstance(exc, ValidationError):
        return Response({"detail": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_handler(exc, context)
    if response is not None:
        if response.status_code == 404:
            response.data = {"detail": "Not found."}
        return response
    log.exception("unhandled API error")
    return Response({"detail": "internal error; the request was logged"}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
