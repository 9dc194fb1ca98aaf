"""Mandatory business fields, checked the same way for every family.

A document without its number (or, where the standard makes it mandatory, its issue
date) is refused with the standard's own name for the missing field: a UBL order with
an empty ``cbc:ID`` is refused as an EDIFACT ORDERS without a BGM number is. The table
names, per family and message, the field as the standard calls it; a family or field
not in it is not checked here (its codec's mapping decides).
"""

from __future__ import annotations

from hub.formats.canonical import Document
from hub.formats.errors import FormatError, MessageResult, MessageStream, Position
from hub.formats.tolerance import is_count_mismatch

BUSINESS_TYPES = frozenset({"delivery_schedule", "despatch_advice", "purchase_order", "order_response"})

# (source.format, message type or "*") -> canonical field -> (position tag, the standard's name for it).
# The message type is the first word of ``source.version`` (EDIFACT ORDERS, X12 850, UBL Order).
FIELDS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("EDIFACT", "*"): {"number": ("BGM", "BGM C106 1004 (document number)")},
    ("X12", "830"): {"number": ("BFR", "BFR02/BFR03 (reference or release number)")},
    ("X12", "862"): {"number": ("BSS", "BSS02 (reference identification)")},
    ("X12", "850"): {"number": ("BEG", "BEG03 (purchase order number)"), "issued": ("BEG", "BEG05 (purchase order date)")},
    ("X12", "855"): {"number": ("BAK", "BAK03/BAK08 (purchase order or acknowledgment number)")},
    ("X12", "856"): {"number": ("BSN", "BSN02 (shipment identification)")},
    ("UBL", "*"): {"number": ("cbc:ID", "cbc:ID (document identifier)"), "issued": ("cbc:IssueDate", "cbc:IssueDate (issue date)")},
    ("cXML", "OrderRequest"): {"number": ("OrderRequestHeader", "OrderRequestHeader@orderID"), "issued": ("OrderRequestHeader", "OrderRequestHeader@orderDate")},
    ("cXML", "ShipNoticeRequest"): {"number": ("ShipNoticeHeader", "ShipNoticeHeader@shipmentID")},
    ("VDA", "*"): {"number": ("VDA", "the call-off or delivery note number")},
    ("IDOC", "*"): {"number": ("E1EDK01", "BELNR/LABNK/VBELN (document number)")},
}


def names_for(doc: Document) -> dict[str, tuple[str, str]]:
    """The mandatory fields of ``doc`` with the standard's names, from its source format and message type."""
    fmt = doc.source.format
    message = doc.source.version.split(" ", 1)[0] if doc.source.version else ""
    return FIELDS.get((fmt, message)) or FIELDS.get((fmt, "*")) or {}


def missing(doc: Document, message_ref: str = "") -> list[FormatError]:
    """The positioned errors for each mandatory field ``doc`` leaves empty (none for acknowledgements)."""
    if doc.type not in BUSINESS_TYPES:
        return []
    errors = []
    for field, (tag, name) in names_for(doc).items():
        value = getattr(doc, field, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            what = "number" if field == "number" else "issue date"
            errors.append(FormatError(f"{name} is empty: a {doc.type.replace('_', ' ')} needs its {what}", Position(tag=tag, message_ref=message_ref), code="mandatory"))
    return errors


def check(message: MessageResult) -> MessageResult:
    """Add the mandatory-field errors of the message's documents to it (a message with errors yields no document)."""
    if not message.documents or not all(is_count_mismatch(e) for e in message.errors):
        return message  # nothing mapped, or refused already (a count mismatch alone may still be tolerated)
    for doc in message.documents:
        message.errors.extend(missing(doc, message.ref))
    return message


def checked(stream: MessageStream) -> MessageStream:
    """``stream`` with every message checked for its mandatory fields, as it is read."""
    return _Checked(stream)


def _delegated(name: str) -> property:
    return property(lambda self: getattr(self.inner, name), lambda self, value: setattr(self.inner, name, value))


class _Checked(MessageStream):
    """A stream whose messages are checked; envelopes, errors and warnings are the inner stream's own (filled as it is read)."""

    envelopes = _delegated("envelopes")  # type: ignore[assignment]
    errors = _delegated("errors")  # type: ignore[assignment]
    warnings = _delegated("warnings")  # type: ignore[assignment]
    tolerated = _delegated("tolerated")  # type: ignore[assignment]

    def __init__(self, inner: MessageStream) -> None:  # noqa: D107 - the lists are the inner stream's
        self.inner = inner
        self.format = inner.format
        self._messages = (check(m) for m in inner)
