"""The canonical model: the contract between every codec, the database and the plants.

Every codec parses into these documents and renders from them; ``to_json`` gives the
canonical JSON that ``manage.py translate`` prints, the API accepts and the HTTP
connector sends to plants. Quantities are ``Decimal`` (never float), dates ISO 8601
strings, units UN/ECE Rec 20 codes (see ``codes.py``).

Pure Python on purpose: no Django import anywhere under ``hub/formats``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar


def decimal_text(value: Decimal) -> str:
    """Write a decimal without exponent or trailing zeros: ``Decimal('1500.000')`` -> ``'1500'``."""
    text = str(value)
    if text.isdigit():
        return text  # the common case, an integer as written: nothing to normalise
    if "E" not in text and "." in text and text[-1] not in "0." and text.lstrip("-")[:1].isdigit():
        return text  # a decimal without exponent or trailing zeros is already normal
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    return text


def to_decimal(value: Any) -> Decimal:
    """Read a JSON quantity (string or number) as a Decimal; floats go through ``str`` first."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc


@dataclass
class PartyId:
    """An envelope identity: EDIFACT UNB id with its qualifier, X12 ISA id, VDA number, DUNS."""

    scheme: str = ""
    id: str = ""


@dataclass
class Party:
    """A business party named in a document (buyer, supplier, ship-to)."""

    id: str = ""
    name: str = ""
    plant: str = ""
    unloading_point: str = ""


@dataclass
class Source:
    """Where a document came from: format, version and the references of its envelope."""

    format: str = ""
    version: str = ""
    message_ref: str = ""
    interchange_ref: str = ""


@dataclass
class Identifier:
    """One identifier of a line item: a canonical scheme and the id.

    Schemes are the canonical names the code lists map qualifiers to (``buyer_part``,
    ``supplier_part``, ``buyer_catalogue``, ``gtin``, ``batch``, ``serial`` ...; see
    ``docs/formats/codes-*.md``); a qualifier the hub does not know keeps its code as
    ``<family>:<code>`` (``x12:ZZ``).
    """

    scheme: str = ""
    id: str = ""


@dataclass
class ScheduleQuantity:
    """One requirement of a call-off: a quantity for a day or a period, with its commitment."""

    quantity: Decimal
    commitment: str = "firm"  # firm | production | material | forecast
    date: str | None = None
    from_: str | None = None
    to: str | None = None


@dataclass
class Receipt:
    """A goods receipt the buyer reports back in a call-off."""

    delivery_note: str = ""
    date: str | None = None
    quantity: Decimal = Decimal(0)


@dataclass
class CumulativeQuantity:
    """A cumulative quantity (Fortschrittszahl) with the date it counts from or up to."""

    quantity: Decimal
    date: str | None = None


@dataclass
class ScheduleLine:
    """One part in a call-off with its requirements."""

    buyer_part: str = ""
    supplier_part: str = ""
    description: str = ""
    unit: str = "C62"
    order_number: str = ""
    unloading_point: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    cumulative_received: CumulativeQuantity | None = None
    last_receipts: list[Receipt] = field(default_factory=list)
    schedule: list[ScheduleQuantity] = field(default_factory=list)


@dataclass
class Document:
    """Fields common to every canonical document."""

    type: ClassVar[str] = ""
    number: str = ""
    issued: str | None = None
    sender: PartyId = field(default_factory=PartyId)
    receiver: PartyId = field(default_factory=PartyId)
    buyer: Party = field(default_factory=Party)
    supplier: Party = field(default_factory=Party)
    ship_to: Party = field(default_factory=Party)
    source: Source = field(default_factory=Source)
    # What the codec noticed but did not refuse, e.g. a unit code its family's list does
    # not have (kept as sent in the line, never passed off as a Rec 20 code).
    warnings: list[str] = field(default_factory=list)


@dataclass
class DeliverySchedule(Document):
    """A call-off (Lieferabruf); ``kind='jit'`` for DELJIT, VDA 4915 and X12 862."""

    type: ClassVar[str] = "delivery_schedule"
    kind: str = "standard"
    previous_number: str = ""
    lines: list[ScheduleLine] = field(default_factory=list)


@dataclass
class Package:
    """Packages of one type in a despatch: how many, and their label ids (SSCC, VDA 4902)."""

    type: str = ""
    count: int = 0
    label_ids: list[str] = field(default_factory=list)


