"""Fixed-length VDA records: field layouts as data, reading fields, cutting a file into records.

A ``Layout`` is a table of ``Field`` rows (name, 1-based start, length, N or AN); every
layout covers columns 1..128 without gap or overlap, checked when the table is built,
so a typo in a table fails at import instead of misreading files in production.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from hub.formats.errors import FormatError, Position

RECORD_LENGTH = 128


@dataclass
class RecordPosition(Position):
    """A position in a VDA file: record number, record type and column, said as ``record 7 (514), column 21``."""

    def describe(self) -> str:
        """Say the position with the word ``record`` (VDA has records, not segments)."""
        parts: list[str] = []
        if self.segment is not None:
            parts.append(f"record {self.segment}" + (f" ({self.tag})" if self.tag else ""))
        elif self.tag:
            parts.append(self.tag)
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Field:
    """One field of a record: name, 1-based start column, length, ``N`` (numeric) or ``AN``."""

    name: str
    start: int
    length: int
    kind: str = "AN"

    @property
    def end(self) -> int:
        """The column after the field (1-based, exclusive)."""
        return self.start + self.length


@dataclass
class Layout:
    """The layout of one record type: its fields, in column order, covering all 128 columns."""

    type: str
    version: str
    title: str
    fields: list[Field]
    by_name: dict[str, Field] = field(init=False, repr=False)
    spans: dict[str, tuple[int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        head = [Field("type", 1, 3, "N"), Field("version", 4, 2, "N")]
        self.fields = head + list(self.fields)
        column = 1
        for f in self.fields:
            if f.start != column:
                raise ValueError(f"layout {self.type}: field {f.name} starts at {f.start}, expected {column}")
            if f.kind not in ("N", "AN"):
                raise ValueError(f"layout {self.type}: field {f.name} has kind {f.kind!r}")
            column = f.end
        if column != RECORD_LENGTH + 1:
            raise ValueError(f"layout {self.type}: fields end at column {column - 1}, not {RECORD_LENGTH}")
        self.by_name = {f.name: f for f in self.fields if not f.name.startswith("blank")}
        # 0-based slice bounds by field name: reading a field is one dict lookup and one slice
        self.spans = {f.name: (f.start - 1, f.end - 1) for f in self.by_name.values()}


def layout(type_: str, version: str, title: str, *rows: tuple[str, int, int, str]) -> Layout:
    """Build a Layout from ``(name, start, length, kind)`` rows; the type and version fields are added."""
    return Layout(type_, version, title, [Field(*row) for row in rows])


@dataclass
class Record:
    """One 128-character record with its 1-based number in the file and its layout."""

    number: int
    text: str
    layout: Layout
    ref: str = ""  # the call-off or delivery note the record belongs to, for error messages

    @property
    def type(self) -> str:
        """The record type (Satzart), e.g. ``512``."""
        return self.layout.type

    @property
    def version(self) -> str:
        """The record's version as written in columns 4-5."""
        return self.text[3:5]

    def raw(self, name: str) -> str:
        """The field's characters exactly as written."""
        start, end = self.layout.spans[name]
        return self.text[start:end]

    def error(self, text: str, name: str | None = None, *, code: str = "syntax") -> FormatError:
        """A FormatError positioned at this record (and at ``name``'s column when given)."""
        column = self.layout.by_name[name].start if name else None
        return FormatError(text, RecordPosition(segment=self.number, tag=self.type, column=column, message_ref=self.ref), code=code)

    def text_of(self, name: str) -> str:
        """An alphanumeric field: left-justified, so trailing blanks go; inner blanks stay."""
        start, end = self.layout.spans[name]
        return self.text[start:end].rstrip()

    def int_of(self, name: str) -> int:
        """A numeric field as an int: blank means 0; anything but digits is a positioned error."""
        start, end = self.layout.spans[name]
        text = self.text[start:end].strip()
        if not text:
            return 0
        if not text.isdigit() or not text.isascii():
            raise self.error(f"'{self.raw(name)}' is not a number", name)
        return int(text)

    def decimal_of(self, name: str, places: int = 0) -> Decimal:
        """A numeric field with ``places`` implied decimals (4913 quantities have 3)."""
        return Decimal(self.int_of(name)).scaleb(-places) if places else Decimal(self.int_of(name))

    def number_text(self, name: str) -> str:
        """A numeric field used as a reference (delivery note no): digits without leading zeros, '' for 0."""
        value = self.int_of(name)
        return str(value) if value else ""


