"""The staff form for call-offs issued by plants: header fields and one row per quantity.

A row is ``part;date;quantity;commitment`` (tab also separates, so rows paste from a
spreadsheet); the commitment may be left out (firm). The form only reads what was typed
into a canonical call-off; ``orders.submit.delivery_schedule_submit`` checks and sends it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.formats.canonical import DeliverySchedule, Party, ScheduleLine, ScheduleQuantity
from orders.models import DeliverySchedule as StoredCallOff

SEPARATOR = re.compile(r"[;\t]")
MAX_ROWS = 2000


class CallOffForm(forms.Form):
    """A call-off as staff type it."""

    supplier = forms.CharField(label=gettext_lazy("Supplier number"), max_length=35)
    plant = forms.CharField(label=gettext_lazy("Plant"), max_length=20)
    number = forms.CharField(label=gettext_lazy("Call-off number"), max_length=35)
    previous_number = forms.CharField(label=gettext_lazy("Replaces call-off"), max_length=35, required=False)
    unloading_point = forms.CharField(label=gettext_lazy("Unloading point"), max_length=25, required=False)
    rows = forms.CharField(
        label=gettext_lazy("Quantities"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=gettext_lazy(
            "One row per part and date: part;date (YYYY-MM-DD);quantity;commitment (firm, production, material, forecast; empty: firm)"
        ),
    )

    def clean_rows(self) -> list[tuple[str, str, Decimal, str]]:
        """The rows as (part, date, quantity, commitment); every bad row is named by its number."""
        parsed, problems = [], []
        rows = [r for r in self.cleaned_data["rows"].splitlines() if r.strip()]
        if len(rows) > MAX_ROWS:
            raise forms.ValidationError(_("At most %(n)d rows.") % {"n": MAX_ROWS})
        for n, row in enumerate(rows, start=1):
            cells = [c.strip() for c in SEPARATOR.split(row)]
            if len(cells) < 3 or len(cells) > 4:
                problems.append(_("Row %(n)d: write part;date;quantity;commitment.") % {"n": n})
                continue
            part, date, quantity, commitment = (*cells, "firm") if len(cells) == 3 else cells
            try:
                amount = Decimal(quantity.replace(",", "."))
            except InvalidOperation:
                problems.append(_("Row %(n)d: %(value)s is not a quantity.") % {"n": n, "value": quantity})
                continue
            parsed.append((part, date, amount, commitment.lower() or "firm"))
        if problems:
            raise forms.ValidationError(problems)
        return parsed

    def document(self) -> DeliverySchedule:
        """The canonical call-off the cleaned form describes (one line per part, in the order typed)."""
        data = self.cleaned_data
        lines: dict[str, ScheduleLine] = {}
        for part, date, quantity, commitment in data["rows"]:
            line = lines.setdefault(part, ScheduleLine(buyer_part=part, unloading_point=data["unloading_point"]))
            line.schedule.append(ScheduleQuantity(quantity=quantity, commitment=commitment, date=date))
        return DeliverySchedule(
            number=data["number"], previous_number=data["previous_number"], supplier=Party(id=data["supplier"].strip()),
            ship_to=Party(id=data["plant"].strip(), plant=data["plant"].strip(), unloading_point=data["unloading_point"]),
            lines=list(lines.values()),
        )  # fmt: skip


def initial_from(call_off: StoredCallOff) -> dict[str, Any]:
    """The form prefilled from a stored call-off, to correct it: same parties and quantities, a new number to enter."""
    rows = [
        f"{line.buyer_part};{q.date.isoformat()};{format(q.quantity.normalize(), 'f')};{q.commitment}"
        for line in call_off.lines.filter(superseded_by__isnull=True).prefetch_related("quantities")
        for q in line.quantities.all()
        if q.date is not None
    ]
    first = call_off.lines.first()
    return {
        "supplier": call_off.supplier.number, "plant": call_off.plant.code, "previous_number": call_off.number,
        "unloading_point": first.unloading_point if first else "", "rows": "\n".join(rows),
    }  # fmt: skip
