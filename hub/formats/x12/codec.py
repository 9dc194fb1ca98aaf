"""The X12 codec: detect, parse (envelope + transaction set mappings) and render."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import IO

from hub.formats import codes
from hub.formats.base import Detection, FormatInfo, RenderOptions
from hub.formats.canonical import Document
from hub.formats.errors import FormatError, MessageStream, ParseResult
from hub.formats.x12 import syntax
from hub.formats.x12.messages import RENDERERS, ack, set_type_for
from hub.formats.x12.messages.common import SegmentOut
from hub.formats.x12.reader import CHUNK, Reader
from hub.formats.x12.syntax import Separators

VERSIONS = ["004010", "005010"]
# RenderOptions.version -> (ISA12, GS08)
_VERSION_CODES = {
    "": ("00401", "004010"),
    "004010": ("00401", "004010"),
    "00401": ("00401", "004010"),
    "005010": ("00501", "005010"),
    "00501": ("00501", "005010"),
}


class X12Codec:
    """ANSI ASC X12 interchanges (ISA..IEA) in versions 004010 and 005010."""

    name = "x12"

    def detect(self, head: bytes) -> Detection | None:
        """Recognise an interchange by its ISA, after a BOM or junk, in ASCII or EBCDIC."""
        at, encoding = syntax.find_start(head, len(head))
        if at < 0:
            return None
        text, _ = syntax.decode(head[at:], encoding)
        version = ""
        try:
            seps, isa, _ = syntax.read_isa(text, 0)
            version = isa[12].strip()
            found = re.findall(rf"(?:^|{re.escape(seps.segment)})\s*ST{re.escape(seps.element)}(\w{{3}})", text)
            if re.search(rf"(?:^|{re.escape(seps.segment)})\s*TA1{re.escape(seps.element)}", text):
                found.append("TA1")
        except FormatError:
            found = []
        return Detection(codec=self.name, family="X12", version=version, message_types=sorted(set(found)))

    def parse(self, data: bytes) -> ParseResult:
        """Parse every interchange in ``data``; errors are collected per transaction set."""
        return self.stream(io.BytesIO(data)).collect()

    def stream(self, fh: IO[bytes], chunk_size: int = CHUNK) -> MessageStream:
        """Read ``fh`` in chunks and yield one ``MessageResult`` per transaction set as its SE arrives.

        Memory holds one chunk and one transaction set, whatever the file size. Envelope
        faults (IEA/GE counts, control numbers, truncation) land in ``stream.errors``
        when their interchange ends, after its messages.
        """
        reader = Reader(fh, chunk_size)
        out = MessageStream("X12", reader.messages())
        reader.out = out
        return out

    def render(self, documents: Sequence[Document], options: RenderOptions) -> bytes:
        """Render documents as one interchange: ISA, a GS group per run of one functional id, IEA.

        TA1 acknowledgements go right after the ISA (they belong to no group). Separators
        are the usual ``* > ~ ^`` unless a value contains one of them; then the ASCII
        information separators are used, since X12 has no release character.
        """
        isa12, gs08 = _VERSION_CODES.get(options.version.strip(), (None, None)) or (None, None)
        if isa12 is None or gs08 is None:
            raise FormatError(f"X12 version '{options.version}' cannot be rendered; use one of {', '.join(VERSIONS)}")
        control = options.control_ref.strip()
        if not control.isdigit() or len(control) > 9:
            raise FormatError(f"the interchange control number must be 1-9 digits, not '{options.control_ref}'")
        for what, value in (("sender", options.sender_id), ("receiver", options.receiver_id)):
            if len(value) > 15:
                raise FormatError(f"the {what} id '{value}' is longer than the 15 characters ISA allows")
        ta1s: list[SegmentOut] = []
        groups: list[tuple[str, list[list[SegmentOut]]]] = []  # (GS01, [transaction set segments])
        last_fid = ""
        for doc in documents:
            set_type = set_type_for(doc)
            if set_type == "TA1":
                ta1s.append(ack.write_ta1(doc))
                continue
            if set_type in ("997", "999"):
                body = ack.write(doc, set_type, gs08)
            elif set_type in RENDERERS:
                body = RENDERERS[set_type](doc)
            else:
                raise FormatError(f"X12 cannot carry a {doc.type}")
            fid = codes.X12_FUNCTIONAL_ID[set_type]
            if fid != last_fid:
                groups.append((fid, []))
                last_fid = fid
            sets = groups[-1][1]
            ref = f"{len(sets) + 1:04d}"
            header: SegmentOut = ["ST", set_type, ref, *(["005010X231"] if set_type == "999" else [])]
            sets.append([header, *body, ["SE", str(len(body) + 2), ref]])

        now = options.now or dt.datetime.now(dt.UTC)
        isa: SegmentOut = [
            "ISA", "00", " " * 10, "00", " " * 10,
            options.sender_qualifier.ljust(2)[:2], options.sender_id.ljust(15),
            options.receiver_qualifier.ljust(2)[:2], options.receiver_id.ljust(15),
            now.strftime("%y%m%d"), now.strftime("%H%M"),
            "U" if isa12 < "00402" else "^",  # filled in below once separators are chosen
            isa12, control.zfill(9), "0", "T" if options.test else "P", ">",
        ]  # fmt: skip
        out: list[SegmentOut] = [isa, *ta1s]
        for number, (fid, sets) in enumerate(groups, 1):
            # A lone group carries the interchange's control number as GS06, so a 997
            # (which names only the group) can be matched to what it acknowledges.
            group_ref = str(int(control)) if len(groups) == 1 else str(number)
            version = "005010X231" if fid == "FA" and sets and sets[0][0][1] == "999" else gs08
            sender = options.sender_id.strip() or " "
            out.append(
                [
                    "GS",
                    fid,
                    sender,
                    options.receiver_id.strip() or " ",
                    now.strftime("%Y%m%d"),
                    now.strftime("%H%M"),
                    group_ref,
                    "X",
                    version,
                ]
            )
            for segs in sets:
                out.extend(segs)
            out.append(["GE", str(len(sets)), group_ref])
        out.append(["IEA", str(len(groups)), control.zfill(9)])

        seps = _choose_separators(out[1:] + [isa[:11] + isa[12:16]])
        isa[16] = seps.component
        if isa12 >= "00402":
            isa[11] = seps.repetition
        lines = [_serialize(isa, seps, keep_empty=True)] + [_serialize(seg, seps) for seg in out[1:]]
        # One segment per line: the terminator stays the only delimiter, the line break
        # makes the file readable and is layout to every X12 reader.
        return ("\n".join(lines) + "\n").encode("iso8859_1" if seps is not syntax.CONTROL else "ascii", errors="strict")

    def describe(self) -> list[FormatInfo]:
        """The X12 transaction sets the hub reads and writes."""
        return [
            FormatInfo("x12-830", "X12", VERSIONS, ["830"], ["parse", "render"], ["delivery_schedule"]),
            FormatInfo("x12-862", "X12", VERSIONS, ["862"], ["parse", "render"], ["delivery_schedule"]),
            FormatInfo("x12-856", "X12", VERSIONS, ["856"], ["parse", "render"], ["despatch_advice"]),
            FormatInfo("x12-850", "X12", VERSIONS, ["850"], ["parse", "render"], ["purchase_order"]),
            FormatInfo("x12-855", "X12", VERSIONS, ["855"], ["parse", "render"], ["order_response"]),
            FormatInfo("x12-ack", "X12", VERSIONS, ["997", "999", "TA1"], ["parse", "render"], ["acknowledgement"]),
        ]


def _values(segments: list[SegmentOut]) -> str:
    return "".join(v for seg in segments for e in seg for v in (e if isinstance(e, list) else [e]))


def _choose_separators(segments: list[SegmentOut]) -> Separators:
    text = _values(segments)
    for seps in (syntax.DEFAULT, syntax.CONTROL):
        if not any(ch in text for ch in seps.chars()):
            return seps
    raise FormatError("the documents contain both the usual X12 separators and ASCII control separators; they cannot be written as X12")


def _serialize(seg: SegmentOut, seps: Separators, keep_empty: bool = False) -> str:
    elements = [seps.component.join(e).rstrip(seps.component) if isinstance(e, list) else e for e in seg]
    if not keep_empty:
        while len(elements) > 1 and elements[-1] == "":
            elements.pop()
    return seps.element.join(elements) + seps.segment
