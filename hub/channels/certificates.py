"""X.509 certificates and keys for the channels: make a self-signed pair, read a certificate's facts.

AS2 partners exchange certificates out of band; the hub makes its own self-signed
pair on first use (``as2_identity``) so a newcomer can start at once, and staff may
upload a CA-issued pair in the admin instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


class BadCertificate(ValueError):
    """The text is not a PEM certificate (or key) the hub can use; the message says why."""


@dataclass(frozen=True)
class CertificateFacts:
    """What staff need to see about a certificate: whose it is and until when it holds."""

    subject: str
    not_after: dt.datetime
    fingerprint: str


def self_signed(common_name: str, *, days: int = 730) -> tuple[str, str]:
    """Make an RSA-2048 key and a self-signed certificate for ``common_name``; returns (certificate PEM, key PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return cert_pem, key_pem


def facts(pem: str) -> CertificateFacts:
    """Subject, expiry and SHA-256 fingerprint of a PEM certificate; BadCertificate when it is none."""
    try:
        cert = x509.load_pem_x509_certificate(pem.strip().encode())
    except ValueError as exc:
        raise BadCertificate(f"not a PEM certificate ({exc})") from None
    return CertificateFacts(
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(":"),
    )


def check_private_key(pem: str, certificate_pem: str) -> None:
    """Raise BadCertificate unless ``pem`` is an unencrypted private key that belongs to ``certificate_pem``."""
    try:
        key = serialization.load_pem_private_key(pem.strip().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise BadCertificate(f"not an unencrypted PEM private key ({exc})") from None
    cert = x509.load_pem_x509_certificate(certificate_pem.strip().encode())
    if key.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
        raise BadCertificate("the private key does not belong to the certificate")
