"""Suppliers, the people who act for them or for plants, partner profiles and API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hub.dispatch.connectors.outbound import validate_endpoint_url
from hub.trigram import trigram_index


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
    retention_days = models.PositiveIntegerField(
        _("retention (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("how long the hub keeps this supplier's files and deliveries; empty: HUB_RETENTION_DAYS"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now, db_index=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["number"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        # The staff supplier search (admin search_fields: icontains) on 10,000 suppliers and more.
        indexes = [
            trigram_index("number", "supplier_number_trgm"),
            trigram_index("name", "supplier_name_trgm"),
            trigram_index("duns", "supplier_duns_trgm"),
            trigram_index("vat_id", "supplier_vat_id_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class SupplierRole(models.TextChoices):
    """What a supplier's user may do in the portal."""

    ADMIN = "admin", _("administrator")
    DISPATCHER = "dispatcher", _("dispatcher")
    READ_ONLY = "read_only", _("read-only")


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
    # Within a supplier: admin manages the supplier's users, dispatcher sends and
    # acknowledges, read-only looks (hub.permissions refuses it every write).
    supplier_role = models.CharField(_("role at the supplier"), max_length=20, choices=SupplierRole.choices, default=SupplierRole.ADMIN)
    notify_call_offs = models.BooleanField(_("e-mail on a new or changed call-off"), default=True)
    notify_rejected_files = models.BooleanField(_("e-mail on a rejected file"), default=True)
    notify_dead_despatch_advices = models.BooleanField(_("e-mail on a despatch advice the plant did not receive"), default=True)

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
    send_acknowledgements = models.BooleanField(
        _("send acknowledgements"), default=True, help_text=_("answer EDI files with a CONTRL (EDIFACT) or 997 (X12)")
    )
    class X12Acknowledgement(models.TextChoices):
        FUNCTIONAL = "997", _("997 functional acknowledgement")
        IMPLEMENTATION = "999", _("999 implementation acknowledgement (005010X231)")

    x12_acknowledgement = models.CharField(
        _("X12 acknowledgement"), max_length=3, choices=X12Acknowledgement.choices, default=X12Acknowledgement.FUNCTIONAL,
        help_text=_("which acknowledgement an X12 partner gets per functional group (a TA1 comes with it on envelope faults)"),
    )  # fmt: skip
    tolerate_count_mismatch = models.BooleanField(
        _("tolerate count mismatches"), default=False,
        help_text=_("accept files whose UNT/SE, UNE/GE or UNZ/IEA counts are wrong, with a warning; the acknowledgement still reports them"),
    )  # fmt: skip
    endpoint_url = models.URLField(_("supplier's HTTP endpoint"), max_length=500, blank=True, validators=[validate_endpoint_url])
    endpoint_secret = models.CharField(
        _("signing secret"), max_length=200, blank=True, help_text=_("HMAC-SHA256 key for the X-Hub-Signature header of deliveries to the supplier's endpoint")
    )
    column_mappings = models.JSONField(
        _("CSV/XLSX column mappings"),
        default=list,
        blank=True,
        help_text=_('for suppliers without EDI: [{"document_type": "despatch_advice", "columns": {"number": "Lieferschein", "line.buyer_part": "Sachnummer", "line.quantity": "Menge"}}]'),
    )
    format = models.CharField(_("EDI format"), max_length=20, blank=True, help_text=_("EDIFACT, X12, VDA, XML or CSV"))
    version = models.CharField(_("format version"), max_length=20, blank=True, help_text=_("e.g. D96A, 004010, 4905"))
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "endpoint_secret"])  # a secret is never kept in history

    class Meta:
        verbose_name = _("partner profile")
        verbose_name_plural = _("partner profiles")

    def __str__(self) -> str:
        return f"profile of {self.supplier.number}"

    def clean(self) -> None:
        """Refuse column mappings the tabular codec could not use, saying which and why."""
        from django.core.exceptions import ValidationError

        from suppliers.services import column_mappings_of

        try:
            column_mappings_of(self)
        except ValueError as exc:
            raise ValidationError({"column_mappings": str(exc)}) from None


