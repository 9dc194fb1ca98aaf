"""Acknowledgements: 997 Functional, 999 Implementation and TA1 Interchange, both ways.

Errors are carried as canonical ``AckError`` with a position in words that this module
also reads back when rendering: ``message 0001, segment 3 (BEG), element 2,
component 1`` (AK3/IK3 and AK4/IK4), ``message 0001`` (AK5/IK5 codes), ``group 17``
(AK9 codes) and ``interchange 000000050`` (TA105).

The canonical model does not say which functional group and transaction set type an
acknowledgement answers, but AK101 and AK201 are mandatory. Reading keeps them in
``source.version`` ("997 004010 PO 850": set, its version, acknowledged GS01 and
ST01); rendering takes them from there, and otherwise assumes an ASN group (SH 856),
the set suppliers send the hub most.
"""

from __future__ import annotations

import datetime as dt
import re

from hub.formats import codes
from hub.formats.canonical import AckError, Acknowledged, Acknowledgement, Document
from hub.formats.errors import Envelope, FormatError
from hub.formats.tolerance import is_tolerated_entry
from hub.formats.x12.envelope import TransactionSet
from hub.formats.x12.messages.common import SegmentOut, clock, date, day, start
from hub.formats.x12.tokenizer import Segment

DEFAULT_ACKED = ("SH", "856")
_MESSAGE = re.compile(r"message (\S+?)(?:,|$)")
_SEGMENT = re.compile(r"segment (\d+) \((\w*)\)")
_ELEMENT = re.compile(r"element (\d+)")
_COMPONENT = re.compile(r"component (\d+)")
_GROUP = re.compile(r"^group ")


def position_words(ref: str, segment: str = "", tag: str = "", element: str = "", component: str = "") -> str:
    """A position in the words this module reads back: ``message 0001, segment 3 (BEG), element 2, component 1``."""
    parts = [f"message {ref}"]
    if segment:
        parts.append(f"segment {segment} ({tag})")
    if element:
        parts.append(f"element {element}")
    if component:
        parts.append(f"component {component}")
    return ", ".join(parts)


def _status(code: str) -> str:
    return codes.X12_ACK_CODE_TO_STATUS.get(code.strip(), "rejected")


