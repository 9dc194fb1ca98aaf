"""Retention: how long the hub keeps interchanges and deliveries, per partner, and how it lets go.

Each supplier and each plant keeps its rows for ``retention_days`` (empty: the setting
``HUB_RETENTION_DAYS``, 730 days = two years). Whose row is it?

- An **interchange** concerns the supplier that sent it (``sender_supplier``) and every
  plant it names (``InterchangePlant``); it is kept as long as the *longest* retention
  among them (a file is the record of truth for every party it concerns, and deleting is
  the one step nobody can undo). An interchange that concerns no partner (an unknown
  sender, a file refused before any plant was read) is kept for ``HUB_RETENTION_DAYS``.
- A **delivery** is the hub's copy of what it sent to one recipient: it is kept for its
  recipient's retention (its plant's or its supplier's). Its **attempts** go with it.
  A delivery still ``pending`` or ``sending`` is never removed, however old.

What goes with an interchange: its raw file (see below), its acknowledgement (row and
file), the plants it names, its control references (a resend older than retention is no
longer recognised as a duplicate), and the documents read from it (call-offs, ASNs,
orders and order responses, with their lines and quantities: whatever references an
interchange with ``PROTECT`` is a document of it). What stays: the deliveries of its
documents (their own retention decides), AS2 messages and interchanges marked as its
duplicates (their link is set to null), plants, suppliers and users.

The raw file is content-addressed (``raw_upload_path``: the same bytes are one object),
so it is deleted from storage only when no remaining interchange references the same
stored name, and only after the rows are gone (committed): a crash in between leaves an
orphaned object, never a row whose file is missing.

How: on PostgreSQL the three tables are partitioned by month (``hub.partitions``). A month
that is past *every* partner's retention (older than the longest retention in use) is
dropped whole: the rows that reference its rows are removed or unlinked first, in
batches, then its partitions are detached and dropped (attempts, deliveries,
interchanges). Rows of partners with a shorter retention, in months that must stay for
others, are deleted row by row, in batches of ``BATCH`` with their children, through the
ORM (which carries out ``on_delete``). On SQLite every deletion is row by row.

``retention_apply`` is the service; the maintenance task (``hub.tasks.maintain``) runs it
once a day, and ``manage.py retention --dry-run`` says what it would remove.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from hub import partitions
from hub.models import Acknowledgement, Delivery, DeliveryAttempt, Interchange, InterchangePlant, Plant

log = logging.getLogger(__name__)
BATCH = 500
# Deliveries that have not ended are never removed, however old: waiting to be sent or being
# sent, held for staff (plant paused, no endpoint) or staged until their file is accepted.
UNFINISHED = (Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.HELD, Delivery.Status.STAGED)
Progress = Callable[[str], None]


@dataclass
class RetentionReport:
    """What a retention run removed (or, in a dry run, would remove)."""

    dry_run: bool = False
    partitions_dropped: list[str] = field(default_factory=list)
    months_kept: list[str] = field(default_factory=list)  # past every retention, but held by open deliveries
    interchanges: int = 0
    deliveries: int = 0
    attempts: int = 0
    files: int = 0

    def as_dict(self) -> dict[str, object]:
        """The report as plain data (for the task's result and the command)."""
        return {
            "dry_run": self.dry_run,
            "partitions_dropped": self.partitions_dropped,
            "months_kept": self.months_kept,
            "interchanges": self.interchanges,
            "deliveries": self.deliveries,
            "attempts": self.attempts,
            "files": self.files,
        }


def retention_days_in_use() -> set[int]:
    """Every retention a partner has, the default included: the buckets row-wise deletion works in."""
    from suppliers.models import Supplier

    default = settings.HUB_RETENTION_DAYS
    days = {default}
    days |= set(Supplier.objects.exclude(retention_days=None).values_list("retention_days", flat=True).distinct())
    days |= set(Plant.objects.exclude(retention_days=None).values_list("retention_days", flat=True).distinct())
    return days


def _interchange_days() -> models.Expression:
    # Greatest() of NULLs is NULL on SQLite, so "no partner" is 0 here and the default in the caller.
    default = settings.HUB_RETENTION_DAYS
    supplier = Case(
        When(sender_supplier__isnull=True, then=Value(0)),
        default=Coalesce(F("sender_supplier__retention_days"), Value(default)),
        output_field=IntegerField(),
    )
    plants = (
        InterchangePlant.objects.filter(interchange=OuterRef("pk"))
        .annotate(days=Coalesce(F("plant__retention_days"), Value(default)))
        .order_by("-days")
        .values("days")[:1]
    )
    return Greatest(supplier, Coalesce(Subquery(plants, output_field=IntegerField()), Value(0)), output_field=IntegerField())


def _delivery_days() -> models.Expression:
    default = settings.HUB_RETENTION_DAYS
    return Case(
        When(recipient=Delivery.Recipient.PLANT, plant__isnull=False, then=Coalesce(F("plant__retention_days"), Value(default))),
        When(recipient=Delivery.Recipient.SUPPLIER, supplier__isnull=False, then=Coalesce(F("supplier__retention_days"), Value(default))),
        default=Value(default),
        output_field=IntegerField(),
    )


def expired_interchanges(*, days: int, now: dt.datetime) -> models.QuerySet[Interchange]:
    """Interchanges whose retention is ``days`` and that are older than that."""
    matching = Q(kept_days=days) | Q(kept_days=0) if days == settings.HUB_RETENTION_DAYS else Q(kept_days=days)
    return (
        Interchange._base_manager.filter(received_at__lt=now - dt.timedelta(days=days))
        .annotate(kept_days=_interchange_days())
        .filter(matching)
    )


def expired_deliveries(*, days: int, now: dt.datetime) -> models.QuerySet[Delivery]:
    """Ended deliveries whose recipient keeps them ``days`` and that are older than that."""
    return (
        Delivery._base_manager.filter(created_at__lt=now - dt.timedelta(days=days))
        .exclude(status__in=UNFINISHED)
        .annotate(kept_days=_delivery_days())
        .filter(kept_days=days)
    )


def retention_apply(*, dry_run: bool = False, now: dt.datetime | None = None, progress: Progress | None = None) -> RetentionReport:
    """Remove what every partner's retention has let go: whole months by partition, the rest row by row.

    Idempotent and resumable: every batch commits on its own, so an interrupted run
    leaves consistent data and the next run carries on. With ``dry_run`` nothing changes
    and the report counts what would go.
    """
    now = now or timezone.now()
    say = progress or (lambda line: log.info("%s", line))
    report = RetentionReport(dry_run=dry_run)
    in_use = retention_days_in_use()
    dropped_until = None
    if partitions.enabled():
        dropped_until = _months_drop(cutoff=now - dt.timedelta(days=max(in_use)), report=report, say=say)
    # a dry run dropped nothing: leave the months it counted out of the row-wise counts
    after = dropped_until if dry_run else None
    for days in sorted(in_use):
        _rows_delete(days=days, now=now, after=after, report=report, say=say)
    say(
        f"{'would remove' if dry_run else 'removed'}: {len(report.partitions_dropped)} partitions, {report.interchanges} interchanges, "
        f"{report.deliveries} deliveries, {report.attempts} attempts, {report.files} files"
    )
    return report


# --- whole months ---------------------------------------------------------------------------------


def _months_drop(*, cutoff: dt.datetime, report: RetentionReport, say: Progress) -> dt.datetime | None:
    """Drop every month past ``cutoff``, oldest first; returns the end of the last month dropped."""
    dropped_until = None
    by_month: dict[dt.datetime, dict[str, partitions.Partition]] = {}
    for table in partitions.PARTITIONED:
        for part in partitions.partitions(table):
            if part.end <= cutoff:
                by_month.setdefault(part.start, {})[table] = part
    for start in sorted(by_month):
        parts = by_month[start]
        label = f"{start:%Y-%m}"
        delivery_part = parts.get("hub_delivery")
        if (
            delivery_part
            and Delivery._base_manager.filter(created_at__gte=start, created_at__lt=delivery_part.end, status__in=UNFINISHED).exists()
        ):
            # and so are the months after it: a later month dropped first could leave this
            # month's rows pointing at interchanges that are gone
            say(f"{label}: past every retention, kept with the months after it: it holds deliveries not yet ended (pending, sending, held or staged)")
            report.months_kept.append(label)
            return dropped_until
        rows = {table: partitions.partition_rows(part) for table, part in parts.items()}
        say(f"{label}: {'would drop' if report.dry_run else 'dropping'} " + ", ".join(f"{parts[t].name} ({rows[t]} rows)" for t in parts))
        report.interchanges += rows.get("hub_interchange", 0)
        report.deliveries += rows.get("hub_delivery", 0)
        report.attempts += rows.get("hub_deliveryattempt", 0)
        dropped_until = max(p.end for p in parts.values())
        if report.dry_run:
            report.partitions_dropped += [p.name for p in parts.values()]
            continue
        names: set[str] = set()
        if "hub_interchange" in parts:
            names = _unlink_month(Interchange, parts["hub_interchange"], say=say)
        if delivery_part:
            _unlink_month(Delivery, delivery_part, say=say)
        for table in partitions.PARTITIONED:  # children first
            if table in parts:
                partitions.partition_drop(parts[table])
                report.partitions_dropped.append(parts[table].name)
        report.files += _files_release(names)
    return dropped_until


def _unlink_month(model: type[models.Model], part: partitions.Partition, *, say: Progress) -> set[str]:
    """Remove or unlink, batch by batch, every row outside the partition that references a row in it.

    Returns the raw files of the month's interchanges (to release once they are gone).
    """
    key = partitions.PARTITIONED[part.table]
    in_month = model._base_manager.filter(**{f"{key}__gte": part.start, f"{key}__lt": part.end})
    raw_names: set[str] = set()
    last = None
    done = 0
    while True:
        batch_qs = in_month.order_by("pk")
        if last is not None:
            batch_qs = batch_qs.filter(pk__gt=last)
        ids = list(batch_qs.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return raw_names
        last = ids[-1]
        with transaction.atomic():
            if model is Interchange:
                raw_names |= set(Interchange._base_manager.filter(pk__in=ids).exclude(raw="").values_list("raw", flat=True).distinct())
                ack_files = list(Acknowledgement.objects.filter(interchange_id__in=ids).exclude(file="").values_list("file", flat=True))
            else:
                ack_files = []
            _referrers_clear(model, ids, part)
        for name in ack_files:
            transaction.on_commit(lambda name=name: Acknowledgement._meta.get_field("file").storage.delete(name))
        done += len(ids)
        say(f"  {part.name}: {done} rows unlinked")


def _referrers_clear(model: type[models.Model], ids: list[object], part: partitions.Partition) -> None:
    for rel in model._meta.related_objects:
        related = rel.related_model
        refs = related._base_manager.filter(**{f"{rel.field.name}__in": ids})
        table = related._meta.db_table
        if table in partitions.PARTITIONED:
            # rows of a partitioned table in this month (or an older one, gone already) go with the drop
            refs = refs.filter(**{f"{partitions.PARTITIONED[table]}__gte": part.end})
        if rel.on_delete in (models.CASCADE, models.PROTECT):
            refs.delete()
        elif rel.on_delete is models.SET_NULL:
            refs.update(**{rel.field.name: None})
        else:
            raise RuntimeError(f"retention does not know how to let go of {related.__name__}.{rel.field.name} ({rel.on_delete.__name__})")


# --- row by row -----------------------------------------------------------------------------------


def _rows_delete(*, days: int, now: dt.datetime, after: dt.datetime | None, report: RetentionReport, say: Progress) -> None:
    later = {} if after is None else {"received_at__gte": after}
    later_deliveries = {} if after is None else {"created_at__gte": after}
    steps: Iterable[tuple[str, Callable[[], models.QuerySet]]] = (
        ("interchanges", lambda: expired_interchanges(days=days, now=now).filter(**later)),
        ("deliveries", lambda: expired_deliveries(days=days, now=now).filter(**later_deliveries)),
    )
    for what, query in steps:
        if report.dry_run:
            count = query().count()
            if what == "deliveries" and count:
                report.attempts += DeliveryAttempt.objects.filter(delivery__in=query().values("pk")).count()
            setattr(report, what, getattr(report, what) + count)
            if count:
                say(f"{days} days: would delete {count} {what}")
            continue
        done = 0
        while ids := list(query().order_by("pk").values_list("pk", flat=True)[:BATCH]):
            if what == "interchanges":
                report.files += interchanges_delete(ids=ids)
            else:
                report.attempts += DeliveryAttempt.objects.filter(delivery_id__in=ids).count()
                with transaction.atomic():
                    Delivery._base_manager.filter(pk__in=ids).delete()
            done += len(ids)
            setattr(report, what, getattr(report, what) + len(ids))
            say(f"{days} days: {done} {what} deleted")


def interchanges_delete(*, ids: list[object]) -> int:
    """Delete interchanges with their documents, acknowledgements and unshared raw files; returns the files released.

    The documents read from an interchange reference it with ``PROTECT`` (nothing else may
    delete them by accident), so they are deleted explicitly first, in the same transaction.
    """
    with transaction.atomic():
        rows = Interchange._base_manager.filter(pk__in=ids)
        raw_names = set(rows.exclude(raw="").values_list("raw", flat=True).distinct())
        ack_files = list(Acknowledgement.objects.filter(interchange_id__in=ids).exclude(file="").values_list("file", flat=True))
        for rel in Interchange._meta.related_objects:
            if rel.on_delete is models.PROTECT:
                rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": ids}).delete()
        rows.delete()
    storage = Acknowledgement._meta.get_field("file").storage
    for name in ack_files:
        storage.delete(name)
    return _files_release(raw_names)


def _files_release(names: set[str]) -> int:
    """Delete the raw files no remaining interchange references (the same bytes are one stored object)."""
    if not names:
        return 0
    still = set(Interchange._base_manager.filter(raw__in=names).values_list("raw", flat=True))
    storage = Interchange._meta.get_field("raw").storage
    released = 0
    for name in sorted(names - still):
        try:
            storage.delete(name)
            released += 1
        except OSError:  # gone already, or storage down for a moment: an orphan at worst
            log.warning("could not delete %s", name, exc_info=True)
    return released
