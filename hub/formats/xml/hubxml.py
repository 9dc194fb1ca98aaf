"""The hub's own XML: canonical documents under ``<documents xmlns="urn:supplierhub:canonical:1">``.

Parse validates against ``schemas/hub.xsd`` (compiled once per process) and reports
every violation with its line; render writes what the XSD describes. Both walk the
dataclasses through ``model.fields_of`` so the XML stays the canonical JSON 1:1.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from hub.formats.canonical import DOCUMENT_TYPES, Document, decimal_text
from hub.formats.errors import FormatError, MessageResult, MessageStream, ParseResult, Position
from hub.formats.xml import model, safe

NS = model.NAMESPACE
_Q = "{" + NS + "}"
ELEMENT_TO_TYPE: dict[str, str] = {model.document_element(t): t for t in DOCUMENT_TYPES}


def schema() -> etree.XMLSchema:
    """The compiled hub XSD (compiled on first use, then cached for the process)."""
    return safe.load_schema(str(model.XSD_PATH))


# --------------------------------------------------------------------------- render


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    return str(value)


def _is_empty(value: Any, default: Any) -> bool:
    """True for values left out of the XML: None, "" with an empty default, an empty nested object."""
    if value is None:
        return True
    if value == "" and default == "":
        return True
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value == type(value)() if _constructible(type(value)) else False
    return isinstance(value, list) and not value


def _constructible(cls: type) -> bool:
    return all(f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING for f in dataclasses.fields(cls))


def _write(parent: etree._Element, obj: Any) -> None:
    for spec in model.fields_of(type(obj)):
        value = getattr(obj, spec.attr)
        if _is_empty(value, spec.default) and not spec.required_xml:
            continue
        child = etree.SubElement(parent, _Q + spec.element)
        if spec.kind == "one":
            _write(child, value)
        elif spec.kind == "many":
            for item in value:
                _write(etree.SubElement(child, _Q + model.ITEM_NAMES[spec.key]), item)
        elif spec.kind == "strlist":
            for item in value:
                etree.SubElement(child, _Q + model.ITEM_NAMES[spec.key]).text = item
        else:
            child.text = _text(value)


def render(documents: Sequence[Document]) -> bytes:
    """Render canonical documents as one hub XML file (UTF-8, with declaration)."""
    root = etree.Element(_Q + "documents", nsmap={None: NS})
    root.set("version", model.XSD_VERSION)
    for doc in documents:
        if doc.type not in DOCUMENT_TYPES:
            raise FormatError(f"the hub XML cannot carry a {doc.type}")
        try:
            _write(etree.SubElement(root, _Q + model.document_element(doc.type)), doc)
        except ValueError as exc:  # lxml refuses control characters that XML 1.0 cannot hold
            raise FormatError(f"document {doc.number!r} holds text XML cannot carry: {exc}", code="render") from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------- parse


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


@functools.cache
def _by_element(cls: type) -> dict[str, model.FieldSpec]:
    return {spec.element: spec for spec in model.fields_of(cls)}


def _read(element: etree._Element, cls: type) -> Any:
    specs = _by_element(cls)
    kwargs: dict[str, Any] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        spec = specs.get(_local(child))
        if spec is None:  # the XSD refuses unknown elements; ignore defensively
            continue
        text = child.text or ""
        if spec.kind == "one":
            kwargs[spec.attr] = _read(child, spec.target)
        elif spec.kind == "many":
            kwargs[spec.attr] = [_read(item, spec.target) for item in child if isinstance(item.tag, str)]
        elif spec.kind == "strlist":
            kwargs[spec.attr] = [item.text or "" for item in child if isinstance(item.tag, str)]
        elif spec.kind == "decimal":
            try:
                kwargs[spec.attr] = Decimal(text.strip())
            except InvalidOperation:
                raise FormatError(f"{text!r} is not a number", Position(line=child.sourceline, tag=spec.element)) from None
        elif spec.kind == "int":
            kwargs[spec.attr] = int(text.strip())
        elif spec.kind in ("date", "enum"):
            kwargs[spec.attr] = text.strip()
        else:
            kwargs[spec.attr] = text
    return cls(**kwargs)


_SCHEMA_NOISE = re.compile(r"\{urn:supplierhub:canonical:1\}")


def _schema_errors(log: Any) -> list[FormatError]:
    out = []
    for entry in log:
        text = _SCHEMA_NOISE.sub("", entry.message)
        out.append(
            FormatError(
                f"does not match the hub XML schema: {text}", Position(line=entry.line or None, column=entry.column or None), code="schema"
            )
        )
    return out


def _map(element: etree._Element, index: int) -> MessageResult:
    local = _local(element)
    doc_type = ELEMENT_TO_TYPE[local]
    outcome = MessageResult(ref=str(index), type=local)
    try:
        outcome.documents = [_read(element, DOCUMENT_TYPES[doc_type])]
    except FormatError as exc:
        outcome.errors.append(exc)
    return outcome


def parse(data: bytes) -> ParseResult:
    """Parse a hub XML file: one MessageResult per document element (``stream(...).collect()``)."""
    return stream(data).collect()


def _clearer(data: bytes, error: FormatError) -> FormatError:
    """The whole-document parser's words for a fault, when it has some.

    libxml2's push parser words some faults vaguely ("no element found" for an
    undeclared entity); the whole-document parser says what is wrong.
    """
    try:
        safe.parse_bytes(data)
    except FormatError as exc:
        return exc
    return error


def stream(data: bytes) -> MessageStream:
    """Read a hub XML file document by document with lxml's iterparse, each validated against the XSD.

    Only one document's subtree is held at a time. Each document is validated inside a
    ``<documents>`` wrapper carrying the root's attributes (libxml2's streaming
    validation loses line numbers), so a document that breaks the schema is refused
    with its lines while the others stand, as in every other format. A file that is not
    well-formed stops where it breaks: the error goes to ``stream.errors``.
    """
    box: list[MessageStream] = []

    def messages() -> Iterator[MessageResult]:
        out = box[0]
        xsd = schema()
        index = 0
        root_tag = _Q + "documents"
        try:
            for root, element in safe.iter_children(data):
                if root.tag != root_tag:
                    out.errors.append(
                        FormatError(f'the root element must be <documents xmlns="{NS}">', Position(line=root.sourceline), code="schema")
                    )
                    return
                if not isinstance(element.tag, str):
                    continue
                index += 1
                wrapper = etree.Element(root_tag, attrib=dict(root.attrib), nsmap={None: NS})
                wrapper.append(copy.deepcopy(element))
                if xsd.validate(wrapper):
                    yield _map(wrapper[0], index)
                else:
                    yield MessageResult(ref=str(index), type=_local(element), errors=_schema_errors(xsd.error_log))
            if index == 0:
                # No document at all: the schema says what is missing (a root without children).
                root, _ = safe.parse_bytes(data)
                if not xsd.validate(root.getroottree()):
                    out.errors.extend(_schema_errors(xsd.error_log))
        except FormatError as exc:
            out.errors.append(_clearer(data, exc))

    out = MessageStream("XML", messages())
    box.append(out)
    return out
