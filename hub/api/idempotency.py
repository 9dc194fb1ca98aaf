"""``Idempotency-Key`` for every POST of the API: a retry gets the first answer and creates nothing new.

The first request with a key claims it (a row, unique per caller and key, committed before
the view runs); its answer is stored on the row and replayed, byte for byte, to every
retry with the same key and the same request (header ``Idempotent-Replayed: true``).
The same key with another request answers 422; a retry while the first is still running
409 with ``Retry-After``. Answers that say nothing about the request's effect (401, 403,
429, 5xx) are not kept, so a retry runs again. Keys are kept ``HUB_IDEMPOTENCY_HOURS``.

The body is spooled to a temporary file while it is hashed (never held whole in memory),
and the view then reads it from there; a multipart body is hashed with its boundary left
out, because every client draws a new boundary for each try.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hub.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as the IETF draft's examples
KEPT_HEADERS = ("Location", "ETag")
NOT_KEPT = {401, 403, 408, 409, 425, 429}  # answers about the caller or the moment, not about the request
CHUNK = 1 << 20


@dataclass
class Claim:
    """What the caller's key stands for: run the request (``record`` is new), replay, or refuse."""

    record: IdempotencyRecord | None = None
    replay: IdempotencyRecord | None = None
    conflict: str = ""  # "mismatch" (same key, other request) or "running"


def owner_of(request: HttpRequest) -> str:
    """Who sends: the bearer token's digest, else the session user; '' when nobody is signed in."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ""


def spool_body(request: HttpRequest) -> tuple[str, IO[bytes]]:
    """Read the body into a temporary file the view reads next; return the request's hash and the file (close it after).

    The hash covers method, path, query string, media type and body (a multipart body
    without its boundary).
    """
    content_type = request.META.get("CONTENT_TYPE", "")
    media_type, _sep, params = content_type.partition(";")
    boundary = _boundary(params) if media_type.strip().lower().startswith("multipart/") else b""
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.META.get("QUERY_STRING", ""), media_type.strip().lower()):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - lives as long as the request
    carry = b""
    keep = max(len(boundary) - 1, 0)
    while chunk := request.read(CHUNK):
        spool.write(chunk)
        data = carry + chunk
        if boundary:
            data = data.replace(boundary, b"\0boundary\0")
        carry = data[len(data) - keep :] if keep else b""
        digest.update(data[: len(data) - keep] if keep else data)
    digest.update(carry)
    spool.seek(0)
    # The view (DRF's parsers, the raw-body upload) reads the body again, from the spool.
    request._stream = spool  # type: ignore[attr-defined]
    request._read_started = False  # type: ignore[attr-defined]
    return digest.hexdigest(), spool


def _boundary(params: str) -> bytes:
    for param in params.split(";"):
        name, _eq, value = param.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1", "replace")
    return b""


def key_claim(*, owner: str, key: str, request_hash: str) -> Claim:
    """Claim ``key`` for this request, or say why not (the first answer to replay, or a conflict)."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.HUB_IDEMPOTENCY_HOURS)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=request_hash)
            # Keys past their time are forgotten as their owner sends new ones.
            IdempotencyRecord.objects.filter(owner=owner, created_at__lt=cutoff).delete()
            return Claim(record=record)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
            if existing is None:
                continue  # released between our insert and our read: try again
            if existing.created_at < cutoff:
                IdempotencyRecord.objects.filter(pk=existing.pk).delete()
                continue
            if existing.request_hash != request_hash:
                return Claim(conflict="mismatch")
            if existing.status_code is None:
                return Claim(conflict="running")
            return Claim(replay=existing)
    return Claim(conflict="running")


def answer_keep(*, record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store the first answer on the claimed key, or release the key when the answer is not to be replayed."""
    status = response.status_code
    if response.streaming or status >= 500 or status in NOT_KEPT:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    record.status_code = status
    record.content_type = response.get("Content-Type", "")
    record.headers = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
    record.body = bytes(response.content)
    record.save(update_fields=["status_code", "content_type", "headers", "body"])


def replay_response(record: IdempotencyRecord) -> HttpResponse:
    """The stored first answer, as it was, marked as a replay."""
    response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type or None)
    for name, value in (record.headers or {}).items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def release(record: IdempotencyRecord) -> None:
    """Give the key back (the request failed before it answered)."""
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def is_valid_key(key: Any) -> bool:
    """True for 1 to 255 visible ASCII characters."""
    return isinstance(key, str) and bool(KEY_PATTERN.match(key))
