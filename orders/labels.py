"""Transport labels for a despatch advice: VDA 4902 / Odette GTL (VDA 4994) layout, as PDF and ZPL.

One label per package label id (Packstück-Nr.). Each carries the fields a goods-receipt
clerk scans: delivery note (data identifier ``N``), customer part (``P``), quantity
(``Q``), supplier number (``V``), package id (``S``) and batch (``H``) as Code 128, and
all of them again in one 2D code (DataMatrix in the PDF and ZPL) in the ISO/IEC 15434
"06" envelope the GTL uses, so a single scan books the package.

Packages are matched to lines by position (the canonical ASN does not link them): package
row *i* belongs to line *i*, and when there are fewer lines, the rows beyond them belong
to the last line. A line's quantity is spread over its labels; the last label carries the
remainder. An ASN without packages gets one label per line, without a package id.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.http import HttpResponse

from hub.formats.canonical import DespatchAdvice, decimal_text, from_json

RS, GS, EOT = "\x1e", "\x1d", "\x04"


@dataclass(frozen=True)
class Label:
    """The fields of one VDA 4902 / GTL label (numbered as on the VDA form)."""

    receiver: str  # (1) Warenempfänger: plant code and name
    unloading_point: str  # (2) Abladestelle
    delivery_note: str  # (3) Lieferschein-Nr.
    supplier: str  # (4) Lieferant: name
    gross_weight: str  # (5) Gewicht brutto (kg), of the whole shipment
    packages: str  # (6) Anzahl Packstücke: "n of total"
    part: str  # (8) Sachnummer Kunde
    quantity: str  # (9) Füllmenge
    unit: str
    description: str  # (10) Bezeichnung
    supplier_part: str  # (11) Sachnummer Lieferant
    supplier_number: str  # (12) Lieferanten-Nr.
    date: str  # (13) Datum (ship date)
    package_id: str  # (15) Packstück-Nr.
    batch: str  # (16) Chargen-Nr.
    package_type: str

    def data_matrix(self) -> str:
        """The 2D code's content: ISO/IEC 15434 format 06 with the VDA/ANSI MH10 data identifiers."""
        fields = [
            ("P", self.part),
            ("Q", self.quantity),
            ("V", self.supplier_number),
            ("N", self.delivery_note),
            ("S", self.package_id),
            ("H", self.batch),
        ]
        body = GS.join(f"{key}{value}" for key, value in fields if value)
        return f"[)>{RS}06{GS}{body}{RS}{EOT}"


def labels_of(*, advice: Any) -> list[Label]:
    """The labels of a stored despatch advice (``orders.models.DespatchAdvice``), in package order."""
    doc = from_json(advice.document)
    assert isinstance(doc, DespatchAdvice)
    descriptions = _descriptions(advice, {line.buyer_part for line in doc.lines})
    lines = doc.lines
    if not lines:
        return []
    groups: list[tuple[int, Any]] = []  # (line index, package)
    for index, package in enumerate(doc.packages):
        groups.append((min(index, len(lines) - 1), package))
    per_line: dict[int, list[tuple[str, str]]] = {i: [] for i in range(len(lines))}
    for line_index, package in groups:
        ids = list(package.label_ids) or [""] * int(package.count or 0)
        per_line[line_index] += [(label_id, package.type) for label_id in ids]
    for i in per_line:
        if not per_line[i]:
            per_line[i] = [("", "")]
    total = sum(len(v) for v in per_line.values())
    labels: list[Label] = []
    weight = decimal_text(doc.gross_weight) if doc.gross_weight is not None else ""
    for line_index, line in enumerate(lines):
        packages = per_line[line_index]
        for position, quantity in enumerate(_split(line.quantity, len(packages))):
            package_id, package_type = packages[position]
            labels.append(
                Label(
                    receiver=f"{advice.plant.code} {advice.plant.name}".strip(),
                    unloading_point=doc.ship_to.unloading_point,
                    delivery_note=doc.number,
                    supplier=advice.supplier.name,
                    gross_weight=weight,
                    packages=f"{len(labels) + 1}/{total}",
                    part=line.buyer_part,
                    quantity=decimal_text(quantity),
                    unit=line.unit,
                    description=descriptions.get(line.buyer_part, ""),
                    supplier_part=line.supplier_part,
                    supplier_number=advice.supplier.number,
                    date=doc.ship_date or "",
                    package_id=package_id,
                    batch=line.batch,
                    package_type=package_type,
                )
            )
    return labels


def _descriptions(advice: Any, parts: set[str]) -> dict[str, str]:
    """Part descriptions from the call-offs of the advice's supplier and plant (ASNs carry none)."""
    from orders.models import ScheduleLine

    rows = (
        ScheduleLine.objects.filter(schedule__supplier=advice.supplier_id, schedule__plant=advice.plant_id, buyer_part__in=parts)
        .exclude(description="")
        .order_by("schedule__created_at")
        .values_list("buyer_part", "description")
    )
    return dict(rows)


def _split(quantity: Decimal, parts: int) -> list[Decimal]:
    """Spread ``quantity`` over ``parts`` labels: equal whole shares, the remainder on the last."""
    if parts <= 1:
        return [quantity]
    share = (quantity / parts).quantize(Decimal(1), rounding=ROUND_FLOOR)
    return [share] * (parts - 1) + [quantity - share * (parts - 1)]


# -- PDF (reportlab) ----------------------------------------------------------------------------

