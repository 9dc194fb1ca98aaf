"""Shared checks for the streaming translate paths: each must agree with its codec or hand over."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from hub.formats import samples
from hub.formats.canonical import to_json


class StreamCheck:
    """Compare a streaming ``translate(stream, emit, head)`` with ``codec.parse`` for one family."""

    def __init__(self, translate: Callable[..., Any], fallback: type[Exception], codec: Any) -> None:
        self.translate = translate
        self.fallback = fallback
        self.codec = codec

    def streamed(self, data: bytes) -> list[dict] | None:
        """The documents the stream emits, or None when it hands over to the codec."""
        docs: list[dict] = []
        try:
            self.translate(io.BytesIO(data), docs.append, data[:8192])
        except self.fallback:
            return None
        return docs

    def parsed(self, data: bytes) -> tuple[list[dict], list[str], list[str]]:
        """What the codec makes of the same bytes: documents as JSON, errors, warnings."""
        result = self.codec.parse(data)
        return [to_json(d) for d in result.documents], [str(e) for e in result.all_errors], result.warnings

    def agree(self, data: bytes) -> list[dict] | None:
        """Assert the stream either hands over or equals the codec; a file with errors or warnings hands over."""
        docs, errors, warnings = self.parsed(data)
        got = self.streamed(data)
        if errors or warnings:
            assert got is None, (errors, warnings)
        elif got is not None:
            assert got == docs
        return got


def sample(fmt: str, n: int = 12, seed: int = 1) -> bytes:
    """A generated sample file of ``fmt`` with ``n`` messages."""
    out = io.BytesIO()
    samples.write(fmt, n, out, seed)
    return out.getvalue()
