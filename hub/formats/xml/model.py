"""One description of the canonical model, read from its dataclasses, for XML and JSON Schema.

The hub XML (``schemas/hub.xsd``) and the canonical JSON Schema
(``docs/schemas/canonical.schema.json``) are both generated from this description,
so they mirror ``canonical.py`` 1:1 and cannot drift from it: a test regenerates
both and compares them with the committed files. Regenerate after changing the
model with ``python -m hub.formats.xml.model``.

Naming rules of the hub XML (documented here and in the XSD):

* element names are the canonical JSON keys in lowerCamelCase (``buyer_part`` ->
  ``buyerPart``, ``from`` stays ``from``); document elements are the document
  types in lowerCamelCase (``delivery_schedule`` -> ``deliverySchedule``);
* a list is a wrapper element named like the JSON key, holding one item element
  per entry (``ITEM_NAMES``: ``lines/line``, ``schedule/entry``, ...);
* a value that is ``None`` (or an empty string whose default is empty, or an
  empty nested party) is left out; reading it back gives the model's default.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from hub.formats import canonical
from hub.formats.canonical import DOCUMENT_TYPES, Document

NAMESPACE = "urn:supplierhub:canonical:1"
XSD_VERSION = "1"

# Item element names of list wrappers, by JSON key.
ITEM_NAMES: dict[str, str] = {
    "lines": "line",
    "last_receipts": "receipt",
    "schedule": "entry",
    "packages": "package",
    "label_ids": "labelId",
    "message_refs": "messageRef",
    "errors": "error",
    "identifiers": "identifier",
    "warnings": "warning",
}

# Closed code lists of the model (values outside them are refused by both schemas).
ENUMS: dict[str, list[str]] = {
    "Commitment": ["firm", "production", "material", "forecast"],
    "OrderStatus": ["accepted", "changed", "rejected"],
    "AckStatus": ["accepted", "partially_accepted", "rejected"],
    "ScheduleKind": ["standard", "jit"],
}
ENUM_FIELDS: dict[tuple[str, str], str] = {
    ("ScheduleQuantity", "commitment"): "Commitment",
    ("OrderResponse", "status"): "OrderStatus",
    ("ResponseLine", "status"): "OrderStatus",
    ("Acknowledgement", "status"): "AckStatus",
    ("DeliverySchedule", "kind"): "ScheduleKind",
}

# ISO 8601 date, optionally with time (minutes, seconds, fraction) and zone, as the codecs write them.
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+\-][0-9]{2}:[0-9]{2})?)?"
DECIMAL_PATTERN = r"-?[0-9]+(\.[0-9]+)?"


def camel(name: str) -> str:
    """lowerCamelCase of a snake_case JSON key: ``unloading_point`` -> ``unloadingPoint``."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def json_key(name: str) -> str:
    """The JSON key of a dataclass attribute (``from_`` -> ``from``)."""
    return canonical._RENAMES.get(name, name)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a canonical class as both schemas see it."""

    attr: str  # Python attribute name
    key: str  # JSON key
    element: str  # XML element name
    kind: str  # str | date | decimal | int | enum | one | many | strlist
    target: Any = None  # nested class (one/many) or enum name
    optional: bool = True  # may be None in Python / left out in XML
    required_xml: bool = False  # must appear in hub XML
    default: Any = None


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    """``X | None`` -> ``(X, True)``; anything else -> ``(hint, False)``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


@functools.cache
def fields_of(cls: type) -> tuple[FieldSpec, ...]:
    """The FieldSpecs of a canonical dataclass, in declaration order (base class first).

    Cached: reading type hints is slow and render/parse ask for every object.
    """
    hints = typing.get_type_hints(cls, vars(canonical))
    out: list[FieldSpec] = []
    for f in dataclasses.fields(cls):
        hint, optional = _unwrap_optional(hints[f.name])
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        target = None
        if (cls.__name__, f.name) in ENUM_FIELDS:
            kind, target = "enum", ENUM_FIELDS[(cls.__name__, f.name)]
        elif hint is Decimal:
            kind = "decimal"
        elif hint is int:
            kind = "int"
        elif hint is str:
            # every ``str | None`` of the model is a date or datetime
            kind = "date" if optional else "str"
        elif typing.get_origin(hint) is list:
            (item,) = typing.get_args(hint)
            kind, target = ("strlist", None) if item is str else ("many", item)
        elif dataclasses.is_dataclass(hint):
            kind, target = "one", hint
        else:  # pragma: no cover - a new field type must be taught to both schemas
            raise TypeError(f"{cls.__name__}.{f.name}: no schema type for {hint!r}")
        key = json_key(f.name)
        out.append(
            FieldSpec(
                attr=f.name,
                key=key,
                element=camel(key),
                kind=kind,
                target=target,
                optional=optional,
                required_xml=default is dataclasses.MISSING,
                default=default,
            )
        )
    return tuple(out)


