"""REST API v1: interchanges in; call-offs, despatch advices, orders, responses and deliveries out; every read scoped."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api import filters, pagination, serializers
from hub.api.errors import format_problem, problem
from hub.api.uploads import upload_spool
from hub.dispatch.services import delivery_acknowledge
from hub.formats import registry
from hub.formats.translation import translate_file
from hub.ingest.authority import may_acknowledge
from hub.ingest.receive import EmptyUpload, TooLarge, interchange_receive
from hub.models import Delivery, Interchange, Plant
from hub.overview import overview_api
from hub.parties import party_of_user
from hub.permissions import check
from hub.scope import role_of, scoped
from orders.models import DeliverySchedule, DespatchAdvice, OrderResponse, PurchaseOrder
from suppliers.models import Supplier
from suppliers.selectors import tokens_of
from suppliers.services import token_create, token_revoke


class ScopedMixin:
    """Every queryset goes through ``hub.scope.scoped``; objects outside it answer 404."""

    base_queryset: Any = None

    def get_queryset(self) -> Any:
        return scoped(self.base_queryset.all(), self.request.user)


class InterchangeListCreate(ScopedMixin, generics.ListAPIView):
    """List the caller's interchanges, or upload a file (raw body, or multipart field ``file``)."""

    base_queryset = Interchange.objects.select_related("duplicate_of")
    serializer_class = serializers.InterchangeSerializer
    pagination_class = pagination.ReceivedCursorPagination
    filterset_class = filters.InterchangeFilter

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY, "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
        responses={201: serializers.InterchangeCreatedSerializer, 400: OpenApiResponse(description="empty upload"), 413: OpenApiResponse(description="too large")},
        description="Upload an EDI/XML/CSV file. The format is detected from the bytes, whatever the Content-Type. "
        "A file sent twice gets status `duplicate` (never 409).",
    )
    def post(self, request: Request) -> Response:
        check(request.user, "interchange.upload")
        content_type = request.META.get("CONTENT_TYPE", "")
        filename = ""
        if content_type.startswith("multipart/form-data"):
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError({"file": _("A multipart upload needs the file in the field 'file'.")})
            stream: Any = upload
            filename = upload.name or ""
        else:
            stream = request._request  # the raw body, read in chunks (no size-limited request.body)
            filename = request.headers.get("X-Filename", "")
        try:
            interchange = interchange_receive(stream=stream, channel=Interchange.Channel.API, party=party_of_user(request.user), filename=filename, content_type=content_type)
        except TooLarge as exc:
            return problem(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, str(exc), code="too_large")
        except EmptyUpload as exc:
            return problem(status.HTTP_400_BAD_REQUEST, str(exc), code="empty")
        body = serializers.InterchangeCreatedSerializer(interchange).data
        headers = {"Location": request.build_absolute_uri(f"/api/v1/interchanges/{interchange.pk}/")}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


class InterchangeDetail(ScopedMixin, generics.RetrieveAPIView):
    """One interchange: its status, documents and positioned errors."""

    base_queryset = Interchange.objects.all()
    serializer_class = serializers.InterchangeSerializer


class InterchangeRaw(ScopedMixin, generics.GenericAPIView):
    """The raw bytes exactly as received; a buyer gets them only when the whole file concerns its plants."""

    base_queryset = Interchange.objects.all()

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: Any) -> FileResponse:
        interchange = self.get_object()
        check(request.user, "interchange.file", interchange)
        name = interchange.filename or f"{interchange.pk}.edi"
        return FileResponse(interchange.raw.open("rb"), as_attachment=True, filename=name, content_type="application/octet-stream")


class InterchangeAck(ScopedMixin, generics.GenericAPIView):
    """The hub's acknowledgement of the file (EDIFACT CONTRL, X12 997), as sent to its sender."""

    base_queryset = Interchange.objects.select_related("acknowledgement")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: OpenApiResponse(description="no acknowledgement")})
    def get(self, request: Request, pk: Any) -> FileResponse:
        interchange = self.get_object()
        check(request.user, "interchange.file", interchange)
        ack = getattr(interchange, "acknowledgement", None)
        if ack is None:
            raise NotFound(_("This file has no acknowledgement."))
        name = f"{ack.kind}-{interchange.control_ref or interchange.pk}.{ack.extension}"
        return FileResponse(ack.file.open("rb"), as_attachment=True, filename=name, content_type="application/octet-stream")


