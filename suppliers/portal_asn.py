"""The portal's despatch advices: the ASN web form (from a call-off, or a copy of an earlier ASN), the list, one ASN and its labels.

The form only translates fields into a canonical despatch advice and calls
``orders.submit.despatch_advice_submit``, which checks it and receives it as an
interchange (the API does the same); its field errors come back onto the form fields.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hub.formats.canonical import DespatchAdvice as CanonicalDespatch
from hub.formats.canonical import DespatchLine, Package, Party, decimal_text
from hub.formats.canonical import from_json as canonical_from_json
from hub.models import Delivery, Interchange
from hub.permissions import check, may
from hub.scope import role_of, scoped
from orders import submit
from orders.labels import label_response
from orders.models import DeliverySchedule, DespatchAdvice, ScheduleQuantity

# Commitment levels as a dispatcher reads them (a context of their own: other pages may word them differently).
COMMITMENTS = {
    "firm": pgettext_lazy("asn due", "firm"),
    "production": pgettext_lazy("asn due", "production release"),
    "material": pgettext_lazy("asn due", "material release"),
    "forecast": pgettext_lazy("asn due", "forecast"),
}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DespatchAdviceForm(forms.Form):
    """The ASN's header: delivery note, plant, dates and transport."""

    number = forms.CharField(label=gettext_lazy("Delivery note number"), max_length=35)
    plant = forms.ChoiceField(label=gettext_lazy("Plant"))
    unloading_point = forms.CharField(label=gettext_lazy("Unloading point"), max_length=35, required=False)
    ship_date = forms.DateField(label=gettext_lazy("Ship date"), widget=DATE)
    arrival_date = forms.DateField(label=gettext_lazy("Arrival date"), widget=DATE, required=False)
    carrier = forms.CharField(label=gettext_lazy("Carrier"), max_length=80, required=False)
    transport_id = forms.CharField(label=gettext_lazy("Vehicle or transport id"), max_length=35, required=False)
    gross_weight = forms.DecimalField(
        label=gettext_lazy("Gross weight (kg)"), max_digits=12, decimal_places=3, min_value=Decimal(0), required=False
    )

    def __init__(self, *args: Any, plants: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plant"].choices = plants


class LineForm(forms.Form):
    """One part shipped."""

    buyer_part = forms.CharField(label=gettext_lazy("Customer part"), max_length=35)
    supplier_part = forms.CharField(label=gettext_lazy("Your part"), max_length=35, required=False)
    quantity = forms.DecimalField(label=gettext_lazy("Quantity"), max_digits=15, decimal_places=3)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=8, initial="C62")
    order_number = forms.CharField(label=gettext_lazy("Call-off or order"), max_length=35, required=False)
    batch = forms.CharField(label=gettext_lazy("Batch"), max_length=35, required=False)


class PackageForm(forms.Form):
    """Packages of one type with their label ids (left empty: the hub numbers them)."""

    type = forms.CharField(label=gettext_lazy("Package type"), max_length=35, required=False)
    count = forms.IntegerField(label=gettext_lazy("Count"), min_value=1, max_value=999)
    label_ids = forms.CharField(
        label=gettext_lazy("Label ids"), required=False, help_text=gettext_lazy("separated by spaces or commas; empty: numbered by the hub")
    )


