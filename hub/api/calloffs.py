"""REST API for call-off versions, changes and acknowledgement, on the same services as the portal."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from hub.api.serializers import CallOffListSerializer
from hub.api.views import ScopedMixin
from hub.permissions import check
from orders.calloff_acknowledge import NotCurrent, call_off_acknowledge
from orders.calloffs import call_off_changes, call_off_previous, call_off_versions
from orders.models import DeliverySchedule


class ChangeSerializer(serializers.Serializer):
    """One difference for one part and date (or period ``date``..``date_to``)."""

    part = serializers.CharField()
    date = serializers.DateField()
    date_to = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=["up", "down", "new", "dropped"])
    previous = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    current = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    commitment = serializers.CharField()


class ChangesSerializer(serializers.Serializer):
    """The differences from one call-off (``from``) to another (``to``)."""

    to = serializers.UUIDField()
    changes = ChangeSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = serializers.UUIDField(allow_null=True)  # ``from`` is a Python keyword
        return fields


class AcknowledgedSerializer(serializers.Serializer):
    """The acknowledged call-off and the delivery carrying its acknowledgement to the plant."""

    id = serializers.UUIDField()
    number = serializers.CharField()
    acknowledged_at = serializers.DateTimeField()
    delivery = serializers.IntegerField(allow_null=True)
    sent_now = serializers.BooleanField(help_text="false when the call-off had been acknowledged before (nothing sent again)")


class CallOffVersions(ScopedMixin, generics.ListAPIView):
    """Every call-off of the same supplier and plant covering any of this call-off's parts (itself included), newest first."""

    base_queryset = DeliverySchedule.objects.select_related("supplier", "plant").defer("document")
    serializer_class = CallOffListSerializer
    filterset_fields: list[str] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no call-off at hand
            return DeliverySchedule.objects.none()
        schedule = self._schedule()
        return super().get_queryset().filter(pk__in=call_off_versions(schedule=schedule).values("pk"))

    def _schedule(self) -> DeliverySchedule:
        try:
            return ScopedMixin.get_queryset(self).get(pk=self.kwargs["pk"])
        except DeliverySchedule.DoesNotExist:
            raise NotFound(_("Not found")) from None


class CallOffChanges(ScopedMixin, generics.GenericAPIView):
    """The differences per part and date between this call-off and an earlier one (default: the previous version)."""

    base_queryset = DeliverySchedule.objects.select_related("supplier", "plant").defer("document")
    serializer_class = ChangesSerializer
    filterset_fields: list[str] = []
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("from", OpenApiTypes.UUID, description="the call-off to compare with; default: the previous version")],
        responses={200: ChangesSerializer, 404: OpenApiResponse(description="unknown call-off, or `from` outside the caller's scope")},
        examples=[
            OpenApiExample(
                "a quantity went up",
                response_only=True,
                value={"from": "0c3c9f0e-5c1e-4a4e-9a53-0d7f1d6c1a01", "to": "6f1b3b7e-2f0a-4b8e-8a7e-58b1d2c3e402",
                       "changes": [{"part": "4711-A", "date": "2026-11-30", "date_to": None, "kind": "up", "previous": "100.000", "current": "150.000", "commitment": "firm"}]},
            )
        ],
    )
    def get(self, request: Request, pk: Any) -> Response:
        schedule = self.get_object()
        wanted = request.query_params.get("from", "")
        if wanted:
            try:
                previous = self.get_queryset().get(pk=uuid.UUID(wanted))
            except (DeliverySchedule.DoesNotExist, ValueError):
                raise NotFound(_("Call-off %(id)s (from) not found.") % {"id": wanted}) from None
        else:
            previous = call_off_previous(schedule=schedule)
        changes = call_off_changes(current=schedule, previous=previous) if previous is not None else []
        body = {"from": previous.pk if previous else None, "to": schedule.pk, "changes": [c.__dict__ for c in changes]}
        return Response(ChangesSerializer(body).data)


class CallOffAcknowledge(ScopedMixin, generics.GenericAPIView):
    """Acknowledge the call-off to its plant (an outbox delivery); idempotent: a second call sends nothing."""

    base_queryset = DeliverySchedule.objects.select_related("supplier", "plant", "interchange").defer("document")
    serializer_class = AcknowledgedSerializer
    filterset_fields: list[str] = []

    @extend_schema(
        request=None,
        responses={
            200: AcknowledgedSerializer,
            403: OpenApiResponse(description="the caller may see the call-off but not acknowledge it (plant staff, headquarters)"),
            404: OpenApiResponse(description="not the caller's call-off"),
            409: OpenApiResponse(description="the call-off was superseded"),
        },
    )
    def post(self, request: Request, pk: Any) -> Response:
        schedule = self.get_object()
        check(request.user, "calloff.acknowledge", schedule)
        try:
            result = call_off_acknowledge(schedule=schedule)
        except NotCurrent as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        body = {
            "id": result.schedule.pk,
            "number": result.schedule.number,
            "acknowledged_at": result.schedule.acknowledged_at,
            "delivery": result.delivery.pk if result.delivery else None,
            "sent_now": result.created,
        }
        return Response(AcknowledgedSerializer(body).data)