class CallOffList(ScopedMixin, generics.ListAPIView):
    """Delivery schedules (call-offs) the caller may see, newest first."""

    base_queryset = DeliverySchedule.objects.select_related("supplier", "plant")
    serializer_class = serializers.CallOffListSerializer
    filterset_class = filters.CallOffFilter


class CallOffDetail(ScopedMixin, generics.RetrieveAPIView):
    """One call-off with its canonical document."""

    base_queryset = DeliverySchedule.objects.select_related("supplier", "plant")
    serializer_class = serializers.CallOffSerializer


class DespatchAdviceList(ScopedMixin, generics.ListAPIView):
    """Despatch advices (ASNs) the caller may see, newest first."""

    base_queryset = DespatchAdvice.objects.select_related("supplier", "plant")
    serializer_class = serializers.DespatchAdviceListSerializer
    filterset_class = filters.DespatchAdviceFilter


class DespatchAdviceDetail(ScopedMixin, generics.RetrieveAPIView):
    """One despatch advice with its canonical document."""

    base_queryset = DespatchAdvice.objects.select_related("supplier", "plant")
    serializer_class = serializers.DespatchAdviceSerializer


class PurchaseOrderList(ScopedMixin, generics.ListAPIView):
    """Purchase orders the caller may see, newest first."""

    base_queryset = PurchaseOrder.objects.select_related("supplier", "plant")
    serializer_class = serializers.PurchaseOrderListSerializer
    filterset_class = filters.PurchaseOrderFilter


class PurchaseOrderDetail(ScopedMixin, generics.RetrieveAPIView):
    """One purchase order with its canonical document."""

    base_queryset = PurchaseOrder.objects.select_related("supplier", "plant")
    serializer_class = serializers.PurchaseOrderSerializer


class OrderResponseList(ScopedMixin, generics.ListAPIView):
    """Order responses the caller may see, newest first."""

    base_queryset = OrderResponse.objects.select_related("supplier", "plant")
    serializer_class = serializers.OrderResponseListSerializer
    filterset_class = filters.OrderResponseFilter


class OrderResponseDetail(ScopedMixin, generics.RetrieveAPIView):
    """One order response with its canonical document."""

    base_queryset = OrderResponse.objects.select_related("supplier", "plant")
    serializer_class = serializers.OrderResponseSerializer


class DeliveryList(ScopedMixin, generics.ListAPIView):
    """Outbound deliveries and where each stands."""

    base_queryset = Delivery.objects.select_related("plant", "supplier")
    serializer_class = serializers.DeliverySerializer
    filterset_class = filters.DeliveryFilter


class DeliveryDetail(ScopedMixin, generics.RetrieveAPIView):
    """One delivery."""

    base_queryset = Delivery.objects.select_related("plant", "supplier")
    serializer_class = serializers.DeliverySerializer


class DeliveryReceipt(ScopedMixin, generics.GenericAPIView):
    """The recipient confirms it has the document (an asynchronous receipt); idempotent."""

    base_queryset = Delivery.objects.select_related("plant", "supplier")
    serializer_class = serializers.DeliverySerializer

    @extend_schema(
        request=None,
        responses={
            200: serializers.DeliverySerializer,
            403: OpenApiResponse(description="the caller is not the party the delivery went to"),
            409: OpenApiResponse(description="not acknowledgeable"),
        },
    )
    def post(self, request: Request, pk: Any) -> Response:
        delivery = self.get_object()
        check(request.user, "delivery.receipt", delivery)
        why = may_acknowledge(party_of_user(request.user), recipient=delivery.recipient, supplier_id=delivery.supplier_id, plant_code=delivery.plant.code if delivery.plant_id else "")
        if why:  # visible (e.g. the plant copy of a supplier's own ASN), but not its receipt to confirm
            raise PermissionDenied(why)
        try:
            delivery = delivery_acknowledge(delivery=delivery)
        except ValueError as exc:
            return problem(status.HTTP_409_CONFLICT, str(exc), code="conflict")
        return Response(serializers.DeliverySerializer(delivery).data)


class PlantList(ScopedMixin, generics.ListAPIView):
    """The plants the caller works with."""

    base_queryset = Plant.objects.all()
    serializer_class = serializers.PlantSerializer
    pagination_class = pagination.CodeCursorPagination
    filterset_class = filters.PlantFilter


class SupplierList(ScopedMixin, generics.ListAPIView):
    """Suppliers the caller may see (a supplier sees itself)."""

    base_queryset = Supplier.objects.prefetch_related("plants")
    serializer_class = serializers.SupplierSerializer
    pagination_class = pagination.NumberCursorPagination
    filterset_class = filters.SupplierFilter