def read(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map a 997 or 999 to an acknowledgement; raises FormatError with positions."""
    ref = ts.ref
    doc = Acknowledgement(number=ref)
    start(doc, ts, env)
    doc.acknowledges = Acknowledged()
    acked_fid = acked_type = ""
    set_ref = ""
    last_seg: tuple[str, str] = ("", "")  # (position, tag) of the last AK3/IK3
    set_codes: list[str] = []
    set_has_detail = False
    set_statuses: list[str] = []
    summary = ""

    def close_set() -> None:
        """Turn the AK5/IK5 error codes of a set without AK3/AK4 detail into errors."""
        nonlocal set_codes, set_has_detail
        if not set_has_detail:
            for code in set_codes:
                doc.errors.append(
                    AckError(position=position_words(set_ref), code=code, text=codes.X12_SET_ERRORS.get(code, f"transaction set error {code}"))
                )
        set_codes, set_has_detail = [], False

    for seg in ts.segments:
        tag = seg.tag
        if tag == "AK1":
            acked_fid = seg.get(1).strip()
            doc.acknowledges.group_ref = seg.get(2).strip()
        elif tag == "AK2":
            set_ref = seg.get(2).strip()
            acked_type = acked_type or seg.get(1).strip()
            doc.acknowledges.message_refs.append(set_ref)
        elif tag in ("AK3", "IK3"):
            set_has_detail = True
            last_seg = (seg.get(2).strip(), seg.get(1).strip())
            code = seg.get(4).strip()
            if code:
                doc.errors.append(
                    AckError(
                        position=position_words(set_ref, *last_seg), code=code, text=codes.X12_SEGMENT_ERRORS.get(code, f"segment error {code}")
                    )
                )
        elif tag in ("AK4", "IK4"):
            set_has_detail = True
            element, component = seg.get(1, 1).strip(), seg.get(1, 2).strip()
            code = seg.get(3).strip()
            text = codes.X12_ELEMENT_ERRORS.get(code, f"data element error {code}")
            bad = seg.get(4).strip()
            if bad:
                text += f": '{bad}'"
            doc.errors.append(AckError(position=position_words(set_ref, *last_seg, element, component), code=code, text=text))
        elif tag in ("AK5", "IK5"):
            set_statuses.append(_status(seg.get(1)))
            set_codes = [seg.get(e).strip() for e in range(2, 7) if seg.get(e).strip()]
            close_set()
        elif tag == "AK9":
            summary = seg.get(1).strip()
            for e in range(5, 10):
                code = seg.get(e).strip()
                if code:
                    doc.errors.append(
                        AckError(position=f"group {doc.acknowledges.group_ref}", code=code, text=f"functional group error {code}")
                    )
    if summary:
        doc.status = _status(summary)
    elif set_statuses:
        doc.status = (
            "accepted"
            if all(s == "accepted" for s in set_statuses)
            else ("rejected" if all(s == "rejected" for s in set_statuses) else "partially_accepted")
        )
    else:
        raise FormatError("the acknowledgement has neither AK9 nor AK5/IK5: it says nothing", ts.segments[0].position(message_ref=ref))
    doc.source.version = f"{ts.type} {ts.version} {acked_fid or '-'} {acked_type or '-'}"
    return [doc]


def read_ta1(ts: TransactionSet, env: Envelope) -> list[Document]:
    """Map a TA1 interchange acknowledgement (a lone segment, no ST/SE) to an acknowledgement."""
    seg: Segment = ts.segments[0]
    doc = Acknowledgement()
    start(doc, ts, env)
    doc.source.version = f"TA1 {env.version}"
    doc.number = env.control_ref
    doc.acknowledges = Acknowledged(interchange_ref=seg.get(1).strip())
    doc.issued = date(seg, 2, ts.ref, 3)
    doc.status = _status(seg.get(4))
    note = seg.get(5).strip()
    if note and note != "000":
        doc.errors.append(
            AckError(
                position=f"interchange {doc.acknowledges.interchange_ref}",
                code=note,
                text=codes.X12_TA1_NOTES.get(note, f"interchange note {note}"),
            )
        )
    return [doc]


def kind(doc: Acknowledgement) -> str:
    """Which X12 acknowledgement renders ``doc``: 997, 999 or TA1.

    The source says it when the acknowledgement came from X12; otherwise one that
    names an interchange but no group or sets is a TA1, and everything else a 997.
    """
    word = doc.source.version.split(" ", 1)[0] if doc.source.format == "X12" else ""
    if word in ("997", "999", "TA1"):
        return word
    if doc.acknowledges.interchange_ref and not doc.acknowledges.group_ref and not doc.acknowledges.message_refs:
        return "TA1"
    return "997"


def _acked(doc: Acknowledgement) -> tuple[str, str]:
    words = doc.source.version.split() if doc.source.format == "X12" else []
    fid = words[2] if len(words) > 2 and words[2] != "-" else DEFAULT_ACKED[0]
    set_type = words[3] if len(words) > 3 and words[3] != "-" else DEFAULT_ACKED[1]
    return fid, set_type


def _set_types(doc: Acknowledgement) -> list[str]:
    """Each acknowledged set's type, when ``source.version`` lists them (``"997 004010 PO 850 850,850,810"``)."""
    words = doc.source.version.split() if doc.source.format == "X12" else []
    return words[4].split(",") if len(words) > 4 else []


def _code(code: str, table: dict[str, str], generic: str) -> str:
    # Codes from another family's acknowledgement (EDIFACT CONTRL) do not fit X12's lists.
    return code if code in table or (code.isalnum() and len(code) <= 3) else generic


def write(doc: Document, set_type: str, version: str) -> list[SegmentOut]:
    """Render an acknowledgement as the body of a 997 or 999 (ST/SE by the codec)."""
    if not isinstance(doc, Acknowledgement):
        raise FormatError(f"the X12 {set_type} carries acknowledgements, not {doc.type}")
    fid, acked_type = _acked(doc)
    is999 = set_type == "999"
    segs: list[SegmentOut] = [["AK1", fid, doc.acknowledges.group_ref or "1", *([version] if is999 else [])]]
    by_set: dict[str, list[AckError]] = {ref: [] for ref in doc.acknowledges.message_refs}
    set_level: dict[str, list[str]] = {ref: [] for ref in doc.acknowledges.message_refs}
    group_codes: list[str] = []
    rejecting: set[str] = set()  # sets with an error that is not merely tolerated
    for error in doc.errors:
        found = _MESSAGE.search(error.position)
        if found and found.group(1) in by_set:
            if not is_tolerated_entry(error.text):
                rejecting.add(found.group(1))
            if _SEGMENT.search(error.position):
                by_set[found.group(1)].append(error)
            else:
                set_level[found.group(1)].append(_code(error.code, codes.X12_SET_ERRORS, "5"))
        elif error.code:
            group_codes.append(error.code)
    accepted = 0
    set_types = _set_types(doc)
    for index, ref in enumerate(doc.acknowledges.message_refs):
        segs.append(["AK2", set_types[index] if index < len(set_types) and set_types[index] else acked_type, ref])
        last = None
        for error in by_set[ref]:
            seg_match = _SEGMENT.search(error.position)
            assert seg_match is not None
            element = _ELEMENT.search(error.position)
            component = _COMPONENT.search(error.position)
            where = (seg_match.group(2), seg_match.group(1))
            if element is None:
                segs.append(["IK3" if is999 else "AK3", where[0], where[1], "", _code(error.code, codes.X12_SEGMENT_ERRORS, "8")])
                last = where
                continue
            if last != where:
                segs.append(["IK3" if is999 else "AK3", where[0], where[1], "", "8"])
                last = where
            position = [element.group(1), component.group(1)] if component else element.group(1)
            segs.append(["IK4" if is999 else "AK4", position, "", _code(error.code, codes.X12_ELEMENT_ERRORS, "7")])
        has_errors = bool(by_set[ref] or set_level[ref])
        if doc.status == "rejected" or (ref in rejecting and doc.status == "partially_accepted"):
            code = "R"
        else:
            code = "E" if has_errors else "A"
            accepted += 1
        # AK502/IK502 5: one or more segments in error, when the errors are all in segments.
        set_codes = set_level[ref][:5] or (["5"] if by_set[ref] else [])
        segs.append(["IK5" if is999 else "AK5", code, *set_codes])
    summary = {"accepted": "E" if doc.errors else "A", "partially_accepted": "P", "rejected": "R"}.get(doc.status, "R")
    count = str(len(doc.acknowledges.message_refs))
    segs.append(["AK9", summary, count, count, str(accepted), *group_codes[:5]])
    return segs


def write_ta1(doc: Document) -> SegmentOut:
    """Render an acknowledgement as one TA1 segment (it stands between ISA and the groups)."""
    if not isinstance(doc, Acknowledgement):
        raise FormatError(f"a TA1 carries acknowledgements, not {doc.type}")
    when = doc.issued or dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M")
    code = {"accepted": "E" if doc.errors else "A", "partially_accepted": "E", "rejected": "R"}.get(doc.status, "R")
    note = next((e.code for e in doc.errors if e.code in codes.X12_TA1_NOTES), "000")
    ref = doc.acknowledges.interchange_ref
    return ["TA1", ref.zfill(9) if ref.isdigit() else ref, day(when)[2:], clock(when) or "0000", code, note]
