"""Transaction set mappings: one module per set (830 and 862 share schedule.py).

``MAPPERS`` reads a transaction set into documents; ``RENDERERS`` writes a document's
body (the segments between ST and SE) for the set that carries its type.
"""

from __future__ import annotations

from collections.abc import Callable

from hub.formats.canonical import Document
from hub.formats.errors import Envelope
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.messages import ack, schedule, ts850, ts855, ts856
from hub.formats.x12.messages.common import SegmentOut

Mapper = Callable[[TransactionSet, Envelope], list[Document]]

# ST01 (or TA1) -> function(transaction set, envelope) -> documents
MAPPERS: dict[str, Mapper] = {
    "830": schedule.read_830,
    "862": schedule.read_862,
    "856": ts856.read,
    "850": ts850.read,
    "855": ts855.read,
    "997": ack.read,
    "999": ack.read,
    "TA1": ack.read_ta1,
}

# set type -> function(document) -> body segments; acknowledgements are handled by the codec
RENDERERS: dict[str, Callable[[Document], list[SegmentOut]]] = {
    "830": schedule.write_830,
    "862": schedule.write_862,
    "856": ts856.write,
    "850": ts850.write,
    "855": ts855.write,
}


def set_type_for(doc: Document) -> str:
    """The transaction set that carries ``doc``: 830/862, 856, 850, 855, or 997/999/TA1."""
    if doc.type == "delivery_schedule":
        return "862" if getattr(doc, "kind", "") == "jit" else "830"
    if doc.type == "acknowledgement":
        return ack.kind(doc)  # type: ignore[arg-type]
    return {"despatch_advice": "856", "purchase_order": "850", "order_response": "855"}.get(doc.type, "")
