"""EDIFACT service characters (UNA) and syntax identifiers (character sets).

ISO 9735 lets every interchange declare its own separators in UNA and its repertoire
in UNB S001. Real files lie about the latter (UNOA with umlauts), so decoding falls
back with a warning instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# UNB S001 syntax identifier -> Python codec. UNOA/UNOB are ASCII subsets; UNOW and
# UNOY are UTF-8; UNOX (ISO 2022) is read as UTF-8 after a warning.
SYNTAX_CHARSETS: dict[str, str] = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "iso8859_1",
    "UNOD": "iso8859_2",
    "UNOE": "iso8859_5",
    "UNOF": "iso8859_7",
    "UNOG": "iso8859_3",
    "UNOH": "iso8859_4",
    "UNOI": "iso8859_6",
    "UNOJ": "iso8859_8",
    "UNOK": "iso8859_9",
    "UNOW": "utf-8",
    "UNOX": "utf-8",
    "UNOY": "utf-8",
}


@dataclass(frozen=True)
class Separators:
    """The six service characters of an interchange."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = " "  # syntax 4 only; a space means "not used"
    segment: str = "'"

    def as_una(self) -> str:
        """Write the UNA service string advice for these separators."""
        # No release character is written as a space: UNA always has six service characters.
        return f"UNA{self.component}{self.element}{self.decimal}{self.release or ' '}{self.repetition or ' '}{self.segment}"

    def as_dict(self) -> dict[str, str]:
        """The separators as JSON, for acknowledgements that echo the partner's own."""
        return {
            "component": self.component,
            "element": self.element,
            "decimal": self.decimal,
            "release": self.release,
            "repetition": self.repetition,
            "segment": self.segment,
        }

    @classmethod
    def from_dict(cls, values: dict[str, str]) -> Separators:
        """Separators from ``as_dict()`` output (an envelope's ``separators``); missing keys keep defaults."""
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


DEFAULT = Separators()

_START = re.compile(rb"UN[AB]")
_SYNTAX = re.compile(rb"UNB.(UNO[A-Z])")


def find_start(data: bytes, limit: int = 65536) -> int:
    """Return the offset of the first UNA or UNB in the first ``limit`` bytes, or -1.

    Real files carry BOMs, mail headers or junk lines before the interchange; the
    envelope starts at the first UNA/UNB wherever it is.
    """
    match = _START.search(data, 0, limit)
    while match:
        at = match.start()
        tag_end = at + 3
        after = data[tag_end:tag_end + 1]
        # UNA/UNB are followed by a service character, never by a letter, digit or blank:
        # "UNBEKANNT" in a mail header is no interchange.
        if after and not after.isalnum() and not after.isspace():
            return at
        match = _START.search(data, at + 1, limit)
    return -1


def read_una(text: str) -> Separators:
    """Read the separators from a text starting with ``UNA`` (9 characters)."""
    if len(text) < 9:
        raise ValueError("UNA service string advice is shorter than 9 characters")
    c, e, d, r, rep, s = text[3:9]
    named = {"component": c, "element": e, "release": r, "repetition": rep, "segment": s}
    used = {k: v for k, v in named.items() if not (k in ("release", "repetition") and v == " ")}
    seen: dict[str, str] = {}
    for kind, char in used.items():
        if char in seen:
            raise ValueError(f"UNA declares '{char}' both as {seen[char]} and as {kind} separator: every service character must differ")
        seen[char] = kind
    return Separators(component=c, element=e, decimal=d, release=r if r != " " else "", repetition=rep, segment=s)


def syntax_charset(data: bytes) -> tuple[str, str]:
    """Return ``(syntax identifier, Python codec)`` declared in UNB; UNOA/ascii when absent."""
    match = _SYNTAX.search(data, 0, 4096)
    ident = match.group(1).decode("ascii") if match else "UNOA"
    return ident, SYNTAX_CHARSETS.get(ident, "iso8859_1")


def decode(data: bytes, ident: str, charset: str) -> tuple[str, list[str]]:
    """Decode interchange bytes with the declared charset, falling back with a warning.

    A file that declares UNOA/UNOB but holds UTF-8 or Latin-1 bytes still parses; the
    warning names the first offending byte so the partner can fix its setting.
    """
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        first = exc.start
    else:
        if charset.startswith("iso8859") and not data.isascii():
            # A single-byte charset decodes anything; UTF-8 multi-byte sequences in it are
            # almost surely a partner that writes UTF-8 and declares UNOC.
            try:
                utf8 = data.decode("utf-8")
            except UnicodeDecodeError:
                return text, []
            return utf8, [f"the interchange declares {ident} ({charset}) but its bytes are UTF-8; decoded as utf-8"]
        return text, []
    for fallback in ("utf-8", "cp1252", "iso8859_1"):
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        return text, [
            f"the interchange declares {ident} ({charset}) but byte {first + 1} (0x{data[first]:02X}) "
            f"is not {charset}; decoded as {fallback}"
        ]
    raise AssertionError("iso8859_1 decodes every byte")  # pragma: no cover
