"""Cut an EDIFACT byte stream into raw segments, block by block, in bounded memory.

The one tokenizer of the EDIFACT codec (``tokenizer.tokenize`` is a thin wrapper for
texts already in memory). It reads fixed-size blocks and works on their Latin-1 view:
Latin-1 maps every byte to one character, so the view costs one C call per block,
never splits a character, and a cut at an ASCII service character is a cut at the
same byte in UTF-8 or any ISO 8859 charset. Each interchange's own charset (UNB S001)
is applied later, per segment, to the few segments that are not ASCII
(``envelope.Walker``), so one file may hold interchanges in different charsets.

Per block, the common case is a handful of C calls: remove line breaks (layout unless
the terminator is one), ``str.split`` at the terminator. The release character is only
looked at where a terminator follows it; layout (blanks, NUL, SUB) around segments is
only trimmed when the block has some. A UNA at a segment start switches the separators
for what follows; so does a ``UNB+`` after a UNZ when the interchange before used
other separators (no UNA means the defaults again).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import IO

from hub.formats.edifact.syntax import DEFAULT, Separators, read_una

BLOCK = 1 << 20
HEAD = 65536  # an interchange must start within this many bytes (junk, mail headers before it)
LAYOUT = " \t\r\n\x00\x1a"
# ASCII only: a UNA is followed by a service character, and "UNAUTHORISED" is no UNA; a
# byte above 0x7F (a Latin-1 letter in this view) may be a service character.
_CANDIDATE = re.compile(r"UNA[^A-Za-z0-9\s]", re.ASCII)
_CANDIDATE_OR_UNB = re.compile(r"UNA[^A-Za-z0-9\s]|UNB\+", re.ASCII)
_START = re.compile(r"UN[AB]")


class Una:
    """A UNA service string advice met at a segment start: its text and what it declares."""

    __slots__ = ("text", "seps", "problem")

    def __init__(self, text: str, seps: Separators, problem: str = "") -> None:
        self.text = text
        self.seps = seps
        self.problem = problem  # why the UNA cannot be used, or ""


class Reset:
    """A ``UNB+`` after a UNZ: the next interchange has no UNA, so the default separators again."""

    __slots__ = ()


def trim(raw: str, release: str) -> str:
    """Strip layout (blanks, NUL, SUB, line breaks) around a segment, but keep an escaped blank at its end."""
    trimmed = raw.strip(LAYOUT)
    if release and trimmed.endswith(release):
        run = len(trimmed) - len(trimmed.rstrip(release))
        if run % 2 == 1:  # the last release character escapes the blank that followed it
            rest = raw[raw.rfind(trimmed) + len(trimmed):]
            trimmed += rest[:1]
    return trimmed


class Cutter:
    """Cut text at the unreleased terminators of one set of separators (precompiled once)."""

    def __init__(self, seps: Separators) -> None:
        self.seps = seps
        term, rel = seps.segment, seps.release
        self.term = term
        self.rel = rel
        self.escaped_term = rel + term if rel else ""
        self.strip_breaks = term not in "\r\n"
        layout = "".join(ch for ch in LAYOUT if ch != term and (ch not in "\r\n" or not self.strip_breaks))
        self.layout = layout
        # Where trimming may be needed: layout next to a terminator (an empty segment is
        # found among the pieces). Substring searches rather than one regular expression,
        # which costs several times more per block; a layout character that does not occur
        # at all (memchr) needs no pair searched.
        self.noise = tuple((ch, ch + term, term + ch) for ch in layout)

    def cut(self, text: str) -> tuple[list[str], str]:
        """Return the complete segments of ``text`` (trimmed, none empty) and the rest after the last terminator."""
        if self.strip_breaks and ("\n" in text or "\r" in text):
            text = text.replace("\r", "").replace("\n", "")
        term = self.term
        pieces = text.split(term)
        if self.escaped_term and self.escaped_term in text:
            pieces = self._rejoin(pieces)
        carry = pieces.pop()
        if pieces and self._noisy(text, pieces):
            rel = self.rel
            pieces = [p for p in (trim(raw, rel) for raw in pieces) if p]
        return pieces, carry

    def _noisy(self, text: str, pieces: list[str]) -> bool:
        if text[:1] in self.layout or "" in pieces:
            return True
        return any(ch in text and (before in text or after in text) for ch, before, after in self.noise)

    def _rejoin(self, pieces: list[str]) -> list[str]:
        """Put back together the pieces a released terminator (``?'``) separated."""
        rel, term = self.rel, self.term
        marked = [i for i, p in enumerate(pieces) if p.endswith(rel)]
        if not marked:
            return pieces
        out: list[str] = []
        at = 0
        n = len(pieces)
        for i in marked:
            if i < at:
                continue  # already merged into an earlier piece
            p = pieces[i]
            if (len(p) - len(p.rstrip(rel))) % 2 == 0:
                continue  # '??' before the terminator: a released release character, the terminator is real
            j = i
            while j + 1 < n:  # a piece ends the merge when its own trailing run of releases is even
                j += 1
                q = pieces[j]
                if (len(q) - len(q.rstrip(rel))) % 2 == 0:
                    break
            out.extend(pieces[at:i])
            out.append(term.join(pieces[i:j + 1]))
            at = j + 1
        out.extend(pieces[at:])
        return out

    def finish(self, carry: str) -> list[str]:
        """The last segment of a file that does not end with a terminator (trimmed), if any."""
        if self.strip_breaks:
            carry = carry.replace("\r", "").replace("\n", "")
        last = trim(carry, self.rel)
        return [last] if last else []


def find_start(text: str, limit: int = HEAD, begin: int = 0) -> int:
    """Return the offset of the first UNA or UNB in the first ``limit`` characters, or -1.

    Real files carry BOMs, mail headers or junk lines before the interchange; the
    envelope starts at the first UNA/UNB wherever it is. UNA/UNB are followed by a
    service character, never by a letter, digit or blank: "UNBEKANNT" is no interchange.
    """
    match = _START.search(text, begin, limit)
    while match:
        after = text[match.end():match.end() + 1]
        if after and not (after.isascii() and (after.isalnum() or after.isspace())):
            return match.start()
        match = _START.search(text, match.start() + 1, limit)
    return -1


class Reader:
    """Read an EDIFACT file as batches of raw (still escaped, Latin-1 view) segments.

    Iterating yields, in file order: ``(segments, ascii)`` for a block's complete
    segments (``ascii``: none of them holds a byte above 0x7F, so no charset matters),
    ``Una`` when a UNA declares separators, ``Reset`` when an interchange without UNA
    follows one with other separators. ``skipped`` is the number of bytes before the
    interchange starts (BOM not counted), ``found`` whether it starts at all.
    """

    def __init__(self, fh: IO[bytes], block: int = BLOCK) -> None:
        self.fh = fh
        self.block = max(1, block)
        self.seps = DEFAULT
        self.seps_at_end = DEFAULT  # the separators in force at the end of the file
        self.skipped = 0
        self.found = True
        self.size = 0  # bytes read so far
        self.last_block = ""  # the last block read (its Latin-1 view)
        self.tail: str | None = None  # a cut-off last segment without terminator ('' when none), once read

    def _blocks(self) -> Iterator[str]:
        read, size = self.fh.read, self.block
        while True:
            data = read(size)
            if not data:
                return
            self.size += len(data)
            self.last_block = text = data.decode("latin-1")
            yield text

    def complete_end(self) -> int | None:
        """The byte offset where the file's last complete (terminated) segment ends, once read; None when unknown."""
        if self.tail is None:
            return None
        block, term = self.last_block, self.seps_at_end.segment
        at = block.rfind(term)
        if at < 0:
            return None  # the unterminated rest is longer than a block
        return self.size - (len(block) - at - 1)

    def __iter__(self) -> Iterator[tuple[list[str], bool] | Una | Reset]:
        blocks = self._blocks()
        head = ""
        start = -1
        for text in blocks:
            searched = max(len(head) - 4, 0)
            head += text
            if searched == 0 and head.startswith("\xef\xbb\xbf"):
                head = head[3:]
            start = find_start(head, HEAD, searched)
            if start >= 0 or len(head) >= HEAD + 3:
                break  # found (no need to read on), or not within the first 64 KiB
        if start < 0:
            # A UNA/UNB at the very end of the file, with nothing after it, is no start either.
            self.found = False
            return
        self.skipped = start
        yield from self._segments(head[start:], blocks)

    def _segments(self, first: str, blocks: Iterator[str]) -> Iterator[tuple[list[str], bool] | Una | Reset]:
        state = _State(Cutter(self.seps))
        carry = ""
        for block in itertools.chain([first], blocks):
            text = carry + block if carry else block
            if "UNA" in text or (state.cutter.seps.element != "+" and "UNB+" in text):
                events, carry = self._switching(text, state, final=False)
                yield from events
                continue
            segments, carry = state.cutter.cut(text)
            if segments:
                state.last = segments[-1]
                yield segments, text.isascii()
        if "UNA" in carry or (state.cutter.seps.element != "+" and "UNB+" in carry):
            events, carry = self._switching(carry, state, final=True)
            yield from events
        rest = state.cutter.finish(carry)
        self.seps_at_end = state.cutter.seps
        # A file may end without the terminator after its UNZ; any other unterminated
        # rest is a segment cut off (a truncated file), which is reported, not read.
        self.tail = rest[0] if rest and not rest[0].startswith("UNZ") else ""
        if rest and not self.tail:
            yield rest, rest[0].isascii()

    def _switching(self, text: str, state: _State, final: bool) -> tuple[list, str]:
        """Cut ``text`` where it may declare new separators (UNA, or UNB+ after other ones)."""
        events: list = []
        at = 0
        while True:
            cutter = state.cutter
            pattern = _CANDIDATE if cutter.seps.element == "+" else _CANDIDATE_OR_UNB
            match = pattern.search(text, at)
            if match is None:
                break
            p = match.start()
            segments, leftover = cutter.cut(text[:p])
            is_una = match.group(0).startswith("UNA")
            starts = not leftover.strip(LAYOUT)
            if starts and not is_una:
                starts = (segments[-1] if segments else state.last).startswith("UNZ")
            if not starts:
                at = p + 1  # "UNA" inside a segment's data
                continue
            if segments:
                events.append((segments, text[:p].isascii()))
                state.last = segments[-1]
            if is_una and len(text) - p < 9 and not final:
                return events, text[p:]  # the UNA's nine characters are not all read yet
            if is_una:
                una = text[p:p + 9]
                try:
                    seps, problem = read_una(una), ""
                except ValueError as exc:
                    seps, problem = DEFAULT, str(exc)
                if not problem and not una.isascii():
                    seps, problem = DEFAULT, "UNA declares a service character outside ASCII (ISO 9735 takes them from level A or B)"
                events.append(Una(una, seps, problem))
                state.last = "UNA"
                text = text[p + 9:]
            else:
                seps = DEFAULT
                events.append(Reset())
                text = text[p:]
            state.cutter = Cutter(seps)
            at = 0
        segments, carry = state.cutter.cut(text)
        if segments:
            events.append((segments, text.isascii()))
            state.last = segments[-1]
        return events, carry


class _State:
    """What the reader carries from block to block: the cutter of the current separators, the last segment."""

    __slots__ = ("cutter", "last")

    def __init__(self, cutter: Cutter) -> None:
        self.cutter = cutter
        self.last = ""
