"""API representations of the hub's objects (read-only; writes go through services)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule
from suppliers.models import Supplier


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
    duplicate_of = serializers.PrimaryKeyRelatedField(read_only=True)

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
        ]

    def get_documents(self, obj: Interchange) -> list[dict[str, Any]]:
        """The call-offs stored from this interchange that the caller may see."""
        from hub.scope import scoped

        request = self.context.get("request")
        qs = scoped(obj.call_offs.all(), request.user) if request else obj.call_offs.none()
        return [
            {"type": "delivery_schedule", "id": str(s.pk), "number": s.number, "url": reverse("api:call-off-detail", args=[s.pk])}
            for s in qs.only("pk", "number")
        ]

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
            "plant",
            "supplier",
            "status",
            "attempts",
            "created_at",
            "delivered_at",
            "acknowledged_at",
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
