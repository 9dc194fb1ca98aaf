"""CSV and XLSX codecs for suppliers without EDI.

Detection is deliberately the weakest in the registry: a CSV file is claimed only when
its first non-empty line is a header row matching a known mapping (document number,
quantity and a part number column), so EDIFACT, X12, VDA or any other text is never
taken for CSV. An XLSX file is a ZIP holding ``xl/``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import Document, Source, decimal_text
from hub.formats.errors import FormatError, MessageStream, ParseResult, Position
from hub.formats.tabular.mapping import DEFAULT_MAPPINGS, ColumnMapping, best_mapping
from hub.formats.tabular.neutral import neutralise, restore
from hub.formats.tabular.table import read_rows, to_text, write_rows

DELIMITERS = ";,\t|"
MAX_CELL = 10_000  # longer cells are refused, not silently cut (csv's own limit is 128 KiB)


def decode(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM) or, failing that, Windows-1252 with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return data.decode("cp1252", errors="replace"), [
            f"the file is not UTF-8 (first bad byte in line {line}); it was read as Windows-1252 (cp1252)"
        ]


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(text: str, mappings: Sequence[ColumnMapping]) -> str:
    """The delimiter: csv.Sniffer's guess when it makes the header match a mapping, else the best splitter."""
    header = _first_line(text)
    candidates: list[str] = []
    with contextlib.suppress(csv.Error):  # Sniffer gives up on one-column or odd files; the header decides then
        candidates.append(csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS).delimiter)
    candidates.extend(d for d in DELIMITERS if d not in candidates)
    best, best_score = candidates[0] if candidates else ",", -1
    for delimiter in candidates:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        score = max((m.score(cells) for m in mappings), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class TabularCodec:
    """Shared parse/render logic; subclasses say how rows come in and go out."""

    name = ""
    family = ""

    def __init__(self, mappings: Sequence[ColumnMapping] | None = None) -> None:
        self.mappings = list(mappings or DEFAULT_MAPPINGS)

    def _mapping_for(self, header: list[str], mapping: ColumnMapping | None) -> ColumnMapping | None:
        return mapping if mapping is not None else best_mapping(header, self.mappings)

    def _no_mapping(self, header: list[str], result: ParseResult) -> ParseResult:
        known = "; ".join(f"{m.name or m.document_type}: {', '.join(m.columns.values())}" for m in self.mappings)
        shown = ", ".join(f"'{h}'" for h in header[:8])
        result.errors.append(
            FormatError(f"the header row ({shown}) matches no column mapping; known columns: {known}", Position(line=1), code="unsupported")
        )
        return result

    def _render_mapping(self, documents: Sequence[Document], mapping: ColumnMapping | None) -> ColumnMapping:
        if mapping is not None:
            return mapping
        types = {doc.type for doc in documents}
        if len(types) > 1:
            raise FormatError(f"a table holds one document type; got {', '.join(sorted(types))}")
        for candidate in self.mappings:
            if candidate.document_type in types or not types:
                return candidate
        raise FormatError(f"{self.family} carries {', '.join(sorted({m.document_type for m in self.mappings}))}, not {', '.join(types)}")

    def describe(self) -> list[FormatInfo]:
        """The document types this codec's mappings carry."""
        types = sorted({m.document_type for m in self.mappings})
        return [
            FormatInfo(
                name=self.name,
                family=self.family,
                versions=["mapping"],
                message_types=[m.name or m.document_type for m in self.mappings],
                directions=["parse", "render"],
                documents=types,
            )
        ]


    def parse(self, data: bytes, mapping: ColumnMapping | None = None) -> ParseResult:  # pragma: no cover - overridden
        """Parse a table into documents (each subclass reads its own container)."""
        raise NotImplementedError

    def stream(self, fh: IO[bytes], mapping: ColumnMapping | None = None) -> MessageStream:
        """The table's documents as a message stream, one message per document number.

        Rows of one document may stand anywhere in a table, so a document is complete only
        at the end of it: the table is read whole, then handed out document by document.
        """
        return MessageStream.of(self.parse(fh.read(), mapping))


class CsvCodec(TabularCodec):
    """Delimited text with a header row; delimiter and encoding sniffed, decimal comma accepted."""

    name = "csv"
    family = "CSV"

    def detect(self, head: bytes) -> Detection | None:
        """Claim text whose first non-empty line is a header row a known mapping matches (last resort)."""
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"<", b"{", b"[", b"PK\x03\x04")) or b"\x00" in head[:512]:
            return None
        text, _ = decode(head)
        delimiter = sniff_delimiter(text, self.mappings)
        header = next(csv.reader([_first_line(text)], delimiter=delimiter), [])
        mapping = best_mapping(header, self.mappings)
        if mapping is None:
            return None
        return Detection(codec=self.name, family=self.family, version=_delimiter_name(delimiter), message_types=[mapping.document_type])

    def parse(self, data: bytes, mapping: ColumnMapping | None = None) -> ParseResult:
        """Parse CSV rows into documents with ``mapping`` (default: the best matching known mapping)."""
        result = ParseResult(format=self.family)
        text, warnings = decode(data)
        result.warnings.extend(warnings)
        if not text.strip():
            result.errors.append(FormatError("the file is empty", Position(line=1)))
            return result
        delimiter = sniff_delimiter(text, [mapping] if mapping else self.mappings)
        try:
            rows = list(_csv_rows(text, delimiter))
        except FormatError as exc:
            result.errors.append(exc)
            return result
        header_line, header = rows[0]
        chosen = self._mapping_for(header, mapping)
        if chosen is None:
            return self._no_mapping(header, result)
        read_rows(header, rows[1:], chosen, result, Source(format=self.family, version=chosen.name))
        return result

    def render(self, documents: Sequence[Document], options: RenderOptions | None = None, mapping: ColumnMapping | None = None) -> bytes:
        """CSV with a header row: ';'-separated, UTF-8 with BOM (Excel opens it right), decimal point."""
        return render_csv(documents, self._render_mapping(documents, mapping))


