"""IDocs as data: control record, segments; reading them from flat files and XML, writing both.

An ``IDoc`` is its control record (EDI_DC40 fields by name) and its segments in file
order, each with its segment type (E1...), its fields by name, its depth in the
hierarchy and where it stands in the file (record number for flat files, line for XML).
The message mappings (``mapping.py``) only see this, so flat and XML IDocs share them.

Both readers are generators that yield one IDoc at a time: a file of many IDocs is held
one IDoc at a time (XML through ``safe.iter_children``, which frees each IDOC element).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from hub.formats.errors import FormatError, Position
from hub.formats.idoc import layouts as L

_BOM = "\ufeff"


@dataclass
class IdocPosition(Position):
    """Where in an IDoc file: ``record 7 (E1EDP01), field MENGE`` (flat) or ``line 12 (E1EDP01), field MENGE`` (XML)."""

    field_name: str = ""

    def describe(self) -> str:
        """Say the position in words a clerk can find in the file."""
        parts: list[str] = []
        if self.segment is not None:
            parts.append(f"record {self.segment}" + (f" ({self.tag})" if self.tag else ""))
        elif self.line is not None:
            parts.append(f"line {self.line}" + (f" ({self.tag})" if self.tag else ""))
        elif self.tag:
            parts.append(self.tag)
        if self.field_name:
            parts.append(f"field {self.field_name}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class IdocError(FormatError):
    """A FormatError that names its IDoc by number: ``... [IDoc 0000000000123456]``."""

    def __str__(self) -> str:
        where = self.position.describe()
        ref = f" [IDoc {self.position.message_ref}]" if self.position.message_ref else ""
        return f"{where}: {self.text}{ref}" if where else f"{self.text}{ref}"


@dataclass
class Segment:
    """One data record / XML segment: type, fields, depth (1 = top level) and position."""

    type: str
    fields: dict[str, str]
    depth: int = 1
    record: int | None = None  # flat: 1-based record (line) number in the file
    line: int | None = None  # XML: line of the segment element
    field_lines: dict[str, int] = field(default_factory=dict)  # XML: line of each field element
    docnum: str = ""
    name: str = ""  # the name as written (E2EDK01003 ...)

    def get(self, name: str) -> str:
        """The field's value with surrounding blanks removed ("" when absent)."""
        return self.fields.get(name, "").strip()

    def error(self, text: str, name: str = "", *, code: str = "invalid_value") -> IdocError:
        """An error positioned at this segment (and field)."""
        if self.record is not None:
            where = IdocPosition(segment=self.record, tag=self.type, field_name=name, message_ref=self.docnum)
        else:
            line = self.field_lines.get(name, self.line)
            where = IdocPosition(line=line, tag=self.type, field_name=name, message_ref=self.docnum)
        return IdocError(text, where, code=code)


@dataclass
class IDoc:
    """One IDoc: control record fields, segments, and where it starts in the file."""

    control: dict[str, str]
    segments: list[Segment] = field(default_factory=list)
    record: int | None = None
    line: int | None = None
    errors: list[FormatError] = field(default_factory=list)  # record-level faults found while reading

    def c(self, name: str) -> str:
        """A control record field, stripped."""
        return self.control.get(name, "").strip()

    @property
    def docnum(self) -> str:
        """The IDoc number (DOCNUM)."""
        return self.c("DOCNUM")

    def error(self, text: str, name: str = "", *, code: str = "envelope") -> IdocError:
        """An error positioned at the control record."""
        where = IdocPosition(segment=self.record, line=self.line if self.record is None else None, tag="EDI_DC40", field_name=name)
        where.message_ref = self.docnum
        return IdocError(text, where, code=code)


# --------------------------------------------------------------------------- flat files


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 (BOM skipped), else ISO-8859-1 with a warning."""
    warnings: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("iso8859_1")
        warnings.append("the IDoc file is not UTF-8; read as ISO-8859-1")
    if text.startswith(_BOM):
        text = text[1:]
    return text, warnings


def _cut(layout: L.Layout, text: str) -> dict[str, str]:
    return {name: text[start:end] for name, (start, end) in layout.offsets.items()}


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(record number, record) for each non-blank line; records without line breaks are cut by length."""
    if "\n" not in text and "\r" not in text and len(text) > L.CONTROL_LENGTH and text.startswith("EDI_DC"):
        # one long line: a 524-character control record, then 1063-character data records
        yield 1, text[: L.CONTROL_LENGTH]
        number = 1
        for at in range(L.CONTROL_LENGTH, len(text), L.DATA_LENGTH):
            chunk = text[at : at + L.DATA_LENGTH]
            number += 1
            if chunk.startswith("EDI_DC"):
                # a further IDoc: its control record is shorter than a data record
                yield number, chunk[: L.CONTROL_LENGTH]
                continue
            yield number, chunk
        return
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line.strip():
            yield number, line


