"""django-filter filter sets for every list of the API: plant, supplier, part, status, changed since.

Names are the same on every list: ``plant`` (plant code), ``supplier`` (supplier number),
``part`` (buyer or supplier part number on any line), ``status``, ``changed_since`` (ISO
8601: created, or changed state, at or after). The interchange list filters its detected
format as ``message_format``: ``format`` stays clear of DRF's renderer switch. The older
spellings ``plant__code``, ``supplier__number`` and the interchanges' ``format`` still work.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule, DespatchAdvice, OrderResponse, PurchaseOrder
from suppliers.models import Supplier


class ChangedSinceFilter(django_filters.IsoDateTimeFilter):
    """Rows created or changed (any of ``fields``) at or after the given time."""

    def __init__(self, *args: Any, fields: tuple[str, ...] = ("created_at",), **kwargs: Any) -> None:
        kwargs.setdefault("label", "created or changed at or after (ISO 8601 date-time)")
        super().__init__(*args, **kwargs)
        self.fields = fields

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in (None, ""):
            return qs
        try:
            # in UTC: PostgreSQL refuses offsets beyond 15:59, which ISO 8601 allows
            value = value.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise ValidationError({self.field_name: [_("This date-time is out of range.")]}) from None
        condition = Q()
        for field in self.fields:
            condition |= Q(**{f"{field}__gte": value})
        return qs.filter(condition)


class PartFilter(django_filters.CharFilter):
    """Documents with a line for this part (buyer's or supplier's number)."""

    def __init__(self, *args: Any, lines: str = "lines", **kwargs: Any) -> None:
        kwargs.setdefault("label", "part number (buyer's or supplier's) on any line")
        super().__init__(*args, **kwargs)
        self.lines = lines

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(Q(**{f"{self.lines}__buyer_part": value}) | Q(**{f"{self.lines}__supplier_part": value})).distinct()


def _plant(field: str = "plant__code") -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=field, label="plant code, e.g. PLANT01", distinct="__" in field.split("__code")[0])


def _supplier(field: str = "supplier__number") -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=field, label="supplier number, e.g. SUP00001")


class InterchangeFilter(django_filters.FilterSet):
    message_format = django_filters.CharFilter(field_name="format", lookup_expr="iexact", label="detected format: EDIFACT, X12, VDA, XML, CSV, IDOC")
    # the first spelling, kept for clients that use it (it never switches the renderer)
    format = django_filters.CharFilter(field_name="format", lookup_expr="iexact", label="deprecated: use message_format")
    supplier = _supplier("sender_supplier__number")
    changed_since = ChangedSinceFilter(fields=("received_at", "processed_at"))

    class Meta:
        model = Interchange
        fields = ["status", "channel", "message_format", "supplier", "changed_since", "format"]


class DocumentFilter(django_filters.FilterSet):
    """What every stored document's list filters by; each list adds its own fields in ``Meta``."""

    plant = _plant()
    supplier = _supplier()
    part = PartFilter()
    changed_since = ChangedSinceFilter()

    COMMON = ["plant", "supplier", "part", "changed_since", "plant__code", "supplier__number"]


class CallOffFilter(DocumentFilter):
    changed_since = ChangedSinceFilter(fields=("created_at", "acknowledged_at"))

    class Meta:
        model = DeliverySchedule
        fields = ["status", "kind", "number", *DocumentFilter.COMMON]


class DespatchAdviceFilter(DocumentFilter):
    class Meta:
        model = DespatchAdvice
        fields = ["number", "arrival_date", *DocumentFilter.COMMON]


class PurchaseOrderFilter(DocumentFilter):
    class Meta:
        model = PurchaseOrder
        fields = ["number", *DocumentFilter.COMMON]


class OrderResponseFilter(DocumentFilter):
    part = PartFilter(lines="order__lines")

    class Meta:
        model = OrderResponse
        fields = ["number", "order_number", "status", *DocumentFilter.COMMON]


class DeliveryFilter(django_filters.FilterSet):
    plant = _plant()
    supplier = _supplier()
    changed_since = ChangedSinceFilter(fields=("created_at", "delivered_at", "acknowledged_at"))

    class Meta:
        model = Delivery
        fields = ["status", "document_type", "recipient", "plant", "supplier", "changed_since", "plant__code"]


class PlantFilter(django_filters.FilterSet):
    class Meta:
        model = Plant
        fields = ["code", "paused"]


class SupplierFilter(django_filters.FilterSet):
    plant = _plant("plants__code")
    changed_since = ChangedSinceFilter(fields=("created_at", "status_changed_at"))

    class Meta:
        model = Supplier
        fields = ["number", "status", "country", "plant", "changed_since"]
