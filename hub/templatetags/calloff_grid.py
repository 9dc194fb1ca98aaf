"""``{% grid_cells row %}``: a call-off grid row's date cells, built in one call.

A grid of a hundred parts across weeks has thousands of cells; as template markup each cell
cost some twenty tag evaluations (0.4 s a page), built here it is one string per cell. The
markup is the same: commitment and change classes, ``data-change``, the quantity before.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

MARKS = {"up": "↑ ", "down": "↓ ", "new": "+ ", "dropped": "× "}


def _number(value: Any) -> str:
    return "" if value is None else floatformat(value, "-3")


@register.simple_tag
def grid_cells(row: Any) -> SafeString:
    """The ``<td>`` of every date of ``row`` (an ``orders.calloffs.Row``)."""
    before_label = _("before")
    cells = []
    for cell in row.cells:
        css = "num"
        if cell.commitment:
            css += " c-forecast" if cell.commitment == "forecast" else " c-firm"
        if not cell.change:
            cells.append((css, "", "", "", _number(cell.quantity), ""))
            continue
        before = _number(cell.previous)
        shown_before = f" ({before})" if cell.change != "new" else ""
        cells.append((f"{css} chg-{cell.change}", cell.change, f"{before_label}: {before or '–'}", MARKS[cell.change], _number(cell.quantity), shown_before))
    return mark_safe("".join(_cell(*values) for values in cells))  # noqa: S308 - every part escaped by format_html


def _cell(css: str, change: str, title: str, mark: str, quantity: str, before: str) -> SafeString:
    if not change:
        return format_html('<td class="{}">{}</td>', css, quantity)
    return format_html('<td class="{}" data-change="{}" title="{}">{}{}<small class="before">{}</small></td>', css, change, title, mark, quantity, before)
