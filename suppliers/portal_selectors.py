"""Reads for the supplier portal's dashboard, inbox and file outcomes, each scoped to the user.

Every function issues a fixed number of queries, whatever the number of parts or
call-offs (the page tests assert it), and bounds what it lists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hub.models import Delivery, Interchange, Plant
from hub.scope import scoped
from orders.models import DeliverySchedule, DespatchLine, ScheduleQuantity
from suppliers.models import InboxRead, User

FIRM = ("firm", "production", "material")  # commitments the plant will hold the supplier to
HORIZON_DAYS = 7
ASN_TOLERANCE = dt.timedelta(days=3)  # an ASN arriving up to this many days early covers the date
LIST_LIMIT = 20


@dataclass(frozen=True)
class OpenDate:
    """A firm quantity due soon that no despatch advice covers yet."""

    schedule: DeliverySchedule
    buyer_part: str
    date: dt.date
    quantity: Any
    unit: str


def dashboard(*, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """What needs action today: unacknowledged call-offs, firm dates without an ASN, rejected files."""
    today = today or timezone.localdate()
    schedules = scoped(DeliverySchedule.objects.filter(status=DeliverySchedule.Status.CURRENT), user)
    unacknowledged = schedules.filter(acknowledged_at__isnull=True).select_related("plant").order_by("-created_at")
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=HORIZON_DAYS), dt.time.min))  # a range the index serves, unlike __date
    rejected = scoped(Interchange.objects.filter(status=Interchange.Status.FAILED, received_at__gte=since), user)
    open_dates = firm_dates_without_asn(user=user, today=today)
    return {
        "unacknowledged": list(unacknowledged[:LIST_LIMIT]),
        "unacknowledged_count": unacknowledged.count(),
        "open_dates": open_dates[:LIST_LIMIT],
        "open_dates_count": len(open_dates),
        "rejected": list(rejected.order_by("-received_at")[:LIST_LIMIT]),
        "rejected_count": rejected.count(),
        "horizon": HORIZON_DAYS,
    }


def firm_dates_without_asn(*, user: User, today: dt.date, days: int = HORIZON_DAYS) -> list[OpenDate]:
    """Firm dates of current call-offs in the next ``days`` for which no despatch advice is on its way.

    A date counts as covered when a despatch advice for the same plant and part arrives on
    it, or up to ``ASN_TOLERANCE`` before it (by its arrival date, else its ship date).
    """
    end = today + dt.timedelta(days=days)
    # The current call-offs first, by their (supplier, status) index: inside the join PostgreSQL
    # scanned every call-off of the group to find a supplier's few current ones.
    current = list(scoped(DeliverySchedule.objects.filter(status=DeliverySchedule.Status.CURRENT), user).values_list("pk", flat=True)[:5000])
    quantities = (
        scoped(ScheduleQuantity.objects.all(), user)
        .filter(line__schedule__in=current, commitment__in=FIRM, date__gte=today, date__lte=end, quantity__gt=0)
        .select_related("line__schedule")
        .defer("line__schedule__document")
        .order_by("date", "line__buyer_part")[:500]
    )
    quantities = list(quantities)
    if not quantities:
        return []
    # The plants apart: joined in, PostgreSQL (expecting one row) scanned the plant table once per quantity.
    plants = Plant.objects.in_bulk({q.line.schedule.plant_id for q in quantities})
    for q in quantities:
        q.line.schedule.plant = plants[q.line.schedule.plant_id]
    asn_lines = scoped(DespatchLine.objects.all(), user).filter(
        Q(despatch_advice__arrival_date__range=(today - ASN_TOLERANCE, end + ASN_TOLERANCE))
        | Q(despatch_advice__arrival_date__isnull=True, despatch_advice__ship_date__range=(today - ASN_TOLERANCE, end + ASN_TOLERANCE)),
        buyer_part__in={q.line.buyer_part for q in quantities},
    ).values_list("despatch_advice__plant_id", "buyer_part", "despatch_advice__arrival_date", "despatch_advice__ship_date")
    covered: dict[tuple[Any, str], list[dt.date]] = {}
    for plant_id, part, arrival, ship in asn_lines:
        covered.setdefault((plant_id, part), []).append(arrival or ship)
    out = []
    for q in quantities:
        schedule = q.line.schedule
        dates = covered.get((schedule.plant_id, q.line.buyer_part), [])
        if not any(q.date - ASN_TOLERANCE <= d <= q.date for d in dates):
            out.append(OpenDate(schedule, q.line.buyer_part, q.date, q.quantity, q.line.unit))
    return out


# Documents the hub placed in a supplier's portal inbox.
def _inbox_rows(user: User) -> QuerySet[Delivery]:
    return scoped(Delivery.objects.filter(recipient=Delivery.Recipient.SUPPLIER, connector="portal", status=Delivery.Status.DELIVERED), user)


INBOX_PAGE = 50


def inbox(
    *,
    user: User,
    document_type: str = "",
    state: str = "",
    search: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    page: Any = 1,
    per_page: int = INBOX_PAGE,
) -> dict[str, Any]:
    """One page of the inbox, newest first, with read marks for ``user``, filtered.

    ``page`` is the page number as sent (a number past the end gives the last page, anything
    that is not a number the first); ``page`` in the answer is the Django ``Page``.
    """
    qs = _inbox_rows(user).annotate(read=Exists(InboxRead.objects.filter(user=user, delivery=OuterRef("pk"))))
    if document_type:
        qs = qs.filter(document_type=document_type)
    if state == "unread":
        qs = qs.filter(read=False)
    elif state == "read":
        qs = qs.filter(read=True)
    if search:
        qs = qs.filter(document_number__icontains=search)
    if date_from:
        qs = qs.filter(delivered_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(delivered_at__date__lte=date_to)
    # Newest first, with the id as tie-breaker so a page boundary never repeats or skips a row.
    pages = Paginator(qs.select_related("plant").defer("payload", "rendered").order_by("-delivered_at", "-pk"), per_page)
    shown = pages.get_page(page)
    unread = _inbox_rows(user).exclude(Exists(InboxRead.objects.filter(user=user, delivery=OuterRef("pk")))).count()
    types = sorted(set(_inbox_rows(user).order_by().values_list("document_type", flat=True).distinct()))
    return {"deliveries": list(shown.object_list), "page": shown, "unread": unread, "types": types}


def inbox_item(*, user: User, pk: Any) -> Delivery:
    """One inbox document inside the user's scope (``Delivery.DoesNotExist`` otherwise)."""
    return _inbox_rows(user).get(pk=pk)


def inbox_unread_count(*, user: User) -> int:
    """How many inbox documents ``user`` has not opened."""
    return _inbox_rows(user).exclude(Exists(InboxRead.objects.filter(user=user, delivery=OuterRef("pk")))).count()


def plant_outcomes(*, interchange: Interchange, user: User) -> list[Delivery]:
    """What became of each document of ``interchange`` at the plant: one delivery row per document and plant."""
    qs = scoped(Delivery.objects.filter(interchange=interchange, recipient=Delivery.Recipient.PLANT, replay_of__isnull=True), user)
    return list(qs.select_related("plant").defer("payload", "rendered").order_by("document_type", "document_number", "created_at")[:500])