class RowFormSet(forms.BaseFormSet):
    """Rows that may be left empty, prefilled ones too: a part the supplier does not ship is simply cleared."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "empty_permitted": True}


LineFormSet = forms.formset_factory(LineForm, formset=RowFormSet, extra=2, max_num=99)
PackageFormSet = forms.formset_factory(PackageForm, formset=RowFormSet, extra=2, max_num=99)

# Where the service's field paths land on the form: header fields by name, the rest below.
_HEADER = {"number": "number", "ship_to.plant": "plant", "ship_to.unloading_point": "unloading_point", "ship_date": "ship_date",
           "arrival_date": "arrival_date", "gross_weight": "gross_weight", "carrier": "carrier", "transport_id": "transport_id"}  # fmt: skip


def _get(qs: Any, user: Any, pk: Any) -> Any:
    try:
        return scoped(qs, user).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError):
        raise Http404(_("Not found")) from None


def _supplier_of(user: Any) -> Any:
    check(user, "despatch_advice.create")
    if role_of(user) != "supplier" or user.supplier is None:
        raise PermissionDenied(
            _("The despatch-advice form is for supplier accounts; plant staff send despatch advices for a supplier through the API.")
        )
    return user.supplier


@login_required
def despatch_advices(request: HttpRequest) -> HttpResponse:
    """The despatch advices the user may see, newest first, and the open call-offs to ship against."""
    advices = scoped(DespatchAdvice.objects.select_related("plant", "supplier"), request.user).order_by("-created_at")[:200]
    open_call_offs = scoped(
        DeliverySchedule.objects.filter(status=DeliverySchedule.Status.CURRENT).select_related("plant"), request.user
    ).order_by("-created_at")[:50]
    context = {
        "advices": advices,
        "open_call_offs": open_call_offs,
        "may_create": may(request.user, "despatch_advice.create") and role_of(request.user) == "supplier",
    }
    return render(request, "portal/despatch_advices.html", context)


@login_required
def despatch_advice_new(request: HttpRequest) -> HttpResponse:
    """The ASN form, prefilled from a call-off (``?call_off=``) or an earlier ASN (``?copy=``); receives it on submit."""
    supplier = _supplier_of(request.user)
    plants = [(p.code, f"{p.code} {p.name}") for p in supplier.plants.order_by("code")]
    header, lines, packages, source = _initial(request)
    if request.method == "POST":
        form = DespatchAdviceForm(request.POST, plants=plants)
        line_set = LineFormSet(request.POST, prefix="lines")
        package_set = PackageFormSet(request.POST, prefix="packages")
        if form.is_valid() and line_set.is_valid() and package_set.is_valid():
            document, line_forms, package_forms = _document(form, line_set, package_set)
            try:
                interchange = submit.despatch_advice_submit(user=request.user, document=document, channel=Interchange.Channel.PORTAL)
            except submit.Invalid as exc:
                _show_errors(exc.errors, form, line_forms, package_forms)
            else:
                messages.success(
                    request,
                    _("Despatch advice %(number)s received; it is being processed and sent to the plant.") % {"number": document.number},
                )
                return redirect("portal:interchange", pk=interchange.pk)
    else:
        form = DespatchAdviceForm(initial=header, plants=plants)
        line_set = LineFormSet(initial=lines, prefix="lines")
        package_set = PackageFormSet(initial=packages, prefix="packages")
    source_kind = "call_off" if isinstance(source, DeliverySchedule) else "copy" if source is not None else ""
    due = due_rows(source, timezone.localdate()) if source_kind == "call_off" else []
    parts = getattr(source, "_asn_parts", 0)
    context = {
        "form": form, "line_set": line_set, "package_set": package_set, "source": source, "source_kind": source_kind, "due": due,
        "prefill_cut": {"shown": PREFILL_PARTS, "count": parts} if parts > PREFILL_PARTS else None,
    }  # fmt: skip
    return render(request, "portal/despatch_advice_form.html", context)


@login_required
def despatch_advice_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One despatch advice: its parts, packages, what became of it at the plant, and its labels."""
    advice = _get(DespatchAdvice.objects.select_related("plant", "supplier", "interchange"), request.user, pk)
    document = canonical_from_json(advice.document)
    deliveries = scoped(
        Delivery.objects.filter(interchange=advice.interchange, document_number=advice.number, recipient=Delivery.Recipient.PLANT),
        request.user,
    )
    context = {
        "advice": advice, "document": document, "deliveries": deliveries,
        "may_copy": may(request.user, "despatch_advice.create") and role_of(request.user) == "supplier",
    }  # fmt: skip
    return render(request, "portal/despatch_advice_detail.html", context)


