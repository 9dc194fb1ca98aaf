"""Portal template helpers: optional nav links, readable document types and units."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

DOCUMENT_TYPES = {
    "delivery_schedule": _("Call-off"),
    "purchase_order": _("Purchase order"),
    "despatch_advice": _("Despatch advice"),
    "order_response": _("Order response"),
    "acknowledgement": _("Acknowledgement"),
}

# Commitment levels of a call-off's quantities (canonical ``commitment``).
COMMITMENTS = {"firm": _("firm"), "production": _("production release"), "material": _("material release"), "forecast": _("forecast")}

# UN/ECE Rec 20 codes a dispatcher meets every day, in words; others show as the code.
UNITS = {"C62": _("pcs"), "H87": _("pcs"), "PCE": _("pcs"), "KGM": _("kg"), "MTR": _("m"), "LTR": _("l"), "MTK": _("m²"), "TNE": _("t"), "SET": _("sets")}


@register.simple_tag
def optional_url(name: str, *args: Any) -> str:
    """The URL of ``name``, or '' where no such page exists (yet): nav links for pages others add."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def document_type(value: str) -> str:
    """``delivery_schedule`` -> "Call-off" (in the active language)."""
    return str(DOCUMENT_TYPES.get(value, value.replace("_", " ")))


@register.filter
def unit(value: str) -> str:
    """A unit code in words where it has one: ``C62`` -> "pcs" / "Stk"."""
    return str(UNITS.get(value, value))


@register.filter
def commitment(value: str) -> str:
    """``firm`` -> "firm" / "fest": a quantity's commitment in the active language."""
    return str(COMMITMENTS.get(value, value))
