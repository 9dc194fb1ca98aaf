"""Connectors: one module per way of handing a document over, one interface (``send``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Result:
    """What a connector saw: the HTTP status (None for no answer), an excerpt, Retry-After."""

    status_code: int | None
    excerpt: str = ""
    retry_after: float | None = None
    url: str = ""
    permanent: bool = False  # refused before sending (bad URL, SSRF): never retried
    answer: bytes = b""  # the answer's body (at most http.MAX_ANSWER_BYTES), for connectors that read it (AS2 MDNs)
    answer_headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the recipient took the document."""
        return self.status_code is not None and 200 <= self.status_code < 300
