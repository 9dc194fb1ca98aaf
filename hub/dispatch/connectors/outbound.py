"""Outbound URL checks against SSRF: at configuration time and again after DNS resolution.

Connectors may reach only public addresses, unless a host or CIDR range is listed in
``HUB_OUTBOUND_ALLOWLIST`` (tests and demo data list 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class OutboundRefused(Exception):
    """The URL may not be reached from the hub."""


def _allowed(host: str, address: str) -> bool:
    for entry in settings.HUB_OUTBOUND_ALLOWLIST:
        entry = entry.strip()
        if not entry:
            continue
        if entry in (host, address):
            return True
        try:
            if ipaddress.ip_address(address) in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def check_url(url: str, *, resolve: bool = True) -> list[str]:
    """Check ``url`` may be reached; returns the resolved addresses or raises OutboundRefused."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(f"only http and https URLs can be reached, not '{parts.scheme}'")
    host = parts.hostname or ""
    if not host:
        raise OutboundRefused("the URL has no host")
    if not resolve:
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            return []
    else:
        try:
            addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)})
        except socket.gaierror as exc:
            raise OutboundRefused(f"the host '{host}' cannot be resolved ({exc.strerror})") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        private = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
        if private and not _allowed(host, address):
            raise OutboundRefused(
                f"'{host}' resolves to {address}, a private, loopback or link-local address; "
                "add it to HUB_OUTBOUND_ALLOWLIST if the hub may reach it"
            )
    return addresses