def read_flat(text: str) -> Iterator[IDoc | FormatError]:
    """Yield each IDoc of a flat file as soon as its last record is read; stray records as errors."""
    current: IDoc | None = None
    for number, line in _lines(text):
        if line.startswith("EDI_DC"):
            if current is not None:
                yield current
            control = _cut(L.CONTROL, line.ljust(L.CONTROL_LENGTH))
            current = IDoc(control=control, record=number)
            if not line.startswith("EDI_DC40"):
                current.errors.append(current.error(f"control record type '{line[:10].strip()}' read as EDI_DC40", "TABNAM"))
            continue
        if current is None:
            yield IdocError(
                f"a data record ('{line[:30].strip()}') before any EDI_DC40 control record",
                IdocPosition(segment=number, tag=line[:30].strip()[:30]),
                code="envelope",
            )
            continue
        head = _cut(L.DATA_HEADER, line[: L.HEADER_LENGTH].ljust(L.HEADER_LENGTH))
        name = head["SEGNAM"].strip()
        seg_type = L.segment_type(name)
        layout = L.SEGMENTS.get(seg_type)
        sdata = line[L.HEADER_LENGTH :]
        fields = _cut(layout, sdata.ljust(layout.width)) if layout else {}
        hlevel = head["HLEVEL"].strip()
        seg = Segment(
            type=seg_type,
            fields=fields,
            depth=max(int(hlevel) - 1, 1) if hlevel.isdigit() else 1,
            record=number,
            docnum=current.docnum,
            name=name,
        )
        docnum = head["DOCNUM"].strip()
        if docnum and current.docnum and docnum.lstrip("0") != current.docnum.lstrip("0"):
            current.errors.append(
                seg.error(f"DOCNUM '{docnum}' differs from the control record's DOCNUM '{current.docnum}'", "DOCNUM", code="envelope")
            )
        current.segments.append(seg)
    if current is not None:
        yield current


def write_flat(idoc: IDoc, segments: list[tuple[Segment, int]]) -> list[str]:
    """The records of one IDoc: the control record, then each segment with its parent number.

    ``segments`` holds ``(segment, parent index)`` with parent index -1 for top-level ones.
    """
    control = "".join(idoc.control.get(name, "").ljust(length)[:length] for name, length in L.CONTROL.rows)
    out = [control]
    mandt, docnum = idoc.control.get("MANDT", ""), idoc.control.get("DOCNUM", "")
    for index, (seg, parent) in enumerate(segments):
        layout = L.SEGMENTS[seg.type]
        sdata = "".join(seg.fields.get(name, "").ljust(length) for name, length in layout.rows)
        head = (
            seg.type.ljust(30)
            + mandt.ljust(3)[:3]
            + docnum.rjust(16, "0")[:16]
            + f"{index + 1:06d}"
            + (f"{parent + 1:06d}" if parent >= 0 else "000000")
            + f"{seg.depth + 1:02d}"
        )
        out.append(head + sdata.ljust(L.SDATA_LENGTH))
    return out


# --------------------------------------------------------------------------- XML IDocs

_SEGMENT_NAME = re.compile(r"^[A-Z/][A-Z0-9_/]*$")


def _xml_segment(element, depth: int, docnum: str, out: list[Segment]) -> None:  # noqa: ANN001 - lxml element
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    children = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        local = child.tag.rsplit("}", 1)[-1]
        if child.get("SEGMENT") is not None or len(child):
            children.append(child)
        else:
            fields[local] = child.text or ""
            lines[local] = child.sourceline
    local = element.tag.rsplit("}", 1)[-1]
    out.append(
        Segment(
            type=L.segment_type(local), fields=fields, depth=depth, line=element.sourceline, field_lines=lines, docnum=docnum, name=local
        )
    )
    for child in children:
        _xml_segment(child, depth + 1, docnum, out)


def xml_idoc(element) -> IDoc:  # noqa: ANN001 - lxml element
    """Read one ``<IDOC>`` element: its EDI_DC40 child, then its segments depth first."""
    control: dict[str, str] = {}
    idoc = IDoc(control=control, line=element.sourceline)
    segments: list[Segment] = []
    rest = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        local = child.tag.rsplit("}", 1)[-1]
        if local.startswith("EDI_DC") and not control:
            for item in child:
                if isinstance(item.tag, str):
                    control[item.tag.rsplit("}", 1)[-1]] = item.text or ""
            idoc.line = child.sourceline
        else:
            rest.append(child)
    for child in rest:
        _xml_segment(child, 1, idoc.docnum, segments)
    idoc.segments = segments
    return idoc


def write_xml(basic_type: str, idocs: list[tuple[IDoc, list[tuple[Segment, int]]]]) -> bytes:
    """An XML IDoc file: ``<BASICTYPE><IDOC BEGIN="1"><EDI_DC40 SEGMENT="1">...`` with nested segments."""
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f"<{basic_type}>\n")
    for idoc, segments in idocs:
        out.write('  <IDOC BEGIN="1">\n    <EDI_DC40 SEGMENT="1">\n')
        for name, _length in L.CONTROL.rows:
            value = idoc.control.get(name, "")
            if value:
                out.write(f"      <{name}>{escape(value)}</{name}>\n")
        out.write("    </EDI_DC40>\n")
        children: dict[int, list[int]] = {}
        for index, (_seg, parent) in enumerate(segments):
            children.setdefault(parent, []).append(index)
        for top in children.get(-1, []):
            _emit_xml(out, segments, children, top, 2)
        out.write("  </IDOC>\n")
    out.write(f"</{basic_type}>\n")
    return out.getvalue().encode("utf-8")


def _emit_xml(out: io.StringIO, segments: list[tuple[Segment, int]], children: dict[int, list[int]], index: int, indent: int) -> None:
    seg = segments[index][0]
    pad = "  " * indent
    out.write(f'{pad}<{seg.type} SEGMENT="1">\n')
    for name, _length in L.SEGMENTS[seg.type].rows:
        value = seg.fields.get(name, "")
        if value:
            out.write(f"{pad}  <{name}>{escape(value)}</{name}>\n")
    for child in children.get(index, []):
        _emit_xml(out, segments, children, child, indent + 1)
    out.write(f"{pad}</{seg.type}>\n")
