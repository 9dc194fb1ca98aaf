"""The SAP IDoc codecs: flat files (EDI_DC40 control record + fixed-length data records) and XML IDocs.

``IdocCodec`` ("idoc") detects both forms, parses both, and renders flat files;
``IdocXmlCodec`` ("idoc-xml") parses the same and renders XML IDocs. Each IDoc (one
control record and its data records, or one ``<IDOC>`` element) is one message: its
errors stay with it, so one bad IDoc in a file of many rejects that IDoc alone. The
IDoc number (DOCNUM) is the message reference errors are tagged with::

    record 7 (E1EDP01), field MENGE: '12,5x' is not a number [IDoc 0000000000123456]

Which document an IDoc carries is decided by its basic type (IDOCTYP: ORDERS01..05,
DELFOR01/02, DELVRY01..07, DESADV01), not by its logical message type, which partners
often rename (ZZORDERS); MESTYP DELJIT marks a JIT call-off. Basic types the hub does not
carry (INVOIC02 ...) are reported by name as unsupported.

Envelope: sender and receiver are SNDPRN/RCVPRN with SNDPRT/RCVPRT as scheme. Partner
numbers are 10 characters; a longer hub id (SUPPLIERHUB) is written cut to 10 in
SNDPRN and whole in SNDLAD (the logical address), and read back from SNDLAD when SNDLAD
starts with SNDPRN. Rendered IDocs are inbound IDocs for the receiving SAP (DIRECT 2),
numbered from ``RenderOptions.control_ref`` (DOCNUM, 16 digits).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Iterator, Sequence
from typing import IO

from hub.formats import codes
from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import Document, PartyId, Source
from hub.formats.errors import (
    Envelope,
    FormatError,
    MessageResult,
    MessageStream,
    ParseResult,
    Position,
    UnsupportedFormat,
    first_unstorable,
)
from hub.formats.idoc import layouts as L
from hub.formats.idoc import mapping, status
from hub.formats.idoc.records import IDoc, IdocError, IdocPosition, decode, read_flat, write_flat, write_xml, xml_idoc
from hub.formats.xml import safe

log = logging.getLogger(__name__)

_FLAT = re.compile(rb"^(?:\xef\xbb\xbf)?[\s]*EDI_DC40")
_DATA_RECORD = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:E1|E2|Z1|Z2)[A-Z0-9_]+ +[0-9 ]{3}[0-9]{16}"
)  # a data record without its control record
_XML_TAG = re.compile(rb"<(?:\w+:)?(IDOCTYP|MESTYP)>\s*([^<\s]+)\s*<")
FORMAT = "IDOC"


def _control_types(head: bytes) -> tuple[str, list[str]]:
    """Basic type of the first IDoc and the message types seen in the head of a flat file."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1")
    version, types = "", []
    for line in text.splitlines():
        if line.startswith("EDI_DC"):
            control = {name: line.ljust(L.CONTROL_LENGTH)[s:e].strip() for name, (s, e) in L.CONTROL.offsets.items()}
            version = version or control["IDOCTYP"]
            mestyp = control["MESTYP"] or control["IDOCTYP"]
            if mestyp and mestyp not in types:
                types.append(mestyp)
    return version, types


def _xml_kind(head: bytes) -> Detection | None:
    info = safe.root_info(head)
    if info is None:
        return None
    _namespace, local, _ = info
    if local != "IDOC" and not (b"<IDOC" in head and b"EDI_DC40" in head):
        return None
    version, types = (local if local != "IDOC" else ""), []
    for tag, value in _XML_TAG.findall(head):
        name = value.decode("latin-1")
        if tag == b"IDOCTYP":
            version = version or name
        elif name not in types:
            types.append(name)
    return Detection(codec="idoc-xml", family="IDoc", version=version, message_types=types)