class FormatList(APIView):
    """The formats, versions and message types the hub reads and writes."""

    @extend_schema(responses=serializers.FormatPageSerializer)
    def get(self, request: Request) -> Response:
        data = [info.__dict__ for info in registry.formats()]
        return Response({"next": None, "previous": None, "results": serializers.FormatSerializer(data, many=True).data})


class Translate(APIView):
    """Translate a file to canonical JSON or another format; nothing is stored (the conformance check as a service)."""

    token_scope_needed = "read"  # stores nothing: a read-only token may check its files

    @extend_schema(
        operation_id="translate",
        parameters=[
            OpenApiParameter("to", OpenApiTypes.STR, description="json (default) or a format name from /api/v1/formats/ (e.g. edifact, x12, vda, ubl)"),
            OpenApiParameter("from", OpenApiTypes.STR, description="the file's format (default: detected from the bytes)"),
        ],
        request={"application/octet-stream": OpenApiTypes.BINARY, "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
        responses={
            (200, "application/json"): serializers.TranslationSerializer,
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            413: OpenApiResponse(description="too large"),
            422: OpenApiResponse(description="the file has format errors: every error with its position, the first one's at the top level"),
        },
        description="The file goes in as the raw body (or multipart field `file`), exactly as it would be sent. "
        "`to=json` answers the canonical documents; any other `to` answers the file rendered in that format. "
        "A file with errors answers 422 with each error's position (segment, element, component, message).",
    )
    def post(self, request: Request) -> Response | HttpResponse:
        check(request.user, "interchange.translate")
        target = (request.query_params.get("to") or "json").lower()
        source = request.query_params.get("from") or None
        for name, value in (("to", target if target != "json" else ""), ("from", source or "")):
            if value and value.lower() not in registry.CODECS:
                raise ValidationError({name: [_("Unknown format '%(name)s'; known: %(known)s.") % {"name": value, "known": "json, " + ", ".join(sorted(registry.CODECS))}]})
        with upload_spool(request) as spool:
            result = translate_file(spool, source=source, target=target)
        if result.errors:
            errors = [e.as_dict() for e in result.errors]
            more = len(errors) - 1
            detail = str(result.errors[0]) + (_(" (and %(n)d more errors)") % {"n": more} if more else "")
            return format_problem(errors, detail=detail)
        if result.rendered is not None:
            return HttpResponse(result.rendered, content_type="application/octet-stream")
        body = {"format": result.format, "version": result.version, "documents": result.documents, "warnings": result.warnings}
        return Response(body)


class TokenListCreate(generics.ListAPIView):
    """The caller's own API tokens; a token of scope ``admin`` may issue new ones (shown once)."""

    serializer_class = serializers.ApiTokenSerializer
    filterset_class = None

    def get_queryset(self) -> Any:
        return tokens_of(user=self.request.user)

    @property
    def token_scope_needed(self) -> str:
        """Listing needs ``read``; issuing a token needs a token of scope ``admin``."""
        return "admin" if self.request.method == "POST" else "read"

    @extend_schema(request=serializers.ApiTokenCreateSerializer, responses={201: serializers.ApiTokenIssuedSerializer})
    def post(self, request: Request) -> Response:
        check(request.user, "apitoken.issue")
        form = serializers.ApiTokenCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        row, token = token_create(user=request.user, **form.validated_data)
        body = serializers.ApiTokenIssuedSerializer(row).data | {"token": token}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenRevoke(generics.GenericAPIView):
    """Revoke one of the caller's own tokens (also the one in use); another's answers 404."""

    serializer_class = serializers.ApiTokenSerializer
    token_scope_needed = "admin"

    def get_queryset(self) -> Any:
        return tokens_of(user=self.request.user)

    @extend_schema(request=None, responses={200: serializers.ApiTokenSerializer})
    def post(self, request: Request, pk: Any) -> Response:
        token = self.get_object()
        check(request.user, "apitoken.revoke")
        return Response(serializers.ApiTokenSerializer(token_revoke(token=token)).data)


class Overview(APIView):
    """The live overview's figures, one object per plant the caller may see (buyers: theirs; hq and admin: all)."""

    @extend_schema(
        responses={200: serializers.OverviewSerializer, 404: OpenApiResponse(description="supplier accounts")},
        description="Counts per plant, as on /staff/overview/. Supplier accounts get 404.",
    )
    def get(self, request: Request) -> Response:
        if role_of(request.user) not in ("buyer", "hq", "admin"):
            raise NotFound()
        return Response(overview_api(user=request.user))
