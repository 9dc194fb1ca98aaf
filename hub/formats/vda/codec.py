"""The VDA codec: detect, parse and render VDA 4905, 4915 and 4913 files.

A file holds one or more transmissions (header ... trailer, one per customer/supplier
pair). The codec cuts the file into 128-character records (see ``records.split_records``
for the separators real files use), checks the record order of each family
(``layouts.Family.follows``) and the trailer's counters, and hands the records between
header and trailer to the family's reader (``calloff``, ``despatch``), which cuts them
into one MessageResult per call-off (512/552) or delivery note (713). Header, trailer and
order faults outside a message go to ``ParseResult.errors``; faults inside a message
stay with that message, so one bad call-off does not reject the others.

Rendering writes one transmission per run of documents with the same family and
customer/supplier pair (and, for 4913, the same issue date, which is the 711 date):
128-character records, CRLF separated, ISO-8859-1, trailer counters right.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import IO

from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import DeliverySchedule, DespatchAdvice, Document
from hub.formats.errors import Envelope, FormatError, MessageResult, MessageStream, ParseResult, first_unstorable
from hub.formats.vda import layouts as L
from hub.formats.vda.calloff import Reader4905, Reader4915, family_of, write_4905, write_4915
from hub.formats.vda.common import Header, MessageReader, RecordWriter, read_date
from hub.formats.vda.despatch import Reader4913, transport_key, write_712, write_713
from hub.formats.vda.records import Record, RecordPosition, iter_records, split_records

READERS: dict[str, type[MessageReader]] = {"4905": Reader4905, "4915": Reader4915, "4913": Reader4913}
_HEADS = b"|".join(f.header.encode() for f in L.FAMILIES.values())
# A header record: type, 2-digit version, two 9-character ids, then the N fields 24..45
# (transmission numbers and dates: digits or blanks), as in 511/551/711.
_DETECT = re.compile(rb"(" + _HEADS + rb")([0-9]{2})[^\r\n]{18}[0-9 ]{16}")
_BOM = b"\xef\xbb\xbf"
CHUNK = 1 << 20


def _strip_head(data: bytes) -> bytes:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    return data.lstrip(b"\r\n\t \x00")


class _Transmission:
    """The state of the transmission being read: family, header, record counts, last record type."""

    def __init__(self, family: L.Family, header: Header, reader: MessageReader) -> None:
        self.family = family
        self.header = header
        self.reader = reader
        self.counts: Counter[str] = Counter({family.header: 1})
        self.last = family.header


class VdaCodec:
    """VDA 4905 (delivery call-off), 4915 (JIT call-off) and 4913 (despatch advice), fixed-length records."""

    name = "vda"

    def detect(self, head: bytes) -> Detection | None:
        """Recognise a file whose first record is a 511, 551 or 711 header with a 2-digit version."""
        head = _strip_head(head)
        found = _DETECT.match(head)
        if found is None:
            return None
        family = L.FAMILIES[found.group(1).decode()]
        types = [family.name]
        # Further transmissions (of other families) within the head.
        records, _ = split_records(head.decode("iso8859_1"))
        for _, text in records[1:]:
            other = L.FAMILIES.get(text[:3])
            if other is not None and other.name not in types:
                types.append(other.name)
        return Detection(codec=self.name, family="VDA", version=found.group(2).decode(), message_types=types)

    def parse(self, data: bytes) -> ParseResult:
        """Parse every transmission in ``data``; errors are collected per call-off or delivery note."""
        return self.stream(io.BytesIO(data)).collect()

    def stream(self, fh: IO[bytes], chunk_size: int = CHUNK) -> MessageStream:
        """Read ``fh`` record by record; yield each call-off (512/552) or delivery note (713) once complete.

        A message is complete when the next one, a 712, the trailer or the end of the file
        arrives; header, trailer and order faults outside a message land in ``stream.errors``.
        Memory holds one chunk and one message, whatever the file size.
        """
        box: list[MessageStream] = []

        def messages() -> Iterator[MessageResult]:
            yield from self._messages(fh, box[0], max(1, chunk_size))

        out = MessageStream("VDA", messages())
        box.append(out)
        return out

    def _messages(self, fh: IO[bytes], out: MessageStream, chunk_size: int) -> Iterator[MessageResult]:
        head = b""
        while len(head) < len(_BOM):
            data = fh.read(chunk_size)
            if not data:
                break
            head += data
        if head.startswith(_BOM):
            head = head[len(_BOM) :]
            out.warnings.append("skipped a UTF-8 byte order mark: VDA files are ISO-8859-1")

        def chunks() -> Iterator[str]:
            # ISO-8859-1 maps every byte to one character, so chunks decode on their own.
            yield head.decode("iso8859_1")
            while data := fh.read(chunk_size):
                yield data.decode("iso8859_1")

        # The readers report into a ParseResult; its lists are the stream's, and its
        # messages are handed out (and dropped) as soon as they are complete.
        sink = ParseResult(format="VDA", envelopes=out.envelopes, errors=out.errors, warnings=out.warnings)
        current: _Transmission | None = None
        number = 0
        last = ""
        for number, (_, text) in enumerate(iter_records(chunks(), out.warnings), 1):
            current = self._one(sink, current, number, text)
            last = text
            if sink.messages:
                yield from _complete(sink, current)
        if not number:
            out.errors.append(FormatError("the file holds no VDA record", RecordPosition(segment=1)))
            return
        if current is not None:
            current.reader.finish()
            out.errors.append(
                FormatError(
                    f"the transmission that starts in record {current.header.record} ({current.family.header}) "
                    f"has no trailer {current.family.trailer}",
                    RecordPosition(segment=number, tag=last[:3]),
                    code="envelope",
                )
            )
        yield from _complete(sink, None)

    def _one(self, result: ParseResult, current: _Transmission | None, number: int, text: str) -> _Transmission | None:
        """Read record ``number``; returns the transmission open after it.

        A record holding text the database cannot store (NUL) is a positioned error of
        its message (or of the file, for a header or trailer).
        """
        after = self._record(result, current, number, text)
        bad = first_unstorable(text) if "\x00" in text else -1  # ISO-8859-1 text holds no surrogates
        if bad >= 0:
            error = FormatError(
                "the record holds a NUL character, which cannot be stored; remove it and send the file again",
                RecordPosition(segment=number, tag=text[:3].strip(), column=bad + 1),
            )
            if after is not None and after.reader.message is not None and text[:3] not in L.FAMILIES:
                after.reader.fail(error)
            else:
                result.errors.append(error)
        return after

    def _record(self, result: ParseResult, current: _Transmission | None, number: int, text: str) -> _Transmission | None:
        """Read record ``number``; returns the transmission open after it."""
        rtype = text[:3]
        layout = L.LAYOUTS.get(rtype)
        fail = functools.partial(_fail, result, current, number, rtype)
        if not text[3:5].isdigit() and (layout is not None or rtype in L.UNKNOWN_LAYOUT):
            fail(f"'{text[3:5]}' is not a record version (2 digits)", 4)
        if layout is None:
            if current is not None and rtype in L.UNKNOWN_LAYOUT and rtype in current.family.types:
                self._order(current, rtype, fail)
                current.counts[rtype] += 1
                current.last = rtype
                result.warnings.append(f"record {number} ({rtype}): no public layout is known for it; skipped")
                return current
            known = ", ".join(sorted(L.LAYOUTS))
            fail(f"'{rtype}' is not a VDA record type (the hub reads {known})")
            return current
        if layout.version != text[3:5] and text[3:5].isdigit():
            result.warnings.append(f"record {number} ({rtype}): version {text[3:5]}, the hub's layout is version {layout.version}")
        rec = Record(number=number, text=text, layout=layout)

        if rtype in L.FAMILIES:
            if current is not None:
                current.reader.finish()
                result.errors.append(
                    FormatError(
                        f"a new transmission starts, but the one that starts in record {current.header.record} "
                        f"({current.family.header}) has no trailer {current.family.trailer}",
                        RecordPosition(segment=number, tag=rtype, column=1),
                        code="envelope",
                    )
                )
            return self._header(result, rec)
        if current is None:
            heads = ", ".join(L.FAMILIES)
            fail(f"record {rtype} comes before any transmission header ({heads})")
            return None
        if rtype not in current.family.types:
            fail(f"record {rtype} does not belong to a VDA {current.family.name} transmission (header {current.family.header})")
            return current
        self._order(current, rtype, fail)
        current.counts[rtype] += 1
        current.last = rtype
        if rtype == current.family.trailer:
            current.reader.finish()
            self._trailer(result, current, rec)
            return None
        current.reader.record(rec)
        return current

    @staticmethod
    def _order(current: _Transmission, rtype: str, fail: Callable[..., None]) -> None:
        """Check that ``rtype`` may follow the previous record; a fault is reported and reading goes on."""
        allowed = current.family.follows.get(current.last, frozenset())
        if rtype not in allowed:
            expected = ", ".join(sorted(allowed)) or "nothing"
            fail(f"record {rtype} cannot follow record {current.last} here (expected {expected})", code="order")

    def _header(self, result: ParseResult, rec: Record) -> _Transmission:
        family = L.FAMILIES[rec.type]
        header = Header(family=family.name, record=rec.number)
        header.customer = rec.text_of("customer").strip()
        header.supplier = rec.text_of("supplier").strip()
        try:
            header.transmission_old = str(rec.int_of("transmission_old"))
            header.transmission_new = str(rec.int_of("transmission_new"))
            header.date = read_date(rec, "transmission_date")
        except FormatError as exc:
            exc.code = "envelope"
            result.errors.append(exc)
        customer = {"scheme": "VDA", "id": header.customer}
        supplier = {"scheme": "VDA", "id": header.supplier}
        # The customer sends call-offs (4905, 4915); the supplier sends despatch advices (4913).
        sender, receiver = (supplier, customer) if family.name == "4913" else (customer, supplier)
        result.envelopes.append(
            Envelope(
                format="VDA",
                version=family.name,
                sender=sender,
                receiver=receiver,
                control_ref=header.transmission_new,
                syntax=f"{rec.type} v{rec.version}",
            )
        )
        return _Transmission(family, header, READERS[family.name](result, header))

    @staticmethod
    def _trailer(result: ParseResult, current: _Transmission, rec: Record) -> None:
        """Compare every counter of the trailer with the records the transmission holds."""
        for f in rec.layout.fields[2:]:
            if not f.name.startswith("count_"):
                continue
            counted = f.name.removeprefix("count_")
            raw = rec.raw(f.name)
            if not raw.strip():
                if current.counts[counted]:
                    result.warnings.append(f"record {rec.number} ({rec.type}): the counter for {counted} is blank; not checked")
                continue
            try:
                value = rec.int_of(f.name)
            except FormatError as exc:
                exc.code = "envelope"
                result.errors.append(exc)
                continue
            if value != current.counts[counted]:
                result.errors.append(
                    rec.error(
                        f"the trailer counts {value} records {counted}, the transmission holds {current.counts[counted]}",
                        f.name,
                        code="envelope",
                    )
                )

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as VDA transmissions: 128-character records, CRLF separated, ISO-8859-1.

        ``options.control_ref`` (when numeric) is the first transmission number; further
        transmissions in the same file count up from it.
        """
        number = int(options.control_ref) if options.control_ref.isdigit() else 1
        out: list[str] = []
        for group in _transmissions(documents):
            out.extend(_transmission(group, number % 100_000))
            number += 1
        return "".join(r + "\r\n" for r in out).encode("iso8859_1")

    def describe(self) -> list[FormatInfo]:
        """The three VDA messages the hub reads and writes."""
        return [
            FormatInfo(
                name="vda-4905", family="VDA", versions=["511 v02 / 512-518 v01 / 519 v02"], message_types=["4905"],
                directions=["parse", "render"], documents=["delivery_schedule"],
            ),
            FormatInfo(
                name="vda-4915", family="VDA", versions=["551 v02 / 552-557 v01 / 559 v02"], message_types=["4915"],
                directions=["parse", "render"], documents=["delivery_schedule"],
            ),
            FormatInfo(
                name="vda-4913", family="VDA", versions=["711-716 v03 / 719 v02"], message_types=["4913"],
                directions=["parse", "render"], documents=["despatch_advice"],
            ),
        ]  # fmt: skip