@login_required
def despatch_advice_labels(request: HttpRequest, pk: Any, printer: str) -> HttpResponse:
    """The ASN's transport labels: PDF to print on A5, or ZPL for a thermal printer."""
    advice = _get(DespatchAdvice.objects.select_related("plant", "supplier"), request.user, pk)
    return label_response(advice, printer)


# -- prefill ----------------------------------------------------------------------------------


def _initial(request: HttpRequest) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], Any]:
    """Initial header, lines and packages: from the call-off or ASN named in the query, else empty."""
    today = timezone.localdate()
    header: dict[str, Any] = {"ship_date": today}
    if request.GET.get("call_off"):
        # Its canonical JSON holds every part (megabytes for 5,000): read only when no line names the unloading point.
        schedule = _get(DeliverySchedule.objects.select_related("plant").defer("document"), request.user, request.GET["call_off"])
        lines, first_due = _call_off_lines(schedule, today)
        point = next((line.unloading_point for line, _due_q in _prefill(schedule, today) if line.unloading_point), "")
        point = point or (schedule.document.get("ship_to") or {}).get("unloading_point", "")
        header.update(plant=schedule.plant.code, unloading_point=point, arrival_date=first_due)
        return header, lines, [], schedule
    if request.GET.get("copy"):
        advice = _get(DespatchAdvice.objects.select_related("plant"), request.user, request.GET["copy"])
        doc = canonical_from_json(advice.document)
        assert isinstance(doc, CanonicalDespatch)
        header.update(
            plant=advice.plant.code,
            unloading_point=doc.ship_to.unloading_point,
            carrier=doc.carrier,
            transport_id=doc.transport_id,
            gross_weight=doc.gross_weight,
        )
        lines = [
            {"buyer_part": x.buyer_part, "supplier_part": x.supplier_part, "quantity": decimal_text(x.quantity), "unit": x.unit, "order_number": x.order_number, "batch": x.batch}
            for x in doc.lines
        ]  # fmt: skip
        packages = [{"type": p.type, "count": p.count} for p in doc.packages]  # label ids are per shipment: new ones
        return header, lines, packages, advice
    return header, [], [], None


# A call-off of 5,000 parts is not one truck: the form is prefilled with the parts due first.
PREFILL_PARTS = 50


def _call_off_lines(schedule: DeliverySchedule, today: dt.date) -> tuple[list[dict[str, Any]], dt.date | None]:
    """A line per part still current in the call-off (the ``PREFILL_PARTS`` due first), with its next due quantity (today or later)."""
    lines: list[dict[str, Any]] = []
    first_due: dt.date | None = None
    for line, due in _prefill(schedule, today):
        quantity = decimal_text(due[0].quantity) if due else None
        when = (due[0].date or due[0].date_from) if due else None
        if when is not None and (first_due is None or when < first_due):
            first_due = when
        lines.append(
            {
                "buyer_part": line.buyer_part,
                "supplier_part": line.supplier_part,
                "quantity": quantity,
                "unit": line.unit,
                "order_number": schedule.number,
            }
        )
    return lines, first_due