def split_records(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Cut a decoded file into ``(line, record text)`` pairs of exactly 128 characters.

    The whole-text form of ``iter_records`` (detection reads the head with it).
    Returns the records and warnings.
    """
    warnings: list[str] = []
    return list(iter_records([text], warnings)), warnings


def iter_records(chunks: Iterable[str], warnings: list[str]) -> Iterator[tuple[int, str]]:
    """Cut decoded text, chunk by chunk, into ``(line, record text)`` pairs of exactly 128 characters.

    Real files separate records by CRLF, by LF with trailing blanks trimmed, or not at
    all (one long line). Lines are padded back to 128; a line longer than 128 is cut
    into 128-character records (its last piece padded). Blank lines and a DOS end-of-file
    mark (Ctrl-Z) are dropped. The records are the same whatever the chunks: a CR at a
    chunk's end waits for a possible LF, and a long line without breaks is cut into
    records as it arrives, so memory stays at one chunk.
    """
    number = 1  # the line being read
    line = ""  # its text not yet cut into records
    done = 0  # how many of its characters were cut already (a multiple of 128)
    beyond = False  # whether something other than blanks was cut after its column 128
    blank_head = False  # whether its first 128 characters, cut already, were blank
    held = ""
    for chunk in chunks:
        text = held + chunk
        held = ""
        if text.endswith("\r"):
            text, held = text[:-1], "\r"
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = text.split("\n")
        for part in parts[:-1]:
            if line or done or len(part) != RECORD_LENGTH:
                yield from _line_records(number, line + part, done, beyond, blank_head, warnings)
                line, done, beyond, blank_head = "", 0, False, False
            elif part.strip():  # the usual line: one record (blank lines are dropped)
                yield number, part
            number += 1
        line += parts[-1]
        if len(line) > _LONG:
            # A long line without breaks: cut it as it comes, keeping the last record for the end.
            cut = (len(line) - RECORD_LENGTH) // RECORD_LENGTH * RECORD_LENGTH
            for at in range(0, cut, RECORD_LENGTH):
                piece = line[at : at + RECORD_LENGTH]
                if not piece.strip():
                    # Blank pieces after the first are dropped; a blank first one waits to
                    # see whether the line holds anything at all (a blank line is dropped).
                    blank_head = blank_head or not (done + at)
                    continue
                if blank_head:
                    yield number, " " * RECORD_LENGTH
                    blank_head = False
                beyond = beyond or bool(done + at)
                yield number, piece
            line, done = line[cut:], done + cut
    line = (line + held.replace("\r", "\n")).rstrip("\x1a")
    for part in line.split("\n"):
        yield from _line_records(number, part, done, beyond, blank_head, warnings)
        number += 1
        done, beyond, blank_head = 0, False, False


_LONG = 1 << 16  # characters of one line kept before cutting it into records on the go


def _line_records(  # noqa: PLR0913 - the state of a line cut in pieces
    number: int, line: str, done: int, beyond: bool, blank_head: bool, warnings: list[str]
) -> Iterator[tuple[int, str]]:
    """The records of the rest of line ``number``, of which ``done`` characters were cut before."""
    if (not done or blank_head and not beyond) and not line.strip():
        return
    cut_before = beyond  # a record with content was cut before: the blank first one went out then
    total = done + len(line)
    if not done and total > RECORD_LENGTH and len(line.rstrip(" ")) <= RECORD_LENGTH:
        line = line.rstrip(" ")
        total = len(line)
    pieces = []
    for at in range(0, len(line), RECORD_LENGTH):
        piece = line[at : at + RECORD_LENGTH]
        if done + at and not piece.strip():
            continue  # trailing blanks after the last record of a long line
        beyond = beyond or bool(done + at)
        pieces.append(piece)
    if total > RECORD_LENGTH and total % RECORD_LENGTH and beyond:
        warnings.append(f"line {number} is {total} characters, not a multiple of {RECORD_LENGTH}: its last record is padded")
    if blank_head and not cut_before and pieces:
        pieces.insert(0, "")  # the blank first record of a line that turned out to hold more
    for piece in pieces:
        yield number, piece.ljust(RECORD_LENGTH)
