"""Walk the EDIFACT envelope: UNA, UNB..UNZ, UNG..UNE, UNH..UNT, with counts checked.

Cuts a stream of segments into interchanges and messages. Envelope faults (a UNZ
count that does not match, a UNT reference that differs from its UNH, a segment
without a tag) are collected with positions instead of raised, so one bad message
does not hide the good ones. Segments inside a message are renumbered from UNH = 1,
the numbering CONTRL (UCS 0096) and partners' error reports use; envelope segments keep
their number in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from hub.formats.edifact.syntax import Separators
from hub.formats.edifact.tokenizer import Segment
from hub.formats.errors import Envelope, FormatError, Position

SERVICE_TAGS = ("UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ")


@dataclass
class Message:
    """The segments of one UNH..UNT message, numbered from UNH = 1."""

    ref: str
    type: str
    version: str  # e.g. D:96A:UN (release, directory, agency)
    association: str
    segments: list[Segment] = field(default_factory=list)
    group_ref: str = ""
    errors: list[FormatError] = field(default_factory=list)

    @property
    def directory(self) -> str:
        """The directory as one word, e.g. ``D96A``."""
        parts = self.version.split(":")
        return "".join(parts[:2])

    @property
    def identifier(self) -> list[str]:
        """The UNH S009 as written: type, version, release, agency (and association code)."""
        return [self.type, *self.version.split(":"), *([self.association] if self.association else [])]


@dataclass
class Interchange:
    """One UNB..UNZ interchange: its envelope, messages and envelope-level errors."""

    envelope: Envelope
    messages: list[Message] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    prepared: str = ""  # UNB S004 as an ISO date(time), YYMMDD (syntax 1-3) or CCYYMMDD (syntax 4)


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


def _same_una(raw: str, seps: Separators) -> bool:
    # The tokenizer strips trailing blanks and keeps escape pairs: compare what is left.
    return raw[:8].rstrip() == seps.as_una()[:8].rstrip()


class _Walker:
    """The state of one walk through a file's segments."""

    def __init__(self, seps: Separators) -> None:
        self.seps = seps
        self.current: Interchange | None = None
        self.message: Message | None = None
        self.count = 0  # segments in the open message, UNH = 1
        self.group_ref = ""
        self.group_count = 0
        self.groups = 0
        self.done = False  # an interchange has ended (UNZ)
        self.stray: list[FormatError] = []  # segments between interchanges, reported with the next one

    def close_message(self, error: str = "") -> None:
        """Put the open message into the interchange (with ``error`` when it did not end in UNT)."""
        assert self.current is not None and self.message is not None
        if error:
            where = Position(segment=self.count, tag="UNT", message_ref=self.message.ref)
            self.message.errors.append(FormatError(error, where, code="missing"))
        self.current.messages.append(self.message)
        self.group_count += 1
        self.message = None

    def in_message(self, seg: Segment) -> None:
        assert self.message is not None
        self.count += 1
        seg.number = self.count
        self.message.segments.append(seg)
        if not seg.tag:
            self.message.errors.append(_bad_tag(seg, self.message.ref))

    def unh(self, seg: Segment) -> None:
        assert self.current is not None
        if self.message is not None:
            self.close_message(f"message {self.message.ref} has no UNT before the next UNH")
        comps = seg.elements[2].split(self.seps.component) if len(seg.elements) > 2 else []
        self.message = Message(
            ref=seg.get(1), type=seg.get(2, 1), version=":".join(comps[1:4]), association=seg.get(2, 5), group_ref=self.group_ref
        )
        self.count = 1
        seg.number = 1
        self.message.segments.append(seg)
        if not self.message.ref:
            self.message.errors.append(FormatError("UNH has no message reference", seg.position(1), code="missing"))
        if not self.message.type:
            self.message.errors.append(FormatError("UNH names no message type", seg.position(2, 1, self.message.ref), code="missing"))

    def unt(self, seg: Segment) -> None:
        assert self.current is not None
        if self.message is None:
            self.current.errors.append(_orphan(seg))
            return
        message = self.message
        self.count += 1
        seg.number = self.count
        message.segments.append(seg)
        declared, ref = seg.get(1), seg.get(2)
        if ref != message.ref:
            text = f"UNT reference '{ref}' does not match UNH reference '{message.ref}'"
            message.errors.append(FormatError(text, seg.position(2, None, message.ref), code="reference"))
        if not declared.isdigit() or int(declared) != self.count:
            text = f"UNT counts {declared or 'no'} segments but the message has {self.count}"
            message.errors.append(FormatError(text, seg.position(1, None, message.ref), code="count"))
        self.close_message()

    def une(self, seg: Segment) -> None:
        assert self.current is not None
        declared = seg.get(1)
        if not declared.isdigit() or int(declared) != self.group_count:
            text = f"UNE counts {declared or 'no'} messages but the group has {self.group_count}"
            self.current.errors.append(FormatError(text, seg.position(1), code="count"))
        if seg.get(2) != self.group_ref:
            text = f"UNE reference '{seg.get(2)}' does not match UNG reference '{self.group_ref}'"
            self.current.errors.append(FormatError(text, seg.position(2), code="reference"))
        self.group_ref = ""

    def unz(self, seg: Segment) -> Interchange:
        current = self.current
        assert current is not None
        if self.message is not None:
            self.close_message(f"message {self.message.ref} has no UNT")
        declared = seg.get(1)
        want = self.groups if self.groups else len(current.messages)
        what = "groups" if self.groups else "messages"
        if not declared.isdigit() or int(declared) != want:
            text = f"UNZ counts {declared or 'no'} {what} but the interchange has {want}"
            current.errors.append(FormatError(text, seg.position(1), code="count"))
        if seg.get(2) != current.envelope.control_ref:
            text = f"UNZ reference '{seg.get(2)}' does not match UNB reference '{current.envelope.control_ref}'"
            current.errors.append(FormatError(text, seg.position(2), code="reference"))
        self.current = None
        return current