def nested_classes() -> list[type]:
    """Every non-document dataclass reachable from the document types, in a stable order."""
    seen: list[type] = []

    def visit(cls: type) -> None:
        for spec in fields_of(cls):
            if spec.kind in ("one", "many") and spec.target not in seen:
                seen.append(spec.target)
                visit(spec.target)

    for cls in DOCUMENT_TYPES.values():
        visit(cls)
    return seen


def document_element(doc_type: str) -> str:
    """XML element name of a document type: ``delivery_schedule`` -> ``deliverySchedule``."""
    return camel(doc_type)


# --------------------------------------------------------------------------- XSD


def _xsd_type(spec: FieldSpec) -> str:
    return {
        "str": "xs:string",
        "date": "IsoDate",
        "decimal": "xs:decimal",
        "int": "xs:nonNegativeInteger",
    }.get(spec.kind, "")


def _xsd_fields(cls: type, specs: list[FieldSpec], indent: str) -> list[str]:
    lines = [f"{indent}<xs:sequence>"]
    for spec in specs:
        occurs = "" if spec.required_xml else ' minOccurs="0"'
        if spec.kind == "enum":
            lines.append(f'{indent}  <xs:element name="{spec.element}" type="{spec.target}"{occurs}/>')
        elif spec.kind == "one":
            lines.append(f'{indent}  <xs:element name="{spec.element}" type="{spec.target.__name__}"{occurs}/>')
        elif spec.kind in ("many", "strlist"):
            item = ITEM_NAMES[spec.key]
            item_type = spec.target.__name__ if spec.kind == "many" else "xs:string"
            lines += [
                f'{indent}  <xs:element name="{spec.element}"{occurs}>',
                f"{indent}    <xs:complexType>",
                f"{indent}      <xs:sequence>",
                f'{indent}        <xs:element name="{item}" type="{item_type}" minOccurs="0" maxOccurs="unbounded"/>',
                f"{indent}      </xs:sequence>",
                f"{indent}    </xs:complexType>",
                f"{indent}  </xs:element>",
            ]
        else:
            lines.append(f'{indent}  <xs:element name="{spec.element}" type="{_xsd_type(spec)}"{occurs}/>')
    lines.append(f"{indent}</xs:sequence>")
    return lines


