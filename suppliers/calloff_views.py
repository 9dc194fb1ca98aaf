"""Portal pages for call-offs: the filtered list, the grid with changes and versions, acknowledge, exports."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hub.permissions import check
from hub.scope import scoped
from orders import calloff_exports
from orders.calloff_acknowledge import NotCurrent, call_off_acknowledge
from orders.calloffs import COMMITMENT_LABELS, Grid, call_off_grid, call_off_previous, call_off_versions, current_lines, plant_grid
from orders.models import DeliverySchedule
from suppliers.calloff_filters import CallOffFilter, PlantGridForm

LIST_LIMIT = 200
VERSIONS_SHOWN = 50


def _schedule(request: HttpRequest, pk: Any) -> DeliverySchedule:
    try:
        # The canonical JSON is not shown here, and for 5,000 parts it is megabytes to parse.
        return scoped(DeliverySchedule.objects.select_related("supplier", "plant", "interchange").defer("document"), request.user).get(pk=pk)
    except (DeliverySchedule.DoesNotExist, ValueError):
        raise Http404(_("Not found")) from None


def _compared(request: HttpRequest, schedule: DeliverySchedule) -> DeliverySchedule | None:
    """The call-off to compare with: ``?from=<id>`` (one of its versions the user may see), else the previous one."""
    wanted = request.GET.get("from", "")
    if not wanted:
        return call_off_previous(schedule=schedule)
    versions = call_off_versions(schedule=schedule).exclude(pk=schedule.pk)
    try:
        return scoped(versions.select_related("plant").defer("document"), request.user).get(pk=uuid.UUID(wanted))
    except (DeliverySchedule.DoesNotExist, ValueError):
        raise Http404(_("Not found")) from None


def _part_search(lines: Any, request: HttpRequest) -> Any:
    search = request.GET.get("q", "").strip()
    return lines.filter(Q(buyer_part__icontains=search) | Q(supplier_part__icontains=search)) if search else lines


def _grid(request: HttpRequest, pk: Any, *, page: slice | None = None) -> tuple[Grid, int]:
    """The call-off's grid as the query asks (``from``, ``q``), the rows of ``page`` only; and how many parts match."""
    schedule = _schedule(request, pk)
    lines = _part_search(schedule.lines.order_by("position"), request)
    count = lines.count() if page is not None else 0
    grid = call_off_grid(schedule=schedule, previous=_compared(request, schedule), compare=False, lines=lines[page] if page is not None else lines)
    return grid, count


PARTS_PER_PAGE = 100  # a call-off of 5,000 parts is shown a hundred parts at a time (exports hold them all)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
def call_offs(request: HttpRequest) -> HttpResponse:
    """Call-offs newest first, filtered by status, plant, part, issue dates and part-number search."""
    base = scoped(DeliverySchedule.objects.select_related("supplier", "plant").defer("document"), request.user)
    filters = CallOffFilter(request.GET or None, queryset=base, user=request.user)
    rows = filters.qs.order_by("-created_at")[:LIST_LIMIT] if filters.is_valid() else base.none()
    return render(request, "portal/call_offs.html", {"filter": filters, "call_offs": rows, "limit": LIST_LIMIT})


