"""Filters of the portal's call-off list: plant, part, issue-date range, part-number search, status."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hub.models import Plant
from hub.scope import scoped
from orders.models import DeliverySchedule, ScheduleLine

STATUS_CHOICES = (("current", _("current")), ("superseded", _("superseded")), ("all", _("all")))
DATE = forms.DateInput(attrs={"type": "date"})


def _lines(**lookup: Any) -> Exists:
    # Exists rather than a join: a call-off with 5,000 parts stays one row.
    return Exists(ScheduleLine.objects.filter(schedule=OuterRef("pk"), **lookup))


class CallOffFilter(django_filters.FilterSet):
    """The list's filters; plants offered are those the user may see."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None)
    plant = django_filters.ModelChoiceFilter(label=_("Plant"), queryset=Plant.objects.none(), empty_label=_("all plants"))
    part = django_filters.CharFilter(label=_("Part"), method="filter_part")
    q = django_filters.CharFilter(label=_("Search part number"), method="filter_search")
    issued_from = django_filters.DateFilter(label=_("Issued from"), field_name="issued", lookup_expr="gte", widget=DATE)
    issued_to = django_filters.DateFilter(label=_("Issued until"), field_name="issued", lookup_expr="lte", widget=DATE)

    class Meta:
        model = DeliverySchedule
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, user: Any = None, **kwargs: Any) -> None:
        data = data.copy() if data is not None else {}
        data.setdefault("status", "current")
        super().__init__(data, *args, **kwargs)
        # The plants of the call-offs the user may see (a supplier sees no plant master data otherwise).
        mine = scoped(DeliverySchedule.objects.filter(plant=OuterRef("pk")), user)
        self.filters["plant"].queryset = Plant.objects.filter(Exists(mine)).order_by("code")
        self.filters["plant"].field.label_from_instance = lambda plant: f"{plant.code} {plant.name}"

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs if value == "all" else qs.filter(status=value)

    def filter_part(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(_lines(buyer_part=value) | _lines(supplier_part=value)) if value else qs

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Exists(ScheduleLine.objects.filter(Q(buyer_part__icontains=value) | Q(supplier_part__icontains=value), schedule=OuterRef("pk"))))
