"""Rows <-> canonical documents, the same for CSV and XLSX.

``read_rows`` takes the header row and the data rows (each with its 1-based line
number) and a mapping, and groups the rows into documents by document number;
``write_rows`` does the reverse. Values are read leniently (decimal comma, German
dates, Excel date cells) and every refusal names the line and the column header.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from hub.formats import codes
from hub.formats.canonical import (
    CumulativeQuantity,
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    Document,
    ScheduleLine,
    ScheduleQuantity,
    Source,
    decimal_text,
)
from hub.formats.errors import FormatError, MessageResult, ParseResult, Position, first_unstorable
from hub.formats.tabular.mapping import LINE_KEY, QUANTITY_FIELD, ColumnMapping

COMMITMENTS = ("firm", "production", "material", "forecast")
KINDS = ("standard", "jit")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}([.,]\d{3})+)?([.,]\d+)?$")


class CellError(ValueError):
    """A value that cannot be read; the caller adds line and column."""


def to_decimal(value: Any) -> Decimal | None:
    """Read a quantity: ``12.5``, ``12,5`` (decimal comma), ``1.234,5``, ``1,234.5`` or an Excel number.

    With one separator only, it is the decimal mark (``1.234`` is 1.234): suppliers who
    group thousands also write the decimal mark, and quantities rarely need both.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest repr, not the binary expansion
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if not _NUMBER.match(text) or not any(ch.isdigit() for ch in text):
        raise CellError(f"{str(value).strip()!r} is not a number")
    dot, comma = text.rfind("."), text.rfind(",")
    if dot >= 0 and comma >= 0:  # both: the last one is the decimal mark
        thousands = "," if dot > comma else "."
        text = text.replace(thousands, "")
    elif text.count(",") + text.count(".") > 1:  # 1.234.567: grouping only
        text = text.replace(",", "").replace(".", "")
    text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(f"{str(value).strip()!r} is not a number") from None


