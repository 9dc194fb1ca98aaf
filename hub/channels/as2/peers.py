"""The two sides of an AS2 exchange as pyas2lib wants them: the hub's Organization, a partner's Partner.

No ingest or dispatch here: the endpoint and the connector both build on it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from pyas2lib import as2
from pyas2lib.constants import SYNCHRONOUS_MDN

from hub.channels import certificates
from hub.channels.models import As2Identity, ChannelProfile

# AES rather than pyas2lib's default 3DES: current partners expect it, and 3DES is deprecated.
ENCRYPTION = "aes_256_cbc"
DIGEST = "sha256"


def hub_identity() -> As2Identity:
    """The hub's AS2 identity, made on first use with a self-signed certificate (replace it in the admin)."""
    identity = As2Identity.objects.order_by("created_at").first()
    if identity is not None:
        return identity
    with transaction.atomic():
        identity = As2Identity.objects.select_for_update().order_by("created_at").first()
        if identity is None:
            cert, key = certificates.self_signed(settings.HUB_AS2_ID)
            identity = As2Identity.objects.create(
                as2_id=settings.HUB_AS2_ID, certificate=cert, private_key=key, certificate_expires=certificates.facts(cert).not_after
            )
    return identity


def hub_organization(identity: As2Identity | None = None, *, signing: bool = True) -> as2.Organization:
    """The hub as pyas2lib's Organization: signs MDNs and outbound messages (unless not ``signing``), decrypts inbound ones."""
    identity = identity or hub_identity()
    pair = (identity.private_key.strip() + "\n" + identity.certificate.strip() + "\n").encode()
    return as2.Organization(as2_name=identity.as2_id, sign_key=pair if signing else None, decrypt_key=pair, domain=settings.HUB_AS2_DOMAIN)


def partner_of(channels: ChannelProfile) -> as2.Partner:
    """A supplier's AS2 settings as pyas2lib's Partner (what the hub expects of it and how it sends to it)."""
    cert = channels.as2_certificate.strip().encode() or None
    return as2.Partner(
        as2_name=channels.as2_id,
        verify_cert=cert,
        encrypt_cert=cert,
        sign=channels.as2_sign,
        encrypt=channels.as2_encrypt,
        compress=channels.as2_compress,
        enc_alg=ENCRYPTION,
        digest_alg=DIGEST,
        mdn_mode=SYNCHRONOUS_MDN,
        mdn_digest_alg=DIGEST if channels.as2_sign else None,
    )


def http_message(headers: Mapping[str, str], body: bytes) -> bytes:
    """HTTP headers and body as the one MIME message pyas2lib parses (messages and MDNs alike)."""
    return b"".join(f"{k}: {v}\r\n".encode("utf-8", "replace") for k, v in headers.items()) + b"\r\n" + body


def channels_by_as2_id(as2_id: str) -> ChannelProfile | None:
    """The channel settings of the supplier whose AS2 id this is, or None."""
    if not as2_id:
        return None
    return ChannelProfile.objects.select_related("profile__supplier").filter(as2_id=as2_id).first()
