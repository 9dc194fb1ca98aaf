"""Connectors: one module per way of handing a document over, one interface (``send``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Result:
    """What a connector saw: the HTTP status (None for no answer), an excerpt, Retry-After."""

    status_code: int | None
    excerpt: str = ""
    retry_after: float | None = None
    url: str = ""
    permanent: bool = False  # refused before sending (bad URL, SSRF): never retried

    @property
    def ok(self) -> bool:
        """True when the recipient took the document."""
        return self.status_code is not None and 200 <= self.status_code < 300
