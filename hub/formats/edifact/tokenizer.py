"""Cut an EDIFACT text into segments and elements.

Our own tokenizer rather than pydifact's: pydifact builds a token object per
character class and costs about ten seconds for a 10 MB interchange. Files are cut
into raw segments by ``reader.Reader`` (block by block); this module makes ``Segment``
objects of raw segments for the mappings that want them, and splits, unescapes and
escapes elements. Elements stay escaped until a mapping reads them, so fields nobody
reads cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from hub.formats.edifact.reader import Cutter
from hub.formats.edifact.syntax import Separators
from hub.formats.errors import FormatError, Position


class Segment:
    """One segment: its 1-based number in the interchange, tag and raw (escaped) elements."""

    __slots__ = ("number", "tag", "elements", "seps", "plain")

    def __init__(self, number: int, tag: str, elements: list[str], seps: Separators, plain: bool = False) -> None:
        self.number = number
        self.tag = tag
        self.elements = elements  # elements[0] is the tag itself
        self.seps = seps
        self.plain = plain  # no release or repetition character anywhere: components split as they stand

    def __repr__(self) -> str:
        return f"Segment({self.number}, {self.seps.element.join(self.elements)!r})"

    def element(self, e: int) -> str:
        """Return element ``e`` (1-based, after the tag) unescaped, components joined; '' if absent."""
        if e >= len(self.elements):
            return ""
        return unescape(self.elements[e], self.seps)

    def get(self, e: int, c: int = 1) -> str:
        """Return component ``c`` of element ``e`` (both 1-based), unescaped; '' if absent."""
        if e >= len(self.elements):
            return ""
        raw = self.elements[e]
        seps = self.seps
        if self.plain:
            if c == 1:
                at = raw.find(seps.component)
                return raw if at < 0 else raw[:at]
            parts = raw.split(seps.component)
            return parts[c - 1] if c <= len(parts) else ""
        if seps.repetition != " " and seps.repetition in raw:
            raw = split_escaped(raw, seps.repetition, seps.release)[0]  # syntax 4: the first repetition
        if seps.component not in raw:
            if c != 1:
                return ""
            return unescape(raw, seps) if seps.release and seps.release in raw else raw
        parts = split_escaped(raw, seps.component, seps.release)
        if c > len(parts):
            return ""
        return unescape(parts[c - 1], seps)

    def pairs(self, first: int) -> list[tuple[str, str]]:
        """Components 1 and 2 of every element from ``first`` on (item numbers and their types, label ranges)."""
        if self.plain:
            comp = self.seps.component
            out = []
            for raw in self.elements[first:]:
                parts = raw.split(comp, 2)
                out.append((parts[0], parts[1] if len(parts) > 1 else ""))
            return out
        return [(self.get(e, 1), self.get(e, 2)) for e in range(first, len(self.elements))]

    def position(self, e: int | None = None, c: int | None = None, message_ref: str = "") -> Position:
        """The position of this segment (and an element/component in it) for an error."""
        return Position(segment=self.number, tag=self.tag, element=e, component=c, message_ref=message_ref)

    def error(self, text: str, e: int | None = None, c: int | None = None, message_ref: str = "") -> FormatError:
        """Build a FormatError positioned at this segment."""
        return FormatError(text, self.position(e, c, message_ref))


def split_escaped(text: str, sep: str, release: str) -> list[str]:
    """Split ``text`` at ``sep`` unless the separator is escaped by ``release``.

    ``str.split`` first, then the pieces a released separator cut apart are joined again
    (a piece ending in an odd run of release characters): C speed for the common case.
    """
    pieces = text.split(sep)
    if not release or release not in text:
        return pieces
    out: list[str] = []
    pending: str | None = None
    for piece in pieces:
        if pending is not None:
            piece = pending + sep + piece
            pending = None
        if piece.endswith(release) and (len(piece) - len(piece.rstrip(release))) % 2:
            pending = piece  # its last release character escapes the separator that followed
            continue
        out.append(piece)
    if pending is not None:
        out.append(pending)
    return out


def unescape(text: str, seps: Separators) -> str:
    """Remove release characters: ``?+`` -> ``+``, ``??`` -> ``?`` (a release character at the very end stays)."""
    rel = seps.release
    if not rel:
        return text
    at = text.find(rel)
    if at < 0:
        return text
    out: list[str] = []
    start = 0
    last = len(text) - 1
    while 0 <= at < last:  # one step per release character, not per character
        out.append(text[start:at])
        start = at + 1  # keep the character it releases
        at = text.find(rel, at + 2)
    out.append(text[start:])
    return "".join(out)


def escape(text: str, seps: Separators) -> str:
    """Put the release character before every service character in ``text``."""
    rel = seps.release
    if not rel:
        return text
    specials = {rel, seps.component, seps.element, seps.segment}
    if seps.repetition.strip():
        specials.add(seps.repetition)
    if not any(s in text for s in specials):
        return text
    return "".join(rel + ch if ch in specials else ch for ch in text)


def segment_of(raw: str, number: int, seps: Separators) -> Segment:
    """Make a Segment of one raw (escaped, trimmed) segment text.

    A segment whose tag is not 3 letters/digits comes out with an empty ``tag`` and its
    raw text as its only element, for the envelope walker to report.
    """
    elem = seps.element
    if raw.startswith("UNA") and (len(raw) < 4 or raw[3] != elem):
        return Segment(number, "UNA", [raw], seps)
    plain = not (seps.release and seps.release in raw) and (seps.repetition == " " or seps.repetition not in raw)
    elements = raw.split(elem) if plain or not seps.release or seps.release not in raw else split_escaped(raw, elem, seps.release)
    tag = elements[0]
    if len(tag) != 3 or not tag.isalnum() or not (tag.isupper() or tag.isdigit()):
        return Segment(number, "", [raw], seps)
    return Segment(number, tag, elements, seps, plain)


def message_segment(raw: str, number: int, seps: Separators) -> Segment:
    """Make a Segment of a raw segment inside a message, whose tag the envelope walker has checked."""
    rel, rep = seps.release, seps.repetition
    if rel and rel in raw:
        elements = split_escaped(raw, seps.element, rel)
        return Segment(number, elements[0], elements, seps, False)
    elements = raw.split(seps.element)
    return Segment(number, elements[0], elements, seps, rep == " " or rep not in raw)


def tokenize(text: str, seps: Separators, first_number: int = 1) -> Iterator[Segment]:
    """Yield the segments of ``text`` (which starts after any UNA), numbered from ``first_number``.

    For texts already in memory (tests, tools); files go through ``reader.Reader``, which
    cuts the same way. Blank segments (from blank lines or spaces after terminators) are skipped.
    """
    cutter = Cutter(seps)
    pieces, carry = cutter.cut(text)
    for number, raw in enumerate([*pieces, *cutter.finish(carry)], first_number):
        yield segment_of(raw, number, seps)
