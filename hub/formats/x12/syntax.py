"""X12 separators, read from the ISA, and the decoding of interchange bytes.

X12 declares no separators up front the way EDIFACT's UNA does: they are implied by
the fixed-width ISA. The element separator is the byte after ``ISA``, the component
separator is ISA16, the segment terminator is the character right after ISA16, and
from version 00402 on ISA11 is the repetition separator. Real files break the fixed
widths (unpadded ids, ISA hard-wrapped at 80 columns), so the ISA is read by counting
element separators rather than by offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.formats.errors import FormatError, Position

ISA_ELEMENTS = 16


@dataclass(frozen=True)
class Separators:
    """The four delimiters of an X12 interchange."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = ""  # ISA11 from 00402 on; '' when ISA11 is the standards id 'U'
    release: str = ""  # ISX01, the release character (005010 on); '' when there is no ISX

    def as_dict(self) -> dict[str, str]:
        """The separators as JSON (for the Envelope and for acknowledgements that echo them)."""
        seps = {"element": self.element, "component": self.component, "segment": self.segment, "repetition": self.repetition}
        if self.release:
            seps["release"] = self.release
        return seps

    def chars(self) -> set[str]:
        """Every character these separators reserve (values must not contain them)."""
        return {c for c in (self.element, self.component, self.segment, self.repetition, self.release) if c}

    def escaped(self, text: str) -> str:
        """``text`` with each released character (release + separator) replaced by a placeholder.

        The placeholders (private-use characters) survive the splits at the separators;
        ``unescape`` turns them back into the characters they stand for, value by value.
        A release character before any other character releases nothing and is dropped.
        """
        rel = self.release
        if not rel or rel not in text:
            return text
        roles = dict(zip(self._roles(), RELEASED, strict=True))
        # ISX01 is the release character itself, not a release of what follows it.
        text = text.replace(f"ISX{self.element}{rel}", f"ISX{self.element}{RELEASED[0]}")
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == rel and i + 1 < n:
                nxt = text[i + 1]
                out.append(roles.get(nxt, nxt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out)

    def _roles(self) -> tuple[str, str, str, str, str]:
        return (self.release, self.element, self.component, self.segment, self.repetition or "\x00")

    def unescape(self, value: str) -> str:
        """Turn the placeholders of ``escaped`` back into the separators they stand for."""
        if not self.release or not _RELEASED_SET.intersection(value):
            return value
        back = dict(zip(RELEASED, self._roles(), strict=True))
        return "".join(back.get(ch, ch) for ch in value)


# Private-use stand-ins for released release, element, component, segment and repetition characters.
RELEASED = ("\ue000", "\ue001", "\ue002", "\ue003", "\ue004")
_RELEASED_SET = frozenset(RELEASED)

DEFAULT = Separators(element="*", component=">", segment="~", repetition="^")
# Fallback when a value to render contains one of the usual separators: the ASCII
# information separators, which never occur in business text.
CONTROL = Separators(element="\x1d", component="\x1f", segment="\x1c", repetition="\x1e")

# "ISA", a non-alphanumeric element separator, two characters of ISA01, the same
# separator again: strict enough not to match 'ISA' inside a name, loose enough for
# every separator seen in practice ('*', '|', '~', '+', DEL ...).
_ISA = re.compile(rb"ISA([^A-Za-z0-9\s])[\s\S]{2}\1")
_ISA_TEXT = re.compile(r"ISA([^A-Za-z0-9 \t\r\n])[\s\S]{2}\1")  # not \s: str \s matches the control separators
# The same pattern in EBCDIC (cp037): 'ISA' is C9 E2 C1.
_ISA_EBCDIC = re.compile(rb"\xc9\xe2\xc1([^\xc1-\xc9\xd1-\xd9\xe2-\xe9\xf0-\xf9\x40\x25\x15\x0d])[\s\S]{2}\1")
BOMS = (b"\xef\xbb\xbf",)


def find_start(data: bytes, limit: int = 65536) -> tuple[int, str]:
    """Return ``(offset, encoding)`` of the first ISA in the first ``limit`` bytes, or ``(-1, '')``.

    Files arrive with a BOM, mail headers or junk lines before the ISA, and mainframe
    partners send EBCDIC: both are found here so ``detect`` and ``parse`` agree.
    """
    match = _ISA.search(data, 0, limit)
    if match:
        return match.start(), "ascii"
    match = _ISA_EBCDIC.search(data, 0, limit)
    if match:
        return match.start(), "cp037"
    return -1, ""


def decode(data: bytes, encoding: str) -> tuple[str, list[str]]:
    """Decode interchange bytes; ASCII first, then UTF-8 and cp1252 with a warning.

    X12's basic and extended character sets are ASCII subsets, but partners put
    accented names in N1 anyway; refusing the file over that helps nobody.
    """
    if encoding == "cp037":
        return data.decode("cp037"), ["the file is EBCDIC (cp037); decoded before parsing"]
    try:
        return data.decode("ascii"), []
    except UnicodeDecodeError as exc:
        first = exc.start
    for fallback in ("utf-8", "cp1252", "iso8859_1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        return text, [f"byte {first + 1} (0x{data[first]:02X}) is not ASCII; the file was decoded as {fallback}"]
    raise AssertionError("iso8859_1 decodes every byte")  # pragma: no cover


def find_isa(text: str, start: int = 0) -> int:
    """Return the offset of the next ISA header in decoded ``text`` from ``start``, or -1."""
    match = _ISA_TEXT.search(text, start)
    return match.start() if match else -1


def read_isa(text: str, at: int, number: int = 1) -> tuple[Separators, list[str], int]:
    """Read the ISA starting at ``text[at]``: ``(separators, elements, offset after the terminator)``.

    Counts 16 element separators, skipping line breaks inside the ISA (hard-wrapped
    files), so unpadded or wrapped headers still give the right separators.
    ``elements[0]`` is 'ISA', as in every other segment. Raises FormatError when the
    ISA is cut short.
    """
    elem = text[at + 3]
    fields: list[str] = []
    current: list[str] = []
    i, n = at + 4, len(text)
    while i < n and len(fields) < ISA_ELEMENTS - 1:
        ch = text[i]
        if ch == elem:
            fields.append("".join(current))
            current = []
        elif ch not in "\r\n":
            current.append(ch)
        i += 1
    # ISA16 is one character; skip a wrap line break before it.
    while i < n and text[i] in "\r\n":
        i += 1
    if len(fields) < ISA_ELEMENTS - 1 or i + 1 >= n:
        raise FormatError("the ISA header is cut short: it needs 16 elements and a segment terminator", Position(segment=number, tag="ISA"))
    component = text[i]
    terminator = text[i + 1]
    fields.append(component)
    if terminator in "\r\n" and i + 2 < n and text[i + 2] not in "\r\nGTI" and text[i + 2] != terminator:
        # A wrap right after ISA16 in a file whose real terminator follows on the next line.
        terminator = text[i + 2]
        i += 1
    if terminator.isalnum() or terminator == " " or terminator in (elem, component):
        raise FormatError(
            f"the character after ISA16 ('{terminator}') cannot be a segment terminator",
            Position(segment=number, tag="ISA", element=16),
        )
    version = fields[11].strip()
    repetition = ""
    rep = fields[10]
    if version >= "00402" and len(rep) == 1 and not rep.isalnum() and rep not in (elem, component, terminator):
        repetition = rep
    return Separators(element=elem, component=component, segment=terminator, repetition=repetition), ["ISA", *fields], i + 2