def _fail(  # noqa: PLR0913 - the record's context, bound once per record
    result: ParseResult, current: _Transmission | None, number: int, rtype: str, message: str, column: int | None = 1, *, code: str = "syntax"
) -> None:
    """Report a fault of record ``number``: to the open message, else to the file."""
    error = FormatError(message, RecordPosition(segment=number, tag=rtype.strip(), column=column), code=code)
    if current is not None:
        current.reader.fail(error)
    else:
        result.errors.append(error)


def _complete(sink: ParseResult, current: _Transmission | None) -> Iterator[MessageResult]:
    """Hand out the messages of ``sink`` that are complete: all but the one ``current`` still reads."""
    open_message = current.reader.message if current is not None else None
    done = [m for m in sink.messages if m is not open_message]
    sink.messages[:] = [m for m in sink.messages if m is open_message]
    yield from done


def _parties(doc: Document) -> tuple[str, str]:
    """(customer, supplier) of a document: its buyer and supplier, else its envelope ids."""
    if isinstance(doc, DespatchAdvice):
        return doc.buyer.id or doc.receiver.id, doc.supplier.id or doc.sender.id
    return doc.buyer.id or doc.sender.id, doc.supplier.id or doc.receiver.id


def _key(doc: Document) -> tuple[str, str, str, str | None]:
    family = family_of(doc)
    issued = (doc.issued or "")[:10] if family == "4913" else None
    return (family, *_parties(doc), issued)


