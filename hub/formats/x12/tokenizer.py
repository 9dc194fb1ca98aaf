"""Cut an X12 text into segments; elements and components are split only when read.

Speed is the point: a 10 MB interchange holds some 300,000-500,000 segments. One
``str.split`` on the terminator does the cutting in C; ``tokens`` then yields plain
``(number, tag, raw)`` tuples, because building a Python object per segment costs
more than everything else together (about 1 µs each). The envelope walk reads only
tags and makes objects for envelope segments; a ``Segment`` keeps its raw text and
splits its elements on first access, so fields nobody reads are never split. X12
has a release character only when an ISX declares one (005010 on); then released
separators become placeholders before the cut and values are unescaped when read.
"""

from __future__ import annotations

from collections.abc import Iterator

from hub.formats.errors import FormatError, Position
from hub.formats.x12.syntax import Separators


class Segment:
    """One segment: its 1-based number, tag and raw text; elements split lazily."""

    __slots__ = ("number", "tag", "raw", "seps", "_elements")

    def __init__(self, number: int, tag: str, raw: str, seps: Separators, elements: list[str] | None = None) -> None:
        self.number = number
        self.tag = tag
        self.raw = raw
        self.seps = seps
        self._elements = elements

    def __repr__(self) -> str:
        return f"Segment({self.number}, {self.raw!r})"

    @property
    def elements(self) -> list[str]:
        """The raw elements; ``elements[0]`` is the tag. Split on first access."""
        if self._elements is None:
            self._elements = self.raw.split(self.seps.element)
        return self._elements

    def element(self, e: int) -> str:
        """Return element ``e`` (1-based) as written, components unsplit; '' if absent."""
        elements = self.elements
        return elements[e] if e < len(elements) else ""

    def get(self, e: int, c: int = 1) -> str:
        """Return component ``c`` of element ``e`` (both 1-based), from its first repetition."""
        elements = self.elements
        if e >= len(elements):
            return ""
        raw = elements[e]
        seps = self.seps
        rep = seps.repetition
        if rep and rep in raw:
            raw = raw.split(rep, 1)[0]
        comp = seps.component
        if comp not in raw:
            value = raw if c == 1 else ""
        else:
            parts = raw.split(comp)
            value = parts[c - 1] if c <= len(parts) else ""
        return seps.unescape(value) if seps.release else value

    def count(self) -> int:
        """How many elements the segment has after its tag."""
        return len(self.elements) - 1

    def position(self, e: int | None = None, c: int | None = None, message_ref: str = "") -> Position:
        """The position of this segment (and an element/component in it) for an error."""
        return Position(segment=self.number, tag=self.tag, element=e, component=c, message_ref=message_ref)

    def error(self, text: str, e: int | None = None, c: int | None = None, message_ref: str = "", code: str = "syntax") -> FormatError:
        """Build a FormatError positioned at this segment."""
        return FormatError(text, self.position(e, c, message_ref), code=code)


def split_raw(text: str, seps: Separators) -> list[str]:
    """Split ``text`` into raw segment strings.

    With a printable terminator, line breaks are layout: files are hard-wrapped at 80
    columns (LF even inside a segment) or carry one segment per line, so CR/LF go
    before the split. With CR or LF as the terminator, the other one is dropped
    (CRLF files) and blank lines are skipped by ``tokenize``.
    """
    term = seps.segment
    if term == "\r":
        text = text.replace("\n", "")
    elif term == "\n":
        text = text.replace("\r", "")
    elif "\n" in text or "\r" in text:
        text = text.replace("\r", "").replace("\n", "")
    return text.split(term)


Token = tuple[int, str, str]  # (number, tag, raw text)


def _is_tag(tag: str) -> bool:
    return 2 <= len(tag) <= 3 and tag.isalnum() and (tag.isupper() or tag.isdigit())


def tokens(text: str, seps: Separators, first_number: int = 1) -> list[Token]:
    """Return ``(number, tag, raw)`` for each segment of ``text``, numbered from ``first_number``.

    The fast path: no object per segment, and every step is a list comprehension or
    a C-level ``map``/``zip`` rather than a Python loop body per segment. The envelope
    walk runs on these tuples and builds a ``Segment`` only for envelope segments; a
    transaction set turns its tokens into segments when a mapping reads it
    (``TransactionSet.segments``). Blank segments (blank lines, padding of fixed
    80-byte records) are skipped; a segment whose tag is not 2-3 upper-case
    letters/digits gets the tag '' and is reported by the envelope walk (``bad_tag``).
    """
    tags, raws = cut(text, seps)
    return list(zip(range(first_number, first_number + len(raws)), tags, raws, strict=True))


def cut(text: str, seps: Separators) -> tuple[list[str], list[str]]:
    """The tags and raw texts of the segments of ``text`` (``tokens`` without the numbers and tuples)."""
    # str.strip without arguments runs in C and removes spaces, CR/LF and NEL (the EBCDIC
    # line end). NUL and SUB (DOS end of file) around segments are padding and go too;
    # a NUL inside a segment stays, for the codec to report (the database cannot store it).
    if seps.release:
        text = seps.escaped(text)
    raws = [raw for raw in map(str.strip, split_raw(text, seps)) if raw]
    if "\x00" in text or "\x1a" in text:
        raws = [raw for raw in (r.strip("\x00\x1a").strip() for r in raws) if raw]
    elem = seps.element
    tags = [raw.partition(elem)[0] for raw in raws]
    bad = {tag for tag in set(tags) if not _is_tag(tag)}  # checked once per distinct tag
    if bad:
        tags = ["" if tag in bad else tag for tag in tags]
    return tags, raws


def tokenize(text: str, seps: Separators, first_number: int = 1) -> Iterator[Segment]:
    """Yield the segments of ``text`` as ``Segment`` objects (see ``tokens`` for the fast path)."""
    for number, tag, raw in tokens(text, seps, first_number):
        yield Segment(number, tag, raw, seps)


def bad_tag(seg: Segment, message_ref: str = "") -> FormatError:
    """The error for a segment that does not start with a tag (junk, a broken wrap)."""
    shown = seg.raw[:20] + ("…" if len(seg.raw) > 20 else "")
    return FormatError(f"'{shown}' does not start with a segment tag", Position(segment=seg.number, message_ref=message_ref))
