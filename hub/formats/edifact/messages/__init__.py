"""Message mappings: one module per EDIFACT message type, registered in ``MAPPERS``.

``MAPPERS`` reads: message type -> function(message, envelope, decimal mark) -> documents.
``RENDERERS`` writes: message type -> function(document, message ref, separators,
directory) -> segments UNH..UNT. ``message_type_for`` picks the message type a canonical
document is written as.
"""

from __future__ import annotations

from collections.abc import Callable

from hub.formats.canonical import DeliverySchedule, Document
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages import aperak, contrl, delfor, deljit, desadv, orders, ordrsp
from hub.formats.errors import Envelope, FormatError

Mapper = Callable[[Message, Envelope, str], list[Document]]

MAPPERS: dict[str, Mapper] = {
    "DELFOR": delfor.read,
    "DELJIT": deljit.read,
    "DESADV": desadv.read,
    "ORDERS": orders.read,
    "ORDRSP": ordrsp.read,
    "CONTRL": contrl.read,
    "APERAK": aperak.read,
}

MESSAGE_RENDERERS = {
    "DELFOR": delfor.write,
    "DELJIT": deljit.write,
    "DESADV": desadv.write,
    "ORDERS": orders.write,
    "ORDRSP": ordrsp.write,
    "CONTRL": contrl.write,
    "APERAK": aperak.write,
}

# The message directory each type is written in by default.
DEFAULT_DIRECTORY = {"CONTRL": "D:3:UN"}

# document type -> renderer of its default message (kept for callers that render by document type).
RENDERERS = {
    "delivery_schedule": delfor.write,
    "despatch_advice": desadv.write,
    "purchase_order": orders.write,
    "order_response": ordrsp.write,
    "acknowledgement": contrl.write,
}

# The messages each document type can be written as; the first is the default.
MESSAGES_FOR_DOCUMENT = {
    "delivery_schedule": ("DELFOR", "DELJIT"),
    "despatch_advice": ("DESADV",),
    "purchase_order": ("ORDERS",),
    "order_response": ("ORDRSP",),
    "acknowledgement": ("CONTRL", "APERAK"),
}


def message_type_for(doc: Document, preferred: str = "") -> str:
    """The EDIFACT message a document is written as.

    A JIT delivery schedule is a DELJIT, any other a DELFOR; an acknowledgement is a
    CONTRL unless ``preferred`` (or the document's own ``source.version``, e.g. when it
    was read from an APERAK) says APERAK.
    """
    allowed = MESSAGES_FOR_DOCUMENT.get(doc.type)
    if allowed is None:
        raise FormatError(f"EDIFACT cannot carry a {doc.type}; it carries {', '.join(sorted(MESSAGES_FOR_DOCUMENT))}")
    if preferred:
        preferred = preferred.upper()
        if preferred not in allowed:
            raise FormatError(f"a {doc.type} is written as {' or '.join(allowed)}, not {preferred}")
        return preferred
    if isinstance(doc, DeliverySchedule):
        return "DELJIT" if doc.kind == "jit" else "DELFOR"
    if doc.type == "acknowledgement" and doc.source.version.upper().startswith("APERAK"):
        return "APERAK"
    return allowed[0]
