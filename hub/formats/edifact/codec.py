"""The EDIFACT codec: detect, parse (envelope + message mappings) and render."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Sequence
from typing import IO

from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import Document
from hub.formats.edifact import render as writer
from hub.formats.edifact import syntax
from hub.formats.edifact.envelope import Message, Walker
from hub.formats.edifact.messages import DEFAULT_DIRECTORY, MAPPERS, MESSAGE_RENDERERS, message_type_for
from hub.formats.edifact.reader import BLOCK, Reader, Una
from hub.formats.errors import Envelope, FormatError, MessageResult, MessageStream, ParseResult, Position, UnsupportedFormat
from hub.formats.tolerance import is_count_mismatch

log = logging.getLogger(__name__)
_UNH = re.compile(rb"UNH.[^'+:]*.([A-Z]{6}).([0-9A-Z]{1,3}).([0-9A-Z]{1,3})")
DIRECTORIES = ["D:96A", "D:97A", "D:04A"]
_DIRECTORY = re.compile(r"^D:?(\d\d[A-Z])$")

# What ``describe()`` lists: message -> (document, directions, directories).
MESSAGES: dict[str, tuple[str, list[str], list[str]]] = {
    "DELFOR": ("delivery_schedule", ["parse", "render"], DIRECTORIES),
    "DELJIT": ("delivery_schedule", ["parse", "render"], DIRECTORIES),
    "DESADV": ("despatch_advice", ["parse", "render"], DIRECTORIES),
    "ORDERS": ("purchase_order", ["parse", "render"], [*DIRECTORIES, "D:01B"]),
    "ORDRSP": ("order_response", ["parse", "render"], [*DIRECTORIES, "D:01B"]),
    "CONTRL": ("acknowledgement", ["parse", "render"], ["D:3", "4:1"]),
    "APERAK": ("acknowledgement", ["parse", "render"], DIRECTORIES),
}


def render_choice(version: str) -> tuple[str, str]:
    """Read ``RenderOptions.version``: a message type, a directory, or both (``"APERAK D:97A"``).

    Returns ``(message type or "", directory as D:96A:UN or "")``.
    """
    message, directory = "", ""
    for word in re.split(r"[\s/,]+", (version or "").strip().upper()):
        if not word:
            continue
        if word in MAPPERS:
            message = word
            continue
        match = _DIRECTORY.match(word.removesuffix(":UN"))
        if match:
            directory = f"D:{match.group(1)}:UN"
        else:
            raise FormatError(f"unknown EDIFACT version '{word}': give a message type ({', '.join(MAPPERS)}) or a directory like D:96A")
    return message, directory


class _Stream(MessageStream):
    """An EDIFACT file read message by message (see ``EdifactCodec.stream``)."""

    def __init__(self, fh: IO[bytes], block: int) -> None:
        super().__init__("EDIFACT")
        self._fh = fh
        self._block = block

    def __iter__(self) -> Iterator[MessageResult]:
        reader = Reader(self._fh, self._block)
        walker = Walker(self.envelopes, self.errors, self.warnings)
        envelopes = self.envelopes
        mapped = EdifactCodec.map
        started = False
        for item in reader:
            if not started:
                started = True
                if reader.skipped:
                    self.warnings.append(f"skipped {reader.skipped} bytes before the interchange starts")
            if type(item) is tuple:
                messages = walker.feed(*item)
            elif isinstance(item, Una):
                messages = walker.una(item)
            else:
                walker.reset(item)
                continue
            for msg in messages:
                index = len(envelopes) - 1
                yield mapped(msg, envelopes[index], index)
        if not reader.found:
            self.errors.append(FormatError("no UNA or UNB segment found: this is not an EDIFACT interchange", Position(segment=1)))
            return
        if not started and reader.skipped:
            self.warnings.append(f"skipped {reader.skipped} bytes before the interchange starts")
        for msg in walker.finish(partial=bool(reader.tail), end=reader.complete_end()):
            index = len(envelopes) - 1
            yield mapped(msg, envelopes[index], index)


class EdifactCodec:
    """UN/EDIFACT interchanges (UNA/UNB..UNZ) in syntax versions 3 and 4."""

    name = "edifact"

    def detect(self, head: bytes) -> Detection | None:
        """Recognise an interchange by its UNA or UNB, even after a BOM or junk lines."""
        at = syntax.find_start(head, len(head))
        if at < 0:
            return None
        found = _UNH.findall(head)
        types = sorted({t.decode() for t, _, _ in found})
        version = ""
        if found:
            _, v, r = found[0]
            version = f"{v.decode()}{r.decode()}"
        return Detection(codec=self.name, family="EDIFACT", version=version, message_types=types)

    def parse(self, data: bytes) -> ParseResult:
        """Parse every interchange in ``data``; errors are collected per message.

        A message with errors yields no document but costs the others nothing;
        envelope errors (counts, references, a missing UNZ) are in ``result.errors``,
        each with ``interchange`` set to its envelope's index.
        """
        return self.stream(io.BytesIO(data)).collect()

    def stream(self, fh: IO[bytes], block: int = BLOCK) -> MessageStream:
        """Read ``fh`` message by message: one ``MessageResult`` per UNH..UNT as soon as its UNT is read.

        Memory stays at one message plus one block of ``block`` bytes whatever the file
        size. Envelope faults land in the stream's ``errors`` (complete once iterated).
        """
        return _Stream(fh, block)

    @staticmethod
    def map(msg: Message, env: Envelope, interchange: int) -> MessageResult:
        """Map one message by the mapper of its type into a ``MessageResult`` (documents or positioned errors)."""
        outcome = MessageResult(
            ref=msg.ref, type=msg.type, group_ref=msg.group_ref, errors=msg.errors, interchange=interchange, version=msg.version
        )
        # A message whose only fault is its UNT count is still mapped: a partner profile may
        # tolerate the mismatch (``hub.formats.tolerance``); otherwise the error refuses it.
        if not outcome.errors or all(is_count_mismatch(e) for e in outcome.errors):
            mapper = MAPPERS.get(msg.type)
            if mapper is None:
                outcome.errors.append(
                    UnsupportedFormat(
                        f"message type {msg.type} is not carried by the hub (it takes {', '.join(sorted(MAPPERS))})",
                        Position(segment=1, tag="UNH", element=2, component=1, message_ref=msg.ref),
                    )
                )
            else:
                try:
                    outcome.documents = mapper(msg, env, msg.seps.decimal)
                except FormatError as exc:
                    if not exc.position.message_ref:
                        exc.position.message_ref = msg.ref
                    outcome.errors.append(exc)
                except Exception as exc:  # a mapping bug must not cost the other messages
                    log.exception("%s mapping failed for message %s", msg.type, msg.ref)
                    outcome.errors.append(
                        FormatError(f"could not map the message ({type(exc).__name__}: {exc})", Position(message_ref=msg.ref), code="internal")
                    )
        for error in outcome.errors:
            error.interchange = interchange
        return outcome

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as one interchange: each as the message its type calls for.

        A delivery schedule of kind ``jit`` becomes a DELJIT, any other a DELFOR; a
        despatch advice a DESADV, a purchase order an ORDERS, an order response an
        ORDRSP, an acknowledgement a CONTRL (or an APERAK, when ``options.version``
        names it or the document came from one). ``options.version`` may also name the
        directory (``D:97A``). UNOC syntax 3, or UNOW syntax 4 when a text needs it.
        """
        preferred, directory = render_choice(options.version)
        seps = syntax.DEFAULT
        messages = []
        for index, doc in enumerate(documents, 1):
            msg_type = message_type_for(doc, preferred if preferred and doc.type == MESSAGES[preferred][0] else "")
            renderer = MESSAGE_RENDERERS[msg_type]
            messages.append(renderer(doc, str(index), seps, DEFAULT_DIRECTORY.get(msg_type, directory or "D:96A:UN")))
        return writer.interchange(
            messages,
            seps=seps,
            sender=(options.sender_id, options.sender_qualifier),
            receiver=(options.receiver_id, options.receiver_qualifier),
            control_ref=options.control_ref,
            test=options.test,
            now=options.now,
        )

    def describe(self) -> list[FormatInfo]:
        """The EDIFACT messages the hub reads and writes, one entry per message type."""
        return [
            FormatInfo(
                name=f"edifact-{message.lower()}",
                family="EDIFACT",
                versions=versions,
                message_types=[message],
                directions=directions,
                documents=[document],
            )
            for message, (document, directions, versions) in MESSAGES.items()
        ]
