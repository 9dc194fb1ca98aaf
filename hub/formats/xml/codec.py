"""The XML codecs: one parse that dispatches on the root element, three renderers.

``XmlCodec`` ("xml") claims every XML file in detection and reports what it is: the
hub's canonical XML, UBL or cXML (by root element and namespace) with its version.
``UblCodec`` ("ubl") and ``CxmlCodec`` ("cxml") parse the same way and render their
own dialect, so ``translate --to ubl`` and ``--to cxml`` work.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from typing import IO

from lxml import etree

from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import DOCUMENT_TYPES, Document
from hub.formats.errors import Envelope, FormatError, MessageResult, MessageStream, ParseResult, Position, UnsupportedFormat
from hub.formats.xml import cxml, hubxml, mlr, model, safe, ubl

log = logging.getLogger(__name__)
_UBL_VERSION = re.compile(rb"<(?:\w+:)?UBLVersionID[^>]*>\s*([0-9.]+)\s*<")
_CXML_VERSION_ATTR = re.compile(rb"<cXML\b[^>]*\bversion=\"([0-9.]+)\"")
_CXML_REQUEST = re.compile(rb"<(\w+(?:Request|Response|Message))\b")
_HUB_DOCS = re.compile(rb"<(?:\w+:)?(" + "|".join(re.escape(n) for n in hubxml.ELEMENT_TO_TYPE).encode() + rb")\b")


def _kind(head: bytes) -> tuple[str, Detection] | None:
    """Classify XML by its root: ("hub" | "ubl" | "cxml" | "other", Detection); None if not XML."""
    info = safe.root_info(head)
    if info is None:
        return None
    namespace, local, cxml_version = info
    if namespace == model.NAMESPACE and local == "documents":
        types = sorted({m.decode() for m in _HUB_DOCS.findall(head)})
        return "hub", Detection(codec="xml", family="XML", version=f"hub {model.XSD_VERSION}", message_types=types)
    if ubl.is_ubl(namespace):
        found = _UBL_VERSION.search(head)
        version = found.group(1).decode() if found else "2"
        return "ubl", Detection(codec="ubl", family="UBL", version=version, message_types=[local])
    if local == "cXML" and not namespace:
        attr = _CXML_VERSION_ATTR.search(head)
        version = cxml_version or (attr.group(1).decode() if attr else "")
        types = [m.decode() for m in _CXML_REQUEST.findall(head) if m not in (b"Request", b"Response", b"Message")]
        return "cxml", Detection(codec="cxml", family="cXML", version=version, message_types=types[:1])
    return "other", Detection(codec="xml", family="XML", message_types=[f"{{{namespace}}}{local}" if namespace else local])


def parse_any(data: bytes) -> ParseResult:
    """Parse hub XML, UBL or cXML, whichever ``data`` is; never raises for bad input."""
    kind = _kind(data[: 64 * 1024])
    if kind is None:
        result = ParseResult(format="XML")
        result.errors.append(FormatError("the file is not XML (it does not start with '<')", Position(line=1, column=1)))
        return result
    name, detection = kind
    if name == "hub":
        return hubxml.stream(data).collect()
    result = ParseResult(format=detection.family)
    try:
        root, dtd_version = safe.parse_bytes(data)
    except FormatError as exc:
        result.errors.append(exc)
        return result
    if name == "ubl":
        _parse_ubl(root, result)
    elif name == "cxml":
        _parse_cxml(root, dtd_version, result)
    else:
        qname = etree.QName(root)
        result.errors.append(
            UnsupportedFormat(
                f"XML root element <{qname.localname}>"
                + (f" in namespace {qname.namespace}" if qname.namespace else "")
                + " is not a format the hub reads (it reads the hub's canonical XML, UBL Order/OrderResponse/DespatchAdvice "
                "and cXML OrderRequest/ShipNoticeRequest)",
                Position(line=root.sourceline),
            )
        )
    return result


def _run(outcome: MessageResult, reader, root: etree._Element, version: str) -> None:  # noqa: ANN001 - a READERS entry
    try:
        outcome.documents = [reader(root, version)]
    except FormatError as exc:
        outcome.errors.append(exc)
    except Exception as exc:  # a mapping bug must not escape as a traceback
        log.exception("XML mapping failed for %s", outcome.type)
        outcome.errors.append(FormatError(f"could not map the {outcome.type} ({type(exc).__name__}: {exc})", code="internal"))


def _parse_ubl(root: etree._Element, result: ParseResult) -> None:
    name = ubl.is_ubl(etree.QName(root).namespace or "")
    version = ubl.version_of(root)
    result.envelopes.append(Envelope(format="UBL", version=version))
    outcome = MessageResult(ref=ubl.text(root, "cbc:ID", ubl.NS), type=f"UBL {name}")
    result.messages.append(outcome)
    reader = ubl.READERS.get(name) or (mlr.read if name == mlr.ROOT else None)
    if reader is None:
        outcome.errors.append(
            UnsupportedFormat(
                f"UBL {name} is not carried by the hub (it takes UBL {', '.join(sorted([*ubl.READERS, mlr.ROOT]))})",
                Position(line=root.sourceline, tag=name),
            )
        )
        return
    _run(outcome, reader, root, version)


def _parse_cxml(root: etree._Element, dtd_version: str, result: ParseResult) -> None:
    version = dtd_version or root.get("version", "")
    header = root.find("Header")
    env = Envelope(format="cXML", version=version, control_ref=root.get("payloadID", ""))
    if header is not None:
        sender, receiver = cxml._credential(header, "From"), cxml._credential(header, "To")
        env.sender, env.receiver = {"scheme": sender.scheme, "id": sender.id}, {"scheme": receiver.scheme, "id": receiver.id}
    result.envelopes.append(env)
    request = cxml.request_name(root)
    outcome = MessageResult(ref=root.get("payloadID", ""), type=f"cXML {request or '(no request)'}")
    result.messages.append(outcome)
    reader = cxml.READERS.get(request)
    if reader is None:
        what = f"cXML {request}" if request else "a cXML document without a request"
        outcome.errors.append(
            UnsupportedFormat(
                f"{what} is not carried by the hub (it takes cXML {', '.join(sorted(cxml.READERS))})",
                Position(line=root.sourceline, tag=request),
            )
        )
        return
    _run(outcome, reader, root, version)


def _single(documents: Sequence[Document], dialect: str) -> Document:
    if len(documents) != 1:
        raise FormatError(f"a {dialect} file carries exactly one document; got {len(documents)} (render them one by one)")
    return documents[0]


class XmlCodec:
    """The hub's canonical XML (``urn:supplierhub:canonical:1``); detects and parses UBL and cXML too."""

    name = "xml"

    def detect(self, head: bytes) -> Detection | None:
        """Claim any XML file, saying whether it is hub XML, UBL or cXML and which version."""
        kind = _kind(head)
        return kind[1] if kind else None

    def parse(self, data: bytes) -> ParseResult:
        """Parse hub XML (XSD-validated), UBL or cXML into canonical documents."""
        return self.stream(io.BytesIO(data)).collect()

    def stream(self, fh: IO[bytes]) -> MessageStream:
        """Read hub XML document by document (iterparse); UBL and cXML carry one document, read whole.

        The bytes are read whole either way: the hostile-XML screen of ``safe`` (DOCTYPE,
        entities) looks at all of them before libxml2 sees any.
        """
        data = fh.read()
        kind = _kind(data[: 64 * 1024])
        if kind is not None and kind[0] == "hub":
            return hubxml.stream(data)
        return MessageStream.of(parse_any(data))

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as one hub XML file (valid against ``schemas/hub.xsd``)."""
        return hubxml.render(documents)

    def describe(self) -> list[FormatInfo]:
        """The hub's canonical XML."""
        return [
            FormatInfo(
                name="xml",
                family="XML",
                versions=[f"hub {model.XSD_VERSION}"],
                message_types=[model.document_element(t) for t in DOCUMENT_TYPES],
                directions=["parse", "render"],
                documents=list(DOCUMENT_TYPES),
            )
        ]


