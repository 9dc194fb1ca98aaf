"""Walk the EDIFACT envelope: UNA, UNB..UNZ, UNG..UNE, UNH..UNT, with counts checked.

Cuts a stream of segments into interchanges and messages. Envelope faults (a UNZ
count that does not match, a UNT reference that differs from its UNH) are collected
with positions instead of raised, so one bad message does not hide the good ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from hub.formats.edifact.syntax import Separators
from hub.formats.edifact.tokenizer import Segment
from hub.formats.errors import Envelope, FormatError, Position


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


@dataclass
class Interchange:
    """One UNB..UNZ interchange: its envelope, messages and envelope-level errors."""

    envelope: Envelope
    messages: list[Message] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)


def _envelope_from_unb(seg: Segment, seps: Separators) -> Envelope:
    return Envelope(
        format="EDIFACT",
        syntax=f"{seg.get(1, 1)}:{seg.get(1, 2)}",
        sender={"scheme": seg.get(2, 2), "id": seg.get(2, 1)},
        receiver={"scheme": seg.get(3, 2), "id": seg.get(3, 1)},
        control_ref=seg.get(5, 1),
        separators=seps.as_dict(),
        test=seg.get(11, 1) == "1",
    )


def walk(segments: Iterator[Segment], seps: Separators) -> Iterator[Interchange]:
    """Group segments into interchanges and messages, checking every count and reference.

    Yields each interchange when its UNZ (or the end of the file) is reached.
    """
    current: Interchange | None = None
    message: Message | None = None
    group_ref = ""
    group_count = 0
    groups = 0
    in_message_count = 0
    last: Segment | None = None

    def orphan(seg: Segment) -> FormatError:
        return FormatError(f"{seg.tag} segment outside a message (UNH..UNT)", Position(segment=seg.number, tag=seg.tag))

    for seg in segments:
        last = seg
        tag = seg.tag
        if message is not None and tag not in ("UNT", "UNH", "UNZ", "UNB", "UNE", "UNG"):
            in_message_count += 1
            seg.number = in_message_count
            message.segments.append(seg)
            continue
        if tag == "UNA":
            if seg.elements[0][:9] != seps.as_una()[:9] and len(seg.elements[0]) >= 8:
                raise FormatError(
                    "a second interchange in this file declares other separators; send it as a file of its own",
                    Position(segment=seg.number, tag="UNA"),
                )
            continue
        if tag == "UNB":
            if current is not None:
                current.errors.append(FormatError("UNB before the UNZ of the previous interchange", Position(segment=seg.number, tag="UNB")))
                yield current
            current = Interchange(_envelope_from_unb(seg, seps))
            groups = 0
            continue
        if current is None:
            raise FormatError(f"{tag} segment before UNB: the file does not start an interchange", Position(segment=seg.number, tag=tag))
        if tag == "UNH":
            if message is not None:
                message.errors.append(FormatError(f"message {message.ref} has no UNT before the next UNH", Position(segment=in_message_count, tag="UNH", message_ref=message.ref)))
                current.messages.append(message)
            identifier = seg.elements[2] if len(seg.elements) > 2 else ""
            comps = identifier.split(seps.component)
            message = Message(
                ref=seg.get(1),
                type=seg.get(2, 1),
                version=":".join(comps[1:4]),
                association=seg.get(2, 5),
                group_ref=group_ref,
            )
            in_message_count = 1
            seg.number = 1
            message.segments.append(seg)
            if not message.ref:
                message.errors.append(seg.error("UNH has no message reference", 1, message_ref=""))
            if not message.type:
                message.errors.append(seg.error("UNH names no message type", 2, 1, message_ref=message.ref))
            continue
        if tag == "UNT":
            if message is None:
                current.errors.append(orphan(seg))
                continue
            in_message_count += 1
            seg.number = in_message_count
            message.segments.append(seg)
            declared, ref = seg.get(1), seg.get(2)
            if ref != message.ref:
                message.errors.append(seg.error(f"UNT reference '{ref}' does not match UNH reference '{message.ref}'", 2, message_ref=message.ref))
            if not declared.isdigit() or int(declared) != in_message_count:
                message.errors.append(seg.error(f"UNT counts {declared or 'no'} segments but the message has {in_message_count}", 1, message_ref=message.ref))
            current.messages.append(message)
            message = None
            group_count += 1
            continue
        if tag == "UNG":
            group_ref = seg.get(5, 1)
            group_count = 0
            groups += 1
            continue
        if tag == "UNE":
            declared = seg.get(1)
            if not declared.isdigit() or int(declared) != group_count:
                current.errors.append(FormatError(f"UNE counts {declared or 'no'} messages but the group has {group_count}", Position(segment=seg.number, tag="UNE", element=1)))
            if seg.get(2) != group_ref:
                current.errors.append(FormatError(f"UNE reference '{seg.get(2)}' does not match UNG reference '{group_ref}'", Position(segment=seg.number, tag="UNE", element=2)))
            group_ref = ""
            continue
        if tag == "UNZ":
            if message is not None:
                message.errors.append(FormatError(f"message {message.ref} has no UNT", Position(segment=in_message_count, tag=message.type, message_ref=message.ref)))
                current.messages.append(message)
                message = None
            declared = seg.get(1)
            want = groups if groups else len(current.messages)
            what = "groups" if groups else "messages"
            if not declared.isdigit() or int(declared) != want:
                current.errors.append(FormatError(f"UNZ counts {declared or 'no'} {what} but the interchange has {want}", Position(segment=seg.number, tag="UNZ", element=1)))
            if seg.get(2) != current.envelope.control_ref:
                current.errors.append(FormatError(f"UNZ reference '{seg.get(2)}' does not match UNB reference '{current.envelope.control_ref}'", Position(segment=seg.number, tag="UNZ", element=2)))
            yield current
            current = None
            continue
        current.errors.append(orphan(seg))

    if current is not None:
        if message is not None:
            message.errors.append(FormatError(f"message {message.ref} ends without UNT (file truncated?)", Position(segment=in_message_count, tag=message.type, message_ref=message.ref)))
            current.messages.append(message)
        at = last.number if last is not None and message is None else None
        current.errors.append(FormatError("the interchange ends without UNZ (file truncated?)", Position(segment=at)))
        yield current
