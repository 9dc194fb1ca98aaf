"""Call-offs as a dispatcher reads them: versions, changes, cumulative quantities, the grid.

Selectors only (reads); acknowledging a call-off is ``orders.calloff_acknowledge``. Every
function here runs a fixed number of queries whatever the number of parts or dates, so a
supplier with thousands of parts gets its pages in constant round trips.

- Versions: the call-offs of the same supplier and plant that cover any of this call-off's
  parts, newest first (the chain that ``previous_number`` and superseding describe).
- Changes: per part and date (or period), what went up, down, what is new and what was
  dropped between two call-offs.
- Cumulative quantities: received by the plant (as the call-off reports it) against shipped
  by the supplier (its despatch advices arrived in the same year up to that date); a difference is flagged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from orders.models import DeliverySchedule, DespatchLine, ScheduleLine, ScheduleQuantity

UP, DOWN, NEW, DROPPED, SAME = "up", "down", "new", "dropped", ""

# UN/ECE Rec 20 codes as people read them (display only; the codecs map codes in hub.formats.codes).
UNIT_LABELS = {
    "C62": _("pcs"),
    "H87": _("pcs"),
    "KGM": _("kg"),
    "GRM": _("g"),
    "TNE": _("t"),
    "MTR": _("m"),
    "MTK": _("m²"),
    "MTQ": _("m³"),
    "LTR": _("l"),
    "SET": _("sets"),
    "PR": _("pairs"),
    "BX": _("boxes"),
    "RO": _("rolls"),
    "LBR": _("lb"),
}

COMMITMENT_LABELS = {
    "firm": _("firm"),
    "production": _("production release"),
    "material": _("material release"),
    "forecast": _("forecast"),
}

CHANGE_LABELS = {UP: _("up"), DOWN: _("down"), NEW: _("new"), DROPPED: _("dropped")}


def unit_label(code: str) -> str:
    """The unit as a dispatcher reads it (``C62`` -> pcs / Stk); unknown codes as they are."""
    return str(UNIT_LABELS.get(code, code))


@dataclass(frozen=True)
class Column:
    """A date or a period of the grid; ``key`` sorts (ISO dates), ``date``/``date_to`` show."""

    key: str
    date: dt.date
    date_to: dt.date | None = None


@dataclass(frozen=True)
class Cell:
    """One part's quantity for one column, with its commitment and its change since the previous call-off."""

    quantity: Decimal | None
    commitment: str = ""
    change: str = SAME
    previous: Decimal | None = None


@dataclass
class Row:
    """One part of the grid: its quantities per column and its cumulative quantities."""

    line: ScheduleLine
    unit: str
    cells: list[Cell]
    cumulative_received: Decimal | None
    cumulative_shipped: Decimal
    firm_until: dt.date | None

    @property
    def cumulative_difference(self) -> Decimal | None:
        """Shipped minus received; ``None`` when the plant reported no cumulative quantity."""
        if self.cumulative_received is None:
            return None
        return self.cumulative_shipped - self.cumulative_received

    @property
    def changed(self) -> bool:
        """True when any date of this part changed since the previous call-off."""
        return any(cell.change for cell in self.cells)


@dataclass(frozen=True)
class Change:
    """A difference between two call-offs for one part and date (or period)."""

    part: str
    key: str
    date: dt.date
    date_to: dt.date | None
    kind: str
    previous: Decimal | None
    current: Decimal | None
    commitment: str


@dataclass
class Grid:
    """Parts across dates: one call-off (``schedule``, compared with ``previous``), or every current part of a supplier at a plant."""

    schedule: DeliverySchedule | None
    previous: DeliverySchedule | None
    columns: list[Column]
    rows: list[Row]
    dropped: list[Change] = field(default_factory=list)  # parts the previous call-off had and this one has not
    plant: Any = None
    supplier: Any = None

    @property
    def name(self) -> str:
        """What the grid shows, for titles and file names: the call-off number, else the plant code."""
        return self.schedule.number if self.schedule is not None else f"{self.plant.code}-{self.supplier.number}"


