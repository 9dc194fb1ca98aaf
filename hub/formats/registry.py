"""The registry of codecs: detect a file's format and hand it to its codec.

Adding a format means writing its package and adding its codec to ``CODECS``; nothing
outside ``hub/formats`` changes.
"""

from __future__ import annotations

from typing import IO

from hub.formats import mandatory
from hub.formats.base import Codec, Detection, FormatInfo
from hub.formats.edifact import EdifactCodec
from hub.formats.errors import FormatError, MessageStream, ParseResult, Position, UnsupportedFormat
from hub.formats.idoc import IdocCodec, IdocXmlCodec
from hub.formats.tabular import CsvCodec, XlsxCodec
from hub.formats.vda import VdaCodec
from hub.formats.x12 import X12Codec
from hub.formats.xml import CxmlCodec, UblCodec, XmlCodec

# Detection asks codecs in this order, anchored detectors first: XML (the first
# non-blank byte is '<' and a root element parses) and VDA (the first record is a
# 511/551/711 header) come before EDIFACT, which finds UNA/UNB after junk lines and
# would otherwise claim a VDA text "BITTE UNBEDINGT BEACHTEN" or a base64 attachment.
# SAP IDocs come first of all: a flat IDoc starts with EDI_DC40, and an XML IDoc
# (<ORDERS05><IDOC><EDI_DC40>) would otherwise be claimed by the XML codec as "other XML".
# CSV and XLSX stay LAST: a delimited text is only recognised by its header row.
CODECS: dict[str, Codec] = {
    "idoc": IdocCodec(),
    "idoc-xml": IdocXmlCodec(),
    "xml": XmlCodec(),
    "ubl": UblCodec(),
    "cxml": CxmlCodec(),
    "vda": VdaCodec(),
    "x12": X12Codec(),
    "edifact": EdifactCodec(),
    "xlsx": XlsxCodec(),
    "csv": CsvCodec(),
}
HEAD_BYTES = 8192


def get(name: str) -> Codec:
    """Return the codec called ``name`` (case-insensitive); UnsupportedFormat if unknown."""
    codec = CODECS.get(name.lower())
    if codec is None:
        raise UnsupportedFormat(f"unknown format '{name}'; known: {', '.join(sorted(CODECS))}")
    return codec


def detect(data: bytes) -> Detection:
    """Ask each codec whether ``data`` is its format; UnsupportedFormat when none claims it."""
    head = data[:HEAD_BYTES]
    if not head.strip():
        raise UnsupportedFormat("the file is empty", Position(line=1))
    for codec in CODECS.values():
        found = codec.detect(head)
        if found is not None:
            return found
    shown = head[:30].decode("latin-1").replace("\n", "\\n").replace("\r", "\\r")
    raise UnsupportedFormat(
        f"the format is not recognised (file starts with '{shown}'); the hub reads {', '.join(sorted(CODECS))}",
        Position(line=1, column=1),
    )


def parse(data: bytes, fmt: str | None = None) -> tuple[Detection, ParseResult]:
    """Detect (unless ``fmt`` is given) and parse ``data``; never raises for bad input."""
    try:
        detection = detect(data) if not fmt else Detection(codec=get(fmt).name, family=fmt.upper())
    except FormatError as exc:
        result = ParseResult(format="unknown")
        result.errors.append(exc)
        return Detection(codec="", family="unknown"), result
    result = CODECS[detection.codec].parse(data)
    for message in result.messages:
        mandatory.check(message)
    return detection, result


def stream(fh: IO[bytes], fmt: str | None = None, codec: Codec | None = None) -> tuple[Detection, MessageStream]:
    """Detect (unless ``fmt`` or ``codec`` is given) and open ``fh`` message by message; never raises for bad input.

    ``fh`` must be seekable (a stored interchange, a spooled upload): detection reads
    its head, then the codec reads it from the start.
    """
    head = fh.read(HEAD_BYTES)
    fh.seek(0)
    try:
        if codec is not None:
            detection = codec.detect(head) or Detection(codec=codec.name, family=codec.name.upper())
        else:
            detection = detect(head) if not fmt else Detection(codec=get(fmt).name, family=fmt.upper())
            codec = CODECS[detection.codec]
    except FormatError as exc:
        failed = MessageStream("unknown")
        failed.errors.append(exc)
        return Detection(codec="", family="unknown"), failed
    opener = getattr(codec, "stream", None)
    if opener is not None:
        return detection, mandatory.checked(opener(fh))
    return detection, mandatory.checked(MessageStream.of(codec.parse(fh.read())))


def formats() -> list[FormatInfo]:
    """Every supported format, version and message type, codec by codec."""
    return [info for codec in CODECS.values() for info in codec.describe()]
