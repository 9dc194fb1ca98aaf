"""Message mappings: one module per EDIFACT message type, registered in ``MAPPERS``."""

from __future__ import annotations

from collections.abc import Callable

from hub.formats.canonical import Document
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages import delfor
from hub.formats.errors import Envelope

Mapper = Callable[[Message, Envelope, str], list[Document]]

# message type -> function(message, envelope, decimal mark) -> documents
MAPPERS: dict[str, Mapper] = {"DELFOR": delfor.read}
RENDERERS = {"delivery_schedule": delfor.write}