@login_required
def call_off_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One call-off as a grid of parts across dates, with changes since the previous (or a chosen) version."""
    number = _page_number(request)
    grid, count = _grid(request, pk, page=_page_slice(number))
    schedule = grid.schedule
    assert schedule is not None
    pager = _pager(request, number, count)
    versions = list(call_off_versions(schedule=schedule).only("pk", "number", "issued", "status", "created_at", "acknowledged_at")[: VERSIONS_SHOWN + 1])
    previous_link = None
    if schedule.previous_number:  # linked wherever it is in the chain, also beyond the versions shown
        named = call_off_versions(schedule=schedule).exclude(pk=schedule.pk).filter(number=schedule.previous_number)
        previous_link = named.only("pk", "number").first()
    newer = next((v for v in versions if v.status == DeliverySchedule.Status.CURRENT and v.pk != schedule.pk), None)
    context = {
        "schedule": schedule,
        "grid": grid,
        "versions": versions[:VERSIONS_SHOWN],
        "more_versions": len(versions) > VERSIONS_SHOWN,
        "previous_link": previous_link,
        "newer": newer if schedule.status == DeliverySchedule.Status.SUPERSEDED else None,
        "commitments": COMMITMENT_LABELS,
        "query": f"?{pager['keep']}" if pager["keep"] else "",
        "search": request.GET.get("q", ""),
        **pager,
    }
    return render(request, "portal/call_off_detail.html", context)


@login_required
@require_POST
def call_off_acknowledge_view(request: HttpRequest, pk: Any) -> HttpResponse:
    """Acknowledge the call-off to its plant (sent through dispatch); a second click sends nothing more."""
    schedule = _schedule(request, pk)
    check(request.user, "calloff.acknowledge", schedule)
    try:
        result = call_off_acknowledge(schedule=schedule)
    except NotCurrent as exc:
        messages.error(request, str(exc))
    else:
        if result.created:
            messages.success(request, _("Call-off %(number)s acknowledged; the acknowledgement is on its way to the plant.") % {"number": schedule.number})
        else:
            messages.info(request, _("Call-off %(number)s was already acknowledged.") % {"number": schedule.number})
    return redirect("portal:call-off", pk=schedule.pk)


def _plant_grid(request: HttpRequest, *, page: slice | None = None) -> tuple[PlantGridForm, Grid | None, int]:
    """The plant grid the query asks for (the rows of ``page`` only) and how many parts match; outside the user's scope: 404."""
    form = PlantGridForm(request.GET or None, user=request.user)
    if not request.GET:
        return form, None, 0
    if not form.is_valid():
        if form.out_of_scope:
            raise Http404(_("Not found"))
        return form, None, 0
    plant, supplier = form.cleaned_data["plant"], form.cleaned_data["supplier"]
    lines = _part_search(scoped(current_lines(supplier=supplier, plant=plant), request.user), request)
    count = lines.count() if page is not None else 0
    return form, plant_grid(supplier=supplier, plant=plant, lines=lines[page or slice(0, PLANT_GRID_EXPORT_PARTS)]), count


PLANT_GRID_EXPORT_PARTS = 10000


def _pager(request: HttpRequest, number: int, count: int) -> dict[str, Any]:
    keep = request.GET.copy()
    keep.pop("page", None)
    return {
        "keep": keep.urlencode(),
        "page": {
            "number": number,
            "first": (number - 1) * PARTS_PER_PAGE + 1,
            "last": min(number * PARTS_PER_PAGE, count),
            "count": count,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number * PARTS_PER_PAGE < count else None,
        },
    }


def _page_slice(number: int) -> slice:
    return slice((number - 1) * PARTS_PER_PAGE, number * PARTS_PER_PAGE)


@login_required
def plant_grid_view(request: HttpRequest) -> HttpResponse:
    """Every part a supplier has currently called off at one plant, across dates, with the changes of each part's latest call-off."""
    number = _page_number(request)
    form, grid, count = _plant_grid(request, page=_page_slice(number))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {"form": form, "grid": grid, "commitments": COMMITMENT_LABELS, "link_call_offs": True, "query": keep.urlencode(), **_pager(request, number, count)}
    return render(request, "portal/call_off_plant_grid.html", context)


@login_required
def plant_grid_export(request: HttpRequest, extension: str) -> HttpResponse:
    """Download the plant grid as shown as CSV, XLSX or PDF."""
    if extension not in EXPORTS:
        raise Http404(_("Not found"))
    _form, grid, _count = _plant_grid(request)
    if grid is None:
        raise Http404(_("Not found"))
    return _download(grid, extension)


def _download(grid: Grid, extension: str) -> HttpResponse:
    build, content_type = EXPORTS[extension]
    response = HttpResponse(build(grid), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{calloff_exports.filename(grid, extension)}"'
    return response


EXPORTS = {
    "csv": (calloff_exports.grid_csv, "text/csv; charset=utf-8"),
    "xlsx": (calloff_exports.grid_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (calloff_exports.grid_pdf, "application/pdf"),
}


@login_required
def call_off_export(request: HttpRequest, pk: Any, extension: str) -> HttpResponse:
    """Download the grid as shown (same comparison) as CSV, XLSX or PDF."""
    if extension not in EXPORTS:
        raise Http404(_("Not found"))
    return _download(_grid(request, pk)[0], extension)