@dataclass
class DespatchLine:
    """One part shipped in a despatch advice."""

    buyer_part: str = ""
    supplier_part: str = ""
    quantity: Decimal = Decimal(0)
    unit: str = "C62"
    order_number: str = ""  # the order or call-off this shipment answers
    batch: str = ""
    identifiers: list[Identifier] = field(default_factory=list)


@dataclass
class DespatchAdvice(Document):
    """The ASN: EDIFACT DESADV, VDA 4913 (one per delivery note), X12 856."""

    type: ClassVar[str] = "despatch_advice"
    ship_date: str | None = None
    arrival_date: str | None = None
    carrier: str = ""
    transport_id: str = ""
    gross_weight: Decimal | None = None
    packages: list[Package] = field(default_factory=list)
    lines: list[DespatchLine] = field(default_factory=list)


@dataclass
class OrderLine:
    """One line of a purchase order."""

    line: str = ""
    buyer_part: str = ""
    supplier_part: str = ""
    description: str = ""
    quantity: Decimal = Decimal(0)
    unit: str = "C62"
    price: Decimal | None = None
    requested_date: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)


@dataclass
class PurchaseOrder(Document):
    """EDIFACT ORDERS, X12 850, UBL Order, cXML OrderRequest."""

    type: ClassVar[str] = "purchase_order"
    currency: str = ""
    lines: list[OrderLine] = field(default_factory=list)


@dataclass
class ResponseLine:
    """One line of an order response with its own status."""

    line: str = ""
    buyer_part: str = ""
    supplier_part: str = ""
    quantity: Decimal | None = None
    unit: str = "C62"
    status: str = "accepted"  # accepted | changed | rejected
    date: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)


@dataclass
class OrderResponse(Document):
    """EDIFACT ORDRSP, X12 855."""

    type: ClassVar[str] = "order_response"
    order_number: str = ""
    status: str = "accepted"  # accepted | changed | rejected
    lines: list[ResponseLine] = field(default_factory=list)


@dataclass
class Acknowledged:
    """What an acknowledgement refers to."""

    interchange_ref: str = ""
    group_ref: str = ""
    message_refs: list[str] = field(default_factory=list)
    number: str = ""


@dataclass
class AckError:
    """One error an acknowledgement reports, with its position in the acknowledged file."""

    position: str = ""
    code: str = ""
    text: str = ""


@dataclass
class Acknowledgement(Document):
    """EDIFACT CONTRL/APERAK, X12 997/999/TA1, in and out."""

    type: ClassVar[str] = "acknowledgement"
    acknowledges: Acknowledged = field(default_factory=Acknowledged)
    status: str = "accepted"  # accepted | partially_accepted | rejected
    errors: list[AckError] = field(default_factory=list)


DOCUMENT_TYPES: dict[str, type[Document]] = {
    cls.type: cls for cls in (DeliverySchedule, DespatchAdvice, PurchaseOrder, OrderResponse, Acknowledgement)
}


# JSON keys that differ from attribute names (``from`` is a Python keyword).
_RENAMES = {"from_": "from"}
_RENAMES_BACK = {v: k for k, v in _RENAMES.items()}


# Lists added to the model after its first version: left out of the JSON while empty, so
# documents without them read exactly as before.
OMITTED_WHEN_EMPTY = ("identifiers", "warnings")

# Per dataclass: (attribute, JSON key, left out when None or empty), read once instead of per value.
_SPECS: dict[type, tuple[tuple[str, str, bool], ...]] = {}


def _spec(cls: type) -> tuple[tuple[str, str, bool], ...]:
    spec = _SPECS.get(cls)
    if spec is None:
        # A schedule entry carries either a date or a from/to period: the other keys are left out.
        optional = ("from_", "to", "date") if cls is ScheduleQuantity else OMITTED_WHEN_EMPTY
        spec = _SPECS[cls] = tuple((f.name, _RENAMES.get(f.name, f.name), f.name in optional) for f in dataclasses.fields(cls))
    return spec


def _dump(value: Any) -> Any:
    cls = type(value)
    spec = _SPECS.get(cls)
    if spec is None:
        if isinstance(value, Decimal):
            return decimal_text(value)
        if isinstance(value, list):
            return [_dump(v) for v in value]
        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return value
        spec = _spec(cls)
    out: dict[str, Any] = {}
    for name, key, optional in spec:
        item = getattr(value, name)
        kind = type(item)
        if kind is str or item is None:
            if item is None and optional:
                continue
            out[key] = item
        elif optional and not item:
            continue  # an empty list added after the model's first version
        else:
            out[key] = _dump(item)
    return out