class PartnerIdentifier(models.Model):
    """An id a supplier is known by in one scheme: UNB/NAD for EDIFACT, ISA for X12, VDA, DUNS.

    An id a supplier adds itself (portal profile wizard) is a claim, ``pending`` until a
    buyer of one of its plants or an admin verifies it; only ``verified`` ids route
    documents and bind envelope senders. Ids created by staff, imports and ``seed_demo``
    are verified at once. ``family`` and ``key`` are the normalised key
    (``suppliers.identifiers``) that uniqueness, clash checks and routing compare.
    """

    class Scheme(models.TextChoices):
        EDIFACT = "edifact", _("EDIFACT (UNB/NAD)")
        X12 = "x12", _("ANSI X12 (ISA/N1)")
        VDA = "vda", _("VDA supplier number")
        DUNS = "duns", _("DUNS")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending verification")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    profile = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20, choices=Scheme.choices)
    qualifier = models.CharField(max_length=10, blank=True, help_text=_("e.g. ZZ in UNB/ISA, 92 in NAD"))
    value = models.CharField(max_length=80, db_index=True)
    plant = models.ForeignKey("hub.Plant", null=True, blank=True, on_delete=models.CASCADE, help_text=_("VDA numbers are per plant"))
    family = models.CharField(max_length=20, blank=True, editable=False)
    key = models.CharField(max_length=80, db_index=True, editable=False, default="")
    status = models.CharField(_("verification"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey("suppliers.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            # One verified owner per normalised id; pending claims may compete until a buyer decides.
            models.UniqueConstraint(
                fields=["scheme", "family", "key", "plant"],
                condition=models.Q(status="verified"),
                nulls_distinct=False,
                name="unique_verified_partner_identifier",
            ),
            models.UniqueConstraint(fields=["profile", "scheme", "family", "key", "plant"], nulls_distinct=False, name="unique_identifier_per_profile"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.qualifier}:{self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The key is derived data: kept right on every save, so no path can store a stale one.
        self.fill_key()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse, in forms, a verified id that is another supplier's or the plant systems' (by normalised key)."""
        from django.core.exceptions import ValidationError

        from suppliers.services import reserved_identifier_owner

        self.fill_key()  # so the unique constraint on the key is checked against the values entered
        if self.status == self.Status.VERIFIED and self.profile_id:
            from suppliers.identifiers import IdentifierKey

            owner = reserved_identifier_owner(key=IdentifierKey(self.scheme, self.family, self.key), supplier=self.profile.supplier)
            if owner:
                raise ValidationError({"value": _("'%(value)s' already identifies %(owner)s.") % {"value": self.value, "owner": owner}})

    def fill_key(self) -> PartnerIdentifier:
        """Set ``family`` and ``key`` from scheme, qualifier and value (also for bulk_create, which skips save)."""
        from suppliers.identifiers import identifier_key

        ident = identifier_key(self.scheme, self.qualifier, self.value)
        self.family, self.key = ident.family, ident.value
        return self


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored.

    ``scope`` narrows what the token may do on top of its user's role: ``read`` only
    reads (GET, and the store-nothing ``translate``), ``write`` also posts, ``admin``
    also manages its user's tokens through the API. A plant system's token belongs to a
    service user of role ``buyer`` bound to its plant(s) (``docs/api.md``).
    """

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")
        ADMIN = "admin", _("read, write and manage tokens")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, default="api")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.WRITE)
    prefix = models.CharField(max_length=12, help_text=_("first characters, to tell tokens apart"))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def state(self) -> str:
        """active, expired or revoked."""
        if self.revoked_at:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class OnboardingTransition(models.Model):
    """One step of a supplier through the onboarding states: the funnel's timeline."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Supplier.Status.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["supplier", "at", "id"]
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")

    def __str__(self) -> str:
        return f"{self.supplier_id}: {self.from_status or '-'} -> {self.to_status}"


class Invitation(models.Model):
    """An e-mailed, single-use, expiring link that lets a supplier's contact create its first user.

    The link is a signed token holding the invitation id and a nonce; rotating the nonce
    (resend) kills every earlier link, ``used_at`` makes it single-use.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("sent to"))
    nonce = models.CharField(max_length=32)
    base_url = models.CharField(max_length=200, blank=True, help_text=_("where the link points; empty: HUB_PUBLIC_URL"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_nonce = models.CharField(max_length=32, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"invitation of {self.supplier_id} to {self.email}"

    @property
    def state(self) -> str:
        """pending, sent, used, revoked or expired."""
        if self.revoked_at:
            return "revoked"
        if self.used_at:
            return "used"
        if self.expires_at <= timezone.now():
            return "expired"
        return "sent" if self.sent_at else "pending"


class Registration(models.Model):
    """A supplier not yet in master data asking to join; plant purchasing approves or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    company = models.CharField(_("company name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("contact e-mail"))
    duns = models.CharField(_("DUNS"), max_length=9, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=20, blank=True)
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("plant supplied"))
    note = models.TextField(_("what you supply"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("self-registration")
        verbose_name_plural = _("self-registrations")

    def __str__(self) -> str:
        return f"{self.company} ({self.get_status_display()})"


def import_upload_path(instance: SupplierImport, filename: str) -> str:
    """Keep uploaded master-data files by day, never under the uploader's file name."""
    return f"imports/{timezone.now():%Y/%m/%d}/{uuid.uuid4()}.bin"


class SupplierImport(models.Model):
    """A master-data file uploaded in the staff UI: previewed first, committed on request."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        IMPORTING = "importing", _("importing")
        COMMITTED = "committed", _("committed")

    file = models.FileField(upload_to=import_upload_path, max_length=300)
    filename = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    all_or_nothing = models.BooleanField(_("all or nothing"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    progress_stage = models.CharField(max_length=20, blank=True)  # check | write
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supplier import")
        verbose_name_plural = _("supplier imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"


class InboxRead(models.Model):
    """A user has opened (or marked read) one document of the portal inbox."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="inbox_reads")
    delivery = models.ForeignKey("hub.Delivery", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "delivery"], name="inbox_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.delivery_id}"


class Notification(models.Model):
    """One e-mail to one user about one event; the unique key makes sending idempotent."""

    class Kind(models.TextChoices):
        CALL_OFF = "call_off", _("new or changed call-off")
        REJECTED_FILE = "rejected_file", _("rejected file")
        DEAD_DESPATCH_ADVICE = "dead_despatch_advice", _("despatch advice not received by the plant")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=64, help_text=_("the id of what the e-mail is about"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="notification_once_per_event")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} -> {self.user_id}"
