"""Staff pages under /staff/: the home that lands each role on what needs action, the live overview, search.

Views only translate the request and call ``hub.overview`` (figures, drill-downs, charts);
what a user sees is decided there through ``hub.scope``. Suppliers and anonymous users
get a 404, as everywhere outside their scope.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hub import overview as figures
from hub import search as business_keys
from hub.call_off_form import CallOffForm, initial_from
from hub.models import Interchange, Plant
from hub.permissions import check
from hub.scope import role_of, scoped
from orders.models import DeliverySchedule
from orders.submit import Invalid, delivery_schedule_submit
from suppliers.models import PartnerIdentifier, Registration
from suppliers.staff_views import staff_only

# The overview's table: (figure, figure it is compared with) in column order.
COLUMNS = (
    ("firm_due_today", "asn_for_today"),
    ("firm_due_week", "asn_for_week"),
    ("asn_missing", None),
    ("despatch_advices_late", None),
    ("call_offs_unacknowledged", None),
    ("interchanges_failed_24h", None),
    ("deliveries_dead_24h", None),
    ("deliveries_pending", None),
    ("suppliers_live", None),
)
# What the home page asks each role to act on, in this order.
ACTION_FIGURES = ("interchanges_failed_24h", "deliveries_dead", "despatch_advices_late", "asn_missing", "call_offs_unacknowledged")


def _columns() -> list[dict[str, Any]]:
    return [{"key": key, "label": figures.FIGURES[key].label, "versus": versus} for key, versus in COLUMNS]


@staff_only
def home(request: HttpRequest) -> HttpResponse:
    """What needs action for this user: failures, dead letters, late ASNs, registrations and identifier claims."""
    data = figures.overview(user=request.user, keys=ACTION_FIGURES)
    total = figures.totals(data)
    actions = [{"key": key, "label": figures.FIGURES[key].label, "count": total.get(key, 0)} for key in ACTION_FIGURES]
    pending = {
        "registrations": scoped(Registration.objects.filter(status=Registration.Status.PENDING), request.user).count(),
        "identifiers": scoped(PartnerIdentifier.objects.filter(status=PartnerIdentifier.Status.PENDING), request.user).count(),
    }
    context = {"actions": actions, "pending": pending, "plants": data["plants"], "role": role_of(request.user)}
    return render(request, "staff/home.html", context)


def _table(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per plant, one cell per column: the figure and its drill-down link, and the one it is compared with."""
    # Each figure's list URL once, not once per cell: 120 plants x 13 links were 40 % of the page.
    lists = {key: reverse("staff:figure", args=[key]) for pair in COLUMNS for key in pair if key}
    rows = []
    for p in data["plants"]:
        plant = "?plant=" + quote(p["code"], safe="/")  # as the template filter urlencode does
        cells = [
            {
                "key": key,
                "n": p[key],
                "url": lists[key] + plant,
                "versus": versus,
                "versus_n": p[versus] if versus else None,
                "versus_url": lists[versus] + plant if versus else "",
            }
            for key, versus in COLUMNS
        ]
        rows.append({"code": p["code"], "name": p["name"], "cells": cells})
    return rows


def _overview_context(request: HttpRequest) -> dict[str, Any]:
    data = figures.overview(user=request.user)
    return {
        "data": data,
        "table": _table(data),
        "columns": _columns(),
        "totals": figures.totals(data),
        "charts": figures.charts(user=request.user),
        "refresh": max(5, settings.HUB_OVERVIEW_REFRESH_SECONDS),
    }


@staff_only
def overview(request: HttpRequest) -> HttpResponse:
    """The live overview: per plant figures (refreshed by htmx polling) and charts."""
    template = "staff/overview/_live.html" if request.headers.get("HX-Request") else "staff/overview/page.html"
    return render(request, template, _overview_context(request))


@staff_only
def figure_list(request: HttpRequest, key: str) -> HttpResponse:
    """The rows behind one number of the overview, for one plant (``?plant=CODE``) or all the user's plants."""
    plant = request.GET.get("plant", "")[:20]
    found = figures.figure_rows(user=request.user, key=key, plant_code=plant)
    if found is None:
        raise Http404(_("Not found"))
    figure, rows = found
    context = {"figure": figure, "rows": list(rows), "plant": plant, "limit": 200}
    return render(request, "staff/overview/list.html", context)


@staff_only
def search(request: HttpRequest) -> HttpResponse:
    """Search by business key (``?q=``): part, call-off, ASN, order, unloading point, control reference, file name."""
    q = request.GET.get("q", "")[: business_keys.MAX_LENGTH]
    term = business_keys.normalised(q)
    hits = business_keys.search(user=request.user, q=term) if term else []
    context = {"q": q, "term": term, "hits": hits, "min_length": business_keys.MIN_LENGTH, "limit": business_keys.LIMIT}
    return render(request, "staff/search.html", context)


@staff_only
def call_off_new(request: HttpRequest) -> HttpResponse:
    """Issue a call-off, or correct one (``?from=<id>``): checked, rendered as hub XML and received as the user's file."""
    check(request.user, "delivery_schedule.create")
    if request.method == "POST":
        form = CallOffForm(request.POST)
        if form.is_valid():
            try:
                interchange = delivery_schedule_submit(user=request.user, document=form.document(), channel=Interchange.Channel.PORTAL)
            except Invalid as exc:
                for path, texts in exc.errors.items():
                    name = path.split(".")[0].replace("ship_to", "plant").replace("lines", "rows")
                    for text in texts:
                        form.add_error(name if name in form.fields else None, f"{path}: {text}" if name == "rows" else text)
            else:
                return redirect("portal:interchange", interchange.pk)
    else:
        initial = {}
        source = request.GET.get("from", "")
        if source:
            try:
                initial = initial_from(scoped(DeliverySchedule.objects.select_related("supplier", "plant"), request.user).get(pk=source))
            except (DeliverySchedule.DoesNotExist, ValueError, ValidationError):
                raise Http404(_("Not found")) from None
        form = CallOffForm(initial=initial)
    plants = scoped(Plant.objects.all(), request.user)
    return render(
        request, "staff/call_off_form.html", {"form": form, "plants": plants, "correcting": bool(form["previous_number"].value())}
    )
