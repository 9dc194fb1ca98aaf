"""DELJIT (delivery just in time) D.96A/D.97A/D.04A, Odette/VDA 4986 usage.

A JIT call-off shares DELFOR's line structure, so both go through the same reader and
writer in ``delfor``; what differs is ``kind='jit'``, BGM 242, times on the delivery
dates (DTM format 203) and the JIT period qualifiers 194 (start) and 206 (end). PAC
segments (packing instructions) and their QTY+52 are read past: the canonical call-off
carries no packing.
"""

from __future__ import annotations

from hub.formats.canonical import Document
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.delfor import read_schedule, write_schedule
from hub.formats.edifact.syntax import Separators
from hub.formats.errors import Envelope


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:
    """Map one DELJIT message to a delivery schedule of kind ``jit``."""
    return read_schedule(msg, env, decimal_mark, kind="jit")


def write(doc: Document, ref: str, seps: Separators, directory: str = "D:96A:UN") -> list[str]:
    """Render a JIT delivery schedule as the segments of one DELJIT message (UNH..UNT)."""
    return write_schedule(doc, ref, seps, directory, msg_type="DELJIT")