def _transmissions(documents: Sequence[Document]) -> list[list[Document]]:
    groups: list[list[Document]] = []
    for doc in documents:
        if not isinstance(doc, DeliverySchedule | DespatchAdvice):
            raise FormatError(f"VDA cannot carry a {doc.type} (it carries delivery schedules and despatch advices)")
        if groups and _key(groups[-1][0]) == _key(doc):
            groups[-1].append(doc)
        else:
            groups.append([doc])
    return groups


def _transmission(docs: list[Document], number: int) -> list[str]:
    family = L.BY_NAME[family_of(docs[0])]
    customer, supplier = _parties(docs[0])
    what = f"VDA {family.name} transmission {number}"
    head = RecordWriter(L.LAYOUTS[family.header], what)
    head.set("customer", customer).set("supplier", supplier)
    head.set("transmission_old", max(number - 1, 0)).set("transmission_new", number)
    head.date("transmission_date", docs[0].issued or dt.date.today().isoformat())
    body: list[str] = []
    if family.name == "4913":
        advices = [d for d in docs if isinstance(d, DespatchAdvice)]
        at = 0
        while at < len(advices):
            same = [advices[at]]
            while at + len(same) < len(advices) and transport_key(advices[at + len(same)]) == transport_key(same[0]):
                same.append(advices[at + len(same)])
            body.append(write_712(same))
            for doc in same:
                body.extend(write_713(doc))
            at += len(same)
    else:
        writer = write_4915 if family.name == "4915" else write_4905
        for doc in docs:
            if isinstance(doc, DeliverySchedule):  # always: the family was chosen from the type
                body.extend(writer(doc))
    records = [head.text(), *body]
    counts = Counter(r[:3] for r in records)
    counts[family.trailer] = 1
    trailer = RecordWriter(L.LAYOUTS[family.trailer], what)
    for f in trailer.layout.fields[2:]:
        if f.name.startswith("count_"):
            trailer.set(f.name, counts[f.name.removeprefix("count_")])
    return [*records, trailer.text()]
