"""API writes of supplier documents: despatch advices and order responses as canonical JSON.

The serializers here check the JSON's shape (types, lengths); ``orders.submit`` checks the
business (the part, the plant, the quantity, the dates, the numbers) and receives the
document as an interchange, exactly as the portal form does. Answers: 202 with the
interchange (its link to poll), or 400 with the errors per field in DRF's nested shape.
Labels of a stored despatch advice are served as PDF or ZPL.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from hub.api import views
from hub.models import Interchange
from orders import submit
from orders.labels import label_response
from orders.models import DespatchAdvice

# -- the shape of canonical JSON (docs/formats/canonical.md) --------------------------------------


class PartyIdIn(serializers.Serializer):
    scheme = serializers.CharField(required=False, allow_blank=True, max_length=10)
    id = serializers.CharField(required=False, allow_blank=True, max_length=35)


class PartyIn(serializers.Serializer):
    id = serializers.CharField(required=False, allow_blank=True, max_length=35)
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    plant = serializers.CharField(required=False, allow_blank=True, max_length=35)
    unloading_point = serializers.CharField(required=False, allow_blank=True, max_length=35)


class PackageIn(serializers.Serializer):
    type = serializers.CharField(required=False, allow_blank=True, max_length=35)
    count = serializers.IntegerField(min_value=1, max_value=999)
    label_ids = serializers.ListField(child=serializers.CharField(max_length=35), required=False, max_length=999)


class DespatchLineIn(serializers.Serializer):
    buyer_part = serializers.CharField(max_length=35)
    supplier_part = serializers.CharField(required=False, allow_blank=True, max_length=35)
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3, coerce_to_string=True)
    unit = serializers.CharField(required=False, max_length=8, default="C62")
    order_number = serializers.CharField(required=False, allow_blank=True, max_length=35)
    batch = serializers.CharField(required=False, allow_blank=True, max_length=35)


class DocumentIn(serializers.Serializer):
    type = serializers.CharField(required=False, max_length=40)
    number = serializers.CharField(max_length=35)
    issued = serializers.DateField(required=False, allow_null=True)
    sender = PartyIdIn(required=False)
    receiver = PartyIdIn(required=False)
    buyer = PartyIn(required=False)
    supplier = PartyIn(required=False)
    ship_to = PartyIn(required=False)


class DespatchAdviceIn(DocumentIn):
    ship_date = serializers.DateField()
    arrival_date = serializers.DateField(required=False, allow_null=True)
    carrier = serializers.CharField(required=False, allow_blank=True, max_length=80)
    transport_id = serializers.CharField(required=False, allow_blank=True, max_length=35)
    gross_weight = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True, coerce_to_string=True)
    packages = PackageIn(many=True, required=False, max_length=99)
    lines = DespatchLineIn(many=True, allow_empty=False, max_length=999)


class ResponseLineIn(serializers.Serializer):
    line = serializers.CharField(required=False, allow_blank=True, max_length=20)
    buyer_part = serializers.CharField(required=False, allow_blank=True, max_length=35)
    supplier_part = serializers.CharField(required=False, allow_blank=True, max_length=35)
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3, required=False, allow_null=True, coerce_to_string=True)
    unit = serializers.CharField(required=False, max_length=8, default="C62")
    status = serializers.ChoiceField(choices=submit.RESPONSE_STATUSES, default="accepted")
    date = serializers.DateField(required=False, allow_null=True)


class OrderResponseIn(DocumentIn):
    order_number = serializers.CharField(max_length=35)
    status = serializers.ChoiceField(choices=submit.RESPONSE_STATUSES, default="accepted")
    lines = ResponseLineIn(many=True, required=False, max_length=999)


class SubmittedSerializer(serializers.ModelSerializer):
    """The interchange the document became; poll ``url`` for its status and stored documents."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = Interchange
        fields = ["id", "status", "received_at", "sha256", "duplicate_of", "url"]

    def get_url(self, obj: Interchange) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/interchanges/{obj.pk}/")


# -- views ----------------------------------------------------------------------------------------

ASN_EXAMPLE = {
    "number": "DN-4711",
    "ship_to": {"plant": "PLANT01", "unloading_point": "G12"},
    "ship_date": "2026-12-03",
    "arrival_date": "2026-12-04",
    "carrier": "Spedition Muster",
    "transport_id": "KA-XY-123",
    "gross_weight": "412.5",
    "packages": [{"type": "KLT 6280", "count": 4, "label_ids": ["100000001", "100000002", "100000003", "100000004"]}],
    "lines": [
        {
            "buyer_part": "4711-A",
            "supplier_part": "S-4711",
            "quantity": "480",
            "unit": "C62",
            "order_number": "CO-2026-11",
            "batch": "B2611",
        }
    ],
}
RESPONSE_EXAMPLE = {
    "number": "RSP-9001",
    "order_number": "PO-4500012345",
    "status": "changed",
    "lines": [{"line": "1", "buyer_part": "4711-A", "quantity": "400", "status": "changed", "date": "2026-12-10"}],
}
ERRORS_EXAMPLE = {
    "type": "https://hub.example.com/problems/validation",
    "title": "The request is not valid",
    "status": 400,
    "detail": "number: Delivery note DN-4711 was already sent; use a new number.",
    "code": "invalid",
    "errors": {
        "number": ["Delivery note DN-4711 was already sent; use a new number."],
        "lines": [{"quantity": ["2000 is far above the 480 the open call-off asks for part 4711-A."]}],
    },
}


