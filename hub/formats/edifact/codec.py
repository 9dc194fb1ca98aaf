"""The EDIFACT codec: detect, parse (envelope + message mappings) and render."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence

from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import Document
from hub.formats.edifact import syntax
from hub.formats.edifact.envelope import walk
from hub.formats.edifact.messages import MAPPERS, RENDERERS
from hub.formats.edifact.messages.delfor import _seg
from hub.formats.edifact.tokenizer import tokenize
from hub.formats.errors import FormatError, MessageResult, ParseResult, Position, UnsupportedFormat

log = logging.getLogger(__name__)
_UNH = re.compile(rb"UNH.[^'+:]*.([A-Z]{6}).([0-9A-Z]{1,3}).([0-9A-Z]{1,3})")
DIRECTORIES = ["D:96A", "D:97A", "D:04A"]


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
        """Parse every interchange in ``data``; errors are collected per message."""
        result = ParseResult(format="EDIFACT")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        start = syntax.find_start(data)
        if start < 0:
            result.errors.append(FormatError("no UNA or UNB segment found: this is not an EDIFACT interchange", Position(segment=1)))
            return result
        if start > 0:
            result.warnings.append(f"skipped {start} bytes before the interchange starts")
        ident, charset = syntax.syntax_charset(data[start:])
        text, warnings = syntax.decode(data[start:], ident, charset)
        result.warnings.extend(warnings)
        seps = syntax.DEFAULT
        if text.startswith("UNA"):
            try:
                seps = syntax.read_una(text)
            except ValueError as exc:
                result.errors.append(FormatError(str(exc), Position(segment=1, tag="UNA")))
                return result
            text = text[9:]
            first = 2
        else:
            first = 1
        try:
            for interchange in walk(tokenize(text, seps, first), seps):
                env = interchange.envelope
                env.version = ident
                result.envelopes.append(env)
                result.errors.extend(interchange.errors)
                for msg in interchange.messages:
                    outcome = MessageResult(ref=msg.ref, type=msg.type, group_ref=msg.group_ref, errors=list(msg.errors))
                    result.messages.append(outcome)
                    if outcome.errors:
                        continue
                    mapper = MAPPERS.get(msg.type)
                    if mapper is None:
                        outcome.errors.append(
                            UnsupportedFormat(
                                f"message type {msg.type} is not carried by the hub (it takes {', '.join(sorted(MAPPERS))})",
                                Position(segment=1, tag="UNH", element=2, message_ref=msg.ref),
                            )
                        )
                        continue
                    try:
                        outcome.documents = mapper(msg, env, seps.decimal)
                    except FormatError as exc:
                        if not exc.position.message_ref:
                            exc.position.message_ref = msg.ref
                        outcome.errors.append(exc)
                    except Exception as exc:  # a mapping bug must not cost the other messages
                        log.exception("DELFOR mapping failed for message %s", msg.ref)
                        outcome.errors.append(FormatError(f"could not map the message ({type(exc).__name__}: {exc})", Position(message_ref=msg.ref), code="internal"))
        except FormatError as exc:
            result.errors.append(exc)
        return result

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as one UNOC interchange with UNA, counts and references right."""
        seps = syntax.DEFAULT
        now = dt.datetime.now(dt.UTC)
        out = [seps.as_una()]
        out.append(
            _seg(
                seps,
                "UNB",
                ["UNOC", "3"],
                [options.sender_id, options.sender_qualifier],
                [options.receiver_id, options.receiver_qualifier],
                [now.strftime("%y%m%d"), now.strftime("%H%M")],
                [options.control_ref],
                *([""] * 5 + ["1"] if options.test else []),
            )
        )
        for index, doc in enumerate(documents, 1):
            renderer = RENDERERS.get(doc.type)
            if renderer is None:
                raise FormatError(f"EDIFACT cannot carry a {doc.type} yet")
            out.extend(renderer(doc, str(index), seps))
        out.append(_seg(seps, "UNZ", str(len(documents)), [options.control_ref]))
        return "\n".join(out).encode("iso8859_1") + b"\n"

    def describe(self) -> list[FormatInfo]:
        """The EDIFACT messages the hub reads and writes."""
        return [
            FormatInfo(
                name="edifact-delfor",
                family="EDIFACT",
                versions=DIRECTORIES,
                message_types=["DELFOR"],
                directions=["parse", "render"],
                documents=["delivery_schedule"],
            )
        ]
