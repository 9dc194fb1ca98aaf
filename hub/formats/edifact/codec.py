"""The EDIFACT codec: detect, parse (envelope + message mappings) and render."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import Document
from hub.formats.edifact import render as writer
from hub.formats.edifact import syntax
from hub.formats.edifact.envelope import walk
from hub.formats.edifact.messages import DEFAULT_DIRECTORY, MAPPERS, MESSAGE_RENDERERS, message_type_for
from hub.formats.edifact.tokenizer import tokenize
from hub.formats.errors import FormatError, MessageResult, ParseResult, Position, UnsupportedFormat

log = logging.getLogger(__name__)
_UNH = re.compile(rb"UNH.[^'+:]*.([A-Z]{6}).([0-9A-Z]{1,3}).([0-9A-Z]{1,3})")
DIRECTORIES = ["D:96A", "D:97A", "D:04A"]
_NEXT = re.compile(rb"UNA[^A-Za-z0-9\s]|UNB\+")
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


def split_at_una(data: bytes) -> list[bytes]:
    """Cut a file where a later interchange declares its own separators, so each part is read
    with its own separators and charset.

    A cut is made at a UNA, or at a ``UNB+`` without UNA (which means the default
    separators again) after an interchange with other separators, when it follows a
    segment terminator and an earlier UNZ.
    """
    chunks: list[bytes] = []
    begin = 0
    una = data[:9] if data.startswith(b"UNA") else b""
    for match in _NEXT.finditer(data, 1):
        at = match.start()
        term = una[8:9] if una else b"'"
        release = una[6:7] if una else b"?"
        if match.group(0).startswith(b"UNB") and (not una or una[4:5] == b"+"):
            continue  # same separators as before: the envelope walker goes on
        before = data[begin:at].rstrip()
        if not before.endswith(term) or before.endswith(release + term) or b"UNZ" not in before:
            continue
        chunks.append(data[begin:at])
        begin = at
        una = data[at:at + 9] if match.group(0).startswith(b"UNA") else b""
    chunks.append(data[begin:])
    return chunks


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
        result = ParseResult(format="EDIFACT")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        start = syntax.find_start(data)
        if start < 0:
            result.errors.append(FormatError("no UNA or UNB segment found: this is not an EDIFACT interchange", Position(segment=1)))
            return result
        if start > 0:
            result.warnings.append(f"skipped {start} bytes before the interchange starts")
        numbered = 0
        for chunk in split_at_una(data[start:]):
            numbered = self._parse_chunk(chunk, result, numbered)
        return result

    def _parse_chunk(self, data: bytes, result: ParseResult, numbered: int) -> int:
        """Parse the interchanges of ``data`` (one UNA's worth) into ``result``; return the last segment number."""
        ident, charset = syntax.syntax_charset(data)
        text, warnings = syntax.decode(data, ident, charset)
        result.warnings.extend(warnings)
        seps = syntax.DEFAULT
        first = numbered + 1
        if text.startswith("UNA"):
            try:
                seps = syntax.read_una(text)
            except ValueError as exc:
                result.errors.append(FormatError(str(exc), Position(segment=first, tag="UNA")))
                return first
            text = text[9:]
            first += 1
        last = [first - 1]

        def counted(segments):  # noqa: ANN001, ANN202 - remembers how far the numbering got
            for seg in segments:
                last[0] = seg.number
                yield seg

        index = len(result.envelopes) - 1
        try:
            for interchange in walk(counted(tokenize(text, seps, first)), seps):
                index = len(result.envelopes)
                env = interchange.envelope
                result.envelopes.append(env)
                for error in interchange.errors:
                    error.interchange = index
                result.errors.extend(interchange.errors)
                for msg in interchange.messages:
                    outcome = MessageResult(
                        ref=msg.ref,
                        type=msg.type,
                        group_ref=msg.group_ref,
                        errors=list(msg.errors),
                        interchange=index,
                        version=msg.version,
                    )
                    result.messages.append(outcome)
                    if not outcome.errors:
                        self._map(msg, env, seps, outcome)
                    for error in outcome.errors:
                        error.interchange = index
        except FormatError as exc:
            exc.interchange = max(index, 0)
            result.errors.append(exc)
        return last[0]

    @staticmethod
    def _map(msg, env, seps, outcome: MessageResult) -> None:  # noqa: ANN001
        mapper = MAPPERS.get(msg.type)
        if mapper is None:
            outcome.errors.append(
                UnsupportedFormat(
                    f"message type {msg.type} is not carried by the hub (it takes {', '.join(sorted(MAPPERS))})",
                    Position(segment=1, tag="UNH", element=2, component=1, message_ref=msg.ref),
                )
            )
            return
        try:
            outcome.documents = mapper(msg, env, seps.decimal)
        except FormatError as exc:
            if not exc.position.message_ref:
                exc.position.message_ref = msg.ref
            outcome.errors.append(exc)
        except Exception as exc:  # a mapping bug must not cost the other messages
            log.exception("%s mapping failed for message %s", msg.type, msg.ref)
            outcome.errors.append(
                FormatError(f"could not map the message ({type(exc).__name__}: {exc})", Position(message_ref=msg.ref), code="internal")
            )

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
