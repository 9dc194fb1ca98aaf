"""The live overview: per plant, what is due, late, failed and waiting; the one source for page, API and alerts.

Each figure is a queryset of the rows behind it (``Figure.rows``) and the path from
those rows to their plant: the overview counts them with one grouped aggregate query
per figure for all visible plants at once, and the drill-down lists the very same rows
for one plant. Nothing here counts in Python, so the figures stay fast at group size
(``bench/overview.py`` measures each query with 1,000,000 schedule lines): the firm
quantities carry their plant, supplier, part and whether they are still in force
(``ScheduleQuantity.open``, kept by ``orders.services``), so those figures read one
partial index.

The figures and charts of a page are cached per scope (all plants for headquarters and
admins, one entry per buyer) for ``HUB_OVERVIEW_CACHE_SECONDS``. Every refresh of every
open overview (each polls every ``HUB_OVERVIEW_REFRESH_SECONDS``) and every home page
otherwise runs all the grouped queries again, about 0.3 s of database time
for headquarters at group size, and headquarters' users all ask the same thing. A
cache rather than a snapshot written on the workers' timer: nothing is computed while
nobody looks, and no periodic task or table is added; the drill-down lists are never
cached, so a number clicked shows its rows as they are now. Calls that pass their own
``moment`` (alerts, tests) always compute.

Stale while revalidating: once an entry is older than the interval, the next request
still gets it at once, and that request (one per scope, by a lock in the cache) starts
the new computation in a thread of its web process. So no poll waits the 0.3 s
(with users polling, that wait was the slowest page of the group-size benchmark), and the
figures are at most one interval plus one computation old while somebody looks. An entry
nobody asked for during ``STALE_INTERVALS`` intervals is gone, and the next request
computes it while it waits. A thread rather than a Celery task: the figures are read by
the web tier and must not queue behind the ingest and dispatch work of the workers, and
``make run`` has no worker pool of its own to spare.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hub.models import Delivery, Interchange, Plant
from hub.scope import plant_ids, role_of, scoped
from orders.models import DeliverySchedule, DespatchLine, ScheduleQuantity
from suppliers.models import Supplier

log = logging.getLogger(__name__)

FIRM = "firm"
WAITING = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.HELD)


@dataclass(frozen=True)
class Moment:
    """The instant the figures are taken at, and the settings that shape them."""

    now: dt.datetime
    today: dt.date

    @classmethod
    def at(cls, now: dt.datetime | None = None) -> Moment:
        """The moment ``now`` (default: the current time), with the day in the hub's time zone."""
        now = now or timezone.now()
        return cls(now=now, today=timezone.localdate(now))

    @property
    def day_ago(self) -> dt.datetime:
        return self.now - dt.timedelta(hours=24)


def asn_covers(first: dt.date, last: dt.date) -> Exists:
    """True for a firm quantity when an ASN of its supplier, plant and part arrives on or a few days before its date.

    An ASN without an arrival date counts by its ship date (``DespatchLine.arrives`` keeps
    whichever applies, with the ASN's supplier and plant). ``first`` and ``last`` bound
    the quantities' dates: only ASNs arriving in that window (widened by the match days)
    are read, whatever the number of ASNs kept.
    """
    days = dt.timedelta(days=settings.HUB_ASN_MATCH_DAYS)
    lines = DespatchLine.objects.filter(arrives__gte=first - days, arrives__lte=last).filter(
        buyer_part=OuterRef("buyer_part"),
        supplier=OuterRef("supplier"),
        plant=OuterRef("plant"),
        arrives__lte=OuterRef("date"),
        arrives__gte=OuterRef("date") - days,
    )
    return Exists(lines)


def firm_quantities(first: dt.date, last: dt.date) -> QuerySet:
    """Firm quantities due from ``first`` to ``last`` on lines still in force (not superseded, call-off current).

    ``open`` and the plant are kept on each quantity where call-offs are stored and
    superseded (``orders.services``), so this reads one partial index, joining nothing.
    """
    return ScheduleQuantity.objects.filter(open=True, commitment=FIRM, date__gte=first, date__lte=last)


def _firm(
    first: Callable[[Moment], dt.date], last: Callable[[Moment], dt.date], covered: bool | None = None
) -> Callable[[Moment], QuerySet]:
    def rows(m: Moment) -> QuerySet:
        start, end = first(m), last(m)
        qs = firm_quantities(start, end)
        if covered is None:
            return qs
        return qs.filter(asn_covers(start, end)) if covered else qs.exclude(asn_covers(start, end))

    return rows


def _today(m: Moment) -> dt.date:
    return m.today


