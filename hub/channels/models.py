"""Channel state: a partner's channel choice and settings, the hub's AS2 identity, AS2 messages.

The models belong to the ``hub`` app (``hub.models`` imports them), so their
migrations live with the engine's.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.dispatch.connectors.outbound import validate_endpoint_url


class Inbound(models.TextChoices):
    PORTAL = "portal", _("portal upload")
    API = "api", _("REST API")
    AS2 = "as2", "AS2"
    SFTP = "sftp", "SFTP"


class Outbound(models.TextChoices):
    PORTAL = "portal", _("portal inbox")
    HTTP = "http", _("supplier's HTTP endpoint")
    AS2 = "as2", "AS2"
    SFTP = "sftp", _("SFTP outbox")


class ChannelProfile(models.Model):
    """How one partner's systems exchange files with the hub: which channel in, which out, and their settings.

    The partner's own certificate is public (it verifies the partner's signatures and
    encrypts to the partner); only the hub's private key is secret (``As2Identity``).
    """

    class MdnMode(models.TextChoices):
        SYNC = "SYNC", _("synchronous")
        ASYNC = "ASYNC", _("asynchronous")

    profile = models.OneToOneField("suppliers.PartnerProfile", on_delete=models.CASCADE, related_name="channels", verbose_name=_("partner profile"))
    inbound = models.CharField(_("inbound channel"), max_length=20, choices=Inbound.choices, default=Inbound.PORTAL)
    outbound = models.CharField(_("outbound channel"), max_length=20, choices=Outbound.choices, default=Outbound.PORTAL)
    as2_id = models.CharField(_("AS2 id"), max_length=128, blank=True, help_text=_("the partner's AS2 name (AS2-From of its messages)"))
    as2_url = models.URLField(_("AS2 URL"), max_length=500, blank=True, validators=[validate_endpoint_url], help_text=_("where the hub sends AS2 messages to the partner"))
    as2_certificate = models.TextField(_("partner certificate (PEM)"), blank=True, help_text=_("verifies the partner's signatures; the hub encrypts to it"))
    as2_certificate_expires = models.DateTimeField(_("certificate expires"), null=True, blank=True, editable=False)
    as2_sign = models.BooleanField(_("sign messages"), default=True, help_text=_("messages in both directions must be signed"))
    as2_encrypt = models.BooleanField(_("encrypt messages"), default=True, help_text=_("messages in both directions must be encrypted"))
    as2_compress = models.BooleanField(_("compress outbound messages"), default=False)
    as2_mdn_mode = models.CharField(_("MDN to request"), max_length=5, choices=MdnMode.choices, default=MdnMode.SYNC)
    sftp_keys = models.TextField(
        _("SFTP public keys"), blank=True, help_text=_("OpenSSH public keys (one a line) that may log in as any portal user of this supplier")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "hub"
        verbose_name = _("channel settings")
        verbose_name_plural = _("channel settings")
        constraints = [models.UniqueConstraint(fields=["as2_id"], condition=~models.Q(as2_id=""), name="unique_partner_as2_id")]

    def __str__(self) -> str:
        return f"channels of {self.profile.supplier.number}"

    def clean(self) -> None:
        """Refuse a certificate that does not parse and an AS2 channel without its settings; record the expiry."""
        from django.core.exceptions import ValidationError

        from hub.channels import certificates

        errors: dict[str, str] = {}
        if self.as2_certificate.strip():
            try:
                self.as2_certificate_expires = certificates.facts(self.as2_certificate).not_after
            except certificates.BadCertificate as exc:
                errors["as2_certificate"] = str(exc)
        else:
            self.as2_certificate_expires = None
        if Inbound.AS2 in (self.inbound, self.outbound) and not (self.as2_id and self.as2_certificate.strip()):
            errors["as2_id"] = _("AS2 needs the partner's AS2 id and certificate")
        if self.outbound == Outbound.AS2 and not self.as2_url:
            errors["as2_url"] = _("sending over AS2 needs the partner's AS2 URL")
        if errors:
            raise ValidationError(errors)


class As2Identity(models.Model):
    """The hub's own AS2 name, certificate and private key (one row). The key is write-only."""

    as2_id = models.CharField(_("AS2 id"), max_length=128, unique=True)
    certificate = models.TextField(_("certificate (PEM)"))
    private_key = models.TextField(_("private key (PEM)"))
    certificate_expires = models.DateTimeField(_("certificate expires"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "hub"
        verbose_name = _("hub AS2 identity")
        verbose_name_plural = _("hub AS2 identity")

    def __str__(self) -> str:
        return self.as2_id

    def clean(self) -> None:
        """Refuse a certificate that does not parse or a key that does not belong to it; record the expiry."""
        from django.core.exceptions import ValidationError

        from hub.channels import certificates

        try:
            self.certificate_expires = certificates.facts(self.certificate).not_after
            certificates.check_private_key(self.private_key, self.certificate)
        except certificates.BadCertificate as exc:
            raise ValidationError(str(exc)) from None


class As2Message(models.Model):
    """One AS2 message in or out, with its MDN: the record that catches replays and matches MDNs to deliveries."""

    class Direction(models.TextChoices):
        IN = "in", _("inbound")
        OUT = "out", _("outbound")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        REFUSED = "refused", _("refused")
        DUPLICATE = "duplicate", _("duplicate")
        SENT = "sent", _("sent, waiting for the MDN")
        CONFIRMED = "confirmed", _("positive MDN")
        NEGATIVE = "negative", _("negative MDN")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    message_id = models.CharField(_("message id"), max_length=255)
    partner = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="as2_messages")
    partner_as2_id = models.CharField(max_length=128, blank=True)
    interchange = models.ForeignKey(
        "hub.Interchange", null=True, blank=True, on_delete=models.SET_NULL, related_name="as2_messages", db_constraint=False
    )
    delivery = models.ForeignKey(
        "hub.Delivery", null=True, blank=True, on_delete=models.SET_NULL, related_name="as2_messages", db_constraint=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    mic = models.CharField(max_length=200, blank=True)
    mdn_mode = models.CharField(max_length=5, blank=True)
    mdn_status = models.CharField(_("MDN"), max_length=200, blank=True)
    detail = models.TextField(blank=True)
    # An asynchronous MDN waiting to go out (or gone): where to, and the signed MDN itself.
    mdn_url = models.CharField(max_length=500, blank=True)
    mdn_headers = models.JSONField(default=dict, blank=True)
    mdn_body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "hub"
        ordering = ["-created_at"]
        verbose_name = _("AS2 message")
        verbose_name_plural = _("AS2 messages")
        indexes = [models.Index(fields=["direction", "partner_as2_id", "message_id"])]

    def __str__(self) -> str:
        return f"AS2 {self.direction} {self.message_id} ({self.status})"
