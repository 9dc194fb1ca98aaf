"""Webhook signatures: what the hub signs, and how a receiver checks it (pure Python, no Django).

The hub signs ``timestamp + "." + idempotency_key + "." + body`` with HMAC-SHA256 and the
recipient's secret, and sends

    X-Hub-Timestamp: 1795613388                      (Unix time, seconds)
    Idempotency-Key: b9815d39-6e7c-4f39-9600-31d373f09fa2
    X-Hub-Signature: sha256=<64 hex digits>

Covering the timestamp lets a receiver refuse a captured request replayed later (outside
its window, five minutes by default); covering the idempotency key stops an attacker from
replaying a signed body under a fresh key, which the receiver would apply a second time.
Inside the window a replay carries a key the receiver has already applied, so it changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

WINDOW_SECONDS = 300
PREFIX = "sha256="


def signature(secret: str, timestamp: str, idempotency_key: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 over ``timestamp.idempotency_key.body`` with ``secret``."""
    message = timestamp.encode() + b"." + idempotency_key.encode() + b"." + body
    return PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None, window: float = WINDOW_SECONDS) -> str:
    """Check a received request's signature; returns '' when it holds, else why it does not.

    ``headers`` needs case-insensitive lookup (``http.server``'s message or a dict with the
    canonical names). Refuses an unsigned request, a timestamp outside ``window`` seconds of
    ``now`` either way, and a signature that does not match.
    """
    stamp = headers.get("X-Hub-Timestamp") or ""
    key = headers.get("Idempotency-Key") or ""
    given = headers.get("X-Hub-Signature") or ""
    if not given:
        return "unsigned request: X-Hub-Signature is missing"
    if not stamp.isdigit():
        return "X-Hub-Timestamp is missing or not a Unix time"
    age = (time.time() if now is None else now) - int(stamp)
    if abs(age) > window:
        return f"expired or replayed request: timestamp is {age:+.0f} s from now (allowed: {window:g} s)"
    if not hmac.compare_digest(signature(secret, stamp, key, body), given):
        return "bad signature"
    return ""