def to_date(value: Any) -> str | None:
    """Read a date: ISO (with optional time), ``31.12.2026``, ``20261231`` or an Excel date cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%dT%H:%M") + (f":{value.second:02d}" if value.second else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        match = _ISO.match(text)
        if match:
            y, m, d, hh, mm, ss = match.groups()
            day = dt.date(int(y), int(m), int(d)).isoformat()
            if hh is None:
                return day
            dt.time(int(hh), int(mm), int(ss or 0))
            return f"{day}T{hh}:{mm}" + (f":{ss}" if ss and ss != "00" else "")
        match = _GERMAN.match(text)
        if match:
            d, m, y = match.groups()
            return dt.date(int(y), int(m), int(d)).isoformat()
        match = _COMPACT.match(text)
        if match:
            y, m, d = match.groups()
            return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        pass
    raise CellError(f"{text!r} is not a date (use 2026-12-31 or 31.12.2026)")


def to_text(value: Any) -> str:
    """A cell as text; Excel numbers that are whole come back without ``.0`` (part numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return to_date(value) or ""
    return str(value).strip()


def convert(kind: str, value: Any) -> Any:
    """Read one cell as the field kind says; raises CellError."""
    if kind == "decimal":
        return to_decimal(value)
    if kind == "date":
        return to_date(value)
    text = to_text(value)
    if kind == "unit":
        return codes.unit_to_rec20(text, "tabular") if text else ""
    if kind == "commitment":
        text = text.lower()
        if text and text not in COMMITMENTS:
            raise CellError(f"{text!r} is not a commitment ({', '.join(COMMITMENTS)})")
    if kind == "kind":
        text = text.lower()
        if text and text not in KINDS:
            raise CellError(f"{text!r} is not a call-off kind ({', '.join(KINDS)})")
    return text


def _set(obj: Any, path: str, value: Any) -> None:
    """Set a dotted field (``ship_to.plant``) on a document."""
    *parents, name = path.split(".")
    for part in parents:
        obj = getattr(obj, part)
    setattr(obj, "from_" if name == "from" else name, value)


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, "from_" if part == "from" else part)
    return obj


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(
    header: Sequence[Any],
    rows: Iterable[tuple[int, Sequence[Any]]],
    mapping: ColumnMapping,
    result: ParseResult,
    source: Source,
) -> None:
    """Group data rows into documents, one MessageResult per document number, errors positioned."""
    columns = mapping.match([to_text(h) for h in header])
    if columns is None:
        wanted = ", ".join(f"'{mapping.columns[k]}'" for k in ("number", QUANTITY_FIELD[mapping.document_type]))
        result.errors.append(
            FormatError(f"the header row lacks the columns the mapping needs ({wanted} and a part number)", Position(line=1))
        )
        return
    headers = {index: to_text(header[index]) for index in columns}
    header_of = {key: headers[index] for index, key in columns.items()}  # errors name the file's own headers
    kinds = mapping.kinds
    quantity_key = QUANTITY_FIELD[mapping.document_type]
    documents: dict[str, tuple[MessageResult, dict[str, Any], dict[str, int]]] = {}
    lines: dict[tuple[str, tuple[str, ...]], Any] = {}

    for line_no, row in rows:
        if all(_is_blank(v) for v in row):
            continue
        values: dict[str, Any] = {}
        errors: list[FormatError] = []
        for index, key in columns.items():
            raw = row[index] if index < len(row) else None
            if isinstance(raw, str) and first_unstorable(raw) >= 0:
                errors.append(
                    FormatError(
                        "the cell holds a NUL character (or a lone surrogate), which cannot be stored; remove it and send the file again",
                        Position(line=line_no, column_name=headers[index]),
                        code="value",
                    )
                )
                continue
            try:
                values[key] = convert(kinds[key], raw)
            except CellError as exc:
                errors.append(FormatError(str(exc), Position(line=line_no, column_name=headers[index]), code="value"))
        number = values.get("number") or ""
        if not number and not errors:
            errors.append(
                FormatError("the document number is missing", Position(line=line_no, column_name=header_of["number"]), code="value")
            )
        entry = documents.get(number)
        if entry is None:
            outcome = MessageResult(ref=number, type=mapping.document_type)
            result.messages.append(outcome)
            entry = documents[number] = (outcome, {}, {})
        outcome, header_values, first_line = entry
        outcome.errors.extend(errors)
        if errors:
            continue
        # document fields: the first row that gives one sets it; a later row may repeat it or leave it blank
        for key, value in values.items():
            if key.startswith(("line.", "schedule.")) or value in (None, ""):
                continue
            if key in header_values and header_values[key] != value:
                outcome.errors.append(
                    FormatError(
                        f"{_show(value)!r} differs from {_show(header_values[key])!r} "
                        f"given in line {first_line[key]} for document {number}",
                        Position(line=line_no, column_name=header_of[key]),
                        code="value",
                    )
                )
                continue
            header_values.setdefault(key, value)
            first_line.setdefault(key, line_no)
        if not outcome.documents:
            outcome.documents = [_new_document(mapping.document_type, source)]
        doc = outcome.documents[0]
        unit = values.get("line.unit")
        if unit and not codes.unit_in(unit, "tabular")[1]:
            codes.note_unknown_unit(doc.warnings, unit, "tabular", f"line {line_no}, column '{header_of['line.unit']}'")
        for key, value in header_values.items():
            if value not in (None, ""):
                _set(doc, key, value)
        line_key = tuple(values.get(k) or "" for k in LINE_KEY)
        quantity = values.get(quantity_key)
        if not any(line_key) and quantity is None:
            continue  # a row with document fields only (a document without lines)
        if mapping.document_type == "despatch_advice":
            if quantity is None:
                outcome.errors.append(
                    FormatError("a quantity is required", Position(line=line_no, column_name=header_of[quantity_key]), code="value")
                )
                continue
            doc.lines.append(
                DespatchLine(
                    buyer_part=values.get("line.buyer_part") or "",
                    supplier_part=values.get("line.supplier_part") or "",
                    quantity=quantity,
                    unit=values.get("line.unit") or "C62",
                    order_number=values.get("line.order_number") or "",
                    batch=values.get("line.batch") or "",
                )
            )
            continue
        line = lines.get((number, line_key))
        if line is None:
            cumulative = values.get("line.cumulative_received.quantity")
            line = ScheduleLine(
                buyer_part=values.get("line.buyer_part") or "",
                supplier_part=values.get("line.supplier_part") or "",
                description=values.get("line.description") or "",
                unit=values.get("line.unit") or "C62",
                order_number=values.get("line.order_number") or "",
                unloading_point=values.get("line.unloading_point") or "",
                cumulative_received=CumulativeQuantity(cumulative, values.get("line.cumulative_received.date"))
                if cumulative is not None
                else None,
            )
            lines[(number, line_key)] = line
            doc.lines.append(line)
        if quantity is not None:
            line.schedule.append(
                ScheduleQuantity(
                    quantity=quantity,
                    commitment=values.get("schedule.commitment") or "firm",
                    date=values.get("schedule.date"),
                    from_=values.get("schedule.from"),
                    to=values.get("schedule.to"),
                )
            )
    for outcome in result.messages:
        if outcome.errors:
            outcome.documents = []


def _show(value: Any) -> str:
    return decimal_text(value) if isinstance(value, Decimal) else str(value)


def _new_document(document_type: str, source: Source) -> Document:
    cls = DeliverySchedule if document_type == "delivery_schedule" else DespatchAdvice
    return cls(source=Source(format=source.format, version=source.version))


def write_rows(documents: Sequence[Document], mapping: ColumnMapping) -> tuple[list[str], list[list[Any]]]:
    """Flatten documents into the header row and data rows of ``mapping`` (one row per quantity)."""
    for doc in documents:
        if doc.type != mapping.document_type:
            raise FormatError(f"this table holds {mapping.document_type} documents, not {doc.type}")
    keys = list(mapping.columns)
    header = [mapping.columns[k] for k in keys]
    rows: list[list[Any]] = []
    for doc in documents:
        doc_values = {k: _get(doc, k) for k in keys if not k.startswith(("line.", "schedule."))}
        if isinstance(doc, DeliverySchedule):
            flat = [(line, entry) for line in doc.lines for entry in (line.schedule or [None])] or [(None, None)]
        else:
            flat = [(line, None) for line in doc.lines] or [(None, None)]
        for line, entry in flat:
            row = []
            for key in keys:
                if key.startswith("line."):
                    value = _get(line, key[5:]) if line is not None else None
                elif key.startswith("schedule."):
                    value = _get(entry, key[9:]) if entry is not None else None
                else:
                    value = doc_values[key]
                row.append(value)
            rows.append(row)
    return header, rows
