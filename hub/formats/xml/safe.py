"""Safe XML parsing: the only way any XML codec turns bytes into a tree.

Every parser here is built by ``make_parser`` with entities unresolved, no network,
no DTD loading and libxml2's size/depth limits left on (``huge_tree=False``). A
DOCTYPE is refused before libxml2 sees it, because an internal subset is where
billion-laughs and external-entity (XXE) attacks live. The one exception is the
bare ``<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/<ver>/<name>.dtd">``
line that the cXML standard puts in every document: it has no internal subset and
declares nothing, so it is blanked out (never fetched) and the version it names is
kept. ``xinclude()`` is never called anywhere under ``hub/formats``.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from hub.formats.errors import FormatError, Position

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
# The cXML DOCTYPE, exactly as cXML.org publishes it: a SYSTEM id on xml.cxml.org, no internal subset.
_CXML_DOCTYPE = re.compile(
    rb"<!DOCTYPE\s+cXML\s+SYSTEM\s+\"https?://xml\.cxml\.org/schemas/cXML/([0-9.]+)/([A-Za-z]+)\.dtd\"\s*>",
    re.IGNORECASE,
)


def make_parser(schema: etree.XMLSchema | None = None) -> etree.XMLParser:
    """The one XML parser factory: no entity expansion, no network, no DTD, libxml2 limits on."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=True,
        remove_pis=True,
        schema=schema,
    )


def _to_utf8(data: bytes) -> bytes:
    """Re-encode UTF-16/32 input as UTF-8, so the DOCTYPE scan below cannot be dodged by encoding."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            text = data[len(bom) :].decode(codec, errors="replace")
            text = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-8"?>', text)
            return text.encode("utf-8")
    if data[:4] in (b"\x3c\x00\x3f\x00", b"\x00\x3c\x00\x3f"):  # UTF-16 without BOM
        codec = "utf-16-le" if data[0] == 0x3C else "utf-16-be"
        text = re.sub(r"^<\?xml[^>]*\?>", '<?xml version="1.0" encoding="UTF-8"?>', data.decode(codec, errors="replace"))
        return text.encode("utf-8")
    return data


def line_of(data: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` in ``data``."""
    return data.count(b"\n", 0, offset) + 1


def screen(data: bytes) -> tuple[bytes, str]:
    """Refuse DOCTYPEs and entity declarations; return the bytes to parse and a cXML DTD version.

    The cXML DOCTYPE is replaced by spaces of the same length so line and column
    numbers stay true for later error messages.
    """
    data = _to_utf8(data)
    cxml_version = ""
    match = _DOCTYPE.search(data)
    if match is not None:
        exact = _CXML_DOCTYPE.match(data, match.start())
        if exact is None or _DOCTYPE.search(data, exact.end()):
            raise FormatError(
                "the XML has a DOCTYPE declaration; the hub refuses DOCTYPEs (they can declare entities "
                "that expand without limit or read local files): send the document without it",
                Position(line=line_of(data, match.start())),
                code="forbidden",
            )
        cxml_version = exact.group(1).decode()
        data = data[: exact.start()] + b" " * (exact.end() - exact.start()) + data[exact.end() :]
    entity = _ENTITY.search(data)
    if entity is not None:
        raise FormatError(
            "the XML declares an entity (<!ENTITY>); the hub refuses entity declarations",
            Position(line=line_of(data, entity.start())),
            code="forbidden",
        )
    return data, cxml_version


def _syntax_error(exc: etree.XMLSyntaxError) -> FormatError:
    """Turn libxml2's complaint into a FormatError with line and column, in plain words."""
    text = str(exc.msg if getattr(exc, "msg", None) else exc)
    line, column = exc.position if getattr(exc, "position", None) else (None, None)
    if not line and getattr(exc, "error_log", None):
        # iterparse with a schema reports validity errors without a position; the log has it
        entry = exc.error_log.last_error
        line, column = (entry.line, entry.column) if entry is not None else (None, None)
    text = re.sub(r", line \d+, column \d+$", "", text)  # the position goes into Position, not the words
    low = text.lower()
    if "depth" in low:
        text = "the XML nests elements deeper than the safe parser allows (256 levels); refused"
        code = "forbidden"
    elif "huge" in low:
        text = f"the XML is larger than the safe parser allows ({text}); refused"
        code = "forbidden"
    elif "entity" in low:
        text = f"the XML refers to an entity the hub does not resolve ({text})"
        code = "forbidden"
    else:
        text = f"the XML is not well-formed: {text}"
        code = "syntax"
    return FormatError(text, Position(line=line or None, column=column or None), code=code)


def _check_docinfo(tree: etree._ElementTree) -> None:
    """Second line of defence: a DOCTYPE that slipped past ``screen`` is still refused."""
    info = tree.docinfo
    if info.internalDTD is not None or info.doctype:  # ``screen`` blanked the one DOCTYPE it allows
        raise FormatError("the XML has a DOCTYPE declaration; the hub refuses DOCTYPEs", Position(line=1), code="forbidden")


def parse_bytes(data: bytes) -> tuple[etree._Element, str]:
    """Parse a whole (screened) document safely; returns the root and any cXML DTD version."""
    clean, cxml_version = screen(data)
    try:
        root = etree.fromstring(clean, make_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    if root is None:
        raise FormatError("the XML document is empty", Position(line=1))
    _check_docinfo(root.getroottree())
    return root, cxml_version


def iter_children(data: bytes) -> Iterator[tuple[etree._Element, etree._Element]]:
    """Stream a large document: yield ``(root, child)`` for each child of the root, then free it.

    Only one child subtree is held at a time, so a file of many documents needs the
    memory of its largest document, not of the whole file.
    """
    clean, _ = screen(data)
    kwargs = {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }
    depth = 0
    root: etree._Element | None = None
    try:
        for event, element in etree.iterparse(io.BytesIO(clean), events=("start", "end"), **kwargs):
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                continue
            depth -= 1
            if depth == 1 and root is not None:
                yield root, element
                # free what has been handled: this child and its earlier siblings
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del root[0]
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None


def root_info(head: bytes) -> tuple[str, str, str] | None:
    """Namespace, local name of the root element and cXML DTD version, from a file's head.

    Reads with the same safe options, stopping at the first start tag, so detection
    never builds a tree nor touches a DOCTYPE's contents. None when it is not XML.
    """
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    cxml = _CXML_DOCTYPE.search(head)
    cxml_version = cxml.group(1).decode() if cxml else ""
    try:
        clean, _ = screen(head)
    except FormatError:
        clean = _DOCTYPE_BLOCK.sub(b"", _to_utf8(head))
    try:
        events = etree.iterparse(
            io.BytesIO(clean), events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
        )
        for _event, element in events:
            try:
                qname = etree.QName(element)
            except ValueError:  # recover mode hands back broken names ('urn:'): no root to speak of
                return None
            return qname.namespace or "", qname.localname, cxml_version
    except etree.XMLSyntaxError:
        return None
    return None


# Used only to find the root name behind a refused DOCTYPE, so detection can still say "XML".
_DOCTYPE_BLOCK = re.compile(rb"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)


@functools.cache
def load_schema(path: str) -> etree.XMLSchema:
    """Compile an XSD once per process (cached by path); the XSD itself is parsed safely too."""
    with open(path, "rb") as handle:
        doc = etree.parse(handle, make_parser())
    return etree.XMLSchema(doc)


SCHEMA_DIR = Path(__file__).parent / "schemas"
