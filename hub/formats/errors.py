"""Errors with positions, and the result of parsing one file.

A codec never lets a bare exception escape for bad input: it raises or collects a
``FormatError`` that says what is wrong and where (segment number and tag, element,
component; or record number and column), in words a supplier's EDI clerk can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hub.formats.canonical import Document


@dataclass
class Position:
    """Where in a file something is: segment/record number, tag, element, component."""

    segment: int | None = None  # 1-based segment (EDIFACT/X12) or record (VDA) number
    tag: str = ""
    element: int | None = None
    component: int | None = None
    line: int | None = None  # 1-based line, for text formats without segments
    column: int | None = None
    message_ref: str = ""
    column_name: str = ""  # a tabular file's column header, e.g. 'quantity'
    byte: int | None = None  # 0-based byte offset in the file (where a truncated file's last complete segment ends)

    def describe(self) -> str:
        """Say the position in words: ``segment 14 (QTY), element 1, component 2``."""
        parts: list[str] = []
        if self.segment is not None:
            parts.append(f"segment {self.segment}" + (f" ({self.tag})" if self.tag else ""))
        elif self.tag:
            parts.append(self.tag)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.element is not None:
            parts.append(f"element {self.element}")
        if self.component is not None:
            parts.append(f"component {self.component}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.column_name:
            parts.append(f"column '{self.column_name}'")
        if self.byte is not None:
            parts.append(f"byte {self.byte}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The position as JSON (keys with no value left out)."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


class FormatError(Exception):
    """Bad input at a known position. ``str()`` gives the one line users see."""

    interchange: int = 0  # index into ParseResult.envelopes of the interchange it belongs to

    def __init__(self, text: str, position: Position | None = None, *, code: str = "syntax") -> None:
        super().__init__(text)
        self.text = text
        self.position = position or Position()
        self.code = code

    def __str__(self) -> str:
        where = self.position.describe()
        ref = f" [message {self.position.message_ref}]" if self.position.message_ref else ""
        return f"{where}: {self.text}{ref}" if where else f"{self.text}{ref}"

    def as_dict(self) -> dict[str, Any]:
        """The error as JSON: ``position`` (words), ``code``, ``text`` and the raw position fields."""
        return {"position": self.position.describe(), "code": self.code, "text": self.text, **self.position.as_dict()}


class UnsupportedFormat(FormatError):
    """The bytes are no format the hub knows, or a message type it does not carry."""

    def __init__(self, text: str, position: Position | None = None) -> None:
        super().__init__(text, position, code="unsupported")


@dataclass
class Envelope:
    """What the interchange envelope said: who sent it to whom, with which reference."""

    format: str = ""
    version: str = ""
    sender: dict[str, str] = field(default_factory=dict)  # {"scheme", "id"}
    receiver: dict[str, str] = field(default_factory=dict)
    control_ref: str = ""
    syntax: str = ""  # e.g. UNOB:3 or ISA version 00401
    separators: dict[str, str] = field(default_factory=dict)
    test: bool = False


@dataclass(slots=True)  # ingest keeps one summary per message of files with 10^5 messages
class MessageResult:
    """One message (UNH..UNT, ST..SE, one call-off record) and what became of it."""

    ref: str
    type: str
    documents: list[Document] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    group_ref: str = ""
    interchange: int = 0  # index into ParseResult.envelopes
    version: str = ""  # e.g. D:96A:UN, as the message header named it

    @property
    def ok(self) -> bool:
        """True when the message produced documents and no errors."""
        return not self.errors


@dataclass
class ParseResult:
    """Everything one file yielded: envelopes, messages with documents or errors, warnings."""

    format: str
    envelopes: list[Envelope] = field(default_factory=list)
    messages: list[MessageResult] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)  # interchange-level (envelope) errors
    warnings: list[str] = field(default_factory=list)
    # Faults the partner's profile tolerates (count mismatches): they refuse nothing, and
    # the acknowledgement still reports them (``hub.formats.tolerance``).
    tolerated: list[FormatError] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        """The documents of the messages that parsed cleanly, in file order."""
        return [d for m in self.messages if m.ok for d in m.documents]

    @property
    def all_errors(self) -> list[FormatError]:
        """Envelope errors first, then every message's errors, in file order."""
        return self.errors + [e for m in self.messages for e in m.errors]


class MessageStream:
    """A file read message by message: iterate it for ``MessageResult``s, in file order.

    This is the one parse path: ingest and ``translate`` iterate it, and ``parse`` is
    ``stream(...).collect()``. While iterating, ``envelopes`` grows as the reader meets
    interchange headers (a message's ``interchange`` indexes it, so the envelope is
    always there before its first message); ``errors`` (envelope and interchange-level
    faults, e.g. a UNZ count that does not match) and ``warnings`` are complete only
    once the iteration has ended, so a consumer must not treat the file as accepted
    before then. A stream can be iterated once.
    """

    def __init__(self, format: str, messages: Iterable[MessageResult] = ()) -> None:  # noqa: A002 - the canonical name
        self.format = format
        self.envelopes: list[Envelope] = []
        self.errors: list[FormatError] = []
        self.warnings: list[str] = []
        self.tolerated: list[FormatError] = []  # see ParseResult.tolerated
        self._messages = messages

    def __iter__(self) -> Iterator[MessageResult]:
        return iter(self._messages)

    @classmethod
    def of(cls, result: ParseResult) -> MessageStream:
        """Wrap a whole-file ``ParseResult`` (codecs whose files are small or need the whole document)."""
        stream = cls(result.format, result.messages)
        stream.envelopes, stream.errors, stream.warnings = result.envelopes, result.errors, result.warnings
        stream.tolerated = result.tolerated
        return stream

    def collect(self) -> ParseResult:
        """Read the whole stream into a ``ParseResult`` (memory grows with the file)."""
        messages = list(self)
        return ParseResult(
            format=self.format, envelopes=self.envelopes, messages=messages, errors=self.errors, warnings=self.warnings, tolerated=self.tolerated
        )


# Characters PostgreSQL cannot store in a text column (NUL) or that are no characters at
# all (lone UTF-16 surrogates, which a lenient decoder can produce). A codec that meets
# one reports a positioned FormatError instead of handing it to the database.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def first_unstorable(text: str) -> int:
    """The index of the first character the database cannot store in ``text``, or -1."""
    found = _UNSTORABLE.search(text)
    return found.start() if found else -1