def _delimiter_name(delimiter: str) -> str:
    return {";": "semicolon", ",": "comma", "\t": "tab", "|": "pipe"}.get(delimiter, delimiter)


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the physical line each starts on (quoted cells may span lines).

    Python's csv module refuses a NUL with "line contains NUL" for the whole file; a NUL
    is carried through it as a stand-in character instead and put back in its cell, so
    the row's document is refused with the cell's line and column (``table.read_rows``).
    """
    nul = ""
    if "\x00" in text:
        nul = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)  # a private-use character
        text = text.replace("\x00", nul)
    for start, row in _csv_rows_plain(text, delimiter):
        yield start, [cell.replace(nul, "\x00") for cell in row] if nul else row


def _csv_rows_plain(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            start = line
            line = reader.line_num + 1
            if any(len(cell) > MAX_CELL for cell in row):
                raise FormatError(f"a cell is longer than {MAX_CELL} characters", Position(line=start), code="value")
            if row and any(cell.strip() for cell in row):
                # the hub's own CSV (and careful senders') prefix formula-like text with '
                yield start, [restore(cell) for cell in row]
    except csv.Error as exc:
        raise FormatError(f"the CSV is malformed: {exc}", Position(line=reader.line_num)) from None


def _cell_text(value: Any, decimal_comma: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # A quantity is a number, and stays one: a negative quantity is written -5, unprefixed.
        text = decimal_text(value)
        return text.replace(".", ",") if decimal_comma else text
    return neutralise(str(value))


def render_csv(
    documents: Sequence[Document], mapping: ColumnMapping, delimiter: str = ";", decimal_comma: bool = False, bom: bool = True
) -> bytes:
    """Render documents as CSV with ``mapping``'s columns (one row per schedule quantity / despatch line).

    Text cells that a spreadsheet would run as a formula are neutralised (see ``neutral``).
    """
    header, rows = write_rows(documents, mapping)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_cell_text(v, decimal_comma) for v in row])
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")


class XlsxCodec(TabularCodec):
    """Excel workbooks (first sheet whose header row matches a mapping)."""

    name = "xlsx"
    family = "XLSX"

    def detect(self, head: bytes) -> Detection | None:
        """Claim ZIP files that hold an Excel workbook (``xl/`` parts, or the OOXML content types)."""
        if not head.startswith(b"PK\x03\x04"):
            return None
        if b"xl/" not in head and b"[Content_Types].xml" not in head:
            return None
        return Detection(codec=self.name, family=self.family, version="OOXML")

    def parse(self, data: bytes, mapping: ColumnMapping | None = None) -> ParseResult:
        """Parse the first worksheet whose header row matches ``mapping`` (or a known mapping)."""
        from openpyxl import load_workbook  # imported here: only XLSX needs it

        result = ParseResult(format=self.family)
        try:
            _check_zip(data)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except FormatError as exc:
            result.errors.append(exc)
            return result
        except Exception as exc:  # openpyxl raises many types for a bad workbook
            result.errors.append(FormatError(f"the file is not a readable XLSX workbook ({type(exc).__name__}: {exc})", Position(line=1)))
            return result
        try:
            first_header: list[str] = []
            for sheet in book.worksheets:
                rows = ((number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1))
                rows = ((number, row) for number, row in rows if any(cell not in (None, "") for cell in row))
                first = next(rows, None)
                if first is None:
                    continue
                header = [to_text(cell) for cell in first[1]]
                first_header = first_header or header
                chosen = self._mapping_for(header, mapping)
                if chosen is None or chosen.match(header) is None:
                    continue
                if len(book.worksheets) > 1:
                    result.warnings.append(f"read worksheet '{sheet.title}'")
                read_rows(header, rows, chosen, result, Source(format=self.family, version=chosen.name))
                return result
            return self._no_mapping(first_header, result)
        finally:
            book.close()

    def render(self, documents: Sequence[Document], options: RenderOptions | None = None, mapping: ColumnMapping | None = None) -> bytes:
        """An XLSX workbook with one sheet and the mapping's header row."""
        return render_xlsx(documents, self._render_mapping(documents, mapping))