# The call-offs of one supplier and plant holding any part of call-off %s. Each candidate
# stops at its first line whose part is in the hashed set of that call-off's parts: the
# "IS TRUE" keeps PostgreSQL from turning the IN into a join, which (for a supplier with
# 5,000 parts and two years of weekly versions) read every line of every version, 130,000
# rows and ten seconds, instead of about one line per version.
_VERSIONS_SQL = (
    "SELECT c.id FROM {schedule} c WHERE c.supplier_id = %s AND c.plant_id = %s AND EXISTS ("
    "SELECT 1 FROM {line} l WHERE l.schedule_id = c.id AND (l.buyer_part IN (SELECT m.buyer_part FROM {line} m WHERE m.schedule_id = %s)) IS TRUE)"
)


def call_off_versions(*, schedule: DeliverySchedule) -> QuerySet:
    """Every call-off of this supplier and plant that covers any of its parts, newest first (itself included)."""
    sql = _VERSIONS_SQL.format(schedule=DeliverySchedule._meta.db_table, line=ScheduleLine._meta.db_table)
    fields = DeliverySchedule._meta
    params = [
        fields.get_field("supplier").target_field.get_db_prep_value(schedule.supplier_id, connection),
        fields.get_field("plant").target_field.get_db_prep_value(schedule.plant_id, connection),
        fields.pk.get_db_prep_value(schedule.pk, connection),
    ]
    return DeliverySchedule.objects.filter(pk__in=RawSQL(sql, params)).order_by(F("issued").desc(nulls_last=True), "-created_at")


def call_off_previous(*, schedule: DeliverySchedule) -> DeliverySchedule | None:
    """The version this call-off follows: the one its ``previous_number`` names, else the newest older version."""
    versions = call_off_versions(schedule=schedule).exclude(pk=schedule.pk).select_related("plant", "supplier").defer("document")
    if schedule.previous_number:
        named = versions.filter(number=schedule.previous_number).first()
        if named is not None:
            return named
    if schedule.issued is None:
        older = Q(created_at__lt=schedule.created_at)
    else:
        older = Q(issued__lt=schedule.issued) | Q(issued=schedule.issued, created_at__lt=schedule.created_at) | Q(issued__isnull=True)
    return versions.filter(older).first()


Quantities = dict[Any, dict[str, tuple[Decimal, str, dt.date, dt.date | None]]]


def _quantities(schedule_id: object = None, *, line_ids: list[int] | None = None, parts: Any = None) -> Quantities:
    """Per column key: (quantity, commitment, date, date_to); one query. Same key twice adds up.

    Keyed by part for one call-off's lines (``schedule_id``, only ``parts`` when given), by line id for ``line_ids``.
    """
    out: Quantities = defaultdict(dict)
    if line_ids is None:
        qs, key_field = ScheduleQuantity.objects.filter(line__schedule_id=schedule_id), "line__buyer_part"
        if parts is not None:
            qs = qs.filter(line__buyer_part__in=list(parts))
    else:
        qs, key_field = ScheduleQuantity.objects.filter(line_id__in=line_ids), "line_id"
    rows = qs.values_list(key_field, "quantity", "commitment", "date", "date_from", "date_to")
    for part, quantity, commitment, date, date_from, date_to in rows:
        start = date or date_from
        if start is None:
            continue
        key = start.isoformat() if date else f"{start.isoformat()}/{date_to.isoformat() if date_to else ''}"
        known = out[part].get(key)
        if known is not None:
            quantity += known[0]
        out[part][key] = (quantity, commitment, start, None if date else date_to)
    return out


def _kind(previous: Decimal | None, current: Decimal | None) -> str:
    if previous is None:
        return NEW
    if current is None:
        return DROPPED
    if current > previous:
        return UP
    if current < previous:
        return DOWN
    return SAME


