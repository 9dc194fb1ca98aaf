"""Export a call-off grid as the portal shows it: CSV, XLSX (openpyxl) and PDF (reportlab).

Each export holds the same table: one row per part, its unit and cumulative quantities,
then one column per date or period. XLSX and PDF also colour firm and forecast cells and
mark changes since the compared call-off; CSV carries the values alone (formula-safe text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from hub.formats.tabular.neutral import neutralise_row
from orders.calloffs import CHANGE_LABELS, FIRM, Column, Grid

# The PDF's standard fonts carry Latin-1 only (no arrows): a change shows as its colour and
# the quantity before in brackets, with a legend of the colours above the table.
CHANGE_COLOURS = {"up": "#D5F2DD", "down": "#FBD9D6", "new": "#FDF0C8", "dropped": "#FBD9D6"}
FIRM_COLOUR = "#D5E8F7"


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _column_label(column: Column) -> str:
    if column.date_to:
        return f"{_day(column.date)}–{_day(column.date_to)}"
    return _day(column.date)


def _header(grid: Grid) -> list[str]:
    fixed = [_("Part"), _("Supplier part"), _("Description"), _("Unit"), _("Cumulative received"), _("Cumulative shipped"), _("Difference")]
    return fixed + [_column_label(c) for c in grid.columns]


def _values(grid: Grid) -> list[list[object]]:
    rows: list[list[object]] = []
    for row in grid.rows:
        line = row.line
        fixed: list[object] = [line.buyer_part, line.supplier_part, line.description, row.unit, row.cumulative_received, row.cumulative_shipped, row.cumulative_difference]
        rows.append(fixed + [cell.quantity for cell in row.cells])
    return rows


def filename(grid: Grid, extension: str) -> str:
    """A download name that says what it is: ``call-off-<number>.<extension>``, ``call-offs-<plant>-<supplier>.<extension>``."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in grid.name)
    return f"call-off-{safe}.{extension}" if grid.schedule is not None else f"call-offs-{safe}.{extension}"


def _title(grid: Grid) -> list[str]:
    if grid.schedule is not None:
        return [_("Call-off"), grid.schedule.number, _("Plant"), grid.plant.code, _("Issued"), _day(grid.schedule.issued)]
    return [_("Current call-offs"), "", _("Plant"), grid.plant.code, _("Supplier"), grid.supplier.number]


def grid_csv(grid: Grid) -> bytes:
    """The grid as CSV (UTF-8 with BOM for spreadsheets; quantities as plain numbers, ISO dates in the header)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    header = _header(grid)[:7] + [c.key for c in grid.columns]
    writer.writerow(neutralise_row(header))
    for values in _values(grid):
        writer.writerow(neutralise_row(["" if v is None else v for v in values]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def grid_xlsx(grid: Grid) -> bytes:
    """The grid as an XLSX workbook: numbers as numbers, firm cells shaded, changed cells coloured by kind; a second sheet lists the changes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = _("Call-off")[:31]
    sheet.append(_title(grid))
    sheet.append([])
    sheet.append(_header(grid))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    firm = PatternFill("solid", fgColor=FIRM_COLOUR[1:])
    fills = {kind: PatternFill("solid", fgColor=colour[1:]) for kind, colour in CHANGE_COLOURS.items()}
    changes: list[list[object]] = []
    # Row numbers are counted here: openpyxl's max_row scans every cell, once per cell would be quadratic.
    for number, (row, values) in enumerate(zip(grid.rows, _values(grid), strict=True), 4):
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
        for index, item in enumerate(row.cells):
            if item.change:
                sheet.cell(row=number, column=8 + index).fill = fills[item.change]
                column = grid.columns[index]
                changes.append([row.line.buyer_part, column.date, column.date_to, str(CHANGE_LABELS[item.change]), _float(item.previous), _float(item.quantity)])
            elif item.commitment in FIRM:
                sheet.cell(row=number, column=8 + index).fill = firm
        for column in range(1, 5):
            sheet.cell(row=number, column=column).data_type = "s"  # part numbers and descriptions stay text, never a formula
    listing = book.create_sheet(_("Changes")[:31])
    listing.append([_("Part"), _("Date"), _("until"), _("Change"), _("before"), _("now")])
    for number, values in enumerate(changes, 2):
        listing.append(values)
        listing.cell(row=number, column=1).data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


DATES_PER_TABLE = 12  # what fits beside the part columns on landscape A4 at 7 pt


def _number(value: Decimal | None) -> str:
    """A quantity in the user's locale without trailing zeros (12.500 -> 12,5; 5000.000 -> 5000)."""
    if value is None:
        return ""
    plain = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(plain, use_l10n=True)


def _pdf_table(grid: Grid, fixed_header: list[str], block: range) -> object:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data: list[list[str]] = [fixed_header + [_column_label(grid.columns[i]) for i in block]]
    style: list = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 7),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 7),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
    ]
    for y, row in enumerate(grid.rows, 1):
        cells = []
        for x, index in enumerate(block, len(fixed_header)):
            cell = row.cells[index]
            text = _number(cell.quantity)
            if cell.change:
                text = text if cell.change == "new" else f"{text} ({_number(cell.previous)})".strip()
                style.append(("BACKGROUND", (x, y), (x, y), colors.HexColor(CHANGE_COLOURS[cell.change])))
            elif cell.commitment in FIRM:
                style.append(("BACKGROUND", (x, y), (x, y), colors.HexColor(FIRM_COLOUR)))
            cells.append(text)
        numbers = [row.cumulative_received, row.cumulative_shipped, row.cumulative_difference]
        data.append([row.line.buyer_part, row.unit] + [_number(n) for n in numbers] + cells)
        if row.cumulative_difference:
            style.append(("TEXTCOLOR", (4, y), (4, y), colors.HexColor("#B8433A")))
    table = Table(data, repeatRows=1, hAlign="LEFT", spaceBefore=8)
    table.setStyle(TableStyle(style))
    return table


def grid_pdf(grid: Grid) -> bytes:
    """The grid as a landscape A4 PDF (reportlab): firm cells shaded, changes coloured with the quantity before in brackets."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=24, rightMargin=24, topMargin=24, bottomMargin=24, title=filename(grid, "pdf"))
    styles = getSampleStyleSheet()
    parts = _title(grid)
    title = " · ".join(f"{label} {value}".strip() for label, value in zip(parts[::2], parts[1::2], strict=True))
    story: list = [Paragraph(title, styles["Heading2"])]
    if grid.previous is not None:
        story.append(Paragraph(_("Changes since call-off %(number)s") % {"number": grid.previous.number}, styles["Normal"]))
    legend = [str(CHANGE_LABELS[kind]) for kind in CHANGE_COLOURS] + [_("firm")]
    legend_table = Table([legend], hAlign="LEFT")
    legend_table.setStyle(TableStyle(
        [("FONT", (0, 0), (-1, -1), "Helvetica", 7)]
        + [("BACKGROUND", (i, 0), (i, 0), colors.HexColor(colour)) for i, colour in enumerate([*CHANGE_COLOURS.values(), FIRM_COLOUR])]
    ))
    story.append(legend_table)
    fixed_header = [_("Part"), _("Unit"), _("Cum. received"), _("Cum. shipped"), _("Difference")]
    # Many dates would run off the page: the dates go in blocks, each a table of its own with the part columns again.
    for start in range(0, max(len(grid.columns), 1), DATES_PER_TABLE):
        block = range(start, min(start + DATES_PER_TABLE, len(grid.columns)))
        story.append(_pdf_table(grid, fixed_header, block))
    doc.build(story)
    return out.getvalue()
