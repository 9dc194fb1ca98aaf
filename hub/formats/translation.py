"""Translate one file: canonical JSON, or the documents rendered in another format; nothing stored.

The conformance check as a function: ``manage.py translate`` renders through it and
``POST /api/v1/translate`` answers with it. It reads through ``registry.stream``, the parse
path ingest uses, so a file that translates here is read the same way when it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import to_json
from hub.formats.errors import FormatError, ParseResult


@dataclass
class Translation:
    """What a file became: its format, documents (canonical JSON), the rendering asked for, or its errors."""

    format: str = ""
    version: str = ""
    documents: list[dict[str, Any]] = field(default_factory=list)
    rendered: bytes | None = None
    target: str = "json"
    errors: list[FormatError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def translate_file(fh: IO[bytes], *, source: str | None = None, target: str = "json") -> Translation:
    """Parse ``fh`` (format ``source``, or detected) and return its documents, rendered as ``target`` unless it is ``json``.

    Never raises for bad input: every error, envelope errors first, is in ``errors`` with
    its position, and then there are no documents.
    """
    detection, stream = registry.stream(fh, source)
    result = stream.collect()
    envelope = result.envelopes[0] if result.envelopes else None
    translation = Translation(format=detection.family, version=getattr(envelope, "version", "") or "", warnings=list(result.warnings), target=target.lower())
    translation.errors = result.all_errors
    if translation.errors:
        return translation
    translation.documents = [to_json(doc) for doc in result.documents]
    if translation.target != "json":
        try:
            translation.rendered = render_result(result, target)
        except FormatError as exc:
            translation.errors = [exc]
            translation.documents = []
    return translation


def render_result(result: ParseResult, target: str) -> bytes:
    """Render a parsed file's documents in format ``target``, keeping its envelope's parties and reference."""
    codec = registry.get(target)
    env = result.envelopes[0] if result.envelopes else None
    options = RenderOptions(
        sender_id=(env.sender.get("id") if env else "") or "SUPPLIERHUB",
        receiver_id=(env.receiver.get("id") if env else "") or "PARTNER",
        control_ref=control_ref_for(env.control_ref if env else "", codec.name),
    )
    return codec.render(result.documents, options)


def control_ref_for(source: str, target: str) -> str:
    """Keep the source's control reference, made numeric where the target needs it (X12: 1-9 digits)."""
    if target == "x12":
        return "".join(ch for ch in source if ch.isdigit())[-9:].lstrip("0") or "1"
    return source or "1"
