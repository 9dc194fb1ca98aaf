"""The OpenAPI schema's shared parts: problem answers, the Idempotency-Key header, examples per operation.

Every operation documents the errors the API can answer (as ``application/problem+json``,
``hub.api.errors``), every POST the ``Idempotency-Key`` header, every GET the ``ETag`` it
returns and the ``If-None-Match`` it honours; examples come from ``hub.api.examples``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from hub.api.errors import PROBLEM_CONTENT_TYPE

ERRORS_OF_EVERY_OPERATION = {
    "401": "no token, or a token that is unknown, expired or revoked",
    "403": "the caller may see this but not do it (a read-only token or account)",
    "404": "not found, or outside the caller's scope",
    "429": "over the token's rate limit; see Retry-After",
}
ERRORS_OF_POST = {
    "400": "the request is not valid",
    "409": "a request with this Idempotency-Key is still running, or the object's state forbids it",
    "422": "the Idempotency-Key was used for another request, or the file has format errors",
}
ERRORS_OF_LIST = {"400": "a filter value is not valid"}


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with the hub's extension members."""

    type = serializers.CharField(help_text="a URI naming the kind of problem; about:blank for plain HTTP errors")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="what went wrong, in a sentence")
    code = serializers.CharField(required=False, help_text="a short machine-readable code (e.g. not_found, throttled, invalid)")
    errors = serializers.JSONField(required=False, help_text="field -> messages, or the file's positioned EDI errors")
    segment = serializers.IntegerField(required=False, help_text="format errors: the first error's segment or record number")
    tag = serializers.CharField(required=False)
    element = serializers.IntegerField(required=False)
    component = serializers.IntegerField(required=False)
    line = serializers.IntegerField(required=False)
    message = serializers.CharField(required=False, help_text="format errors: the message reference (UNH/ST) of the first error")
    retry_after = serializers.IntegerField(required=False, help_text="429: seconds to wait")


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Send the same key again to retry safely: the first answer is replayed (header Idempotent-Replayed: true) "
    "and nothing new is created. 1-255 visible ASCII characters, kept 24 hours per token.",
)


class HubAutoSchema(AutoSchema):
    """drf-spectacular's schema with the hub's errors, headers and examples on every operation."""

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        if self.method == "POST":
            params.append(IDEMPOTENCY_KEY)
        return params

    def get_examples(self) -> list[Any]:
        from hub.api.examples import examples_for

        return examples_for(self.method, self.path) or super().get_examples()

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS_OF_EVERY_OPERATION)
        if self.method == "POST":
            errors.update(ERRORS_OF_POST)
        if self._is_list_view():
            errors.update(ERRORS_OF_LIST)
        for code, meaning in errors.items():
            responses.setdefault(code, {"description": meaning})
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400:
                problem = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_CONTENT_TYPE], direction)
                response["content"] = problem["content"]
                response.setdefault("description", problem.get("description", ""))
            elif code == "200" and self.method == "GET":
                response.setdefault("headers", {})["ETag"] = {"schema": {"type": "string"}, "description": "send as If-None-Match to get 304 when unchanged"}
        return responses