def to_json(doc: Document) -> dict[str, Any]:
    """Turn a canonical document into its canonical JSON (a dict of JSON-safe values)."""
    body = _dump(doc)
    return {"type": doc.type, **body}


def _load(cls: Any, data: Any) -> Any:
    if data is None:
        return None
    hints = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = _RENAMES_BACK.get(key, key)
        # a document's "type" is a ClassVar, so not in hints; Package.type is a real field and must load
        if name not in hints:
            continue
        kwargs[name] = _coerce(cls, name, value)
    return cls(**kwargs)


_NESTED: dict[tuple[type, str], Any] = {}


def _coerce(cls: type, name: str, value: Any) -> Any:
    target = _NESTED.get((cls, name))
    if target is None:
        for base in cls.__mro__:
            target = _NESTED.get((base, name))
            if target is not None:
                break
    if target is None:
        return value
    kind, sub = target
    if kind == "decimal":
        return None if value is None else to_decimal(value)
    if kind == "one":
        return _load(sub, value)
    return [_load(sub, v) for v in value or []]


_NESTED.update(
    {
        (Document, "sender"): ("one", PartyId),
        (Document, "receiver"): ("one", PartyId),
        (Document, "buyer"): ("one", Party),
        (Document, "supplier"): ("one", Party),
        (Document, "ship_to"): ("one", Party),
        (Document, "source"): ("one", Source),
        (DeliverySchedule, "lines"): ("many", ScheduleLine),
        (ScheduleLine, "cumulative_received"): ("one", CumulativeQuantity),
        (ScheduleLine, "identifiers"): ("many", Identifier),
        (DespatchLine, "identifiers"): ("many", Identifier),
        (OrderLine, "identifiers"): ("many", Identifier),
        (ResponseLine, "identifiers"): ("many", Identifier),
        (ScheduleLine, "last_receipts"): ("many", Receipt),
        (ScheduleLine, "schedule"): ("many", ScheduleQuantity),
        (ScheduleQuantity, "quantity"): ("decimal", None),
        (Receipt, "quantity"): ("decimal", None),
        (CumulativeQuantity, "quantity"): ("decimal", None),
        (DespatchAdvice, "gross_weight"): ("decimal", None),
        (DespatchAdvice, "packages"): ("many", Package),
        (DespatchAdvice, "lines"): ("many", DespatchLine),
        (DespatchLine, "quantity"): ("decimal", None),
        (PurchaseOrder, "lines"): ("many", OrderLine),
        (OrderLine, "quantity"): ("decimal", None),
        (OrderLine, "price"): ("decimal", None),
        (OrderResponse, "lines"): ("many", ResponseLine),
        (ResponseLine, "quantity"): ("decimal", None),
        (Acknowledgement, "acknowledges"): ("one", Acknowledged),
        (Acknowledgement, "errors"): ("many", AckError),
    }
)


def from_json(data: dict[str, Any]) -> Document:
    """Build a canonical document from its canonical JSON; raises ValueError on unknown types."""
    kind = data.get("type")
    cls = DOCUMENT_TYPES.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown document type {kind!r}; known: {', '.join(sorted(DOCUMENT_TYPES))}")
    return _load(cls, data)


# Line fields that hold an identifier of their own: an identifier of the same scheme and
# value is not repeated in ``identifiers``.
NAMED_IDENTIFIER_FIELDS = ("buyer_part", "supplier_part", "batch", "order_number")


def add_identifier(line: Any, scheme: str, value: str) -> None:
    """Keep an identifier on a line, unless a named field already holds it or it is there already."""
    if not value:
        return
    if scheme in NAMED_IDENTIFIER_FIELDS and getattr(line, scheme, None) == value:
        return
    if any(i.scheme == scheme and i.id == value for i in line.identifiers):
        return
    line.identifiers.append(Identifier(scheme=scheme, id=value))


def prune_identifiers(line: Any) -> None:
    """Drop identifiers a named field of the line holds (same scheme, same value)."""
    line.identifiers = [
        i for i in line.identifiers if not (i.scheme in NAMED_IDENTIFIER_FIELDS and getattr(line, i.scheme, None) == i.id)
    ]
