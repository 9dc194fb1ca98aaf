"""Bulk import of supplier master data from CSV or XLSX, as exported from the group's ERP.

Columns (header row, any order; DESIGN.md): supplier_number, name, duns, vat_id, country,
street, city, postcode, email, plants (codes separated by ``;``), edi_format, edi_id,
edi_qualifier. Only supplier_number, name and country are required; every value given
is checked. A bad row is reported with its data-row number, file line and column and
skipped (or, with ``all_or_nothing``, nothing is written). A re-import updates the
suppliers it names and never duplicates one.

Reading and checking are pure Python; writing is a handful of bulk statements per
thousand rows (no query per row), so 10,000 rows take seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from hub.models import Plant
from hub.scope import role_of, scoped
from suppliers.countries import is_country
from suppliers.identifiers import identifier_key
from suppliers.models import OnboardingTransition, PartnerIdentifier, PartnerProfile, Supplier, SupplierImport, User

COLUMNS = ("supplier_number", "name", "duns", "vat_id", "country", "street", "city", "postcode", "email", "plants", "edi_format", "edi_id", "edi_qualifier")
REQUIRED = ("supplier_number", "name", "country")
# supplier column -> (model field, max length)
TEXT_FIELDS = {"name": 200, "vat_id": 20, "street": 200, "city": 100, "postcode": 20}
SUPPLIER_FIELDS = ["name", "duns", "vat_id", "country", "street", "city", "postcode", "email"]
EDI_SCHEMES = {"EDIFACT": "edifact", "X12": "x12", "ANSI X12": "x12", "VDA": "vda"}
NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/\-]{0,19}$")
BATCH = 2000
_email = EmailValidator()

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class ImportFileError(ValueError):
    """The file as a whole cannot be read: unknown format, no header, a required column missing."""


@dataclass(frozen=True)
class RowError:
    """What is wrong with one value of one row, and where."""

    row: int  # data row, 1 = first row after the header
    line: int  # line (CSV) or sheet row (XLSX) in the file
    column: str
    message: str
    number: str = ""

    def __str__(self) -> str:
        who = f", supplier {self.number}" if self.number else ""
        return f"row {self.row} (line {self.line}{who}), column '{self.column}': {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "line": self.line, "column": self.column, "message": self.message, "number": self.number, "text": str(self)}


@dataclass
class CleanRow:
    """One checked row, its values normalised."""

    row: int
    line: int
    number: str
    values: dict[str, str]
    plants: list[str] | None  # None: the file does not say (empty cell or no column)
    edi_scheme: str = ""
    edi_format: str = ""
    edi_id: str = ""
    edi_qualifier: str = ""


@dataclass
class ImportResult:
    """What an import did (or, in a dry run or preview, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad_rows": self.bad_rows,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": self.warnings,
            "committed": self.committed,
        }


# -- reading ---------------------------------------------------------------------------


def _normalise_header(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower()).lstrip("\ufeff")


def read_table(*, data: bytes, filename: str = "") -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Return the normalised header and an iterator of (file line, cell texts) for CSV or XLSX."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for cells in reader:
            yield reader.line_num, cells

    return [_normalise_header(h) for h in header], rows()


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken zip
        raise ImportFileError(f"the XLSX file cannot be read: {exc}") from None
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        header = next(it)
    except StopIteration:
        raise ImportFileError("the sheet is empty") from None

    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))  # a DUNS or postcode typed as a number
        return str(v)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for n, values in enumerate(it, start=2):
            yield n, [cell(v) for v in values]
        book.close()

    return [_normalise_header(h) for h in header], rows()


# -- checking --------------------------------------------------------------------------


@dataclass
class _Context:
    plants: dict[str, int]
    allowed_plants: set[str] | None  # None: any plant (admin, command)


def check_header(header: list[str]) -> None:
    """Raise ImportFileError when a required column is missing from the header row."""
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            f"the header row has no column {', '.join(repr(c) for c in missing)} (required: {', '.join(REQUIRED)}; found: {', '.join(h for h in header if h) or 'nothing'})"
        )