class UblCodec(XmlCodec):
    """OASIS UBL 2.0-2.4 Order, OrderResponse and DespatchAdvice."""

    name = "ubl"

    def detect(self, head: bytes) -> Detection | None:
        """Claim UBL documents only (by root namespace)."""
        kind = _kind(head)
        return kind[1] if kind and kind[0] == "ubl" else None

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render one document as UBL (``options.version``, default 2.1)."""
        doc = _single(documents, "UBL")
        if doc.type == "acknowledgement":
            return mlr.render(doc, options.version or "2.1")
        return ubl.render(doc, options.version or "2.1")

    def describe(self) -> list[FormatInfo]:
        """UBL documents the hub reads and writes."""
        return [
            FormatInfo(
                name="ubl",
                family="UBL",
                versions=ubl.VERSIONS,
                message_types=sorted([*ubl.SUPPORTED, mlr.ROOT]),
                directions=["parse", "render"],
                documents=sorted({*ubl.SUPPORTED.values(), "acknowledgement"}),
            )
        ]


class CxmlCodec(XmlCodec):
    """cXML 1.2 OrderRequest and ShipNoticeRequest."""

    name = "cxml"

    def detect(self, head: bytes) -> Detection | None:
        """Claim cXML documents only (root element ``cXML``)."""
        kind = _kind(head)
        return kind[1] if kind and kind[0] == "cxml" else None

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render one document as a cXML request (``options.version``, default 1.2.050)."""
        return cxml.render(_single(documents, "cXML"), options.version or cxml.DEFAULT_VERSION, payload_id=options.control_ref)

    def describe(self) -> list[FormatInfo]:
        """cXML requests the hub reads and writes."""
        return [
            FormatInfo(
                name="cxml",
                family="cXML",
                versions=cxml.VERSIONS,
                message_types=sorted(cxml.SUPPORTED),
                directions=["parse", "render"],
                documents=sorted(set(cxml.SUPPORTED.values())),
            )
        ]
