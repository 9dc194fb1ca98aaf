"""The API's cross-cutting answers, for every view under ``/api/`` at once (also views added later).

- POST with ``Idempotency-Key``: claim the key, replay the first answer (``hub.api.idempotency``);
- GET/HEAD answered 200: an ``ETag`` (a hash of the body), and 304 for a matching ``If-None-Match``;
- any error that did not come from DRF (an unknown URL, a crash before the view): a problem
  object (``hub.api.errors``), never Django's HTML page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from hub.api import idempotency
from hub.api.errors import IDEMPOTENCY, PROBLEM_CONTENT_TYPE, plain_problem

API_PREFIX = "/api/"


class ApiMiddleware:
    """Idempotent POSTs, ETags on reads and problem details for the API's paths; other paths pass untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.headers.get(idempotency.HEADER)
        response = self._idempotent(request, key) if request.method == "POST" and key is not None else self.get_response(request)
        if request.method in ("GET", "HEAD"):
            response = self._etag(request, response)
        return _as_problem(response)

    def _idempotent(self, request: HttpRequest, key: str) -> HttpResponse:
        if not idempotency.is_valid_key(key):
            return plain_problem(400, _("The Idempotency-Key must be 1 to 255 visible ASCII characters."), type_=IDEMPOTENCY, code="idempotency_key_invalid")
        owner = idempotency.owner_of(request)
        if not owner:
            return self.get_response(request)  # no credentials: the view answers 401, nothing to remember
        request_hash, spool = idempotency.spool_body(request)
        try:
            claim = idempotency.key_claim(owner=owner, key=key, request_hash=request_hash)
            if claim.replay is not None:
                return idempotency.replay_response(claim.replay)
            if claim.conflict == "mismatch":
                return plain_problem(
                    422, _("This Idempotency-Key was already used for another request; use a new key for a new request."), type_=IDEMPOTENCY, code="idempotency_key_reused"
                )
            if claim.record is None:
                response = plain_problem(409, _("A request with this Idempotency-Key is still being processed; retry in a moment."), type_=IDEMPOTENCY, code="idempotency_key_in_use")
                response["Retry-After"] = "1"
                return response
            try:
                response = self.get_response(request)
            except BaseException:
                idempotency.release(claim.record)
                raise
            idempotency.answer_keep(record=claim.record, response=response)
            return response
        finally:
            spool.close()

    def _etag(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code != 200 or response.streaming or response.has_header("ETag"):
            return response
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        # Each caller sees its own scope: caches may keep an answer only for its caller, and must ask again.
        patch_vary_headers(response, ("Authorization", "Cookie"))
        patch_cache_control(response, private=True, no_cache=True)
        return get_conditional_response(request, etag=response["ETag"], response=response) or response


def _as_problem(response: HttpResponse) -> HttpResponse:
    """Django's own error pages (HTML) become problem objects; DRF's answers are problems already."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(("application/json", PROBLEM_CONTENT_TYPE)):
        return response
    if response.status_code >= 500:
        detail = _("internal error; the request was logged")
    elif response.status_code == 404:
        detail = _("Not found.")
    else:
        detail = response.reason_phrase
    problem = plain_problem(response.status_code, detail)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if response.has_header(header):
            problem[header] = response[header]
    return problem