def check_rows(
    *, header: list[str], rows: Iterable[tuple[int, list[str]]], context: _Context, progress: Progress | None = None, total: int = 0
) -> tuple[list[CleanRow], list[RowError], list[str]]:
    """Check every row; returns the good rows, the errors (row, line, column) and file-level warnings."""
    check_header(header)
    warnings = []
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        warnings.append(f"columns ignored (not master-data columns): {', '.join(unknown)}")
    index = {name: i for i, name in enumerate(header) if name in COLUMNS}
    good: list[CleanRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    ids_without_format = 0
    n = 0
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        n += 1
        raw = {name: (cells[i].strip() if i < len(cells) and cells[i] is not None else "") for name, i in index.items()}
        row_errors, clean = _check_row(n, line, raw, context, seen)
        errors += row_errors
        if clean is not None:
            if clean.edi_id and not clean.edi_scheme:
                ids_without_format += 1
            good.append(clean)
        if progress and n % 500 == 0:
            progress("check", n, total)
    if progress:
        progress("check", n, n)
    if ids_without_format:
        warnings.append(f"{ids_without_format} row(s) give edi_id without edi_format: those ids were not stored as identifiers")
    return good, errors, warnings


def _check_row(n: int, line: int, raw: dict[str, str], ctx: _Context, seen: dict[str, int]) -> tuple[list[RowError], CleanRow | None]:
    number = raw.get("supplier_number", "")
    errs: list[RowError] = []

    def bad(column: str, message: str) -> None:
        errs.append(RowError(n, line, column, message, number if column != "supplier_number" else ""))

    for col in REQUIRED:
        if not raw.get(col):
            bad(col, "a value is required")
    if number and not NUMBER_RE.match(number):
        bad("supplier_number", f"'{number}' is not a supplier number (letters, digits, . _ / -, at most 20)")
    elif number in seen:
        bad("supplier_number", f"'{number}' appears already in row {seen[number]}")
    elif number:
        seen[number] = n
    values: dict[str, str] = {}
    for col, limit in TEXT_FIELDS.items():
        v = raw.get(col, "")
        if len(v) > limit:
            bad(col, f"longer than {limit} characters")
        values[col] = v
    country = raw.get("country", "").upper()
    if country and not is_country(country):
        bad("country", f"'{raw['country']}' is not an ISO 3166 country code")
    values["country"] = country
    duns = raw.get("duns", "").replace("-", "").replace(" ", "")
    if duns and not (len(duns) == 9 and duns.isdigit()):
        bad("duns", f"'{raw['duns']}' is not a DUNS number (9 digits)")
    values["duns"] = duns
    email = raw.get("email", "")
    if email:
        try:
            _email(email)
        except ValidationError:
            bad("email", f"'{email}' is not an e-mail address")
    values["email"] = email
    plants = None
    if raw.get("plants"):
        plants = sorted({p.strip().upper() for p in raw["plants"].split(";") if p.strip()})
        for code in plants:
            if code not in ctx.plants:
                bad("plants", f"'{code}' is not a plant of the group")
            elif ctx.allowed_plants is not None and code not in ctx.allowed_plants:
                bad("plants", f"'{code}' is not one of your plants")
    elif ctx.allowed_plants is not None:
        bad("plants", "name at least one of your plants")
    fmt = raw.get("edi_format", "").upper()
    scheme = EDI_SCHEMES.get(fmt, "")
    if fmt and not scheme:
        bad("edi_format", f"'{raw['edi_format']}' is not an EDI format ({', '.join(sorted(set(EDI_SCHEMES)))})")
    edi_id, qualifier = raw.get("edi_id", ""), raw.get("edi_qualifier", "")
    if len(edi_id) > 80:
        bad("edi_id", "longer than 80 characters")
    if len(qualifier) > 10:
        bad("edi_qualifier", "longer than 10 characters")
    if errs:
        return errs, None
    return [], CleanRow(
        row=n, line=line, number=number, values=values, plants=plants,
        edi_scheme=scheme if edi_id else "", edi_format="X12" if scheme == "x12" else fmt, edi_id=edi_id, edi_qualifier=qualifier,
    )  # fmt: skip


# -- writing ---------------------------------------------------------------------------


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def suppliers_import(
    *,
    data: bytes,
    filename: str = "",
    by: User | None = None,
    all_or_nothing: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import supplier master data; returns counts and the errors of every bad row.

    ``by`` is the staff user importing (None for the command): a buyer may only import
    suppliers of their own plants. ``dry_run`` checks and counts without writing (the
    staff preview); ``all_or_nothing`` writes nothing when any row is bad.
    Raises ImportFileError when the file as a whole is unreadable.
    """
    header, rows = read_table(data=data, filename=filename)
    check_header(header)
    plants = dict(Plant.objects.values_list("code", "pk"))
    allowed = None
    if by is not None and role_of(by) == "buyer":
        allowed = set(by.plants.values_list("code", flat=True))
    total = data.count(b"\n") if not data.startswith(b"PK") else 0
    good, errors, warnings = check_rows(header=header, rows=rows, context=_Context(plants, allowed), progress=progress, total=total)
    result = ImportResult(rows=len(good) + len({e.row for e in errors}), errors=errors, warnings=warnings)
    with transaction.atomic():
        plan = _plan(good, plants=plants, by=by, allowed=allowed, result=result)
        result.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
        if dry_run or (all_or_nothing and result.errors):
            return result
        _write(plan, by=by, progress=progress)
        result.committed = True
    return result


@dataclass
class _Plan:
    create: list[Supplier] = field(default_factory=list)
    update: list[Supplier] = field(default_factory=list)
    links_add: list[tuple[Any, int]] = field(default_factory=list)
    links_remove: list[int] = field(default_factory=list)  # through-row ids
    profiles_create: list[PartnerProfile] = field(default_factory=list)
    profiles_update: list[PartnerProfile] = field(default_factory=list)
    identifiers: list[tuple[Any, str, str, str]] = field(default_factory=list)  # supplier id, scheme, qualifier, value


def _plan(good: list[CleanRow], *, plants: dict[str, int], by: User | None, allowed: set[str] | None, result: ImportResult) -> _Plan:
    """Compare the good rows with the database (a few queries per thousand rows) and decide what to write."""
    plan = _Plan()
    existing: dict[str, Supplier] = {}
    for chunk in _chunks([r.number for r in good]):
        for s in Supplier.objects.filter(number__in=chunk).only("pk", "number", *SUPPLIER_FIELDS):
            existing[s.number] = s
    if allowed is not None and existing:
        visible = set()
        for chunk in _chunks([s.pk for s in existing.values()]):
            visible |= set(scoped(Supplier.objects.filter(pk__in=chunk), by).values_list("pk", flat=True))
        kept = []
        for r in good:
            s = existing.get(r.number)
            if s is not None and s.pk not in visible:
                result.errors.append(RowError(r.row, r.line, "supplier_number", f"supplier '{r.number}' exists and is not a supplier of your plants"))
                del existing[r.number]
            else:
                kept.append(r)
        good = kept
    ids = [s.pk for s in existing.values()]
    through = Supplier.plants.through
    links: dict[Any, dict[int, int]] = {}
    profiles: dict[Any, PartnerProfile] = {}
    for chunk in _chunks(ids):
        for link_id, sid, pid in through.objects.filter(supplier_id__in=chunk).values_list("pk", "supplier_id", "plant_id"):
            links.setdefault(sid, {})[pid] = link_id
        for p in PartnerProfile.objects.filter(supplier_id__in=chunk).only("pk", "supplier_id", "format"):
            profiles[p.supplier_id] = p
    # Identifiers compare by their normalised key (suppliers/identifiers.py), as routing does.
    wanted_ids = {identifier_key(r.edi_scheme, r.edi_qualifier, r.edi_id) for r in good if r.edi_scheme}
    owners: dict[tuple[str, str, str], Any] = {}
    stored: set[tuple[Any, tuple[str, str, str]]] = set()  # (supplier id, key) rows already there, in any state
    for chunk in _chunks(sorted({k.value for k in wanted_ids})):
        for scheme, family, key, sid, status in PartnerIdentifier.objects.filter(key__in=chunk, plant__isnull=True).values_list(
            "scheme", "family", "key", "profile__supplier_id", "status"
        ):
            stored.add((sid, (scheme, family, key)))
            if status == PartnerIdentifier.Status.VERIFIED:  # a pending claim owns nothing yet
                owners[(scheme, family, key)] = sid
    # An EDI id identifies one supplier: a row giving another supplier's id is bad as a whole.
    kept = []
    for r in good:
        key = identifier_key(r.edi_scheme, r.edi_qualifier, r.edi_id)
        if r.edi_scheme:
            mine = existing[r.number].pk if r.number in existing else r.number
            owner = owners.setdefault(key, mine)
            if owner != mine:
                result.errors.append(
                    RowError(r.row, r.line, "edi_id", f"'{r.edi_id}' ({r.edi_format} {r.edi_qualifier}) already identifies another supplier", r.number)
                )
                continue
        kept.append(r)
    good = kept
    allowed_ids = {plants[c] for c in allowed} if allowed is not None else None
    for r in good:
        supplier = existing.get(r.number)
        changed = False
        if supplier is not None and allowed_ids is not None and set(links.get(supplier.pk, {})) - allowed_ids:
            # Shared with a plant outside the buyer's scope: its master data, format and EDI
            # ids are what that plant depends on too (hub.permissions "sole"); only the
            # buyer's own plants' links may change.
            touched = _touched(supplier, r, profiles.get(supplier.pk), stored)
            if touched:
                text = f"supplier '{r.number}' also serves plants outside your scope; only a hub administrator may change its {', '.join(touched)}"
                result.errors.append(RowError(r.row, r.line, touched[0], text, r.number))
                continue
        if supplier is None:
            supplier = Supplier(number=r.number, status=Supplier.Status.INVITED, **r.values)
            plan.create.append(supplier)
            result.created += 1
        else:
            diff = [f for f in SUPPLIER_FIELDS if getattr(supplier, f) != r.values[f]]
            if diff:
                for f in diff:
                    setattr(supplier, f, r.values[f])
                plan.update.append(supplier)
                changed = True
        if r.plants is not None:
            want = {plants[c] for c in r.plants}
            have = links.get(supplier.pk, {})
            for pid in want - have.keys():
                plan.links_add.append((supplier.pk, pid))
                changed = True
            for pid, link_id in have.items():
                if pid not in want and (allowed_ids is None or pid in allowed_ids):
                    plan.links_remove.append(link_id)
                    changed = True
        if r.edi_scheme or r.edi_format:
            profile = profiles.get(supplier.pk)
            if profile is None:
                profile = PartnerProfile(supplier=supplier, format=r.edi_format)
                profiles[supplier.pk] = profile
                plan.profiles_create.append(profile)
                changed = True
            elif r.edi_format and profile.format != r.edi_format:
                profile.format = r.edi_format
                plan.profiles_update.append(profile)
                changed = True
        if r.edi_scheme and (supplier.pk, identifier_key(r.edi_scheme, r.edi_qualifier, r.edi_id)) not in stored:
            plan.identifiers.append((supplier.pk, r.edi_scheme, r.edi_qualifier, r.edi_id))
            changed = True
        if r.number in existing:
            if changed:
                result.updated += 1
            else:
                result.unchanged += 1
    return plan


def _touched(supplier: Supplier, r: CleanRow, profile: PartnerProfile | None, stored: set) -> list[str]:
    """The columns of ``r`` that would change an existing supplier beyond its plant links."""
    touched = [f for f in SUPPLIER_FIELDS if getattr(supplier, f) != r.values[f]]
    if r.edi_format and (profile is None or profile.format != r.edi_format):
        touched.append("edi_format")
    if r.edi_scheme and (supplier.pk, identifier_key(r.edi_scheme, r.edi_qualifier, r.edi_id)) not in stored:
        touched.append("edi_id")
    return touched


def _write(plan: _Plan, *, by: User | None, progress: Progress | None) -> None:
    total = len(plan.create) + len(plan.update)
    done = 0
    for chunk in _chunks(plan.create):
        bulk_create_with_history(chunk, Supplier, batch_size=BATCH, default_user=by, default_change_reason="import")
        OnboardingTransition.objects.bulk_create(
            [OnboardingTransition(supplier=s, from_status="", to_status=s.status, at=s.status_changed_at, by=by, note="imported") for s in chunk]
        )
        done += len(chunk)
        if progress:
            progress("write", done, total)
    for chunk in _chunks(plan.update):
        bulk_update_with_history(chunk, Supplier, SUPPLIER_FIELDS, batch_size=BATCH, default_user=by, default_change_reason="import")
        done += len(chunk)
        if progress:
            progress("write", done, total)
    through = Supplier.plants.through
    for chunk in _chunks(plan.links_add):
        through.objects.bulk_create([through(supplier_id=s, plant_id=p) for s, p in chunk], ignore_conflicts=True)
    for chunk in _chunks(plan.links_remove):
        through.objects.filter(pk__in=chunk).delete()
    for chunk in _chunks(plan.profiles_create):
        bulk_create_with_history(chunk, PartnerProfile, batch_size=BATCH, default_user=by, default_change_reason="import")
    for chunk in _chunks(plan.profiles_update):
        bulk_update_with_history(chunk, PartnerProfile, ["format"], batch_size=BATCH, default_user=by, default_change_reason="import")
    if plan.identifiers:
        profile_ids = {}
        for chunk in _chunks(sorted({sid for sid, *_ in plan.identifiers}, key=str)):
            profile_ids.update(dict(PartnerProfile.objects.filter(supplier_id__in=chunk).values_list("supplier_id", "pk")))
        # Staff imported them: master data, verified at once.
        idents = [
            PartnerIdentifier(profile_id=profile_ids[sid], scheme=sch, qualifier=q, value=v, status=PartnerIdentifier.Status.VERIFIED).fill_key()
            for sid, sch, q, v in plan.identifiers
        ]
        for chunk in _chunks(idents):
            bulk_create_with_history(chunk, PartnerIdentifier, batch_size=BATCH, default_user=by, default_change_reason="import")
    if progress:
        progress("write", total, total)


# Files up to this many rows are imported while the staff member waits; larger ones run
# in a Celery task that reports its progress on the import (shown as a progress bar).
INLINE_ROWS = 2000
STALE_IMPORT = dt.timedelta(minutes=15)


def import_commit_start(*, batch: SupplierImport) -> bool:
    """Claim a previewed import for committing; False when it is already running or done.

    A claim left by a worker that died is taken over once it is older than STALE_IMPORT.
    """
    now = timezone.now()
    claimed = SupplierImport.objects.filter(pk=batch.pk).filter(
        Q(status=SupplierImport.Status.PREVIEWED) | Q(status=SupplierImport.Status.IMPORTING, started_at__lt=now - STALE_IMPORT)
    ).update(status=SupplierImport.Status.IMPORTING, started_at=now, progress_stage="", progress_done=0, progress_total=batch.summary.get("rows", 0))
    return bool(claimed)


def import_commit(*, batch_id: int, by: User | None) -> SupplierImport:
    """Import a claimed (``importing``) staff upload, recording progress on it as it goes."""
    batch = SupplierImport.objects.get(pk=batch_id)
    if batch.status != SupplierImport.Status.IMPORTING:
        return batch

    def progress(stage: str, done: int, total: int) -> None:
        SupplierImport.objects.filter(pk=batch_id).update(progress_stage=stage, progress_done=done, progress_total=total)

    with batch.file.open("rb") as fh:
        data = fh.read()
    try:
        result = suppliers_import(data=data, filename=batch.filename, by=by, all_or_nothing=batch.all_or_nothing, progress=progress)
        summary = result.as_dict()
    except ImportFileError as exc:
        summary = {**batch.summary, "committed": False, "file_error": str(exc)}
    SupplierImport.objects.filter(pk=batch_id).update(status=SupplierImport.Status.COMMITTED, summary=summary)
    batch.refresh_from_db()
    return batch