def _diff(current: Quantities, previous: Quantities, parts: list[str]) -> list[Change]:
    changes: list[Change] = []
    for part in parts:
        now, before = current.get(part, {}), previous.get(part, {})
        for key in sorted(set(now) | set(before)):
            new_q, old_q = now.get(key), before.get(key)
            kind = _kind(old_q[0] if old_q else None, new_q[0] if new_q else None)
            if kind == SAME:
                continue
            source = new_q or old_q
            assert source is not None
            changes.append(Change(part, key, source[2], source[3], kind, old_q[0] if old_q else None, new_q[0] if new_q else None, source[1]))
    return changes


def call_off_changes(*, current: DeliverySchedule, previous: DeliverySchedule) -> list[Change]:
    """What changed from ``previous`` to ``current``, per part and date: up, down, new, dropped (unchanged left out).

    Parts of either call-off count: a part only ``previous`` called off is dropped date by date.
    """
    now, before = _quantities(current.pk), _quantities(previous.pk)
    return _diff(now, before, sorted(set(now) | set(before)))


def cumulative_shipped(*, supplier_id: int, plant_id: int, until: dict[str, dt.date | None]) -> dict[str, Decimal]:
    """Per part, what the supplier's despatch advices brought to the plant in the year of ``until[part]``, up to that day.

    ``until`` is the date of the plant's cumulative received quantity (as of that receipt);
    an ASN counts by its arrival date (else ship date, else issue date), so goods still on
    the road on that day do not show as a difference. Cumulative quantities restart each
    year. Without a date for a part, the current year up to today counts. One query for every part.
    """
    today = dt.date.today()
    ends = {part: (day or today) for part, day in until.items()}
    if not ends:
        return {}
    start = min(day.replace(month=1, day=1) for day in ends.values())
    shipped = Coalesce("despatch_advice__arrival_date", "despatch_advice__ship_date", "despatch_advice__issued")
    rows = (
        DespatchLine.objects.filter(
            despatch_advice__supplier_id=supplier_id, despatch_advice__plant_id=plant_id, buyer_part__in=list(ends)
        )
        .annotate(shipped=shipped)
        .filter(shipped__gte=start, shipped__lte=max(ends.values()))
        .values("buyer_part", "shipped")
        .annotate(total=Sum("quantity"))
    )
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        end = ends[row["buyer_part"]]
        if end.replace(month=1, day=1) <= row["shipped"] <= end:
            out[row["buyer_part"]] += row["total"]
    return out


FIRM = ("firm", "production", "material")


def _grid(lines: list[ScheduleLine], now: Quantities, before: Quantities | None, *, supplier_id: int, plant_id: int) -> tuple[list[Column], list[Row]]:
    """Columns and rows for ``lines``; ``now``/``before`` are keyed by ``line.pk`` (None: nothing to compare with)."""
    keys: dict[str, Column] = {}
    for source in (now, before or {}):
        for line in lines:
            for key, (_q, _c, start, end) in source.get(line.pk, {}).items():
                keys.setdefault(key, Column(key, start, end))
    columns = [keys[k] for k in sorted(keys)]
    shipped = cumulative_shipped(supplier_id=supplier_id, plant_id=plant_id, until={line.buyer_part: line.cumulative_received_date for line in lines})
    rows: list[Row] = []
    for line in lines:
        mine, earlier = now.get(line.pk, {}), (before or {}).get(line.pk, {})
        cells = []
        for column in columns:
            new_q, old_q = mine.get(column.key), earlier.get(column.key)
            if new_q is None and old_q is None:
                cells.append(Cell(None))
                continue
            change = _kind(old_q[0] if old_q else None, new_q[0] if new_q else None) if before is not None else SAME
            cells.append(Cell(new_q[0] if new_q else None, (new_q or old_q)[1], change, old_q[0] if old_q else None))  # type: ignore[index]
        firm = [value[3] or value[2] for value in mine.values() if value[1] in FIRM]
        rows.append(Row(line, unit_label(line.unit), cells, line.cumulative_received, shipped.get(line.buyer_part, Decimal(0)), max(firm) if firm else None))
    return columns, rows


