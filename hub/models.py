"""Engine state: plants, received interchanges, the outbox of deliveries and their attempts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.dispatch.connectors.outbound import validate_endpoint_url
from hub.trigram import trigram_index


def validate_email_list(value: str) -> None:
    """Comma- or semicolon-separated e-mail addresses, each checked; names the first bad one."""
    for address in (a.strip() for a in value.replace(";", ",").split(",")):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(_("'%(address)s' is not an e-mail address."), params={"address": address}) from None


class Plant(models.Model):
    """A plant of the group, with the endpoint its ERP/MES receives deliveries on."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    endpoint_url = models.URLField(_("dispatch endpoint"), max_length=500, blank=True, validators=[validate_endpoint_url])
    endpoint_secret = models.CharField(
        _("signing secret"), max_length=200, blank=True, help_text=_("HMAC-SHA256 key for the X-Hub-Signature header")
    )
    paused = models.BooleanField(_("dispatch paused"), default=False)
    connector = models.CharField(_("connector"), max_length=20, choices=[("http", "HTTP"), ("filedrop", _("file drop"))], default="http")
    drop_directory = models.CharField(_("drop directory"), max_length=500, blank=True, help_text=_("for the file-drop connector"))
    outbound_format = models.CharField(
        _("outbound format"), max_length=40, default="json", help_text=_("json (canonical JSON) or a format name from 'manage.py formats'")
    )
    queue = models.CharField(
        _("dispatch queue"), max_length=60, blank=True, help_text=_("empty: the shared 'dispatch' queue; else one of HUB_DISPATCH_QUEUES")
    )
    max_in_flight = models.PositiveSmallIntegerField(
        _("requests in flight"), default=1, help_text=_("how many deliveries may be on their way to this plant at once")
    )
    batch_size = models.PositiveSmallIntegerField(
        _("batch size"), default=1, help_text=_("more than 1: the plant takes up to this many documents in one POST (canonical JSON only)")
    )
    batch_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    circuit_open_until = models.DateTimeField(null=True, blank=True, editable=False)
    alert_emails = models.TextField(
        _("alert contacts"),
        blank=True,
        validators=[validate_email_list],
        help_text=_("e-mail addresses, comma-separated, that get the plant's alerts; empty: its buyers"),
    )
    retention_days = models.PositiveIntegerField(
        _("retention (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("how long the hub keeps this plant's files and deliveries; empty: HUB_RETENTION_DAYS"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("plant")
        verbose_name_plural = _("plants")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def raw_upload_path(instance: Interchange, filename: str) -> str:
    """Where a file's raw bytes live: addressed by their content, never by the sender's file name.

    The same bytes (a resend) are stored once; object storage spreads keys by their
    leading characters. Rows stored before this layout keep their by-day names.
    """
    sha = instance.sha256
    return f"interchanges/sha256/{sha[:2]}/{sha[2:4]}/{sha}"


class InterchangeQuerySet(models.QuerySet):
    """Interchanges by id, narrowed by their partition key (``received_at``) where the caller knows it.

    As ``DeliveryQuerySet``: ``hub_interchange`` is partitioned by month on ``received_at``,
    which is set once when the file is stored and never changed, so the id with it finds the
    same row in one partition instead of planning over every month.
    """

    def by_id(self, pk: object, received_at: dt.datetime | None = None) -> InterchangeQuerySet:
        """The interchange ``pk``, within its month's partition when ``received_at`` is given."""
        rows = self.filter(pk=pk)
        return rows if received_at is None else rows.filter(received_at=received_at)


class Interchange(models.Model):
    """A received file, stored before it is parsed: the raw bytes are the record of truth."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSING = "processing", _("processing")
        PROCESSED = "processed", _("processed")
        FAILED = "failed", _("failed")
        DUPLICATE = "duplicate", _("duplicate")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal upload")
        API = "api", _("REST API")
        DEMO = "demo", _("demo data")
        COMMAND = "command", _("command line")
        AS2 = "as2", "AS2"
        SFTP = "sftp", "SFTP"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField(_("received"), db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sender_supplier = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="interchanges")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    raw = models.FileField(_("raw file"), upload_to=raw_upload_path, max_length=300)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    format = models.CharField(_("format"), max_length=40, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    message_types = models.CharField(max_length=200, blank=True)
    sender_id = models.CharField(_("envelope sender"), max_length=80, blank=True)
    receiver_id = models.CharField(_("envelope receiver"), max_length=80, blank=True)
    control_ref = models.CharField(_("control reference"), max_length=40, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    document_count = models.IntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates", db_constraint=False
    )
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    test_run = models.BooleanField(
        _("test run"),
        default=False,
        help_text=_("sent by a supplier in its test phase: parsed and validated, never stored as documents or dispatched"),
    )
    test_report = models.JSONField(_("test report"), default=list, blank=True)
    on_behalf_of = models.JSONField(
        _("sent on behalf of"), default=list, blank=True, help_text=_("supplier numbers a plant-side sender sent supplier documents for")
    )
    # The claim of the worker processing the file: a token every later write checks, and a
    # heartbeat it refreshes while it parses and persists. Only a claim whose heartbeat
    # stopped for HUB_INGEST_LEASE_SECONDS may be taken over (a slow worker is not a dead one).
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0, editable=False)
    # Progress: how many messages of the file are persisted (or refused) in committed
    # batches; a worker taking over resumes after them.
    messages_done = models.PositiveIntegerField(default=0, editable=False)
    envelope = models.JSONField(
        default=dict, blank=True, editable=False, help_text=_("the first envelope as parsed, for the acknowledgement")
    )

    objects = InterchangeQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("interchange")
        verbose_name_plural = _("interchanges")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            trigram_index("control_ref", "interchange_control_ref_trgm"),
            trigram_index("filename", "interchange_filename_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.id} ({self.status})"


class InterchangePlant(models.Model):
    """A plant an interchange names (ship-to), recorded while it is read: a file that fails still reaches that plant's staff."""

    interchange = models.ForeignKey(Interchange, on_delete=models.CASCADE, related_name="named_plants", db_constraint=False)
    plant = models.ForeignKey(Plant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plant", "interchange"], name="unique_interchange_plant")]

    def __str__(self) -> str:
        return f"{self.interchange_id} names {self.plant_id}"


class ControlReference(models.Model):
    """An envelope control reference seen from a sender; the unique key catches resends."""

    sender = models.CharField(max_length=80)
    reference = models.CharField(max_length=40)
    interchange = models.ForeignKey(Interchange, on_delete=models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "reference"], name="unique_control_reference_per_sender")]

    def __str__(self) -> str:
        return f"{self.sender} {self.reference}"


class DeliveryQuerySet(models.QuerySet):
    """Deliveries by id, narrowed by their partition key (``created_at``) wherever the caller knows it.

    ``hub_delivery`` is partitioned by month on ``created_at`` (``hub.partitions``). A filter
    on the id alone is planned over every monthly partition (opening and locking each one
    and its indexes); with ``created_at`` beside it PostgreSQL prunes to the one month at
    plan time. The result is the same rows: ids are unique, and a delivery's ``created_at``
    is set once on insert and never changed (moving a row out of DEFAULT keeps it). Without
    ``created_at`` (an old task message, a caller that has only ids) the filter is by id
    alone, exactly as before.
    """

    def by_id(self, pk: int, created_at: dt.datetime | None = None) -> DeliveryQuerySet:
        """The delivery ``pk``, within its month's partition when ``created_at`` is given."""
        rows = self.filter(pk=pk)
        return rows if created_at is None else rows.filter(created_at=created_at)

    def row(self, delivery: Delivery) -> DeliveryQuerySet:
        """The row of a delivery already loaded (it carries its own ``created_at``)."""
        return self.by_id(delivery.pk, delivery.created_at)

    def by_ids(self, ids: Iterable[int], created_at: Iterable[dt.datetime | None] | None = None) -> DeliveryQuerySet:
        """The deliveries ``ids``; ``created_at``, parallel to ``ids``, narrows them to their months when every one is known."""
        ids = list(ids)
        rows = self.filter(pk__in=ids)
        stamps = None if created_at is None else list(created_at)
        if not stamps or len(stamps) != len(ids) or any(stamp is None for stamp in stamps):
            return rows
        return rows.filter(created_at__in=sorted(set(stamps)))

    def rows(self, deliveries: Iterable[Delivery]) -> DeliveryQuerySet:
        """The rows of deliveries already loaded, within their months' partitions."""
        deliveries = list(deliveries)
        return self.by_ids([d.pk for d in deliveries], [d.created_at for d in deliveries])


class Delivery(models.Model):
    """One document to one recipient: the outbox row, and the truth about where it stands."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        DELIVERED = "delivered", _("delivered")
        DEAD = "dead", _("dead-lettered")
        SUPERSEDED = "superseded", _("superseded")
        HELD = "held", _("held")
        STAGED = "staged", _("staged")

    class Recipient(models.TextChoices):
        PLANT = "plant", _("plant")
        SUPPLIER = "supplier", _("supplier")

    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    document_type = models.CharField(max_length=40)
    document_id = models.UUIDField(db_index=True)
    document_number = models.CharField(max_length=80, blank=True)
    recipient = models.CharField(max_length=20, choices=Recipient.choices, default=Recipient.PLANT)
    plant = models.ForeignKey(Plant, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    supplier = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    connector = models.CharField(max_length=20, default="http")  # http | filedrop | portal
    target = models.CharField(max_length=500, blank=True, help_text=_("where the last attempt went: URL or file path"))
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays", db_constraint=False)
    # The interchange whose documents this delivery carries: its staged deliveries are
    # released (or dropped) when that interchange ends.
    interchange = models.ForeignKey(
        Interchange, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries", db_constraint=False
    )
    payload = models.TextField()
    content_type = models.CharField(max_length=100, default="application/json")
    sequence_key = models.CharField(max_length=200, db_index=True, help_text=_("deliveries with the same key go out in creation order"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The claim: a new token per claim; every write after it is conditional on the token, so
    # a worker whose lease ran out and whose row another worker took writes nothing.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    # ``host:pid`` of the process holding the claim (hub.dispatch.incarnation): a restarted
    # worker hands back a dead process's claims without waiting for their lease.
    claimed_by = models.CharField(max_length=120, blank=True, default="", editable=False)
    # Parked behind an earlier open delivery of the same sequence: woken when that one ends
    # (or by the sweep once it has ended), never polled while it is still open.
    waiting_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False, db_constraint=False
    )
    enqueued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_status = models.CharField(
        max_length=20,
        blank=True,
        help_text=_("what the recipient's acknowledgement (CONTRL, APERAK, 997...) said: accepted, partially_accepted, rejected"),
    )
    last_error = models.TextField(blank=True)
    rendered = models.BinaryField(null=True, blank=True, help_text=_("the document as the recipient got it (portal inbox, file drop)"))
    rendered_name = models.CharField(max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["sequence_key", "id"])]

    def __str__(self) -> str:
        to = (
            self.plant.code
            if self.recipient == self.Recipient.PLANT and self.plant_id
            else (self.supplier.number if self.supplier_id else "?")
        )
        return f"{self.document_type} {self.document_number} -> {self.recipient} {to} ({self.status})"


def acknowledgement_path(instance: Acknowledgement, filename: str) -> str:
    """Store acknowledgements next to the raw files, by day and interchange id."""
    return f"acknowledgements/{instance.created_at:%Y/%m/%d}/{instance.interchange_id}.{instance.extension}"


class Acknowledgement(models.Model):
    """The acknowledgement the hub built for a received interchange (CONTRL, 997), as a file."""

    created_at = models.DateTimeField(db_index=True)
    interchange = models.OneToOneField(Interchange, on_delete=models.CASCADE, related_name="acknowledgement", db_constraint=False)
    format = models.CharField(max_length=20)  # EDIFACT | X12
    kind = models.CharField(max_length=20)  # CONTRL | 997
    status = models.CharField(max_length=20)  # accepted | partially_accepted | rejected
    control_ref = models.CharField(_("control reference"), max_length=40, blank=True)
    extension = models.CharField(max_length=8, default="edi")
    document = models.JSONField(default=list, help_text=_("the canonical acknowledgement(s) as JSON"))
    file = models.FileField(upload_to=acknowledgement_path, max_length=300)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")

    def __str__(self) -> str:
        return f"{self.kind} {self.status} for {self.interchange_id}"


class DeliveryAttempt(models.Model):
    """One try to hand a delivery to its recipient, with what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log", db_constraint=False)
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    url = models.CharField(max_length=500, blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20)  # delivered | retry | dead
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        indexes = [models.Index(fields=["outcome", "started_at"], name="attempt_outcome_started")]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}: {self.outcome}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key``, replayed to its retries.

    ``owner`` is who sent it (the token's digest, or the session user), so two callers'
    keys never meet; ``request_hash`` covers method, path, query and body, so the same
    key with another request is refused rather than answered with a stranger's result.
    A row without ``status_code`` is a request still running.
    """

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=bytes, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="unique_idempotency_key_per_owner")]
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'running'})"


class AlertWindow(models.Model):
    """One interval of one kind of alert, claimed once: several workers sweeping send each digest once."""

    kind = models.CharField(max_length=40)
    window_end = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "window_end"], name="unique_alert_window")]

    def __str__(self) -> str:
        return f"{self.kind} until {self.window_end}"


class AlertSent(models.Model):
    """One grouped alert as it went out: to whom, about how many events, linking to which list."""

    window = models.ForeignKey(AlertWindow, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=40, db_index=True)
    recipient = models.CharField(max_length=254)
    plant = models.ForeignKey(Plant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supplier = models.ForeignKey("suppliers.Supplier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    events = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    link = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient}: {self.events}"


# The channels' models are the engine's too (hub/channels/models.py keeps them beside their code).
from hub.channels.models import As2Identity, As2Message, ChannelProfile  # noqa: E402, F401
