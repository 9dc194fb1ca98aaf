"""What the VDA message readers and writers share: the transmission header, message bookkeeping, writing fields."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import CumulativeQuantity, Receipt, Source
from hub.formats.errors import FormatError, MessageResult, ParseResult
from hub.formats.vda.records import RECORD_LENGTH, Layout, Record

log = logging.getLogger(__name__)

# A file repeats the same few hundred dates in every call-off: read each once (pure functions).
vda_date = functools.lru_cache(maxsize=8192)(codes.vda_date)
vda_time = functools.lru_cache(maxsize=4096)(codes.vda_time)


@dataclass
class Header:
    """What a transmission header (511/551/711) says."""

    family: str
    customer: str = ""
    supplier: str = ""
    transmission_old: str = ""
    transmission_new: str = ""
    date: str | None = None
    record: int = 0


class MessageReader:
    """Base of the per-family readers: keeps the open message and routes errors to it.

    Each call-off (512/552) or delivery note (713) is one MessageResult, so a fault in one
    does not cost the others; faults outside any message go to ``ParseResult.errors``.
    """

    def __init__(self, result: ParseResult, header: Header) -> None:
        self.result = result
        self.header = header
        self.message: MessageResult | None = None

    def fail(self, error: FormatError) -> None:
        """Record an error against the open message, or the file when none is open."""
        if self.message is not None:
            if not error.position.message_ref:
                error.position.message_ref = self.message.ref
            self.message.errors.append(error)
        else:
            self.result.errors.append(error)

    def open(self, ref: str, type_: str) -> MessageResult:
        """Start a new message (after finishing the open one)."""
        self.finish()
        self.message = MessageResult(ref=ref, type=type_, interchange=max(len(self.result.envelopes) - 1, 0))
        self.result.messages.append(self.message)
        return self.message

    def record(self, rec: Record) -> None:
        """Read one record of the transmission (not header or trailer); errors are collected."""
        try:
            self.read(rec)
        except FormatError as exc:
            self.fail(exc)
        except Exception as exc:  # a mapping bug must not cost the other messages, nor escape parse()
            log.exception("VDA mapping failed at record %s", rec.number)
            self.fail(rec.error(f"could not map the record ({type(exc).__name__}: {exc})", code="internal"))

    def read(self, rec: Record) -> None:  # pragma: no cover - every family overrides it
        """Map one record; raise FormatError for bad content."""
        raise NotImplementedError

    def finish(self) -> None:
        """Complete the open message (called at the next message, the trailer and the end of file)."""
        self.message = None

    def source(self, version: str, ref: str) -> Source:
        """The canonical source of a document of this transmission."""
        return Source(format="VDA", version=version, message_ref=ref, interchange_ref=self.header.transmission_new)


def read_date(rec: Record, name: str) -> str | None:
    """A plain YYMMDD date field: zero or blank gives None; a special or bad value is a positioned error."""
    raw = rec.raw(name)
    if not raw.strip() or raw == "000000":
        return None
    try:
        kind, day, _, _ = vda_date(raw)
    except ValueError as exc:
        raise rec.error(str(exc), name) from None
    if kind != "day":
        raise rec.error(f"'{raw}' is not a calendar date (YYMMDD)", name)
    return day


def read_horizon(rec: Record, name: str) -> str | None:
    """The end of a release horizon (515): a day, or the last day of a week or month bucket; zero gives None."""
    raw = rec.raw(name)
    try:
        kind, day, _, end = vda_date(raw)
    except ValueError as exc:
        raise rec.error(str(exc), name) from None
    if kind == "end":
        return None
    if kind not in ("day", "week", "month"):
        raise rec.error(f"'{raw}' is no horizon date (YYMMDD, JJ00WW or JJMM00)", name)
    return day or end


def read_datetime(rec: Record, date_name: str, time_name: str, *, midnight: bool) -> str | None:
    """A date with its HHMM time as an ISO datetime; with ``midnight`` False a time 0000 or blank gives the date alone."""
    day = read_date(rec, date_name)
    raw = rec.raw(time_name)
    try:
        time = vda_time(raw)
    except ValueError as exc:
        raise rec.error(str(exc), time_name) from None
    if day is None:
        return None
    if time is None or (time == "00:00" and not midnight):
        return f"{day}T00:00" if midnight else day
    return f"{day}T{time}"


def receipt_and_cumulative(
    rec: Record, date: str, note: str, qty: str, cumulative: str | None
) -> tuple[Receipt | None, CumulativeQuantity | None]:
    """A receipt slot, and (when ``cumulative`` names the field) the cumulative quantity dated by that receipt.

    A receipt exists when it names a delivery note or a quantity; the cumulative quantity
    exists when it is not zero (a zero-filled field means "not given": a cumulative receipt
    is never zero once anything was received).
    """
    day = read_date(rec, date)
    note_no = rec.text_of(note).strip()
    quantity = rec.decimal_of(qty)
    receipt = Receipt(delivery_note=note_no, date=day, quantity=quantity) if (note_no or quantity) else None
    total = None
    if cumulative is not None:
        value = rec.decimal_of(cumulative)
        if value:
            total = CumulativeQuantity(quantity=value, date=day)
    return receipt, total


def texts(rec: Record) -> list[str]:
    """The three 40-character texts of a 518/557/716 record, trailing blanks trimmed."""
    return [rec.text_of(f"text{i}") for i in (1, 2, 3)]


def join_texts(parts: list[str]) -> str:
    """Texts as one description: one text per line, trailing empty texts dropped."""
    while parts and not parts[-1]:
        parts.pop()
    return "\n".join(parts)


def split_texts(description: str, width: int = 40) -> list[str]:
    """A description as 40-character texts: one per line, longer lines cut at 40 (the inverse of ``join_texts``)."""
    out: list[str] = []
    for line in description.split("\n") if description else []:
        line = line.rstrip()
        out.extend([line[i : i + width] for i in range(0, len(line), width)] or [""])
    return out


class RecordWriter:
    """Builds one 128-character record from a layout, checking widths, digits and Latin-1."""

    def __init__(self, layout: Layout, what: str) -> None:
        self.layout = layout
        self.what = what  # the document being written, for error messages
        self.chars = list(layout.type + layout.version + " " * (RECORD_LENGTH - 5))
        for f in layout.fields[2:]:
            if f.kind == "N":
                self._put(f.start, "0" * f.length)

    def _put(self, start: int, text: str) -> None:
        self.chars[start - 1 : start - 1 + len(text)] = list(text)

    def set(self, name: str, value: str | int | Decimal | None, places: int = 0) -> RecordWriter:
        """Write ``value`` into field ``name``: N right-justified zero-filled, AN left-justified blank-filled."""
        f = self.layout.by_name[name]
        if value is None or value == "":
            return self
        if f.kind == "N":
            number = Decimal(value) if not isinstance(value, Decimal) else value
            scaled = number.scaleb(places)
            if scaled != scaled.to_integral_value() or scaled < 0:
                shown = f"{number} (more than {places} decimals)" if places else f"{number}"
                raise FormatError(f"{self.what}: {shown} cannot be written in {self.layout.type} {name} (N {f.length})")
            text = str(int(scaled)).zfill(f.length)
        else:
            text = str(value)
            try:
                text.encode("iso8859_1")
            except UnicodeEncodeError:
                raise FormatError(f"{self.what}: '{text}' has characters ISO-8859-1 cannot carry ({self.layout.type} {name})") from None
            if "\n" in text or "\r" in text:
                raise FormatError(f"{self.what}: '{text}' holds a line break ({self.layout.type} {name})")
            text = text.ljust(f.length)
        if len(text) > f.length:
            raise FormatError(f"{self.what}: '{value}' is longer than the {f.length} characters of {self.layout.type} {name}")
        self._put(f.start, text)
        return self

    def date(self, name: str, iso: str | None) -> RecordWriter:
        """Write an ISO date (a datetime's date part) as YYMMDD; None leaves zeros."""
        if iso:
            try:
                self._put(self.layout.by_name[name].start, codes.iso_to_vda(date=iso[:10]))
            except ValueError as exc:
                raise FormatError(f"{self.what}: {exc} ({self.layout.type} {name})") from None
        return self

    def time(self, name: str, iso: str | None) -> RecordWriter:
        """Write the time of an ISO datetime as HHMM (a date alone leaves 0000)."""
        if iso and "T" in iso:
            hhmm = iso.partition("T")[2].replace(":", "")[:4]
            self._put(self.layout.by_name[name].start, hhmm.ljust(4, "0"))
        return self

    def text(self) -> str:
        """The finished 128-character record."""
        return "".join(self.chars)