# A workbook is a ZIP: refuse archives that would inflate far beyond their size (zip bombs).
MAX_UNCOMPRESSED = 200 * 1024 * 1024


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FormatError(f"the file is not a readable XLSX workbook ({exc})", Position(line=1)) from None
    if total > MAX_UNCOMPRESSED:
        raise FormatError(
            f"the workbook unpacks to {total // (1024 * 1024)} MiB, more than the hub reads", Position(line=1), code="forbidden"
        )


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def render_xlsx(documents: Sequence[Document], mapping: ColumnMapping) -> bytes:
    """Render documents as an XLSX workbook with ``mapping``'s columns.

    Text is always stored as text (never as a formula, whatever it starts with), pure
    dates as Excel dates, datetimes as ISO text (Excel has no time zone), numbers as numbers.
    """
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    header, rows = write_rows(documents, mapping)
    book = Workbook()
    sheet = book.active
    sheet.title = mapping.document_type
    sheet.append(header)
    kinds = mapping.kinds
    keys = list(mapping.columns)
    for row in rows:
        cells = []
        for key, value in zip(keys, row, strict=True):
            if value is None:
                cells.append(None)
            elif kinds[key] == "date" and _ISO_DAY.match(value):
                cells.append(dt.date.fromisoformat(value))
            else:
                cells.append(value)
        try:
            sheet.append(cells)
        except IllegalCharacterError as exc:
            raise FormatError(f"a value holds characters Excel cannot store: {exc}", code="render") from None
        for cell, value in zip(sheet[sheet.max_row], cells, strict=True):
            if isinstance(value, str):
                cell.data_type = "s"  # "=..." stays text: no formula injection
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