def call_off_grid(*, schedule: DeliverySchedule, previous: DeliverySchedule | None = None, compare: bool = True, lines: Any = None) -> Grid:
    """The call-off as parts across dates, each cell marked with its commitment and its change.

    ``previous`` defaults to ``call_off_previous``; ``compare=False`` with no ``previous``
    shows no changes; ``lines`` (a page, a search) narrows the rows to some of the call-off's
    lines. Runs the same handful of queries for one part or five thousand.
    """
    if previous is None and compare:
        previous = call_off_previous(schedule=schedule)
    some = lines is not None
    lines = list(schedule.lines.all() if lines is None else lines)
    shown = {line.buyer_part for line in lines} if some else None  # a page reads its own parts' quantities only
    current_q = _quantities(schedule.pk, parts=shown)
    previous_q = _quantities(previous.pk, parts=shown) if previous is not None else {}
    now = {line.pk: current_q.get(line.buyer_part, {}) for line in lines}
    before = {line.pk: previous_q.get(line.buyer_part, {}) for line in lines} if previous is not None else None
    columns, rows = _grid(lines, now, before, supplier_id=schedule.supplier_id, plant_id=schedule.plant_id)
    dropped: list[Change] = []
    if previous is not None:
        gone = set(ScheduleLine.objects.filter(schedule=previous).values_list("buyer_part", flat=True))
        gone -= set(ScheduleLine.objects.filter(schedule=schedule).values_list("buyer_part", flat=True))
        dropped = _diff({}, _quantities(previous.pk, parts=gone), sorted(gone)) if gone else []
    return Grid(schedule, previous, columns, rows, dropped, plant=schedule.plant, supplier=schedule.supplier)


def current_lines(*, supplier: Any, plant: Any) -> QuerySet:
    """The parts a supplier has called off at a plant now: lines no newer call-off replaced, of accepted call-offs."""
    return (
        ScheduleLine.objects.filter(
            schedule__supplier=supplier, schedule__plant=plant, superseded_by__isnull=True, schedule__interchange__status="processed"
        )
        .select_related("schedule")
        .defer("schedule__document")  # a call-off's canonical JSON holds all its parts: never read per line
        .order_by("buyer_part", "schedule__created_at")
    )


def plant_grid(*, supplier: Any, plant: Any, lines: QuerySet | None = None) -> Grid:
    """Every part the supplier has currently called off at the plant, across dates, each against the line its call-off replaced.

    ``lines`` narrows ``current_lines`` (a part search). A fixed number of queries for any number of parts.
    """
    rows = list(lines if lines is not None else current_lines(supplier=supplier, plant=plant))
    now = _quantities(line_ids=[line.pk for line in rows])
    # The line each current line replaced: same part, superseded by the current line's call-off; the newest wins.
    replaced: dict[tuple[Any, str], int] = {}
    older = ScheduleLine.objects.filter(superseded_by_id__in={line.schedule_id for line in rows}, buyer_part__in={line.buyer_part for line in rows})
    for pk, by, part in older.order_by("schedule__issued", "schedule__created_at", "pk").values_list("pk", "superseded_by_id", "buyer_part"):
        replaced[(by, part)] = pk
    before_q = _quantities(line_ids=list(replaced.values()))
    before = {line.pk: before_q.get(replaced.get((line.schedule_id, line.buyer_part)), {}) for line in rows}
    columns, grid_rows = _grid(rows, now, before, supplier_id=supplier.pk, plant_id=plant.pk)
    return Grid(None, None, columns, grid_rows, plant=plant, supplier=supplier)
