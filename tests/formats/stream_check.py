"""Shared helpers for the streaming tests: generated sample files."""

from __future__ import annotations

import io

from hub.formats import samples


def sample(fmt: str, n: int = 12, seed: int = 1) -> bytes:
    """A generated sample file of ``fmt`` with ``n`` messages."""
    out = io.BytesIO()
    samples.write(fmt, n, out, seed)
    return out.getvalue()