# (title, attribute, data identifier for a Code 128 or "") per box, in rows of the VDA layout.
_ROWS: list[list[tuple[str, str, str]]] = [
    [("(1) Warenempfänger / Receiver", "receiver", ""), ("(2) Abladestelle / Unloading point", "unloading_point", "")],
    [("(3) Lieferschein-Nr. / Delivery note", "delivery_note", "N"), ("(4) Lieferant / Supplier", "supplier", "")],
    [("(5) Gewicht brutto kg / Gross weight", "gross_weight", ""), ("(6) Packstücke / Packages", "packages", "")],
    [("(8) Sachnummer Kunde / Customer part", "part", "P")],
    [("(9) Füllmenge / Quantity", "quantity", "Q"), ("(10) Bezeichnung / Description", "description", "")],
    [("(11) Sachnummer Lieferant / Supplier part", "supplier_part", ""), ("(12) Lieferanten-Nr. / Supplier no.", "supplier_number", "V")],
    [("(13) Datum / Date", "date", ""), ("(15) Packstück-Nr. / Package id", "package_id", "S"), ("(16) Charge / Batch", "batch", "H")],
]


def labels_pdf(labels: list[Label]) -> bytes:
    """Render the labels as a PDF, one A5 landscape page (210 x 148 mm, the VDA 4902 size) per label."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import createBarcodeDrawing
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle("Transport labels")
    margin = 6 * mm
    code_width = 34 * mm  # the 2D code sits on the right, beside the boxes
    for label in labels:
        box_width = width - 2 * margin - code_width - 3 * mm
        row_height = (height - 2 * margin) / len(_ROWS)
        for row_index, row in enumerate(_ROWS):
            y = height - margin - (row_index + 1) * row_height
            cell = box_width / len(row)
            for col, (title, attr, identifier) in enumerate(row):
                x = margin + col * cell
                value = str(getattr(label, attr))
                if attr == "quantity" and label.unit:
                    value = f"{value} {label.unit}"
                pdf.rect(x, y, cell, row_height)
                pdf.setFont("Helvetica", 6)
                pdf.drawString(x + 1.5 * mm, y + row_height - 3 * mm, title)
                pdf.setFont("Helvetica-Bold", 11 if identifier else 9)
                pdf.drawString(x + 1.5 * mm, y + row_height - 7.5 * mm, value[:60])
                raw = getattr(label, attr)
                if identifier and raw:
                    module = 0.28 * mm
                    bars = createBarcodeDrawing(
                        "Code128", value=f"{identifier}{raw}", barHeight=6 * mm, barWidth=module, humanReadable=False
                    )
                    room = cell - 3 * mm
                    if bars.width > room:  # a long value: narrower bars rather than a code over the box edge
                        module *= room / bars.width
                        bars = createBarcodeDrawing(
                            "Code128", value=f"{identifier}{raw}", barHeight=6 * mm, barWidth=module, humanReadable=False
                        )
                    renderPDF.draw(bars, pdf, x + 1.5 * mm, y + 1 * mm)
        matrix = createBarcodeDrawing("ECC200DataMatrix", value=label.data_matrix())
        scale = code_width / max(matrix.width, 1)
        matrix.scale(scale, scale)
        matrix.width, matrix.height = matrix.width * scale, matrix.height * scale
        renderPDF.draw(matrix, pdf, width - margin - code_width, height - margin - code_width)
        pdf.setFont("Helvetica", 6)
        pdf.drawString(width - margin - code_width, height - margin - code_width - 3 * mm, "Odette GTL / VDA 4994")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# -- ZPL (thermal printers) -------------------------------------------------------------------------


def _zpl_text(value: str) -> str:
    """A field value for ^FD under ^FH: the ZPL control characters and non-ASCII as _hex escapes."""
    out = []
    for ch in value:
        if ch in "^~_" or not 32 <= ord(ch) < 127:
            out.extend(f"_{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def labels_zpl(labels: list[Label]) -> str:
    """Render the labels as ZPL II for a 203 dpi thermal printer, one ^XA...^XZ per label (A5-sized, 1654 x 1169 dots)."""
    blocks: list[str] = []
    for label in labels:
        lines = ["^XA", "^CI28", "^PW1654", "^LL1169", "^LH0,0"]
        y = 30
        for row in _ROWS:
            cell = 1260 // len(row)
            for col, (title, attr, identifier) in enumerate(row):
                x = 30 + col * cell
                raw = str(getattr(label, attr))
                shown = f"{raw} {label.unit}" if attr == "quantity" and label.unit else raw
                lines.append(f"^FO{x},{y}^GB{cell},160,2^FS")
                lines.append(f"^FO{x + 10},{y + 10}^A0N,20,20^FH^FD{_zpl_text(title)}^FS")
                lines.append(f"^FO{x + 10},{y + 36}^A0N,36,36^FH^FD{_zpl_text(shown)}^FS")
                if identifier and raw:
                    lines.append(f"^FO{x + 10},{y + 80}^BY2^BCN,70,N,N,N^FH^FD{_zpl_text(identifier + raw)}^FS")
            y += 160
        lines.append(f"^FO1320,30^BXN,8,200^FH^FD{_zpl_text(label.data_matrix())}^FS")
        lines.append("^FO1320,420^A0N,20,20^FDOdette GTL / VDA 4994^FS")
        lines.append("^XZ")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"


def label_response(advice: Any, printer: str) -> HttpResponse:
    """The labels of a stored despatch advice as a download: ``pdf`` (shown inline) or ``zpl``."""
    labels = labels_of(advice=advice)
    name = "labels-" + re.sub(r"[^A-Za-z0-9._-]", "_", advice.number)
    if printer == "zpl":
        response = HttpResponse(labels_zpl(labels), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.zpl"'
        return response
    response = HttpResponse(labels_pdf(labels), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
