"""What every codec offers the registry: detect, parse, render, describe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hub.formats.canonical import Document
from hub.formats.errors import ParseResult


@dataclass
class Detection:
    """A codec's answer to "is this yours?": family, version and message types seen."""

    codec: str
    family: str
    version: str = ""
    message_types: list[str] = field(default_factory=list)


@dataclass
class FormatInfo:
    """One supported format for ``manage.py formats`` and ``GET /api/v1/formats/``."""

    name: str
    family: str
    versions: list[str]
    message_types: list[str]
    directions: list[str]  # "parse", "render"
    documents: list[str]


@dataclass
class RenderOptions:
    """Envelope values a renderer needs: who sends to whom, under which reference."""

    sender_id: str = "SUPPLIERHUB"
    sender_qualifier: str = "ZZ"
    receiver_id: str = ""
    receiver_qualifier: str = "ZZ"
    control_ref: str = "1"
    version: str = ""
    test: bool = False
    now: dt.datetime | None = None  # the envelope's date and time (default: now); samples fix it


class Codec(Protocol):
    """The interface of a format family's codec."""

    name: str

    def detect(self, head: bytes) -> Detection | None:
        """Return a Detection when ``head`` (the first KiB of a file) is this codec's format."""
        ...

    def parse(self, data: bytes) -> ParseResult:
        """Parse a whole file into canonical documents, collecting positioned errors."""
        ...

    # Optional: ``stream(fh: IO[bytes]) -> MessageStream`` reads a file message by message
    # in bounded memory; the registry wraps ``parse`` for codecs that do not offer it.

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render canonical documents as one interchange of this format."""
        ...

    def describe(self) -> list[FormatInfo]:
        """The formats, versions and message types this codec supports."""
        ...
