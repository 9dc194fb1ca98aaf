"""Read an X12 file in chunks: decode, cut at the ISA's terminator, walk, map set by set.

The one parse path of the X12 codec (``X12Codec.stream``; ``parse`` collects it). A
chunk of bytes is decoded, appended to a text buffer and cut after its last segment
terminator; the complete segments go through ``tokenizer.tokens`` (one ``str.split``
in C) and the envelope ``Walker``, which hands back each transaction set when its SE
arrives; the set is mapped by ``messages.MAPPERS`` and yielded. Memory holds one chunk
and one transaction set.

Interchange boundaries are found on the raw decoded text, as before streaming: an IEA
or ISA right after a terminator (line breaks allowed between) ends the interchange,
and the next ISA declares its own separators. The buffer always starts at a
terminator, so a boundary never straddles two chunks unseen.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from hub.formats import codes
from hub.formats.errors import FormatError, MessageResult, Position, UnsupportedFormat, first_unstorable
from hub.formats.tolerance import is_count_mismatch
from hub.formats.x12 import syntax
from hub.formats.x12.envelope import TransactionSet, Walker
from hub.formats.x12.messages import MAPPERS
from hub.formats.x12.syntax import Separators
from hub.formats.x12.tokenizer import Segment, cut

if TYPE_CHECKING:
    from hub.formats.errors import Envelope, MessageStream

log = logging.getLogger(__name__)
CHUNK = 1 << 20
HEAD = 65536  # the ISA is looked for in this many bytes, after a BOM, mail headers or junk
ISA_ROOM = 4096  # decoded characters an ISA may need (wrapped, padded) before it is read
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _cp1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # the five bytes cp1252 leaves undefined: ISO-8859-1


class _Decoder:
    """Decode chunk by chunk, the same whatever the chunk size.

    X12's character sets are ASCII subsets, but partners put accented names in N1
    anyway; refusing the file over that helps nobody. ASCII chunks take the fast path;
    otherwise UTF-8, and a byte that is not UTF-8 is read as cp1252, each with one
    warning naming the first such byte. EBCDIC (cp037) is one byte per character.
    """

    def __init__(self, encoding: str, warnings: list[str], offset: int) -> None:
        self.ebcdic = encoding == "cp037"
        self.warnings = warnings
        self.offset = offset  # bytes of the file before the next chunk
        self.pending = b""  # the start of a UTF-8 sequence cut by the chunk end
        self.non_ascii = self.non_utf8 = False
        self.first = (-1, 0)  # (offset of the first non-ASCII byte, index of its warning)

    def __call__(self, data: bytes, final: bool) -> str:
        start = self.offset - len(self.pending)
        self.offset += len(data)
        if self.ebcdic:
            return data.decode("cp037")
        if not self.pending and data.isascii():
            return data.decode("ascii")
        data, self.pending = self.pending + data, b""
        if not self.non_ascii:
            first = _NON_ASCII.search(data)
            if first is not None:
                self.non_ascii = True
                at = first.start()
                self.first = (start + at, len(self.warnings))
                self.warnings.append(f"byte {start + at + 1} (0x{data[at]:02X}) is not ASCII; the file was decoded as utf-8")
        out: list[str] = []
        at = 0
        while at < len(data):
            try:
                out.append(data[at:].decode("utf-8"))
                break
            except UnicodeDecodeError as exc:
                bad = at + exc.start
                out.append(data[at:bad].decode("utf-8"))
                if not final and exc.reason == "unexpected end of data":
                    self.pending = data[bad:]
                    break
                if not self.non_utf8:
                    self.non_utf8 = True
                    if self.first[0] == start + bad:  # the first non-ASCII byte: one warning says it
                        self.warnings[self.first[1]] = f"byte {start + bad + 1} (0x{data[bad]:02X}) is not ASCII; the file was decoded as cp1252"
                    else:
                        self.warnings.append(f"byte {start + bad + 1} (0x{data[bad]:02X}) is not utf-8; such bytes were decoded as cp1252")
                out.append(_cp1252(data[bad]))
                at = bad + 1
        return "".join(out)


class Reader:
    """The state of one file being read: the text buffer, segment numbers, the open interchange."""

    def __init__(self, fh: IO[bytes], chunk_size: int) -> None:
        self.fh = fh
        self.chunk_size = max(1, chunk_size)
        self.out: MessageStream  # set by the codec before iteration starts
        self.buf = ""
        self.eof = False
        self.decode: _Decoder
        self.unstorable = False  # some decoded text held a NUL (or a lone surrogate)
        self.plain = True  # see _interchange

    def _more(self) -> None:
        """Append the next chunk's text to the buffer (or note the end of the file)."""
        data = self.fh.read(self.chunk_size)
        if not data:
            self.eof = True
            text = self.decode(b"", final=True)
        else:
            text = self.decode(data, final=False)
        if text and not self.unstorable and first_unstorable(text) >= 0:
            self.unstorable = True
        self.buf += text

    def messages(self) -> Iterator[MessageResult]:
        """Yield every transaction set of every interchange in the file, in file order."""
        out = self.out
        head = b""
        while len(head) < HEAD + len(syntax.BOMS[0]):
            data = self.fh.read(self.chunk_size)
            if not data:
                self.eof = True
                break
            head += data
        for bom in syntax.BOMS:
            if head.startswith(bom):
                head = head[len(bom) :]
        at, encoding = syntax.find_start(head)
        if at < 0:
            out.errors.append(FormatError("no ISA segment found: this is not an X12 interchange", Position(segment=1)))
            return
        if at > 0:
            out.warnings.append(f"skipped {at} bytes before the interchange starts")
        if encoding == "cp037":
            out.warnings.append("the file is EBCDIC (cp037); decoded before parsing")
        self.decode = _Decoder(encoding, out.warnings, at)
        self.buf = self.decode(head[at:], final=self.eof)
        self.unstorable = first_unstorable(self.buf) >= 0
        pos, number = 0, 0
        while pos >= 0:
            while len(self.buf) - pos < ISA_ROOM and not self.eof:
                self._more()
            try:
                seps, isa, body_start = syntax.read_isa(self.buf, pos, number + 1)
            except FormatError as exc:
                out.errors.append(exc)
                return
            if self.unstorable and any(first_unstorable(e) >= 0 for e in isa):
                error = _unstorable_error(Segment(number + 1, "ISA", "", seps, isa), isa)
                error.interchange = len(out.envelopes)
                out.errors.append(error)
            seps = _with_release(seps, self.buf, body_start)
            yield from self._interchange(seps, isa, self.buf[pos:body_start], body_start, number + 1)
            pos, number = self._next_isa(seps), self.number

    def _interchange(self, seps: Separators, isa: list[str], isa_text: str, body_start: int, isa_number: int) -> Iterator[MessageResult]:
        """Read one interchange from the ISA's terminator to its IEA (or the next ISA, or the end)."""
        out = self.out
        index = len(out.envelopes)
        walker = Walker(Segment(isa_number, "ISA", isa_text, seps, isa), isa, seps)
        out.envelopes.append(walker.envelope)
        term = seps.segment
        boundary = re.compile(rf"{re.escape(term)}[\s\x00]*(IEA|ISA)(?={re.escape(seps.element)}|[^A-Za-z0-9\s])")
        self.buf = self.buf[body_start - 1 :]  # from the ISA's terminator: an IEA may follow at once
        self.number = isa_number + 1  # the number of the next segment
        self.plain = True  # no component or repetition separator met in this interchange's body yet
        counts: dict[tuple[str, str], int] = {}
        end = -1
        while end < 0:
            found = boundary.search(self.buf)
            if found is None and not self.eof:
                cut = _last_terminator(self.buf, seps)
                if cut > 0:
                    yield from self._sets(walker, self.buf[1:cut], index, counts)
                    self.buf = self.buf[cut:]
                self._more()
                continue
            if found is None:
                end = len(self.buf)
                cut = _last_terminator(self.buf, seps)
                rest = self.buf[cut + 1:].strip(" \t\r\n\x00\x1a\x85") if cut >= 0 else ""
                if rest and not rest.startswith("IEA"):
                    # A segment cut off by the end of the file: reported where the file's
                    # last complete segment ends, not read as a segment.
                    end = cut + 1
                    walker.partial = True
                    tail = self.buf[end:]
                    walker.end_byte = self.decode.offset - (len(tail) if self.decode.ebcdic else len(tail.encode("utf-8", "surrogateescape")))
                else:
                    walker.end_byte = self.decode.offset
            elif found.group(1) == "ISA":
                end = found.start() + 1
            else:
                after = self.buf.find(term, found.end())
                if after < 0 and not self.eof:
                    self._more()
                    continue
                end = len(self.buf) if after < 0 else after + 1
        yield from self._sets(walker, self.buf[1:end], index, counts)
        self.buf = self.buf[end:]
        yield from self._mapped(walker.finish(), walker.envelope, index, counts)
        for version in dict.fromkeys(walker.group_versions):
            if not version.startswith(("0040", "0050")):
                # Older and newer releases differ little in the segments the hub reads;
                # parse them, but say the mappings follow 004010/005010.
                out.warnings.append(
                    f"interchange {walker.envelope.control_ref}: a group uses version {version}; the mappings follow 004010 and 005010"
                )
        for (group, ref), count in counts.items():
            if count > 1:
                # X12 wants ST02 unique in its group, but senders reuse it; the sets are
                # still told apart by position, so this is a warning, not a rejection.
                out.warnings.append(f"transaction set control number {ref} is used {count} times in group {group}")
        for error in walker.errors:
            error.interchange = index
        out.errors.extend(walker.errors)
        self.number = walker.last_number

    def _sets(self, walker: Walker, text: str, index: int, counts: dict[tuple[str, str], int]) -> Iterator[MessageResult]:
        """Tokenize complete segments, walk them, and map the sets they complete."""
        seps = walker.seps
        if self.plain and (seps.component in text or (seps.repetition and seps.repetition in text) or seps.release):
            self.plain = False  # from here on, mappings look at each segment (see common.Values)
        tags, raws = cut(text, seps)
        if raws:
            first, self.number = self.number, self.number + len(raws)
            sets = walker.feed(zip(itertools.count(first), tags, raws))
            if self.plain:
                for ts in sets:
                    ts.plain = True
            yield from self._mapped(sets, walker.envelope, index, counts)

    def _mapped(self, sets: list[TransactionSet], env: Envelope, index: int, counts: dict[tuple[str, str], int]) -> Iterator[MessageResult]:
        for ts in sets:
            if ts.type != "TA1":
                counts[(ts.group_ref, ts.ref)] = counts.get((ts.group_ref, ts.ref), 0) + 1
            yield self._map(ts, env, index)

    def _map(self, ts: TransactionSet, env: Envelope, index: int) -> MessageResult:
        """One transaction set through THE mapper of its type; faults stay with the set."""
        outcome = MessageResult(ref=ts.ref, type=ts.type, group_ref=ts.group_ref, errors=list(ts.errors), interchange=index, version=ts.version)
        if not outcome.errors and self.unstorable:
            outcome.errors.extend(_unstorable_in(ts))
        if outcome.errors and not all(is_count_mismatch(e) for e in outcome.errors):
            return outcome  # a set whose only fault is its SE count is still mapped, for a profile that tolerates it
        mapper = MAPPERS.get(ts.type)
        if mapper is None:
            name = codes.X12_SET_NAMES.get(ts.type, "")
            named = f"{ts.type} ({name})" if name else f"'{ts.type}'"
            outcome.errors.append(
                UnsupportedFormat(
                    f"transaction set {named} is not carried by the hub (it takes {', '.join(sorted(MAPPERS))})",
                    Position(segment=1, tag="ST", element=1, message_ref=ts.ref),
                )
            )
            return outcome
        try:
            outcome.documents = mapper(ts, env)
        except FormatError as exc:
            if not exc.position.message_ref:
                exc.position.message_ref = ts.ref
            outcome.errors.append(exc)
        except Exception as exc:  # a mapping bug must not cost the other transaction sets
            log.exception("X12 %s mapping failed for transaction set %s", ts.type, ts.ref)
            outcome.errors.append(
                FormatError(f"could not map the transaction set ({type(exc).__name__}: {exc})", Position(message_ref=ts.ref), code="internal")
            )
        return outcome

    def _next_isa(self, seps: Separators) -> int:
        """Find the next interchange's ISA in what follows the IEA; -1 at the end of the file."""
        while True:
            at = syntax.find_isa(self.buf)
            if at >= 0 or self.eof:
                break
            self._more()
        if at < 0:
            return -1
        junk = self.buf[:at].strip(" \t\r\n\x00\x1a\x85" + seps.segment)
        if junk:
            self.out.warnings.append(f"skipped {len(junk)} characters between interchanges")
        return at


