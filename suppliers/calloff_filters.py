"""Filters of the portal's call-off list: plant, part, issue-date range, part-number search, status."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hub.models import Plant
from hub.scope import role_of, scoped
from orders.models import DeliverySchedule, ScheduleLine
from suppliers.models import Supplier

STATUS_CHOICES = (("current", _("current")), ("superseded", _("superseded")), ("all", _("all")))
DATE = forms.DateInput(attrs={"type": "date"})


def plants_of_call_offs(user: Any) -> QuerySet:
    """The plants of the call-offs ``user`` may see (a supplier sees no plant master data otherwise)."""
    mine = scoped(DeliverySchedule.objects.filter(plant=OuterRef("pk")), user)
    return Plant.objects.filter(Exists(mine)).order_by("code")


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
        self.filters["plant"].queryset = plants_of_call_offs(user)
        self.filters["plant"].field.label_from_instance = lambda plant: f"{plant.code} {plant.name}"

    def filter_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs if value == "all" else qs.filter(status=value)

    def filter_part(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        # The call-offs holding the part, found through the part's indexes in a query of their own: as a
        # subquery PostgreSQL joins it and reads every line of each of the supplier's call-offs instead.
        holding = (
            ScheduleLine.objects.filter(Q(buyer_part=value) | Q(supplier_part=value))
            .order_by()
            .values_list("schedule_id", flat=True)
            .distinct()
        )
        return qs.filter(pk__in=list(holding))

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Exists(ScheduleLine.objects.filter(Q(buyer_part__icontains=value) | Q(supplier_part__icontains=value), schedule=OuterRef("pk")))
        )


class PlantGridForm(forms.Form):
    """Which plant grid: a plant, the supplier (a supplier's users: their own), a part-number search."""

    plant = forms.ModelChoiceField(label=_("Plant"), queryset=Plant.objects.none())
    supplier = forms.CharField(label=_("Supplier number"), required=False)
    q = forms.CharField(label=_("Search part number"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.out_of_scope = False
        self.fields["plant"].queryset = plants_of_call_offs(user)
        self.fields["plant"].label_from_instance = lambda plant: f"{plant.code} {plant.name}"
        if role_of(user) == "supplier":
            del self.fields["supplier"]

    def add_error(self, field: str | None, error: Any) -> None:
        # An id the user may not see is not a typing error: the page answers 404 for it.
        if field == "plant" and self.data.get("plant"):
            self.out_of_scope = True
        super().add_error(field, error)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if role_of(self.user) == "supplier":
            data["supplier"] = self.user.supplier
            return data
        number = (data.get("supplier") or "").strip()
        if not number:
            self.add_error("supplier", _("Enter the supplier number."))
            return data
        supplier = scoped(Supplier.objects.filter(number=number), self.user).first()
        if supplier is None:
            self.out_of_scope = True
            self.add_error("supplier", _("Not found"))
        data["supplier"] = supplier
        return data
