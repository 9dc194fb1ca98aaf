"""Where the hub may connect to: the one SSRF check for every outbound URL, and the validator for endpoint fields.

An outbound URL is checked in three places, always by this module:

* when an endpoint is saved (``validate_endpoint_url``, the validator of ``Plant.endpoint_url``
  and ``PartnerProfile.endpoint_url``, so the admin, the portal and every ModelForm refuse it);
* when staff name a URL (replay, ``seed_demo --plant-url``), through ``check_url``;
* when a connection is opened (``resolve_target``, called by the pinned HTTP adapter in
  ``connectors/http.py``): the name is resolved once, every address is checked, and the
  connection goes to the address that was checked, so a name that answers a public address
  to the check and a loopback address to the connection (DNS rebinding) reaches nothing.

Only globally routable addresses may be reached (``ipaddress``'s ``is_global``, which excludes
private, loopback, link-local, shared 100.64.0.0/10, documentation, benchmarking, IPv6 ULA and
the like), looking through IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4, Teredo,
NAT64), unless ``HUB_OUTBOUND_ALLOWLIST`` lets the host and port through.

``HUB_OUTBOUND_ALLOWLIST`` entries (comma-separated in the environment):

* ``host:port``, ``[v6addr]:port``, ``CIDR:port`` - that host or range, that port only;
* ``host``, ``address`` or ``CIDR`` without a port - any port **except** the ports of the
  hub's own database and broker and of well-known internal services (``GUARDED_PORTS``:
  Redis, PostgreSQL, SSH, SMTP, ...). Reaching one of those needs an entry that names the
  port. We keep plain hosts because plants on loopback or an internal network run on
  ports nobody knows in advance (the demo simulator, the acceptance checks).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Services that answer on loopback and internal networks and must never receive a
# plant's POST by accident or by attack, unless an allow-list entry names the port.
GUARDED_PORTS: frozenset[int] = frozenset(
    {
        22, 23, 25, 53, 110, 111, 135, 139, 143, 389, 445, 465, 587, 636, 873, 993, 995,
        1433, 1521, 2049, 2375, 2376, 2379, 2380, 3306, 5432, 5672, 5984, 6379, 6443,
        8500, 9042, 9092, 9200, 9300, 10250, 11211, 15672, 26379, 27017,
    }
)

NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(Exception):
    """The URL may not be reached from the hub; the message says why, for staff to read."""


@dataclass(frozen=True)
class Target:
    """A checked destination: the name from the URL and the address the connection must use."""

    scheme: str
    host: str
    port: int
    address: str
    addresses: tuple[str, ...] = ()

    @property
    def host_header(self) -> str:
        """The Host header the recipient expects: the name (and the port when not the scheme's default)."""
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True only for a globally routable unicast address, also through any IPv4 it embeds."""
    if not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified or ip.is_loopback or ip.is_link_local:
        return False
    inner = _embedded_ipv4(ip)
    return inner is None or is_public(inner)


def _parse_entry(entry: str) -> tuple[str, int | None]:
    """Split an allow-list entry into (host or CIDR, port or None)."""
    entry = entry.strip()
    if entry.startswith("["):  # [v6]:port or [v6]
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:  # host:port, a.b.c.d:port, CIDR:port (a bare IPv6 has several colons)
        host, port = entry.split(":")
        if port.isdigit():
            return host, int(port)
    return entry, None


def _guarded(port: int) -> bool:
    """A port a plain allow-list entry does not open: the hub's own services and well-known ones."""
    own = set()
    for url in (getattr(settings, "CELERY_BROKER_URL", ""), getattr(settings, "DATABASE_URL", "")):
        try:
            if url and urlsplit(url).port:
                own.add(urlsplit(url).port)
        except ValueError:
            pass
    for db in getattr(settings, "DATABASES", {}).values():
        if str(db.get("PORT") or "").isdigit():
            own.add(int(db["PORT"]))
    return port in GUARDED_PORTS or port in own


def allowed(host: str, address: str, port: int) -> bool:
    """True when ``HUB_OUTBOUND_ALLOWLIST`` lets ``host`` (resolved to ``address``) through on ``port``."""
    ip = ipaddress.ip_address(address)
    for raw in settings.HUB_OUTBOUND_ALLOWLIST:
        if not raw.strip():
            continue
        entry, entry_port = _parse_entry(raw)
        if entry_port is not None and entry_port != port:
            continue
        if entry_port is None and _guarded(port):
            continue
        if entry.lower() in (host.lower(), address):
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise OutboundRefused(f"'{url}' is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(f"only http and https URLs can be reached, not '{parts.scheme}'")
    host = parts.hostname or ""
    if not host:
        raise OutboundRefused("the URL has no host")
    if parts.username or parts.password:
        raise OutboundRefused("the URL must not carry a user name or password; use the signing secret")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def _addresses(host: str, port: int) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(f"the host '{host}' cannot be resolved ({getattr(exc, 'strerror', None) or exc})") from None
    # Keep the resolver's order (it prefers what this host can reach), without duplicates.
    return list(dict.fromkeys(info[4][0].split("%")[0] for info in infos))


def resolve_target(url: str) -> Target:
    """Resolve ``url``'s host once, check every address, and return the one to connect to.

    Every address must pass (not just the first): a name that mixes a public and a private
    address is refused, so which one a later lookup would pick cannot matter.
    """
    scheme, host, port = _split(url)
    addresses = _addresses(host, port)
    for address in addresses:
        if not is_public(ipaddress.ip_address(address)) and not allowed(host, address, port):
            what = f"'{host}'" if address == host else f"'{host}' resolves to {address}, which"
            raise OutboundRefused(
                f"{what} is not a public address (private, loopback, link-local, shared or reserved; port {port}): "
                f"add {host}:{port} to HUB_OUTBOUND_ALLOWLIST if the hub may reach it"
            )
    return Target(scheme=scheme, host=host, port=port, address=addresses[0], addresses=tuple(addresses))


def check_url(url: str, *, resolve: bool = True) -> list[str]:
    """Check ``url`` may be reached; returns the checked addresses or raises OutboundRefused.

    With ``resolve=False`` a name is checked for scheme and form only (its addresses are
    checked when a connection is made); an address literal is checked in full.
    """
    scheme, host, port = _split(url)
    if not resolve:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return []
    return list(resolve_target(url).addresses)


def validate_endpoint_url(value: Any) -> None:
    """Django validator for endpoint fields: refuse a URL the hub may not reach (run on every save through forms)."""
    if not value:
        return
    try:
        check_url(str(value))
    except OutboundRefused as exc:
        raise ValidationError(str(exc), code="outbound_refused") from None
