"""Walk the EDIFACT envelope: UNA, UNB..UNZ, UNG..UNE, UNH..UNT, with counts checked.

``Walker`` takes the reader's batches of raw segments and hands out each message as
soon as its UNT arrives. Inside a message it only collects raw segment strings (no
object per segment, nothing split): a mapping splits what it reads. Envelope faults
(a UNZ count that does not match, a UNT reference that differs from its UNH, a segment
without a tag) are collected with positions instead of raised, so one bad message does
not hide the good ones. Segments inside a message are numbered from UNH = 1, the
numbering CONTRL (UCS 0096) and partners' error reports use; envelope segments keep
their number in the file (UNA counts as one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from hub.formats.edifact.reader import Reset, Una
from hub.formats.edifact.syntax import DEFAULT, SYNTAX_CHARSETS, Separators
from hub.formats.edifact.tokenizer import Segment, message_segment, segment_of
from hub.formats.errors import Envelope, FormatError, Position, first_unstorable

_SYNTAX = re.compile(r"UNB.(UNO[A-Z])")  # UNB S001 0001, as the syntax identifier is always written
SERVICE_TAGS = ("UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ")
# Joins a message's segments for one pass of C-speed checks. A control character keeps the
# text one byte per character; where it occurs in data, the exact per-segment check decides.
_JOIN = "\x1d"


@dataclass
class Message:
    """One UNH..UNT message: its raw (escaped) segments, numbered from UNH = 1."""

    ref: str
    type: str
    version: str  # e.g. D:96A:UN (release, directory, agency)
    association: str
    raw: list[str] = field(default_factory=list)
    seps: Separators = DEFAULT
    group_ref: str = ""
    errors: list[FormatError] = field(default_factory=list)
    _segments: list[Segment] | None = field(default=None, repr=False)

    @property
    def segments(self) -> list[Segment]:
        """The segments as objects (built on first use, for the mappings that want them)."""
        if self._segments is None:
            seps = self.seps
            self._segments = [message_segment(raw, n, seps) for n, raw in enumerate(self.raw, 1)]
        return self._segments

    @property
    def directory(self) -> str:
        """The directory as one word, e.g. ``D96A``."""
        parts = self.version.split(":")
        return "".join(parts[:2])

    @property
    def identifier(self) -> list[str]:
        """The UNH S009 as written: type, version, release, agency (and association code)."""
        return [self.type, *self.version.split(":"), *([self.association] if self.association else [])]


def _envelope_from_unb(seg: Segment, seps: Separators) -> Envelope:
    return Envelope(
        format="EDIFACT",
        version=seg.get(1, 1),
        syntax=f"{seg.get(1, 1)}:{seg.get(1, 2)}",
        sender={"scheme": seg.get(2, 2), "id": seg.get(2, 1)},
        receiver={"scheme": seg.get(3, 2), "id": seg.get(3, 1)},
        control_ref=seg.get(5, 1),
        separators=seps.as_dict(),
        test=seg.get(11, 1) == "1",
    )


def _prepared(seg: Segment) -> tuple[str, FormatError | None]:
    """Read UNB S004: YYMMDD (syntax 1-3) or CCYYMMDD (syntax 4), and HHMM."""
    day, time = seg.get(4, 1), seg.get(4, 2)
    if len(day) == 6 and day.isdigit():
        day = ("19" if int(day[:2]) > 70 else "20") + day
    if len(day) != 8 or not day.isdigit():
        return "", seg.error(f"'{seg.get(4, 1)}' is not a date YYMMDD or CCYYMMDD", 4, 1)
    iso = f"{day[:4]}-{day[4:6]}-{day[6:8]}"
    if len(time) == 4 and time.isdigit():
        iso += f"T{time[:2]}:{time[2:]}"
    return iso, None


def _orphan(seg: Segment) -> FormatError:
    return FormatError(f"{seg.tag} segment outside a message (UNH..UNT)", Position(segment=seg.number, tag=seg.tag))


def _bad_tag(raw: str, number: int, ref: str = "") -> FormatError:
    shown = raw[:20] + ("…" if len(raw) > 20 else "")
    return FormatError(f"'{shown}' does not start with a segment tag", Position(segment=number, message_ref=ref), code="tag")


class Walker:
    """The state of one walk through a file's segments, fed batch by batch.

    ``feed`` yields each message as its UNT (or whatever ends it) arrives; envelopes,
    envelope errors (each with ``interchange`` set) and warnings are appended to the
    lists given, in file order.
    """

    def __init__(self, envelopes: list[Envelope], errors: list[FormatError], warnings: list[str]) -> None:
        self.envelopes = envelopes
        self.errors = errors
        self.warnings = warnings
        self.seps = DEFAULT
        self.number = 0  # segments seen in the file so far
        self.message: Message | None = None
        self.open = False  # an interchange is open (UNB seen, no UNZ yet)
        self.done = False  # an interchange has ended (UNZ)
        self.dead = False  # after a fatal fault: skip until the next UNA
        self.stray: list[FormatError] = []  # segments between interchanges, reported with the next one
        self.control_ref = ""
        self.messages = 0
        self.group_ref = ""
        self.group_count = 0
        self.groups = 0
        self.last_number: int | None = None
        self.last_tag = ""  # the tag of the envelope segment numbered last_number
        self.ident, self.charset, self.sniffed = "UNOA", "ascii", ""
        self.declared = ""  # the UNB whose charset is in force
        self._checks(DEFAULT)

    # --- separators and charsets -------------------------------------------------

    def _checks(self, seps: Separators) -> None:
        e = re.escape(seps.element)
        j = re.escape(_JOIN)
        # A prefilter for segments without a proper tag; the exact rule decides (``_tag_ok``).
        # It starts with a literal (the joiner, also put before the first segment) so the
        # engine scans for that character instead of trying every position.
        self.bad_tag = re.compile(f"{j}(?![A-Z0-9]{{3}}(?:{e}|{j}|$))")

    def una(self, una: Una) -> Iterator[Message]:
        """A UNA at a segment start: the separators of the interchange that follows."""
        if self.message is not None and not una.problem and una.seps == self.seps:
            self.number += 1  # the same separators again, inside a message (counted in the file, not in the message)
            return
        if self.message is not None:
            yield self._close(f"message {self.message.ref} has no UNT")
        self.number += 1
        self.last_number = self.number
        self.last_tag = "UNA"
        self.dead = bool(una.problem)
        if una.problem:
            self._error(FormatError(una.problem, Position(segment=self.number, tag="UNA")))
            return
        self.seps = una.seps
        self._checks(una.seps)

    def reset(self, _reset: Reset) -> None:
        """A UNB without UNA after an interchange with other separators: the defaults again."""
        self.seps = DEFAULT
        self._checks(DEFAULT)
        self.dead = False

    def _declare(self, raw: str) -> None:
        """Take the charset a UNB declares (S001), for the segments of its interchange."""
        match = _SYNTAX.match(raw)
        ident = match.group(1) if match else "UNOA"
        self.ident = ident
        self.charset = SYNTAX_CHARSETS.get(ident, "iso8859_1")
        self.sniffed = ""
        self.declared = raw

    def _decode(self, raw: str, number: int) -> str:
        """Decode a segment's Latin-1 view in its interchange's charset, falling back with a warning.

        A file that declares UNOA/UNOB but holds UTF-8 or Latin-1 bytes still parses; a
        file that declares a single-byte charset but whose bytes are UTF-8 is read as
        UTF-8 (decided at its first non-ASCII segment). The warning says so once per
        interchange, with the segment, so the partner can fix its setting.
        """
        data = raw.encode("latin-1")
        charset = self.sniffed or self.charset
        try:
            text = data.decode(charset)
        except UnicodeDecodeError as exc:
            first = data[exc.start]
        else:
            if not self.sniffed and charset.startswith("iso8859"):
                try:
                    utf8 = data.decode("utf-8")
                except UnicodeDecodeError:
                    self.sniffed = charset
                    return text
                self.sniffed = "utf-8"
                self.warnings.append(f"the interchange declares {self.ident} ({charset}) but its bytes are UTF-8; decoded as utf-8")
                return utf8
            return text
        for fallback in ("utf-8", "cp1252", "iso8859_1"):
            try:
                text = data.decode(fallback)
            except UnicodeDecodeError:
                continue
            if not self.sniffed:
                self.warnings.append(
                    f"the interchange declares {self.ident} ({self.charset}) but segment {number} holds byte "
                    f"0x{first:02X}, which is not {self.charset}; decoded as {fallback}"
                )
            self.sniffed = fallback
            return text
        raise AssertionError("iso8859_1 decodes every byte")  # pragma: no cover

    # --- the walk ------------------------------------------------------------------

    def feed(self, batch: list[str], ascii_only: bool) -> Iterator[Message]:
        """Walk one batch of raw segments; yield each message that ends in it."""
        # Only segments starting with "UN" can be envelope segments: find those, and hand
        # the runs between them to the open message in one slice (decoded first when the
        # batch has bytes above 0x7F and its interchange's charset is not settled as Latin-1).
        n = len(batch)
        marks = [i for i, raw in enumerate(batch) if raw[:2] == "UN"]
        marks.append(n)
        at = 0
        for i in marks:
            if i < n:
                raw = batch[i]
                if raw[:3] not in SERVICE_TAGS or raw[3:4] not in (self.seps.element, ""):
                    continue  # UNS and other "UN.." message segments
            if at < i:
                run = batch[at:i]
                if not ascii_only and self.sniffed != "iso8859_1":
                    run = self._decoded(run)
                msg = self.message
                if msg is not None:
                    msg.raw.extend(run)
                else:
                    for outside in run:
                        yield from self._envelope(outside)
            if i < n:
                raw = batch[i]
                if raw.startswith("UNB"):
                    self._declare(raw)  # a UNB is read in the charset it declares
                if not ascii_only and self.sniffed != "iso8859_1" and not raw.isascii():
                    raw = self._decoded([raw])[0]
                yield from self._envelope(raw)
            at = i + 1

    def _decoded(self, run: list[str]) -> list[str]:
        """The segments of ``run`` decoded in the interchange's charset (ASCII ones as they are)."""
        before = self.number + (len(self.message.raw) if self.message is not None else 0)
        return [raw if raw.isascii() else self._decode(raw, before + k) for k, raw in enumerate(run, 1)]

    def _envelope(self, raw: str) -> Iterator[Message]:  # noqa: C901, PLR0911, PLR0912
        """One segment outside a message, or a service segment: number it in the file and walk on."""
        open_count = len(self.message.raw) if self.message is not None else 0
        number = self.number + open_count + 1
        if self.dead:
            self.number += 1
            return
        seg = segment_of(raw, number, self.seps)
        tag = seg.tag
        if tag == "UNH" and self.open:
            yield from self._unh(seg, raw)
            return
        if tag == "UNT" and self.message is not None:
            yield self._unt(seg, raw)
            return
        if tag == "UNA":
            self.number += 1  # the same separators again (read as ``Una`` when at a segment start)
            return
        if self.message is not None:
            yield self._close(f"message {self.message.ref} has no UNT")
        self.number += 1
        self.last_number = number
        self.last_tag = tag
        if tag == "UNB":
            if self.open:
                self._error(FormatError("UNB before the UNZ of the previous interchange", seg.position(), code="missing"))
            self._unb(seg, raw)
            return
        if not self.open:
            if self.done:  # between UNZ and the next UNB: junk of a concatenated file
                shown = (tag or seg.elements[0])[:20]
                where = Position(segment=number, tag=tag)
                self.stray.append(FormatError(f"'{shown}' between two interchanges (after UNZ, before UNB)", where, code="tag"))
                return
            self.dead = True
            if not tag:
                self._error(_bad_tag(raw, number))
            else:
                self._error(FormatError(f"{tag} segment before UNB: the file does not start an interchange", Position(segment=number, tag=tag)))
            return
        if tag == "UNG":
            self.group_ref = seg.get(5, 1)
            self.group_count = 0
            self.groups += 1
        elif tag == "UNE":
            self._une(seg)
        elif tag == "UNZ":
            self._unz(seg)
        elif not tag:
            self._error(_bad_tag(raw, number))
        else:
            self._error(_orphan(seg))

    def _index(self) -> int:
        return max(len(self.envelopes) - 1, 0)

    def _error(self, error: FormatError) -> None:
        error.interchange = self._index()
        self.errors.append(error)

    def _unb(self, seg: Segment, raw: str) -> None:
        env = _envelope_from_unb(seg, self.seps)
        self.envelopes.append(env)
        self.open = True
        self.control_ref = env.control_ref
        self.messages = self.groups = self.group_count = 0
        self.group_ref = ""
        for error in self.stray:
            self._error(error)
        self.stray = []
        if self.declared != raw:
            self._declare(raw)
        _, problem = _prepared(seg)
        if problem is not None:
            self._error(problem)
        at = first_unstorable(raw)
        if at >= 0:
            self._error(FormatError("the interchange header holds a character the hub cannot store (NUL or a lone surrogate)", seg.position(), code="invalid_value"))

    def _unh(self, seg: Segment, raw: str) -> Iterator[Message]:
        if self.message is not None:
            yield self._close(f"message {self.message.ref} has no UNT before the next UNH")
        comps = seg.elements[2].split(self.seps.component) if len(seg.elements) > 2 else []
        msg = Message(
            ref=seg.get(1), type=seg.get(2, 1), version=":".join(comps[1:4]), association=seg.get(2, 5),
            group_ref=self.group_ref, seps=self.seps,
        )  # fmt: skip
        msg.raw.append(raw)
        if not msg.ref:
            msg.errors.append(FormatError("UNH has no message reference", Position(segment=1, tag="UNH", element=1), code="missing"))
        if not msg.type:
            msg.errors.append(FormatError("UNH names no message type", Position(segment=1, tag="UNH", element=2, component=1, message_ref=msg.ref), code="missing"))
        self.message = msg

    def _check_body(self, msg: Message) -> None:
        """Report segments without a tag and text the database cannot store, in segment order."""
        joined = _JOIN + _JOIN.join(msg.raw)
        if self.bad_tag.search(joined):
            for n, raw in enumerate(msg.raw, 1):
                if not _tag_ok(raw, self.seps.element):
                    msg.errors.append(_bad_tag(raw, n, msg.ref))
        # NUL is found by memchr; a lone surrogate can only be in a decoded (non-ASCII) text.
        if "\x00" in joined or (not joined.isascii() and first_unstorable(joined) >= 0):
            for n, raw in enumerate(msg.raw, 1):
                if first_unstorable(raw) >= 0:
                    msg.errors.append(_unstorable(segment_of(raw, n, msg.seps), msg.ref))

    def _close(self, error: str = "", position: Position | None = None) -> Message:
        """End the open message (with ``error`` when it did not end in UNT) and count it."""
        msg = self.message
        assert msg is not None
        self._check_body(msg)
        if error:
            where = position or Position(segment=len(msg.raw), tag="UNT", message_ref=msg.ref)
            msg.errors.append(FormatError(error, where, code="missing"))
        self.number += len(msg.raw)
        self.messages += 1
        self.group_count += 1
        self.message = None
        return msg

    def _unt(self, seg: Segment, raw: str) -> Message:
        msg = self.message
        assert msg is not None
        msg.raw.append(raw)
        count = len(msg.raw)
        self._check_body(msg)
        declared, ref = seg.get(1), seg.get(2)
        if ref != msg.ref:
            text = f"UNT reference '{ref}' does not match UNH reference '{msg.ref}'"
            msg.errors.append(FormatError(text, Position(segment=count, tag="UNT", element=2, message_ref=msg.ref), code="reference"))
        if not declared.isdigit() or int(declared) != count:
            text = f"UNT counts {declared or 'no'} segments but the message has {count}"
            msg.errors.append(FormatError(text, Position(segment=count, tag="UNT", element=1, message_ref=msg.ref), code="count"))
        self.number += count
        self.last_number = self.number
        self.last_tag = "UNT"
        self.messages += 1
        self.group_count += 1
        self.message = None
        return msg

    def _une(self, seg: Segment) -> None:
        declared = seg.get(1)
        if not declared.isdigit() or int(declared) != self.group_count:
            self._error(FormatError(f"UNE counts {declared or 'no'} messages but the group has {self.group_count}", seg.position(1), code="count"))
        if seg.get(2) != self.group_ref:
            text = f"UNE reference '{seg.get(2)}' does not match UNG reference '{self.group_ref}'"
            self._error(FormatError(text, seg.position(2), code="reference"))
        self.group_ref = ""

    def _unz(self, seg: Segment) -> None:
        declared = seg.get(1)
        want = self.groups if self.groups else self.messages
        what = "groups" if self.groups else "messages"
        if not declared.isdigit() or int(declared) != want:
            self._error(FormatError(f"UNZ counts {declared or 'no'} {what} but the interchange has {want}", seg.position(1), code="count"))
        if seg.get(2) != self.control_ref:
            text = f"UNZ reference '{seg.get(2)}' does not match UNB reference '{self.control_ref}'"
            self._error(FormatError(text, seg.position(2), code="reference"))
        self.open = False
        self.done = True

    def finish(self, partial: bool = False, end: int | None = None) -> Iterator[Message]:
        """The end of the file: close what is open and say what is missing.

        ``partial``: the file's last segment has no terminator (it may be cut off);
        ``end``: the byte offset where the last terminated segment ends. A truncated
        file is reported at its last complete segment, with that offset.
        """
        if self.dead:
            return
        if not self.open:
            if self.stray:
                self._error(self.stray[0])  # junk after the last interchange: say so (the interchanges are already out)
            return
        number, tag = self._last_complete()
        where = Position(segment=number, tag=tag, byte=end)
        cut = " in the middle of a segment" if partial else ""
        after = f" after segment {number} ({tag})" if number else ""
        if self.message is not None:
            msg = self.message
            text = f"message {msg.ref} ends without UNT after its segment {len(msg.raw)} ({tag}): the file ends there{cut} (truncated?)"
            yield self._close(text, Position(segment=len(msg.raw), tag=tag, message_ref=msg.ref, byte=end))
        self._error(FormatError(f"the interchange ends without UNZ{after}: the file ends there{cut} (truncated?)", where, code="missing"))
        self.open = False

    def _last_complete(self) -> tuple[int | None, str]:
        """The file's number and tag of the last segment that ended with a terminator."""
        msg = self.message
        if msg is None:
            return self.last_number, self.last_tag
        tag = msg.raw[-1].split(self.seps.element, 1)[0][:3]
        return self.number + len(msg.raw), tag


def _tag_ok(raw: str, elem: str) -> bool:
    tag = raw.split(elem, 1)[0]
    return len(tag) == 3 and tag.isalnum() and (tag.isupper() or tag.isdigit())


def _unstorable(seg: Segment, ref: str) -> FormatError:
    """A positioned error for the first element that holds a NUL or a lone surrogate."""
    for e, raw in enumerate(seg.elements):
        if first_unstorable(raw) >= 0:
            text = "holds a NUL character or a lone surrogate, which the hub cannot store; remove it"
            return FormatError(text, Position(segment=seg.number, tag=seg.tag, element=e or None, message_ref=ref), code="invalid_value")
    return FormatError("holds a character the hub cannot store", seg.position(None, None, ref), code="invalid_value")
