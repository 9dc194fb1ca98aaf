"""Column mappings: which column of a supplier's CSV/XLSX holds which canonical field.

A mapping is a dict canonical field -> column header, kept per partner profile by the
Django side (``ColumnMapping.from_dict`` checks one before it is saved). Field keys
are dotted canonical paths: document fields (``number``, ``buyer.id``, ...), line
fields (``line.buyer_part``) and, for call-offs, schedule fields (``schedule.quantity``).

Tables are flat: a call-off has one row per schedule quantity, a despatch advice one
row per despatch line; the document (and line) fields repeat on every row and rows
are grouped into documents by the document number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Field key -> value kind (str, date, decimal, enum name); the keys a mapping may use.
SCHEDULE_FIELDS: dict[str, str] = {
    "number": "str",
    "issued": "date",
    "previous_number": "str",
    "kind": "kind",
    "sender.scheme": "str",
    "sender.id": "str",
    "buyer.id": "str",
    "buyer.name": "str",
    "supplier.id": "str",
    "supplier.name": "str",
    "ship_to.id": "str",
    "ship_to.name": "str",
    "ship_to.plant": "str",
    "ship_to.unloading_point": "str",
    "line.buyer_part": "str",
    "line.supplier_part": "str",
    "line.description": "str",
    "line.unit": "unit",
    "line.order_number": "str",
    "line.unloading_point": "str",
    "line.cumulative_received.quantity": "decimal",
    "line.cumulative_received.date": "date",
    "schedule.date": "date",
    "schedule.from": "date",
    "schedule.to": "date",
    "schedule.quantity": "decimal",
    "schedule.commitment": "commitment",
}

DESPATCH_FIELDS: dict[str, str] = {
    "number": "str",
    "issued": "date",
    "sender.scheme": "str",
    "sender.id": "str",
    "buyer.id": "str",
    "buyer.name": "str",
    "supplier.id": "str",
    "supplier.name": "str",
    "ship_to.id": "str",
    "ship_to.name": "str",
    "ship_to.plant": "str",
    "ship_to.unloading_point": "str",
    "ship_date": "date",
    "arrival_date": "date",
    "carrier": "str",
    "transport_id": "str",
    "gross_weight": "decimal",
    "line.buyer_part": "str",
    "line.supplier_part": "str",
    "line.quantity": "decimal",
    "line.unit": "unit",
    "line.order_number": "str",
    "line.batch": "str",
}

FIELDS: dict[str, dict[str, str]] = {"delivery_schedule": SCHEDULE_FIELDS, "despatch_advice": DESPATCH_FIELDS}
# The field that says how much; a row needs it (despatch) or it makes a schedule entry (call-off).
QUANTITY_FIELD = {"delivery_schedule": "schedule.quantity", "despatch_advice": "line.quantity"}
# Fields that tell one line of a document from another.
LINE_KEY = ("line.buyer_part", "line.supplier_part", "line.order_number")


def normalise(header: str) -> str:
    """Compare headers loosely: case, blanks, '-', '_' and '.' do not matter (``Call-off No`` ~ ``call_off_no``)."""
    return re.sub(r"[\s\-_.]+", "_", str(header or "").strip().lower()).strip("_")


@dataclass
class ColumnMapping:
    """A partner's column layout for one document type."""

    document_type: str  # delivery_schedule | despatch_advice
    columns: dict[str, str]  # canonical field key -> column header
    name: str = ""
    _by_header: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = FIELDS.get(self.document_type)
        if known is None:
            raise ValueError(f"tables carry {', '.join(FIELDS)}, not {self.document_type!r}")
        unknown = sorted(set(self.columns) - set(known))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)} for {self.document_type}; known: {', '.join(known)}")
        for required in ("number", QUANTITY_FIELD[self.document_type]):
            if not self.columns.get(required):
                raise ValueError(f"a {self.document_type} mapping needs a column for {required!r}")
        if not (self.columns.get("line.buyer_part") or self.columns.get("line.supplier_part")):
            raise ValueError("a mapping needs a column for line.buyer_part or line.supplier_part")
        headers = [normalise(h) for h in self.columns.values()]
        if len(set(headers)) != len(headers):
            raise ValueError("two fields are mapped to the same column header")
        self._by_header = {normalise(h): key for key, h in self.columns.items()}

    @classmethod
    def from_dict(cls, document_type: str, columns: dict[str, str], name: str = "") -> ColumnMapping:
        """Build and check a mapping as a partner profile stores it; ValueError says what is wrong."""
        return cls(document_type=document_type, columns={k: str(v).strip() for k, v in columns.items() if str(v or "").strip()}, name=name)

    @property
    def kinds(self) -> dict[str, str]:
        """Field key -> value kind, for the fields this mapping uses."""
        return {key: FIELDS[self.document_type][key] for key in self.columns}

    def match(self, header_row: list[str]) -> dict[int, str] | None:
        """Column index -> field key when ``header_row`` has this mapping's required columns, else None."""
        found: dict[int, str] = {}
        for index, header in enumerate(header_row):
            key = self._by_header.get(normalise(header))
            if key is not None and key not in found.values():
                found[index] = key
        keys = set(found.values())
        required = {"number", QUANTITY_FIELD[self.document_type]}
        if not required <= keys or not keys & {"line.buyer_part", "line.supplier_part"}:
            return None
        return found

    def score(self, header_row: list[str]) -> int:
        """How many of this mapping's columns ``header_row`` has (0 when a required one is missing)."""
        found = self.match(header_row)
        return len(found) if found else 0