def _week_end(m: Moment) -> dt.date:
    return m.today + dt.timedelta(days=6)


def _lead_end(m: Moment) -> dt.date:
    return m.today + dt.timedelta(days=settings.HUB_ASN_LEAD_DAYS)


def _lookback(m: Moment) -> dt.date:
    return m.today - dt.timedelta(days=settings.HUB_ASN_LATE_LOOKBACK_DAYS)


def _yesterday(m: Moment) -> dt.date:
    return m.today - dt.timedelta(days=1)


def _call_offs_current(m: Moment) -> QuerySet:
    return DeliverySchedule.objects.filter(status=DeliverySchedule.Status.CURRENT)


def _call_offs_unacknowledged(m: Moment) -> QuerySet:
    deadline = m.now - dt.timedelta(hours=settings.HUB_CALL_OFF_ACK_HOURS)
    return _call_offs_current(m).filter(acknowledged_at__isnull=True, created_at__lt=deadline)


def _interchanges_failed_24h(m: Moment) -> QuerySet:
    return Interchange.objects.filter(status=Interchange.Status.FAILED, received_at__gte=m.day_ago)


def _deliveries_dead_24h(m: Moment) -> QuerySet:
    return Delivery.objects.filter(status=Delivery.Status.DEAD, attempt_log__outcome="dead", attempt_log__started_at__gte=m.day_ago)


def _deliveries_dead(m: Moment) -> QuerySet:
    return Delivery.objects.filter(status=Delivery.Status.DEAD)


def _deliveries_pending(m: Moment) -> QuerySet:
    return Delivery.objects.filter(status__in=WAITING)


def _suppliers_live(m: Moment) -> QuerySet:
    return Supplier.objects.filter(status=Supplier.Status.LIVE)


@dataclass(frozen=True)
class Figure:
    """One number of the overview: the rows behind it, how they reach their plant, what they are."""

    key: str
    label: Any
    rows: Callable[[Moment], QuerySet]
    plant_path: str
    kind: str  # which list shows the rows: quantity, call_off, interchange, delivery, supplier
    distinct: bool = False  # the plant path or the filter joins to many rows per row


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("firm_due_today", _("firm deliveries due today"), _firm(_today, _today), "plant", "quantity"),
        Figure("asn_for_today", _("with an ASN"), _firm(_today, _today, covered=True), "plant", "quantity"),
        Figure("firm_due_week", _("firm deliveries due this week"), _firm(_today, _week_end), "plant", "quantity"),
        Figure("asn_for_week", _("with an ASN"), _firm(_today, _week_end, covered=True), "plant", "quantity"),
        Figure("asn_missing", _("ASNs missing"), _firm(_today, _lead_end, covered=False), "plant", "quantity"),
        Figure("despatch_advices_late", _("ASNs late"), _firm(_lookback, _yesterday, covered=False), "plant", "quantity"),
        Figure("call_offs_current", _("current call-offs"), _call_offs_current, "plant", "call_off"),
        Figure("call_offs_unacknowledged", _("call-offs not acknowledged"), _call_offs_unacknowledged, "plant", "call_off"),
        Figure("interchanges_failed_24h", _("files rejected (24 h)"), _interchanges_failed_24h, "named_plants__plant", "interchange"),
        Figure("deliveries_dead_24h", _("dead-lettered (24 h)"), _deliveries_dead_24h, "plant", "delivery", distinct=True),
        Figure("deliveries_dead", _("dead letters open"), _deliveries_dead, "plant", "delivery"),
        Figure("deliveries_pending", _("deliveries waiting"), _deliveries_pending, "plant", "delivery"),
        Figure("suppliers_live", _("suppliers live"), _suppliers_live, "plants", "supplier"),
    )
}

# GET /api/v1/overview/ (DESIGN.md): these figures, in this order, per plant.
API_FIGURES = (
    "call_offs_current", "call_offs_unacknowledged", "despatch_advices_late", "interchanges_failed_24h",
    "deliveries_pending", "deliveries_dead", "suppliers_live",
)  # fmt: skip


def visible_plants(*, user: Any) -> list[Plant]:
    """The plants ``user`` sees on the overview: a buyer's own, every plant for headquarters and admins."""
    if role_of(user) not in ("buyer", "hq", "admin"):
        return []
    return list(scoped(Plant.objects.all(), user).order_by("code").only("pk", "code", "name"))


