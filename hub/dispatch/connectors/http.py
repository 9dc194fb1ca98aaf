"""The HTTP connector: POST the document with an Idempotency-Key and an HMAC signature.

Connections go through ``PinnedAdapter``: the host is resolved and checked once per
request (``outbound.resolve_target``) and the socket is opened to exactly that address,
while the Host header, TLS SNI and the certificate check keep using the name. One
session per worker process keeps connections alive between deliveries (pools are keyed
by the pinned address, so a name that starts answering another address gets a new,
checked connection).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter

from hub.dispatch import signing
from hub.dispatch.connectors import Result
from hub.dispatch.connectors.outbound import OutboundRefused, Target, resolve_target

USER_AGENT = "supplier-hub/1.0"
MAX_ANSWER_BYTES = 64 * 1024  # we keep an excerpt of the answer, never a plant's whole reply


class PinnedAdapter(HTTPAdapter):
    """An adapter that connects to the address the SSRF check approved, never to a second lookup."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        target = resolve_target(request.url or "")
        request._hub_target = target  # type: ignore[attr-defined] - read back in build_connection_pool_key_attributes
        # urllib3 would otherwise send the pinned address as Host.
        request.headers["Host"] = target.host_header
        return super().send(request, **kwargs)

    def build_connection_pool_key_attributes(self, request: requests.PreparedRequest, verify: Any, cert: Any = None) -> tuple[dict, dict]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        target: Target = request._hub_target  # type: ignore[attr-defined]
        host_params["host"] = target.address
        if target.scheme == "https":
            # SNI and the certificate's name check use the name, the socket the checked address.
            pool_kwargs["server_hostname"] = target.host
            pool_kwargs["assert_hostname"] = target.host
        return host_params, pool_kwargs


def new_session() -> requests.Session:
    """A session whose every connection is checked and pinned; proxies from the environment are ignored."""
    session = requests.Session()
    session.trust_env = False  # an HTTP(S)_PROXY would connect for us, past the pinning
    adapter = PinnedAdapter(pool_connections=32, pool_maxsize=4, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# One session per thread of a worker process (the fan-out sends from a few threads at
# once; a requests.Session is not meant to be shared between threads).
_local = threading.local()


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = new_session()
    return session


def attempt_seconds() -> float:
    """How long one attempt may take at most: the claim's lease must outlast it."""
    return float(settings.HUB_DISPATCH_TIMEOUT_SECONDS)


def send(*, url: str, body: bytes, content_type: str, idempotency_key: str, secret: str = "", headers: dict | None = None) -> Result:
    """POST ``body`` to ``url``; never raises for network trouble or refused URLs, returns what happened."""
    timestamp = str(int(time.time()))
    sent_headers = {
        "Content-Type": content_type,
        "Idempotency-Key": idempotency_key,
        "User-Agent": USER_AGENT,
        "X-Hub-Timestamp": timestamp,
        **(headers or {}),
    }
    if secret:
        sent_headers["X-Hub-Signature"] = signing.signature(secret, timestamp, idempotency_key, body)
    budget = attempt_seconds()
    deadline = time.monotonic() + budget
    timeout = urllib3.Timeout(total=budget, connect=min(10.0, budget))
    verify: Any = settings.HUB_OUTBOUND_CA_BUNDLE or True
    try:
        # Redirects are not followed: a redirect could lead past the SSRF check.
        response = _session().post(url, data=body, headers=sent_headers, timeout=timeout, allow_redirects=False, stream=True, verify=verify)
    except OutboundRefused as exc:
        return Result(status_code=None, excerpt=str(exc), url=url, permanent=True)
    except requests.Timeout:
        return Result(status_code=None, excerpt=f"no answer within {budget:g} s", url=url)
    except requests.RequestException as exc:
        return Result(status_code=None, excerpt=f"connection failed: {type(exc).__name__}: {exc}"[:500], url=url)
    try:
        answer = _read_answer(response, deadline)
    except requests.RequestException as exc:
        return Result(status_code=None, excerpt=f"answer broken off: {type(exc).__name__}: {exc}"[:500], url=url)
    retry_after = None
    if "Retry-After" in response.headers:
        try:
            retry_after = float(response.headers["Retry-After"])
        except ValueError:
            retry_after = None
    return Result(
        status_code=response.status_code, excerpt=answer.decode(response.encoding or "utf-8", "replace")[:500], retry_after=retry_after, url=url,
        answer=answer, answer_headers=dict(response.headers),
    )  # fmt: skip


def _read_answer(response: requests.Response, deadline: float) -> bytes:
    """Read at most MAX_ANSWER_BYTES of the answer before ``deadline``; a longer or slower one is cut off."""
    chunks: list[bytes] = []
    size = 0
    complete = True
    for chunk in response.iter_content(8192):
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_ANSWER_BYTES or time.monotonic() > deadline:
            complete = False
            break
    if not complete:
        response.close()  # the rest is unread: this connection cannot be reused
    return b"".join(chunks)
