"""Suppliers, the people who act for them or for plants, partner profiles and API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Supplier(models.Model):
    """A supplier of the group, identified by its supplier number."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        REGISTERED = "registered", _("registered")
        PROFILE_COMPLETE = "profile_complete", _("profile complete")
        TESTING = "testing", _("testing")
        LIVE = "live", _("live")
        SUSPENDED = "suspended", _("suspended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("supplier number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    duns = models.CharField(_("DUNS"), max_length=9, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2)
    street = models.CharField(_("street"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True)
    plants = models.ManyToManyField("hub.Plant", blank=True, related_name="suppliers", verbose_name=_("plants supplied"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class User(AbstractUser):
    """A person or system account: supplier staff, plant buyer, headquarters or hub admin."""

    class Role(models.TextChoices):
        SUPPLIER = "supplier", _("supplier user")
        BUYER = "buyer", _("plant purchasing")
        HQ = "hq", _("headquarters (read-only)")
        ADMIN = "admin", _("hub administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SUPPLIER)
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.CASCADE, related_name="users")
    plants = models.ManyToManyField("hub.Plant", blank=True, related_name="staff", verbose_name=_("plants"))
    language = models.CharField(_("language"), max_length=8, blank=True, help_text=_("empty: follow the browser"))

    @property
    def is_hub_admin(self) -> bool:
        """True for hub administrators (and Django superusers)."""
        return self.is_superuser or self.role == self.Role.ADMIN


class PartnerProfile(models.Model):
    """How a supplier exchanges documents: formats in and out, channel, failure policy."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal upload")
        API = "api", _("REST API")
        WEB = "web", _("web forms only")

    class FailurePolicy(models.TextChoices):
        ACCEPT_GOOD = "accept_good", _("accept good messages, reject bad ones")
        REJECT_ALL = "reject_all", _("reject the whole interchange on any error")

    supplier = models.OneToOneField(Supplier, on_delete=models.CASCADE, related_name="profile")
    inbound_formats = models.JSONField(_("inbound formats"), default=list, blank=True, help_text=_('e.g. ["EDIFACT:DELFOR", "X12:830"]'))
    outbound_format = models.CharField(_("preferred outbound format"), max_length=40, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PORTAL)
    failure_policy = models.CharField(max_length=20, choices=FailurePolicy.choices, default=FailurePolicy.ACCEPT_GOOD)
    endpoint_url = models.URLField(_("supplier's HTTP endpoint"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")

    def __str__(self) -> str:
        return f"profile of {self.supplier.number}"


class PartnerIdentifier(models.Model):
    """An id a supplier is known by in one scheme: UNB/NAD for EDIFACT, ISA for X12, VDA, DUNS."""

    class Scheme(models.TextChoices):
        EDIFACT = "edifact", _("EDIFACT (UNB/NAD)")
        X12 = "x12", _("ANSI X12 (ISA/N1)")
        VDA = "vda", _("VDA supplier number")
        DUNS = "duns", _("DUNS")

    profile = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    qualifier = models.CharField(max_length=10, blank=True, help_text=_("e.g. ZZ in UNB/ISA, 92 in NAD"))
    value = models.CharField(max_length=80, db_index=True)
    plant = models.ForeignKey("hub.Plant", null=True, blank=True, on_delete=models.CASCADE, help_text=_("VDA numbers are per plant"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "qualifier", "value", "plant"], name="unique_partner_identifier")]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.qualifier}:{self.value}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="api")
    prefix = models.CharField(max_length=12, help_text=_("first characters, to tell tokens apart"))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"