def figure_counts(figure: Figure, *, plants: list[Plant], moment: Moment, all_plants: bool = False) -> dict[int, int]:
    """One grouped query: plant id -> how many rows are behind ``figure`` for each of ``plants``."""
    qs = figure.rows(moment)
    if not all_plants:
        qs = qs.filter(**{f"{figure.plant_path}__in": [p.pk for p in plants]})
    # COUNT(*) where rows are unique: the indexes on the firm quantities then answer alone (index-only scans).
    grouped = qs.order_by().values(figure.plant_path).annotate(n=Count("pk", distinct=True) if figure.distinct else Count("*"))
    return {row[figure.plant_path]: row["n"] for row in grouped if row[figure.plant_path] is not None}


STALE_INTERVALS = 6


def cache_key(what: str, user: Any) -> str:
    """The cache entry of ``what`` ("figures:all", "charts", ...) for ``user``'s scope."""
    if role_of(user) in ("hq", "admin"):
        return f"hub-overview:{what}:all"
    # The buyer's plants are part of the key: a plant taken from a buyer is gone from its
    # next page, not one interval (or six) later.
    plants = hashlib.sha256(",".join(map(str, sorted(plant_ids(user)))).encode()).hexdigest()[:16]
    return f"hub-overview:{what}:user-{user.pk}-{plants}"