def _orphan(seg: Segment) -> FormatError:
    return FormatError(f"{seg.tag} segment outside a message (UNH..UNT)", Position(segment=seg.number, tag=seg.tag))


def _bad_tag(seg: Segment, ref: str = "") -> FormatError:
    raw = seg.elements[0] if seg.elements else ""
    shown = raw[:20] + ("…" if len(raw) > 20 else "")
    return FormatError(f"'{shown}' does not start with a segment tag", Position(segment=seg.number, message_ref=ref), code="tag")


def walk(segments: Iterator[Segment], seps: Separators) -> Iterator[Interchange]:
    """Group segments into interchanges and messages, checking every count and reference.

    Yields each interchange when its UNZ (or the end of the file) is reached.
    """
    w = _Walker(seps)
    last: Segment | None = None
    for seg in segments:
        last = seg
        tag = seg.tag
        if w.message is not None and tag not in SERVICE_TAGS:
            w.in_message(seg)
            continue
        if tag == "UNA":
            if not _same_una(seg.elements[0], seps):
                raise FormatError(
                    "a second interchange in this file declares other separators; send it as a file of its own",
                    Position(segment=seg.number, tag="UNA"),
                )
            continue
        if tag == "UNB":
            if w.current is not None:
                if w.message is not None:
                    w.close_message(f"message {w.message.ref} has no UNT")
                w.current.errors.append(FormatError("UNB before the UNZ of the previous interchange", seg.position(), code="missing"))
                yield w.current
            w.current = Interchange(_envelope_from_unb(seg, seps))
            w.current.errors.extend(w.stray)
            w.stray = []
            w.current.prepared, problem = _prepared(seg)
            if problem is not None:
                w.current.errors.append(problem)
            w.groups = w.group_count = 0
            w.group_ref = ""
            continue
        if w.current is None:
            if w.done:  # between UNZ and the next UNB: junk of a concatenated file
                shown = (tag or seg.elements[0])[:20]
                where = Position(segment=seg.number, tag=tag)
                w.stray.append(FormatError(f"'{shown}' between two interchanges (after UNZ, before UNB)", where, code="tag"))
                continue
            if not tag:
                raise _bad_tag(seg)
            raise FormatError(f"{tag} segment before UNB: the file does not start an interchange", Position(segment=seg.number, tag=tag))
        if tag == "UNH":
            w.unh(seg)
        elif tag == "UNT":
            w.unt(seg)
        elif tag == "UNG":
            if w.message is not None:
                w.close_message(f"message {w.message.ref} has no UNT")
            w.group_ref = seg.get(5, 1)
            w.group_count = 0
            w.groups += 1
        elif tag == "UNE":
            if w.message is not None:
                w.close_message(f"message {w.message.ref} has no UNT")
            w.une(seg)
        elif tag == "UNZ":
            w.done = True
            yield w.unz(seg)
        elif not tag:
            w.current.errors.append(_bad_tag(seg))
        else:
            w.current.errors.append(_orphan(seg))

    if w.current is None and w.stray:
        raise w.stray[0]  # junk after the last interchange: say so (the interchanges are already out)
    if w.current is not None:
        open_message = w.message is not None
        if w.message is not None:
            w.close_message(f"message {w.message.ref} ends without UNT (file truncated?)")
        at = last.number if last is not None and not open_message else None
        w.current.errors.append(FormatError("the interchange ends without UNZ (file truncated?)", Position(segment=at), code="missing"))
        yield w.current