def nested(errors: dict[str, list[str]]) -> dict[str, Any]:
    """Turn ``orders.submit`` field paths (``lines.0.quantity``) into DRF's nested error shape."""
    out: dict[str, Any] = {}
    for path, messages in errors.items():
        keys = path.split(".")
        node: Any = out
        for here, after in zip(keys, keys[1:], strict=False):
            default: Any = [] if after.isdigit() else {}
            if isinstance(node, list):
                index = int(here)
                node.extend({} for _ in range(index + 1 - len(node)))
                if not node[index]:
                    node[index] = default
                node = node[index]
            else:
                node = node.setdefault(here, default)
        if isinstance(node, list):
            index = int(keys[-1])
            node.extend({} for _ in range(index + 1 - len(node)))
            node[index] = messages
        else:
            node.setdefault(keys[-1], []).extend(messages)
    return out


def _submit(request: Request, shape: type[serializers.Serializer], kind: str, service: Any) -> Response:
    incoming = shape(data=request.data)
    incoming.is_valid(raise_exception=True)
    try:
        document = submit.document_from_json(_json(incoming.validated_data), kind=kind)
        interchange = service(user=request.user, document=document, channel=Interchange.Channel.API)
    except submit.Invalid as exc:
        raise ValidationError(nested(exc.errors)) from None
    body = SubmittedSerializer(interchange, context={"request": request}).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


def _json(value: Any) -> Any:
    """Validated data back to canonical JSON values (dates as ISO text)."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


_ANSWERS = {
    202: SubmittedSerializer,
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="problem details; the errors per field in `errors`", examples=[OpenApiExample("field errors", value=ERRORS_EXAMPLE)]
    ),
    403: OpenApiResponse(description="the account may not send documents (headquarters is read-only)"),
}


def _post_schema(shape: type[serializers.Serializer], example: dict[str, Any], description: str) -> Any:
    """The OpenAPI of a document POST: its JSON shape with an example, 202 / 400 / 403."""
    return extend_schema(
        request=shape, responses=_ANSWERS, examples=[OpenApiExample("example", value=example, request_only=True)], description=description
    )


@extend_schema_view(get=extend_schema(description="Despatch advices (ASNs) the caller may see, newest first."))
class DespatchAdviceListCreate(views.DespatchAdviceList):
    """List despatch advices, or send one as canonical JSON (checked like the portal form, then received as a file)."""

    @_post_schema(
        DespatchAdviceIn,
        ASN_EXAMPLE,
        "Send a despatch advice (ASN) as canonical JSON. The supplier is the caller's own "
        "(an admin or a plant's buyer names it in `supplier.id`); the plant is `ship_to.plant`. "
        "It is checked on the spot (known part, quantity against the open call-off, dates, an unused "
        "delivery-note number), then stored as an interchange and dispatched to the plant like an EDI ASN: "
        "poll the answer's `url`.",
    )
    def post(self, request: Request) -> Response:
        return _submit(request, DespatchAdviceIn, "despatch_advice", submit.despatch_advice_submit)


@extend_schema_view(get=extend_schema(description="Order responses the caller may see, newest first."))
class OrderResponseListCreate(views.OrderResponseList):
    """List order responses, or answer a purchase order with one (canonical JSON)."""

    @_post_schema(
        OrderResponseIn,
        RESPONSE_EXAMPLE,
        "Answer a purchase order of the caller's supplier (`order_number`) with an order "
        "response: accepted, changed or rejected, per line too. It goes to the plant that placed the order.",
    )
    def post(self, request: Request) -> Response:
        return _submit(request, OrderResponseIn, "order_response", submit.order_response_submit)


class DespatchAdviceLabelsPdf(views.ScopedMixin, generics.GenericAPIView):
    """The transport labels of a despatch advice (VDA 4902 / Odette GTL) as PDF, one A5 page per package."""

    base_queryset = DespatchAdvice.objects.select_related("supplier", "plant")
    printer = "pdf"

    @extend_schema(operation_id="v1_despatch_advices_labels_pdf", responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: Any) -> HttpResponse:
        return label_response(self.get_object(), self.printer)


@extend_schema_view(get=extend_schema(operation_id="v1_despatch_advices_labels_zpl", responses={(200, "text/plain"): OpenApiTypes.STR}))
class DespatchAdviceLabelsZpl(DespatchAdviceLabelsPdf):
    """The same labels as ZPL II for a 203 dpi thermal printer, one ^XA...^XZ per package."""

    printer = "zpl"
