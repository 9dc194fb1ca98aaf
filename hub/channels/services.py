"""Channel services: register a partner's AS2 settings, read the hub's identity.

Commands and the admin both call these, so the checks on a certificate (it parses,
its expiry is recorded) live in one place.
"""

from __future__ import annotations

from django.db import transaction

from hub.channels import certificates
from hub.channels.models import ChannelProfile, Inbound, Outbound


@transaction.atomic
def as2_partner_register(*, supplier: object, as2_id: str, certificate_pem: str, url: str = "", mdn_mode: str = "SYNC",
                         sign: bool = True, encrypt: bool = True, compress: bool = False) -> ChannelProfile:  # fmt: skip
    """Register (or update) a supplier's AS2 id and certificate; with ``url`` it also receives over AS2.

    The supplier's inbound channel becomes AS2; its outbound channel becomes AS2 when a
    URL is given. Raises ``certificates.BadCertificate`` for a certificate that does not parse.
    """
    from suppliers.models import PartnerProfile

    certificates.facts(certificate_pem)  # BadCertificate before anything changes
    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    channels, _ = ChannelProfile.objects.select_for_update().get_or_create(profile=profile)
    channels.as2_id = as2_id
    channels.as2_certificate = certificate_pem.strip() + "\n"
    channels.inbound = Inbound.AS2
    channels.as2_mdn_mode = mdn_mode
    channels.as2_sign, channels.as2_encrypt, channels.as2_compress = sign, encrypt, compress
    if url:
        channels.as2_url = url
        channels.outbound = Outbound.AS2
    channels.full_clean()
    channels.save()
    return channels


def sftp_keys_set(*, supplier: object, keys: str) -> ChannelProfile:
    """Replace the OpenSSH public keys that may log in to the supplier's SFTP home; ValueError names a bad line."""
    import asyncssh

    lines = [line.strip() for line in keys.splitlines() if line.strip() and not line.strip().startswith("#")]
    for number, line in enumerate(lines, start=1):
        try:
            asyncssh.import_public_key(line)
        except (asyncssh.KeyImportError, ValueError) as exc:
            raise ValueError(f"line {number}: not an OpenSSH public key ({exc})") from None
    channels = channel_settings_of(supplier)
    channels.sftp_keys = "\n".join(lines) + ("\n" if lines else "")
    channels.save(update_fields=["sftp_keys", "updated_at"])
    return channels


def channel_settings_of(supplier: object) -> ChannelProfile:
    """The supplier's channel settings, made with the defaults (portal both ways) when it has none."""
    from suppliers.models import PartnerProfile

    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    channels, _ = ChannelProfile.objects.get_or_create(profile=profile)
    return channels