class IdocCodec:
    """SAP IDocs ORDERS01..05, DELFOR01/02 (DELINS, DELJIT) and DELVRY (DESADV), flat and XML; renders flat files."""

    name = "idoc"

    def detect(self, head: bytes) -> Detection | None:
        """A flat IDoc starts with an EDI_DC40 control record; an XML IDoc has <IDOC> with <EDI_DC40>."""
        if _FLAT.match(head):
            version, types = _control_types(head)
            return Detection(codec="idoc", family="IDoc", version=version, message_types=types)
        return _xml_kind(head)

    def parse(self, data: bytes) -> ParseResult:
        """Parse every IDoc of a flat or XML file; errors are collected per IDoc."""
        return self.stream(io.BytesIO(data)).collect()

    def stream(self, fh: IO[bytes]) -> MessageStream:
        """Read a flat or XML IDoc file IDoc by IDoc: each is mapped and yielded when its last record is read.

        Flat files are cut per EDI_DC40 control record, XML files per ``<IDOC>`` element
        (lxml iterparse through ``xml.safe``). The bytes are read whole: IDoc files are
        decoded as one (UTF-8, else ISO-8859-1), and the XML screen needs all of them.
        """
        box: list[MessageStream] = []

        def messages() -> Iterator[MessageResult]:
            yield from _messages(fh.read(), box[0])

        out = MessageStream(FORMAT, messages())
        box.append(out)
        return out

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as a flat IDoc file: one IDoc per document, fixed-length records, LF separated, UTF-8."""
        lines: list[str] = []
        for idoc, segments, _basic in _build(documents, options):
            lines.extend(write_flat(idoc, segments))
        return "".join(line + "\n" for line in lines).encode("utf-8")

    def describe(self) -> list[FormatInfo]:
        """The IDoc basic types the hub reads and writes."""
        return [
            FormatInfo(
                name=self.name,
                family="IDoc",
                versions=sorted(codes.IDOC_BASIC_TYPES),
                message_types=["ORDERS", "DELINS", "DELJIT", "DESADV"],
                directions=["parse", "render"],
                documents=sorted(set(codes.IDOC_BASIC_TYPES.values())),
            )
        ]


class IdocXmlCodec(IdocCodec):
    """The same IDocs as XML (``<ORDERS05><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1">...``)."""

    name = "idoc-xml"

    def detect(self, head: bytes) -> Detection | None:
        """Claim XML IDocs only."""
        return _xml_kind(head)

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as one XML IDoc file; all of one basic type (the root element names it)."""
        built = _build(documents, options)
        kinds = sorted({basic for _, _, basic in built})
        if len(kinds) > 1:
            raise FormatError(f"an XML IDoc file holds IDocs of one basic type; got {', '.join(kinds)} (render them separately)")
        return write_xml(kinds[0] if kinds else codes.IDOC_RENDER_TYPES["purchase_order"][0], [(i, s) for i, s, _ in built])


def _messages(data: bytes, out: MessageStream) -> Iterator[MessageResult]:
    """The messages of one IDoc file, in file order; file-level faults go to ``out.errors``."""
    # _message reports into a ParseResult; its lists are the stream's, its messages are handed out at once.
    sink = ParseResult(format=FORMAT, envelopes=out.envelopes, errors=out.errors, warnings=out.warnings)
    count = 0
    if _FLAT.match(data[:64]) or _DATA_RECORD.match(data[:64]):
        text, warnings = decode(data)
        out.warnings.extend(warnings)
        for item in read_flat(text.lstrip(" \t\r\n")):
            if isinstance(item, FormatError):
                out.errors.append(item)
                continue
            _message(sink, item)
            count += 1
            yield sink.messages.pop()
    elif safe.root_info(data[: 64 * 1024]) is not None:
        try:
            for idoc in _xml_idocs(data):
                _message(sink, idoc)
                count += 1
                yield sink.messages.pop()
        except FormatError as exc:
            out.errors.append(exc)
    else:
        out.errors.append(
            UnsupportedFormat(
                "the file is no IDoc: it starts neither with an EDI_DC40 control record nor with XML", Position(line=1, column=1)
            )
        )
        return
    if not count and not out.errors:
        out.errors.append(FormatError("the file holds no IDoc (no EDI_DC40 control record)", Position(line=1), code="envelope"))


def _unstorable(idoc: IDoc) -> IdocError | None:
    """The error for the first field (control record or segment) holding text the database cannot store."""
    for name, value in idoc.control.items():
        if first_unstorable(value) >= 0:
            return idoc.error(_UNSTORABLE, name, code="syntax")
    for seg in idoc.segments:
        for name, value in seg.fields.items():
            if first_unstorable(value) >= 0:
                return seg.error(_UNSTORABLE, name, code="syntax")
    return None


_UNSTORABLE = "holds a NUL character (or a lone surrogate), which cannot be stored; remove it and send the file again"


def _xml_idocs(data: bytes) -> Iterator[IDoc]:
    """Each <IDOC> of an XML file, one at a time (the root may be the basic type or IDOC itself)."""
    info = safe.root_info(data[: 64 * 1024])
    if info is not None and info[1] == "IDOC":
        root, _ = safe.parse_bytes(data)
        yield xml_idoc(root)
        return
    for _root, child in safe.iter_children(data):
        if not isinstance(child.tag, str):
            continue
        if child.tag.rsplit("}", 1)[-1] == "IDOC":
            yield xml_idoc(child)
            continue
        for inner in child.iter():
            if isinstance(inner.tag, str) and inner.tag.rsplit("}", 1)[-1] == "IDOC":
                yield xml_idoc(inner)


def _message(result: ParseResult, idoc: IDoc) -> None:
    """Map one IDoc into a MessageResult (with its own envelope entry)."""
    basic = idoc.c("IDOCTYP")
    mestyp = idoc.c("MESTYP")
    outcome = MessageResult(ref=idoc.docnum, type=mestyp or basic, version=basic, interchange=len(result.envelopes))
    sender = _partner(idoc, "SND")
    receiver = _partner(idoc, "RCV")
    result.envelopes.append(
        Envelope(
            format=FORMAT,
            version=basic,
            sender={"scheme": sender.scheme, "id": sender.id},
            receiver={"scheme": receiver.scheme, "id": receiver.id},
            control_ref=idoc.docnum,
            syntax=f"EDI_DC40 {idoc.c('DOCREL')}".strip(),
            test=idoc.c("TEST") == "X",
        )
    )
    result.messages.append(outcome)
    outcome.errors.extend(idoc.errors)
    bad = _unstorable(idoc)
    if bad is not None:
        outcome.errors.append(bad)
        return
    kind = "acknowledgement" if basic in status.BASIC_TYPES else codes.IDOC_BASIC_TYPES.get(basic)
    if kind is None:
        what = codes.IDOC_OTHER_TYPES.get(basic) or codes.IDOC_OTHER_TYPES.get(basic.rstrip("0123456789"))
        known = ", ".join(sorted(codes.IDOC_BASIC_TYPES))
        text = (
            f"IDoc basic type '{basic}'"
            + (f" ({what})" if what else "")
            + f", message type '{mestyp}', is not carried by the hub (it reads {known})"
            if basic
            else "the control record names no basic type (IDOCTYP)"
        )
        error = UnsupportedFormat(
            text, IdocPosition(segment=idoc.record, line=idoc.line if idoc.record is None else None, tag="EDI_DC40", field_name="IDOCTYP")
        )
        error.position.message_ref = idoc.docnum
        outcome.errors.append(error)
        return
    try:
        doc = status.read(idoc) if kind == "acknowledgement" else mapping.READERS[kind](idoc)
    except FormatError as exc:
        if not exc.position.message_ref:
            exc.position.message_ref = idoc.docnum
        outcome.errors.append(exc)
        return
    except Exception as exc:  # a mapping bug must not escape as a traceback
        log.exception("IDoc mapping failed for %s", basic)
        outcome.errors.append(IdocError(f"could not map the {basic} IDoc ({type(exc).__name__}: {exc})", code="internal"))
        return
    doc.sender, doc.receiver = sender, receiver
    doc.source = Source(format=FORMAT, version=basic, message_ref=idoc.docnum, interchange_ref=idoc.docnum)
    outcome.documents.append(doc)


def _partner(idoc: IDoc, side: str) -> PartyId:
    number = idoc.c(f"{side}PRN")
    address = idoc.c(f"{side}LAD")
    ident = address if number and address.startswith(number) else number
    return PartyId(scheme=idoc.c(f"{side}PRT"), id=ident)


def _basic_type(doc: Document, version: str) -> tuple[str, str]:
    kind = doc.type
    if kind == "acknowledgement":
        return status.BASIC, status.MESSAGE
    if kind not in codes.IDOC_RENDER_TYPES:
        raise FormatError(f"an IDoc cannot carry a {kind} (it carries purchase orders, delivery schedules and despatch advices)")
    basic, message = codes.IDOC_RENDER_TYPES[kind]
    wanted = version.strip().upper()
    if wanted and codes.IDOC_BASIC_TYPES.get(wanted) == kind:
        basic = wanted
    if kind == "delivery_schedule" and getattr(doc, "kind", "") == "jit":
        message = codes.IDOC_JIT_MESSAGE
    return basic, message


def _build(documents: Sequence[Document], options: RenderOptions) -> list[tuple[IDoc, list, str]]:
    """One IDoc per document: control record values and its segments."""
    now = options.now or dt.datetime.now(dt.UTC)
    first = int(options.control_ref) if options.control_ref.isdigit() else 1
    out = []
    for index, doc in enumerate(documents):
        basic, message = _basic_type(doc, options.version)
        docnum = f"{first + index:016d}"
        if len(docnum) > 16:
            raise FormatError(f"IDoc number {docnum} is longer than the 16 digits of DOCNUM")
        what = f"IDoc {docnum} ({doc.type} {doc.number})"
        builder = mapping.Builder(what)
        if doc.type == "acknowledgement":
            status.write(doc, builder, options.now)
        else:
            mapping.WRITERS[doc.type](doc, builder)  # type: ignore[operator]  # the writer matches the type
        created = doc.issued if doc.type == "despatch_advice" and doc.issued else now.strftime("%Y-%m-%dT%H:%M:%S")
        control = {
            "TABNAM": "EDI_DC40",
            "DOCNUM": docnum,
            "DOCREL": "740",
            "STATUS": "30",
            "DIRECT": "2",
            "OUTMOD": "2",
            "TEST": "X" if options.test else "",
            "IDOCTYP": basic,
            "MESTYP": message,
            "SNDPOR": "SUPPLHUB",
            "RCVPOR": "SAP",
            "CREDAT": mapping.ymd(created) or "",
            "CRETIM": mapping.hms(created) or "000000",
        }
        receiver_id = options.receiver_id or doc.receiver.id
        for side, ident, scheme in (("SND", options.sender_id, options.sender_qualifier), ("RCV", receiver_id, options.receiver_qualifier)):
            control[f"{side}PRT"] = scheme if scheme in codes.IDOC_PARTNER_TYPES else "LS"
            control[f"{side}PRN"] = ident[:10]
            if len(ident) > 10:
                if len(ident) > L.CONTROL.length(f"{side}LAD"):
                    raise FormatError(f"{what}: partner id '{ident}' is longer than the 70 characters of {side}LAD")
                control[f"{side}LAD"] = ident
        idoc = IDoc(control=control)
        out.append((idoc, builder.segments, basic))
    return out