DEFAULT_SCHEDULE_MAPPING = ColumnMapping(
    "delivery_schedule",
    {
        "number": "call_off_number",
        "previous_number": "previous_call_off_number",
        "issued": "issued",
        "kind": "kind",
        "buyer.id": "buyer_id",
        "buyer.name": "buyer_name",
        "supplier.id": "supplier_number",
        "supplier.name": "supplier_name",
        "ship_to.id": "ship_to",
        "ship_to.plant": "plant",
        "ship_to.unloading_point": "unloading_point",
        "line.buyer_part": "buyer_part",
        "line.supplier_part": "supplier_part",
        "line.description": "description",
        "line.unit": "unit",
        "line.order_number": "order_number",
        "line.cumulative_received.quantity": "cumulative_received",
        "line.cumulative_received.date": "cumulative_received_date",
        "schedule.date": "date",
        "schedule.from": "from",
        "schedule.to": "to",
        "schedule.quantity": "quantity",
        "schedule.commitment": "commitment",
    },
    name="default call-off",
)

DEFAULT_DESPATCH_MAPPING = ColumnMapping(
    "despatch_advice",
    {
        "number": "delivery_note",
        "issued": "issued",
        "buyer.id": "buyer_id",
        "supplier.id": "supplier_number",
        "supplier.name": "supplier_name",
        "ship_to.id": "ship_to",
        "ship_to.plant": "plant",
        "ship_to.unloading_point": "unloading_point",
        "ship_date": "ship_date",
        "arrival_date": "arrival_date",
        "carrier": "carrier",
        "transport_id": "transport_id",
        "gross_weight": "gross_weight_kg",
        "line.buyer_part": "buyer_part",
        "line.supplier_part": "supplier_part",
        "line.quantity": "quantity",
        "line.unit": "unit",
        "line.order_number": "order_number",
        "line.batch": "batch",
    },
    name="default despatch advice",
)

DEFAULT_MAPPINGS: list[ColumnMapping] = [DEFAULT_SCHEDULE_MAPPING, DEFAULT_DESPATCH_MAPPING]


def best_mapping(header_row: list[str], mappings: list[ColumnMapping]) -> ColumnMapping | None:
    """The mapping that matches most of ``header_row``'s columns, or None when none fits."""
    scored = [(m.score(header_row), i, m) for i, m in enumerate(mappings)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], -s[1]))[2]
