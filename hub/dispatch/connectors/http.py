"""The HTTP connector: POST the document with an Idempotency-Key and an HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
import time

import requests
from django.conf import settings

from hub.dispatch.connectors import Result
from hub.dispatch.connectors.outbound import OutboundRefused, check_url

USER_AGENT = "supplier-hub/1.0"
# One session per worker process: connections to a plant are kept alive between
# deliveries (prefork workers run one task at a time, so no locking is needed).
_session = requests.Session()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body`` with the endpoint's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send(*, url: str, body: bytes, content_type: str, idempotency_key: str, secret: str = "", headers: dict | None = None) -> Result:
    """POST ``body`` to ``url``; never raises for network trouble, returns what happened."""
    try:
        check_url(url)
    except OutboundRefused as exc:
        return Result(status_code=None, excerpt=str(exc), url=url, permanent=True)
    timestamp = str(int(time.time()))
    sent_headers = {
        "Content-Type": content_type,
        "Idempotency-Key": idempotency_key,
        "User-Agent": USER_AGENT,
        "X-Hub-Timestamp": timestamp,
        **(headers or {}),
    }
    if secret:
        sent_headers["X-Hub-Signature"] = signature(secret, timestamp, body)
    timeout = settings.HUB_DISPATCH_TIMEOUT_SECONDS
    try:
        # Redirects are not followed: a redirect could lead past the SSRF check.
        response = _session.post(url, data=body, headers=sent_headers, timeout=(min(10.0, timeout), timeout), allow_redirects=False)
    except requests.Timeout:
        return Result(status_code=None, excerpt=f"no answer within {timeout:g} s", url=url)
    except requests.RequestException as exc:
        return Result(status_code=None, excerpt=f"connection failed: {type(exc).__name__}: {exc}"[:500], url=url)
    retry_after = None
    if "Retry-After" in response.headers:
        try:
            retry_after = float(response.headers["Retry-After"])
        except ValueError:
            retry_after = None
    return Result(status_code=response.status_code, excerpt=response.text[:500], retry_after=retry_after, url=url)
