"""What each kind of alert is about: the events of one interval, each tied to a plant and a supplier.

Events come from the same selectors as the overview (``hub.overview``), so an alert and the
list it links to always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from hub.models import DeliveryAttempt, Interchange, InterchangePlant
from hub.overview import FIGURES, Moment, firm_quantities
from orders.models import DespatchAdvice
from suppliers.models import Supplier

MAX_EVENTS = 5000  # per kind and interval: a digest names the first few and counts the rest


@dataclass(frozen=True)
class Event:
    """One thing an alert reports, for the staff of ``plant_ids`` and for ``supplier_id``.

    ``template`` is an untranslated text with ``%(name)s`` placeholders filled from
    ``params``: the e-mail renders it in each recipient's language (``text``).
    """

    template: str
    plant_ids: tuple[int, ...]
    supplier_id: Any = None
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def text(self) -> str:
        """The event in the active language."""
        return gettext(self.template) % self.params


def dead_letters(start: dt.datetime, end: dt.datetime) -> list[Event]:
    """Deliveries dead-lettered in the interval."""
    attempts = (
        DeliveryAttempt.objects.filter(outcome="dead", started_at__gte=start, started_at__lt=end)
        .select_related("delivery__plant", "delivery__supplier")
        .order_by("started_at")[:MAX_EVENTS]
    )
    return [
        Event(
            gettext_noop("%(type)s %(number)s to %(recipient)s %(where)s: %(why)s"),
            (a.delivery.plant_id,) if a.delivery.plant_id else (),
            a.delivery.supplier_id,
            {
                "type": a.delivery.document_type,
                "number": a.delivery.document_number,
                "recipient": a.delivery.recipient,
                "where": a.delivery.plant.code
                if a.delivery.recipient == "plant" and a.delivery.plant_id
                else (a.delivery.supplier.number if a.delivery.supplier_id else ""),
                "why": a.response_excerpt[:120] or a.delivery.last_error[:120],
            },
        )
        for a in attempts
    ]


def asn_missing(start: dt.datetime, end: dt.datetime) -> list[Event]:
    """Firm deliveries due within the lead time for which no ASN has come (once a day)."""
    rows = FIGURES["asn_missing"].rows(Moment.at(end)).select_related("line__schedule__supplier", "line__schedule__plant").order_by("date")
    return [
        Event(
            gettext_noop("%(date)s: %(quantity)s %(unit)s of %(part)s (call-off %(number)s, %(supplier)s -> %(plant)s)"),
            (q.line.schedule.plant_id,),
            q.line.schedule.supplier_id,
            {
                "date": q.date,
                "quantity": f"{q.quantity.normalize():f}",
                "unit": q.line.unit,
                "part": q.line.buyer_part,
                "number": q.line.schedule.number,
                "supplier": q.line.schedule.supplier.number,
                "plant": q.line.schedule.plant.code,
            },
        )
        for q in rows[:MAX_EVENTS]
    ]


def asn_mismatch(start: dt.datetime, end: dt.datetime) -> list[Event]:
    """ASNs received in the interval whose quantity per part differs from the firm call-off quantity they ship."""
    days = dt.timedelta(days=settings.HUB_ASN_MATCH_DAYS)
    events = []
    advices = (
        DespatchAdvice.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("plant", "supplier")
        .prefetch_related("lines")
    )
    for advice in advices.order_by("created_at")[:MAX_EVENTS]:
        arrives = advice.arrival_date or advice.ship_date
        if arrives is None:
            continue
        for line in advice.lines.all():
            firm = firm_quantities(arrives, arrives + days).filter(
                buyer_part=line.buyer_part, supplier_id=advice.supplier_id, plant_id=advice.plant_id
            )
            due = firm.order_by("date").values_list("quantity", flat=True).first()
            if due is not None and Decimal(due) != line.quantity:
                events.append(
                    Event(
                        gettext_noop("ASN %(number)s ships %(shipped)s of %(part)s; the call-off asks %(due)s"),
                        (advice.plant_id,),
                        advice.supplier_id,
                        {
                            "number": advice.number,
                            "shipped": f"{line.quantity.normalize():f}",
                            "part": line.buyer_part,
                            "due": f"{Decimal(due).normalize():f}",
                        },
                    )
                )
    return events


def partners_silent(start: dt.datetime, end: dt.datetime) -> list[Event]:
    """Live suppliers that have sent nothing for three times their usual interval between files (once a day)."""
    since = end - dt.timedelta(days=30)
    rhythm = (
        Interchange.objects.filter(
            received_at__gte=since, received_at__lt=end, sender_supplier__status=Supplier.Status.LIVE, test_run=False
        )
        .order_by()
        .values("sender_supplier")
        .annotate(n=Count("pk"), first=Min("received_at"), last=Max("received_at"))
        .filter(n__gte=3)
    )
    events = []
    for row in rhythm:
        usual = (row["last"] - row["first"]) / (row["n"] - 1)
        quiet = end - row["last"]
        if quiet > max(3 * usual, dt.timedelta(hours=1)):
            supplier = Supplier.objects.get(pk=row["sender_supplier"])
            plant_ids = tuple(supplier.plants.values_list("pk", flat=True))
            hours = quiet.total_seconds() / 3600
            events.append(
                Event(
                    gettext_noop("%(supplier)s %(name)s: nothing for %(hours)s h (usually a file every %(usual)s h)"),
                    plant_ids,
                    supplier.pk,
                    {"supplier": supplier.number, "name": supplier.name, "hours": f"{hours:.0f}", "usual": f"{usual.total_seconds() / 3600:.1f}"},
                )
            )
    return events


def files_failing(start: dt.datetime, end: dt.datetime) -> list[Event]:
    """Suppliers with at least HUB_ALERT_FAILURE_THRESHOLD files failed in the interval."""
    failed = Interchange.objects.filter(
        status=Interchange.Status.FAILED, received_at__gte=start, received_at__lt=end, sender_supplier__isnull=False
    )
    rows = failed.order_by().values("sender_supplier").annotate(n=Count("pk")).filter(n__gte=settings.HUB_ALERT_FAILURE_THRESHOLD)
    events = []
    for row in rows:
        supplier = Supplier.objects.get(pk=row["sender_supplier"])
        named = (
            InterchangePlant.objects.filter(interchange__in=failed.filter(sender_supplier=supplier))
            .values_list("plant_id", flat=True)
            .distinct()
        )
        plant_ids = tuple(named) or tuple(supplier.plants.values_list("pk", flat=True))
        events.append(
            Event(
                gettext_noop("%(supplier)s %(name)s: %(count)s files failed"),
                plant_ids,
                supplier.pk,
                {"supplier": supplier.number, "name": supplier.name, "count": row["n"]},
            )
        )
    return events


@dataclass(frozen=True)
class Kind:
    """One kind of alert: its events, how often it is swept, and the overview list it links to."""

    key: str
    subject: Any  # lazily translated: rendered in each recipient's language
    events: Callable[[dt.datetime, dt.datetime], list[Event]]
    daily: bool
    figure: str  # the staff list behind it (hub.overview.FIGURES)
    portal: str  # the supplier's list behind it


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("dead_letter", gettext_lazy("Deliveries dead-lettered"), dead_letters, False, "deliveries_dead", "/portal/inbox/"),
        Kind("asn_missing", gettext_lazy("ASNs missing for firm deliveries"), asn_missing, True, "asn_missing", "/portal/call-offs/"),
        Kind("asn_mismatch", gettext_lazy("ASN quantities differ from the call-off"), asn_mismatch, False, "firm_due_week", "/portal/call-offs/"),
        Kind("partner_silent", gettext_lazy("Partners silent longer than usual"), partners_silent, True, "suppliers_live", "/portal/interchanges/"),
        Kind("files_failing", gettext_lazy("Files keep failing"), files_failing, False, "interchanges_failed_24h", "/portal/interchanges/"),
    )
}