def _prefill(schedule: DeliverySchedule, today: dt.date) -> list[tuple[Any, list[Any]]]:
    """The call-off's current lines with their due quantities, the parts due first, at most ``PREFILL_PARTS``; two queries.

    Cached on the call-off: the form and the table of what is due beside it share it.
    """
    cached = getattr(schedule, "_asn_prefill", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    current = (
        schedule.lines.filter(superseded_by=None)
        .order_by("position")
        .only("pk", "position", "buyer_part", "supplier_part", "unit", "unloading_point", "schedule_id")
    )
    quantities: dict[int, list[Any]] = {}
    still = Q(date__gte=today) | Q(date__isnull=True)  # past dates are never due (periods are checked below)
    for q in ScheduleQuantity.objects.filter(still, line__schedule=schedule, line__superseded_by=None).only(
        "line_id", "quantity", "commitment", "date", "date_from", "date_to"
    ):
        quantities.setdefault(q.line_id, []).append(q)
    rows = [(line, _due(quantities.get(line.pk, []), today)) for line in current]
    never = dt.date.max
    rows.sort(key=lambda row: (row[1][0].date or row[1][0].date_from or today) if row[1] else never)  # stable: by position within a date
    schedule._asn_parts = len(rows)  # type: ignore[attr-defined]
    rows = rows[:PREFILL_PARTS]
    schedule._asn_prefill = (today, rows)  # type: ignore[attr-defined]
    return rows


def _due(quantities: list[Any], today: dt.date) -> list[Any]:
    """A call-off line's quantities still due (dated today or later, or a period not yet over), earliest first."""
    return sorted(
        (q for q in quantities if (q.date or q.date_to or q.date_from or today) >= today),
        key=lambda q: q.date or q.date_from or today,
    )


def due_rows(schedule: DeliverySchedule, today: dt.date) -> list[dict[str, Any]]:
    """What the call-off still asks for, per part and date, shown beside the form (the parts the form holds)."""
    return [
        {
            "part": line.buyer_part,
            "date": q.date or q.date_from,
            "to": q.date_to,
            "quantity": q.quantity,
            "unit": line.unit,
            "commitment": q.commitment,
            "commitment_shown": COMMITMENTS.get(q.commitment, q.commitment),
        }
        for line, due in _prefill(schedule, today)
        for q in due
    ]


# -- form -> canonical document -> errors back on the form -------------------------------------


def _document(form: DespatchAdviceForm, line_set: Any, package_set: Any) -> tuple[CanonicalDespatch, list[Any], list[Any]]:
    """The canonical despatch advice of the form; also the line and package forms in document order."""
    data = form.cleaned_data
    line_forms = [f for f in line_set.forms if f.cleaned_data]
    package_forms = [f for f in package_set.forms if f.cleaned_data]
    document = CanonicalDespatch(
        number=data["number"],
        ship_to=Party(plant=data["plant"], id=data["plant"], unloading_point=data["unloading_point"]),
        ship_date=data["ship_date"].isoformat(),
        arrival_date=data["arrival_date"].isoformat() if data["arrival_date"] else None,
        carrier=data["carrier"],
        transport_id=data["transport_id"],
        gross_weight=data["gross_weight"],
        lines=[
            DespatchLine(buyer_part=c["buyer_part"], supplier_part=c["supplier_part"], quantity=c["quantity"], unit=c["unit"] or "C62",
                         order_number=c["order_number"], batch=c["batch"])
            for c in (f.cleaned_data for f in line_forms)
        ],
        packages=[
            Package(type=c["type"], count=c["count"], label_ids=[i for i in re.split(r"[\s,;]+", c["label_ids"]) if i])
            for c in (f.cleaned_data for f in package_forms)
        ],
    )  # fmt: skip
    return document, line_forms, package_forms


def _show_errors(errors: dict[str, list[str]], form: forms.Form, line_forms: list[Any], package_forms: list[Any]) -> None:
    """Put the service's errors (``lines.0.quantity``) on the fields they name; the rest on the form."""
    for path, texts in errors.items():
        parts = path.split(".")
        target: Any = form
        name: str | None = None
        if path in _HEADER:
            name = _HEADER[path]
        elif parts[0] in ("lines", "packages") and len(parts) == 3:
            forms_of = line_forms if parts[0] == "lines" else package_forms
            index = int(parts[1])
            if index < len(forms_of) and parts[2] in forms_of[index].fields:
                target, name = forms_of[index], parts[2]
        for text in texts:
            target.add_error(name, text)
