"""The AS2 endpoint at ``/as2/``: partners POST signed/encrypted messages; the answer is the MDN."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hub.channels.as2.inbound import as2_receive

log = logging.getLogger(__name__)


@csrf_exempt  # partners authenticate by their S/MIME signature, not a session
@require_http_methods(["POST", "GET", "HEAD"])
def as2_endpoint(request: HttpRequest) -> HttpResponse:
    """Receive an AS2 message; GET answers what this endpoint is (partners' connection checks)."""
    if request.method != "POST":
        return HttpResponse("AS2 endpoint of the supplier hub: POST AS2 messages here (RFC 4130).\n", content_type="text/plain")
    limit = settings.HUB_MAX_INTERCHANGE_BYTES
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(f"the message is larger than the limit of {limit} bytes\n", status=413, content_type="text/plain")
    headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length", "cookie", "authorization")}
    try:
        answer = as2_receive(headers=headers, body=body)
    except Exception:  # noqa: BLE001 - an AS2 partner gets a clear answer, never a traceback
        log.exception("AS2 message could not be taken in")
        return HttpResponse("the AS2 message could not be taken in; please send it again later\n", status=503, content_type="text/plain")
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