def _with_release(seps: Separators, text: str, body_start: int) -> Separators:
    """The separators with ISX01's release character when an ISX follows the ISA (X12 005010 on).

    The ISX must be read before the segments after it are cut: a released separator
    in them is data.
    """
    at = body_start
    while at < len(text) and text[at] in " \t\r\n\x00":
        at += 1
    if text[at:at + 3] != "ISX" or text[at + 3:at + 4] != seps.element:
        return seps
    release = text[at + 4:at + 5]
    after = text[at + 5:at + 6]
    if not release or release.isalnum() or release.isspace() or release in seps.chars() or after not in (seps.element, seps.segment):
        return seps  # no release character, or one the walker reports as invalid
    return dataclasses.replace(seps, release=release)


def _last_terminator(text: str, seps: Separators) -> int:
    """The offset of the last terminator of ``text`` that is not released (-1 when none)."""
    cut = text.rfind(seps.segment)
    rel = seps.release
    while rel and cut > 0:
        run = len(text[:cut]) - len(text[:cut].rstrip(rel))
        if run % 2 == 0:
            break
        cut = text.rfind(seps.segment, 0, cut)
    return cut


def _unstorable_in(ts: TransactionSet) -> list[FormatError]:
    """A positioned error for the first element of the set that holds text the database cannot store."""
    for number, (_, raw) in enumerate(ts.tokens, 1):
        if first_unstorable(raw) >= 0:
            seg = ts.segments[number - 1]
            return [_unstorable_error(seg, seg.elements, ts.ref)]
    return []


def _unstorable_error(seg: Segment, elements: list[str], ref: str = "") -> FormatError:
    e = next((i for i, value in enumerate(elements) if first_unstorable(value) >= 0), 0)
    char = elements[e][first_unstorable(elements[e])] if elements else ""
    what = "a NUL character" if char == "\x00" else "a character that is no text (a lone surrogate)"
    return seg.error(f"holds {what}, which cannot be stored; remove it and send the file again", e or None, message_ref=ref)

