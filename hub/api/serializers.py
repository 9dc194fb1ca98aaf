"""API representations of the hub's objects (read-only; writes go through services)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule, DespatchAdvice, OrderResponse, PurchaseOrder
from suppliers.models import ApiToken, Supplier


class PlantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plant
        fields = ["id", "code", "name", "timezone", "paused"]


class SupplierSerializer(serializers.ModelSerializer):
    plants = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")

    class Meta:
        model = Supplier
        fields = ["id", "number", "name", "duns", "vat_id", "country", "city", "status", "plants"]


class InterchangeSerializer(serializers.ModelSerializer):
    documents = serializers.SerializerMethodField()
    raw_url = serializers.SerializerMethodField()
    ack_url = serializers.SerializerMethodField()
    duplicate_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Interchange
        fields = [
            "id",
            "status",
            "received_at",
            "processed_at",
            "channel",
            "filename",
            "size",
            "sha256",
            "format",
            "version",
            "message_types",
            "sender_id",
            "receiver_id",
            "control_ref",
            "document_count",
            "documents",
            "errors",
            "warnings",
            "duplicate_of",
            "raw_url",
            "ack_url",
        ]

    def get_documents(self, obj: Interchange) -> list[dict[str, Any]]:
        """The documents stored from this interchange that the caller may see."""
        from orders.selectors import documents_of_interchange

        request = self.context.get("request")
        if request is None:
            return []
        return documents_of_interchange(interchange=obj, user=request.user)

    def get_ack_url(self, obj: Interchange) -> str | None:
        """Where the hub's acknowledgement (CONTRL, 997) of this file can be downloaded, if it has one."""
        if not hasattr(obj, "acknowledgement"):
            return None
        return reverse("api:interchange-ack", args=[obj.pk])

    def get_raw_url(self, obj: Interchange) -> str:
        """Where the raw bytes can be downloaded."""
        return reverse("api:interchange-raw", args=[obj.pk])


class InterchangeCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interchange
        fields = ["id", "status", "received_at", "size", "sha256", "duplicate_of"]


class CallOffListSerializer(serializers.ModelSerializer):
    supplier = serializers.SlugRelatedField(read_only=True, slug_field="number")
    plant = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = DeliverySchedule
        fields = ["id", "number", "kind", "issued", "status", "supplier", "plant", "created_at", "acknowledged_at", "interchange"]


class CallOffSerializer(CallOffListSerializer):
    document = serializers.JSONField(read_only=True)

    class Meta(CallOffListSerializer.Meta):
        fields = [*CallOffListSerializer.Meta.fields, "previous_number", "document"]


class DespatchAdviceListSerializer(serializers.ModelSerializer):
    supplier = serializers.SlugRelatedField(read_only=True, slug_field="number")
    plant = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = DespatchAdvice
        fields = ["id", "number", "issued", "ship_date", "arrival_date", "supplier", "plant", "created_at", "interchange"]


class DespatchAdviceSerializer(DespatchAdviceListSerializer):
    document = serializers.JSONField(read_only=True)

    class Meta(DespatchAdviceListSerializer.Meta):
        fields = [*DespatchAdviceListSerializer.Meta.fields, "document"]


class PurchaseOrderListSerializer(serializers.ModelSerializer):
    supplier = serializers.SlugRelatedField(read_only=True, slug_field="number")
    plant = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "issued", "currency", "supplier", "plant", "created_at", "interchange"]


class PurchaseOrderSerializer(PurchaseOrderListSerializer):
    document = serializers.JSONField(read_only=True)

    class Meta(PurchaseOrderListSerializer.Meta):
        fields = [*PurchaseOrderListSerializer.Meta.fields, "document"]


class OrderResponseListSerializer(serializers.ModelSerializer):
    supplier = serializers.SlugRelatedField(read_only=True, slug_field="number")
    plant = serializers.SlugRelatedField(read_only=True, slug_field="code")
    order = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = OrderResponse
        fields = ["id", "number", "issued", "order_number", "order", "status", "supplier", "plant", "created_at", "interchange"]


class OrderResponseSerializer(OrderResponseListSerializer):
    document = serializers.JSONField(read_only=True)

    class Meta(OrderResponseListSerializer.Meta):
        fields = [*OrderResponseListSerializer.Meta.fields, "document"]


class DeliverySerializer(serializers.ModelSerializer):
    plant = serializers.SlugRelatedField(read_only=True, slug_field="code")
    supplier = serializers.SlugRelatedField(read_only=True, slug_field="number")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "idempotency_key",
            "document_type",
            "document_id",
            "document_number",
            "recipient",
            "connector",
            "plant",
            "supplier",
            "status",
            "attempts",
            "created_at",
            "delivered_at",
            "acknowledged_at",
            "acknowledgement_status",
            "next_attempt_at",
            "last_error",
        ]


class FormatSerializer(serializers.Serializer):
    name = serializers.CharField()
    family = serializers.CharField()
    versions = serializers.ListField(child=serializers.CharField())
    message_types = serializers.ListField(child=serializers.CharField())
    directions = serializers.ListField(child=serializers.CharField())
    documents = serializers.ListField(child=serializers.CharField())


class FormatPageSerializer(serializers.Serializer):
    """The format list in the list shape every list has (``next`` and ``previous`` always null)."""

    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = FormatSerializer(many=True)


class TranslationSerializer(serializers.Serializer):
    """``POST /api/v1/translate`` with ``to=json``: what the file became, nothing stored."""

    format = serializers.CharField(help_text="the detected (or given) format family")
    version = serializers.CharField(allow_blank=True)
    documents = serializers.ListField(child=serializers.JSONField(), help_text="canonical JSON, as manage.py translate prints it")
    warnings = serializers.ListField(child=serializers.CharField())


class ApiTokenSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="active, expired or revoked")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scope", "state", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, default="api")
    scope = serializers.ChoiceField(choices=ApiToken.Scope.choices, default=ApiToken.Scope.READ)
    days = serializers.IntegerField(min_value=1, max_value=3650, required=False, allow_null=True, help_text="expire after N days; empty: never")


class ApiTokenIssuedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="the token itself: shown this once, stored only as a hash")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class OverviewPlantSerializer(serializers.Serializer):
    """One plant's figures on the live overview (for the OpenAPI schema)."""

    code = serializers.CharField()
    call_offs_current = serializers.IntegerField()
    call_offs_unacknowledged = serializers.IntegerField()
    despatch_advices_late = serializers.IntegerField()
    interchanges_failed_24h = serializers.IntegerField()
    deliveries_pending = serializers.IntegerField()
    deliveries_dead = serializers.IntegerField()
    suppliers_live = serializers.IntegerField()


class OverviewSerializer(serializers.Serializer):
    """The live overview: when it was taken, and one object per plant the caller may see."""

    generated_at = serializers.DateTimeField()
    plants = OverviewPlantSerializer(many=True)
