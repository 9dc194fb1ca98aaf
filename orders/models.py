"""Persisted canonical documents: delivery schedules (call-offs), lines and quantities."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from hub.trigram import trigram_index


class DeliverySchedule(models.Model):
    """A call-off (Lieferabruf) as the hub stores it; ``document`` keeps its canonical JSON."""

    class Status(models.TextChoices):
        CURRENT = "current", _("current")
        SUPERSEDED = "superseded", _("superseded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    interchange = models.ForeignKey("hub.Interchange", on_delete=models.PROTECT, related_name="call_offs", db_constraint=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="call_offs")
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="call_offs")
    number = models.CharField(_("call-off number"), max_length=80, db_index=True)
    kind = models.CharField(max_length=20, default="standard")
    issued = models.DateField(_("issued"), null=True, blank=True)
    previous_number = models.CharField(max_length=80, blank=True)
    message_ref = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    document = models.JSONField(help_text=_("the canonical JSON of the call-off"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call-off")
        verbose_name_plural = _("call-offs")
        # The live overview joins firm quantities to current call-offs only (bench/overview.py).
        indexes = [
            models.Index(fields=["id", "plant"], condition=models.Q(status="current"), name="call_off_current_plant"),
            trigram_index("number", "call_off_number_trgm"),
            # A supplier's call-offs by status, newest first: the portal's list and dashboard, the API's list
            # (without it PostgreSQL read all 100,000 call-offs to find the big supplier's four current ones).
            models.Index(fields=["supplier", "status", "-created_at"], name="call_off_supplier_status"),
            # A call-off's versions: the same supplier and plant, newest first.
            models.Index(fields=["supplier", "plant", "-issued"], name="call_off_supplier_plant"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.supplier_id} -> {self.plant_id})"


class ScheduleLine(models.Model):
    """One part of a call-off; superseded once a newer call-off covers the same part."""

    schedule = models.ForeignKey(DeliverySchedule, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    buyer_part = models.CharField(_("buyer part"), max_length=80, db_index=True)
    supplier_part = models.CharField(_("supplier part"), max_length=80, blank=True)
    description = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=8, default="C62")
    order_number = models.CharField(max_length=80, blank=True)
    unloading_point = models.CharField(max_length=40, blank=True)
    cumulative_received = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    cumulative_received_date = models.DateField(null=True, blank=True)
    superseded_by = models.ForeignKey(DeliverySchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["schedule", "position"]
        indexes = [
            models.Index(
                fields=["id", "schedule"], include=["buyer_part"], condition=models.Q(superseded_by__isnull=True), name="schedule_line_open"
            ),
            trigram_index("buyer_part", "schedule_line_buyer_part_trgm"),
            trigram_index("supplier_part", "schedule_line_supp_part_trgm"),
            trigram_index("order_number", "schedule_line_order_trgm"),
            trigram_index("unloading_point", "schedule_line_unloading_trgm"),
            models.Index(fields=["supplier_part"], name="schedule_line_supplier_part"),  # the portal's part filter (exact)
        ]

    def __str__(self) -> str:
        return f"{self.buyer_part} (line {self.position})"


class ScheduleQuantity(models.Model):
    """A quantity for a day or period with its commitment level.

    ``plant``, ``supplier`` and ``buyer_part`` repeat the line's call-off and part, and
    ``open`` says whether the line is still in force (not superseded, call-off current):
    all written where call-offs are stored and superseded (``orders.services``), so the
    live overview counts firm quantities per plant, and probes their ASNs, from this
    table's indexes alone instead of joining a million lines and their call-offs.
    """

    line = models.ForeignKey(ScheduleLine, on_delete=models.CASCADE, related_name="quantities")
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="+", db_index=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="+", db_index=False)
    buyer_part = models.CharField(_("buyer part"), max_length=80)
    open = models.BooleanField(default=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    commitment = models.CharField(max_length=20)
    # The date part only; the canonical JSON keeps JIT times to the minute.
    date = models.DateField(null=True, blank=True, db_index=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["line", "id"]
        # What the overview counts: open firm quantities by date, per plant; the ASN probe
        # (hub.overview.asn_covers) takes supplier and part from the same index entry.
        indexes = [
            models.Index(
                fields=["date", "plant"],
                include=["supplier", "buyer_part"],
                condition=models.Q(open=True, commitment="firm"),
                name="open_firm_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.commitment} {self.date or self.date_from}"


class DespatchAdvice(models.Model):
    """An ASN from a supplier, routed to the plant it ships to; ``document`` keeps its canonical JSON."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    interchange = models.ForeignKey("hub.Interchange", on_delete=models.PROTECT, related_name="despatch_advices", db_constraint=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="despatch_advices")
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="despatch_advices")
    number = models.CharField(_("despatch advice number"), max_length=80, db_index=True)
    issued = models.DateField(_("issued"), null=True, blank=True)
    ship_date = models.DateField(_("ship date"), null=True, blank=True)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True, db_index=True)
    message_ref = models.CharField(max_length=40, blank=True)
    document = models.JSONField(help_text=_("the canonical JSON of the despatch advice"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("despatch advice")
        verbose_name_plural = _("despatch advices")
        # Whether an ASN covers a firm quantity is probed per part (hub.overview.asn_covers):
        # its parties and dates come from this index alone.
        indexes = [
            models.Index(fields=["id"], include=["supplier", "plant", "arrival_date", "ship_date"], name="despatch_advice_match"),
            trigram_index("number", "despatch_advice_number_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.supplier_id} -> {self.plant_id})"


class DespatchLine(models.Model):
    """One part shipped with an ASN, for querying what is on its way.

    ``supplier``, ``plant`` and ``arrives`` (the ASN's arrival date, else its ship date)
    repeat the ASN's, written where ASNs are stored (``orders.services``): the live overview
    matches ASNs to firm quantities from this table's index alone.
    """

    despatch_advice = models.ForeignKey(DespatchAdvice, on_delete=models.CASCADE, related_name="lines")
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="+", db_index=False)
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="+", db_index=False)
    arrives = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField()
    buyer_part = models.CharField(_("buyer part"), max_length=80, db_index=True)
    supplier_part = models.CharField(_("supplier part"), max_length=80, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=8, default="C62")
    order_number = models.CharField(max_length=80, blank=True, db_index=True)
    batch = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["despatch_advice", "position"]
        indexes = [
            models.Index(fields=["buyer_part", "despatch_advice"], name="despatch_line_part"),
            # The ASNs arriving in the overview's window, with what matches them to a firm quantity.
            models.Index(fields=["arrives"], include=["buyer_part", "supplier", "plant"], name="despatch_line_arrives"),
            trigram_index("buyer_part", "despatch_line_buyer_part_trgm"),
            trigram_index("supplier_part", "despatch_line_supp_part_trgm"),
            trigram_index("order_number", "despatch_line_order_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_part} {self.quantity} {self.unit}"


class PurchaseOrder(models.Model):
    """A purchase order from a plant to a supplier; ``document`` keeps its canonical JSON."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    interchange = models.ForeignKey("hub.Interchange", on_delete=models.PROTECT, related_name="purchase_orders", db_constraint=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="purchase_orders")
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="purchase_orders")
    number = models.CharField(_("order number"), max_length=80, db_index=True)
    issued = models.DateField(_("issued"), null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    message_ref = models.CharField(max_length=40, blank=True)
    document = models.JSONField(help_text=_("the canonical JSON of the purchase order"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        indexes = [trigram_index("number", "purchase_order_number_trgm")]

    def __str__(self) -> str:
        return f"{self.number} ({self.plant_id} -> {self.supplier_id})"


class OrderLine(models.Model):
    """One line of a purchase order."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    line = models.CharField(_("line number"), max_length=20, blank=True)
    buyer_part = models.CharField(_("buyer part"), max_length=80, db_index=True)
    supplier_part = models.CharField(_("supplier part"), max_length=80, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=8, default="C62")
    price = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    requested_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["order", "position"]
        indexes = [trigram_index("buyer_part", "order_line_buyer_part_trgm")]

    def __str__(self) -> str:
        return f"{self.buyer_part} {self.quantity} {self.unit}"


class OrderResponse(models.Model):
    """A supplier's answer to a purchase order, routed to the plant of that order."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        CHANGED = "changed", _("changed")
        REJECTED = "rejected", _("rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    interchange = models.ForeignKey("hub.Interchange", on_delete=models.PROTECT, related_name="order_responses", db_constraint=False)
    supplier = models.ForeignKey("suppliers.Supplier", on_delete=models.PROTECT, related_name="order_responses")
    plant = models.ForeignKey("hub.Plant", on_delete=models.PROTECT, related_name="order_responses")
    number = models.CharField(_("response number"), max_length=80, db_index=True)
    issued = models.DateField(_("issued"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=80, blank=True, db_index=True)
    order = models.ForeignKey(PurchaseOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACCEPTED, db_index=True)
    message_ref = models.CharField(max_length=40, blank=True)
    document = models.JSONField(help_text=_("the canonical JSON of the order response"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order response")
        verbose_name_plural = _("order responses")
        indexes = [trigram_index("number", "order_response_number_trgm"), trigram_index("order_number", "order_response_order_trgm")]

    def __str__(self) -> str:
        return f"{self.number} for {self.order_number} ({self.status})"