def cached(what: str, *, user: Any, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``compute()``, or its answer for the same scope, refreshed in the background once older than the interval.

    Headquarters and admins share one entry (they see every plant); each buyer has its own
    for its current plants (and the files it uploaded itself in the charts). 0 seconds: no cache.
    An entry older than ``HUB_OVERVIEW_CACHE_SECONDS`` is still answered, and one request
    per scope starts its recomputation in a thread (module docstring); an entry older
    than ``STALE_INTERVALS`` intervals is gone, and the request computes.
    """
    seconds = settings.HUB_OVERVIEW_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = cache_key(what, user)
    found = cache.get(key)
    if found is None:
        return _store(key, compute, seconds)
    if time.time() - found["at"] >= seconds and cache.add(f"{key}:refreshing", 1, timeout=max(60, seconds * STALE_INTERVALS)):
        threading.Thread(target=_refresh, args=(key, compute, seconds), name=f"overview-refresh {key}", daemon=True).start()
    return found["data"]


def _store(key: str, compute: Callable[[], dict[str, Any]], seconds: int) -> dict[str, Any]:
    data = compute()
    cache.set(key, {"at": time.time(), "data": data}, seconds * STALE_INTERVALS)
    return data


def _refresh(key: str, compute: Callable[[], dict[str, Any]], seconds: int) -> None:
    """Recompute one entry in a thread of its own; its database connection is closed after."""
    try:
        _store(key, compute, seconds)
    except Exception:  # the old entry stays; the next request past the interval tries again
        log.exception("overview refresh of %s failed", key)
    finally:
        cache.delete(f"{key}:refreshing")
        connections.close_all()  # this thread's own connections only


def overview(*, user: Any, moment: Moment | None = None, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The overview's figures for every plant ``user`` may see: ``{"generated_at", "plants": [{"code", <figure>: int}]}``.

    Without ``moment``, taken now or up to ``HUB_OVERVIEW_CACHE_SECONDS`` ago (``cached``);
    ``generated_at`` says when.
    """
    if moment is None:
        what = "figures:" + (hashlib.sha256(",".join(keys).encode()).hexdigest()[:16] if keys else "all")
        return cached(what, user=user, compute=lambda: overview(user=user, moment=Moment.at(), keys=keys))
    plants = visible_plants(user=user)
    everything = role_of(user) in ("hq", "admin")
    counts = {key: figure_counts(FIGURES[key], plants=plants, moment=moment, all_plants=everything) for key in (keys or tuple(FIGURES))}
    rows = [{"code": p.code, "name": p.name, **{key: per_plant.get(p.pk, 0) for key, per_plant in counts.items()}} for p in plants]
    return {"generated_at": moment.now.isoformat(), "plants": rows}


def overview_api(*, user: Any) -> dict[str, Any]:
    """The overview as ``GET /api/v1/overview/`` answers it (DESIGN.md): the contract's figures only."""
    data = overview(user=user, keys=API_FIGURES)
    return {"generated_at": data["generated_at"], "plants": [{"code": p["code"], **{k: p[k] for k in API_FIGURES}} for p in data["plants"]]}


def totals(data: dict[str, Any]) -> dict[str, int]:
    """Each figure summed over the plants of an ``overview``."""
    keys = [k for k in FIGURES if data["plants"] and k in data["plants"][0]]
    return {k: sum(p[k] for p in data["plants"]) for k in keys}


def figure_rows(
    *, user: Any, key: str, plant_code: str = "", moment: Moment | None = None, limit: int = 200
) -> tuple[Figure, QuerySet] | None:
    """The rows behind one figure for one visible plant (or all visible plants): the drill-down; None if unknown or out of scope."""
    figure = FIGURES.get(key)
    if figure is None:
        return None
    plants = visible_plants(user=user)
    if plant_code:
        plants = [p for p in plants if p.code == plant_code]
        if not plants:
            return None
    qs = figure.rows(moment or Moment.at()).filter(**{f"{figure.plant_path}__in": [p.pk for p in plants]})
    if figure.distinct or figure.plant_path in ("plants", "named_plants__plant"):
        qs = qs.distinct()
    return figure, _select_related(figure.kind, qs)[:limit]


def _select_related(kind: str, qs: QuerySet) -> QuerySet:
    related = {
        "quantity": ("line__schedule__supplier", "line__schedule__plant"),
        "call_off": ("supplier", "plant"),
        "interchange": ("sender_supplier",),
        "delivery": ("plant", "supplier"),
        "supplier": (),
    }[kind]
    order = {"quantity": "date", "call_off": "created_at", "interchange": "-received_at", "delivery": "-created_at", "supplier": "number"}[
        kind
    ]
    return qs.select_related(*related).order_by(order)


# -- charts ----------------------------------------------------------------------------------

CHART_DAYS = 14
ERROR_RATE_DAYS = 7
TOP_SUPPLIERS = 10


def charts(*, user: Any, moment: Moment | None = None) -> dict[str, Any]:
    """Chart data: deliveries per day per plant, and files failed per format and per supplier (share of files received).

    Without ``moment``, taken now or up to ``HUB_OVERVIEW_CACHE_SECONDS`` ago (``cached``).
    """
    if moment is None:
        return cached("charts", user=user, compute=lambda: charts(user=user, moment=Moment.at()))
    plants = visible_plants(user=user)
    everything = role_of(user) in ("hq", "admin")
    first = moment.today - dt.timedelta(days=CHART_DAYS - 1)
    days = [first + dt.timedelta(days=n) for n in range(CHART_DAYS)]
    deliveries = Delivery.objects.filter(created_at__gte=moment.now - dt.timedelta(days=CHART_DAYS))
    if not everything:
        deliveries = deliveries.filter(plant__in=[p.pk for p in plants])
    per_day: dict[tuple[str, dt.date], int] = {}
    codes = {p.pk: p.code for p in plants}  # grouped by plant id: no join to the plants per delivery
    for row in deliveries.order_by().annotate(day=TruncDate("created_at")).values("day", "plant").annotate(n=Count("*")):
        if row["plant"] in codes:
            per_day[(codes[row["plant"]], row["day"])] = row["n"]
    volume = {
        "labels": [d.isoformat() for d in days],
        "series": [
            {"label": p.code, "data": [per_day.get((p.code, d), 0) for d in days]}
            for p in plants
            if any(per_day.get((p.code, d)) for d in days)
        ],
    }
    files = Interchange.objects.filter(received_at__gte=moment.now - dt.timedelta(days=ERROR_RATE_DAYS)).exclude(
        status=Interchange.Status.DUPLICATE
    )
    if not everything:
        # Which of the week's files a buyer sees is decided once (the scope's rule is an OR of
        # five subqueries over every file of the week), not again for each of the two charts;
        # by id, so no join of the scope counts a file twice.
        files = files.filter(pk__in=set(scoped(files, user).values_list("pk", flat=True)))
    failed = Count("pk", filter=Q(status=Interchange.Status.FAILED))
    by_format = files.order_by().values("format").annotate(total=Count("pk"), failed=failed).order_by("format")
    by_supplier = (
        files.filter(sender_supplier__isnull=False).order_by().values("sender_supplier__number")
        .annotate(total=Count("pk"), failed=failed).filter(failed__gt=0).order_by("-failed", "sender_supplier__number")[:TOP_SUPPLIERS]
    )  # fmt: skip
    return {
        "volume": volume,
        "error_rate_format": _rates([(r["format"] or "?", r["failed"], r["total"]) for r in by_format]),
        "error_rate_supplier": _rates([(r["sender_supplier__number"], r["failed"], r["total"]) for r in by_supplier]),
    }


def _rates(rows: list[tuple[str, int, int]]) -> dict[str, Any]:
    return {
        "labels": [label for label, _f, _t in rows],
        "rates": [round(100.0 * failed / total, 1) if total else 0.0 for _l, failed, total in rows],
        "failed": [failed for _l, failed, _t in rows],
        "total": [total for _l, _f, total in rows],
    }