def generate_xsd() -> str:
    """The hub XML Schema, generated from the canonical dataclasses."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<!--",
        "  Supplier hub canonical XML, version 1. GENERATED from hub/formats/canonical.py by",
        "  `python -m hub.formats.xml.model`; do not edit by hand.",
        "",
        "  Mirrors the canonical JSON 1:1: element names are the JSON keys in lowerCamelCase,",
        "  lists are wrapper elements holding one item element per entry",
        "  (" + ", ".join(f"{camel(k)}/{v}" for k, v in ITEM_NAMES.items()) + "),",
        "  absent elements take the model's default. Root: <documents> holding any number of",
        "  " + ", ".join(f"<{document_element(t)}>" for t in DOCUMENT_TYPES) + ".",
        "-->",
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="{NAMESPACE}" targetNamespace="{NAMESPACE}"',
        f'           elementFormDefault="qualified" version="{XSD_VERSION}">',
        "",
        '  <xs:element name="documents">',
        "    <xs:complexType>",
        '      <xs:choice minOccurs="0" maxOccurs="unbounded">',
    ]
    for doc_type, cls in DOCUMENT_TYPES.items():
        out.append(f'        <xs:element name="{document_element(doc_type)}" type="{cls.__name__}"/>')
    out += [
        "      </xs:choice>",
        f'      <xs:attribute name="version" type="xs:string" fixed="{XSD_VERSION}"/>',
        "    </xs:complexType>",
        "  </xs:element>",
        "",
        '  <xs:simpleType name="IsoDate">',
        "    <xs:annotation><xs:documentation>ISO 8601 date, or date and time</xs:documentation></xs:annotation>",
        '    <xs:restriction base="xs:string">',
        f'      <xs:pattern value="{DATE_PATTERN}"/>',
        "    </xs:restriction>",
        "  </xs:simpleType>",
    ]
    for name, values in ENUMS.items():
        out += ["", f'  <xs:simpleType name="{name}">', '    <xs:restriction base="xs:string">']
        out += [f'      <xs:enumeration value="{v}"/>' for v in values]
        out += ["    </xs:restriction>", "  </xs:simpleType>"]
    base_specs = fields_of(Document)
    out += ["", '  <xs:complexType name="Document">', *_xsd_fields(Document, base_specs, "    "), "  </xs:complexType>"]
    base_names = {s.attr for s in base_specs}
    for cls in DOCUMENT_TYPES.values():
        own = [s for s in fields_of(cls) if s.attr not in base_names]
        out += [
            "",
            f'  <xs:complexType name="{cls.__name__}">',
            "    <xs:complexContent>",
            '      <xs:extension base="Document">',
            *_xsd_fields(cls, own, "        "),
            "      </xs:extension>",
            "    </xs:complexContent>",
            "  </xs:complexType>",
        ]
    for cls in nested_classes():
        out += ["", f'  <xs:complexType name="{cls.__name__}">', *_xsd_fields(cls, fields_of(cls), "    "), "  </xs:complexType>"]
    out += ["</xs:schema>", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- JSON Schema


def _json_type(spec: FieldSpec) -> dict[str, Any]:
    if spec.kind == "str":
        schema: dict[str, Any] = {"type": "string"}
    elif spec.kind == "date":
        schema = {"type": "string", "pattern": f"^{DATE_PATTERN}$"}
    elif spec.kind == "decimal":
        # to_json writes decimals as strings; the API also takes JSON numbers
        schema = {"type": ["string", "number"], "pattern": f"^{DECIMAL_PATTERN}$"}
    elif spec.kind == "int":
        schema = {"type": "integer", "minimum": 0}
    elif spec.kind == "enum":
        schema = {"enum": ENUMS[spec.target]}
    elif spec.kind == "one":
        schema = {"$ref": f"#/$defs/{spec.target.__name__}"}
    elif spec.kind == "many":
        schema = {"type": "array", "items": {"$ref": f"#/$defs/{spec.target.__name__}"}}
    else:
        schema = {"type": "array", "items": {"type": "string"}}
    if spec.optional:
        if "$ref" in schema or "enum" in schema:
            schema = {"anyOf": [schema, {"type": "null"}]}
        else:
            types_ = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            schema["type"] = [*types_, "null"]
    return schema


def _json_object(cls: type, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    specs = fields_of(cls)
    props: dict[str, Any] = dict(extra or {})
    props.update({s.key: _json_type(s) for s in specs})
    # to_json writes every key, except a schedule entry's unused date or period ends
    skipped = {"date", "from", "to"} if cls is canonical.ScheduleQuantity else set(canonical.OMITTED_WHEN_EMPTY)
    required = [*(extra or {}), *(s.key for s in specs if s.key not in skipped)]
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


def generate_json_schema() -> dict[str, Any]:
    """The canonical JSON Schema (draft 2020-12): one document, or a list of documents."""
    defs: dict[str, Any] = {}
    for doc_type, cls in DOCUMENT_TYPES.items():
        defs[cls.__name__] = _json_object(cls, {"type": {"const": doc_type}})
    for cls in nested_classes():
        defs[cls.__name__] = _json_object(cls)
    defs["document"] = {"oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in DOCUMENT_TYPES.values()]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:supplierhub:canonical:1:json",
        "title": "Supplier hub canonical documents",
        "description": "GENERATED from hub/formats/canonical.py by `python -m hub.formats.xml.model`; the JSON that "
        "canonical.to_json writes (one document, or the list `manage.py translate` prints).",
        "anyOf": [{"$ref": "#/$defs/document"}, {"type": "array", "items": {"$ref": "#/$defs/document"}}],
        "$defs": defs,
    }


REPO_ROOT = Path(__file__).resolve().parents[3]
XSD_PATH = Path(__file__).parent / "schemas" / "hub.xsd"
XSD_DOC_PATH = REPO_ROOT / "docs" / "schemas" / "hub-canonical.xsd"
JSON_SCHEMA_PATH = REPO_ROOT / "docs" / "schemas" / "canonical.schema.json"


def json_schema_text() -> str:
    """The JSON Schema as the committed file holds it."""
    return json.dumps(generate_json_schema(), indent=2) + "\n"


def write_all() -> list[Path]:
    """Write the XSD (package copy and docs copy) and the JSON Schema; return the paths."""
    xsd = generate_xsd()
    for path in (XSD_PATH, XSD_DOC_PATH):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xsd, encoding="utf-8")
    JSON_SCHEMA_PATH.write_text(json_schema_text(), encoding="utf-8")
    return [XSD_PATH, XSD_DOC_PATH, JSON_SCHEMA_PATH]


if __name__ == "__main__":
    for written in write_all():
        print(written)
