"""Hypothesis strategies for canonical documents, derived from the model itself.

``documents()`` builds any canonical document the hub XML and JSON Schema must carry;
the dialect strategies (UBL, cXML, tabular) fill only the fields their format carries,
so a round trip must give back exactly the same document.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st

from hub.formats import canonical
from hub.formats.xml import model

# Any text XML 1.0 can hold (no surrogates, no control characters).
any_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
# Identifiers as partners send them: no surrounding blanks, never empty.
ids = st.text(string.ascii_letters + string.digits + "-/. ", min_size=1, max_size=12).map(str.strip).filter(bool)
words = st.text(string.ascii_letters + string.digits + "äöüÄÖÜß -.,&'\"<>", min_size=1, max_size=20).map(str.strip).filter(bool)
days = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)).map(dt.date.isoformat)
minutes = st.builds(lambda d, h, m: f"{d}T{h:02d}:{m:02d}", days, st.integers(0, 23), st.integers(0, 59))
iso_dates = st.one_of(days, minutes)
quantities = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)
units = st.sampled_from(["C62", "KGM", "MTR", "LTR", "SET", "PR"])


def _for(spec: model.FieldSpec, depth: int) -> st.SearchStrategy[Any]:
    if spec.kind == "str":
        base: st.SearchStrategy[Any] = any_text
    elif spec.kind == "date":
        base = iso_dates
    elif spec.kind == "decimal":
        base = st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False)
    elif spec.kind == "int":
        base = st.integers(0, 10**6)
    elif spec.kind == "enum":
        base = st.sampled_from(model.ENUMS[spec.target])
    elif spec.kind == "one":
        base = instances(spec.target, depth + 1)
    elif spec.kind == "many":
        base = st.lists(instances(spec.target, depth + 1), max_size=3 if depth < 2 else 2)
    else:
        base = st.lists(any_text, max_size=3)
    return st.one_of(st.none(), base) if spec.optional else base


def instances(cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    """Any instance of a canonical dataclass, every field filled from its schema type."""
    return st.builds(cls, **{spec.attr: _for(spec, depth) for spec in model.fields_of(cls)})


def documents() -> st.SearchStrategy[canonical.Document]:
    """Any canonical document of any type."""
    return st.one_of(*(instances(cls) for cls in canonical.DOCUMENT_TYPES.values()))


# --------------------------------------------------------------------------- dialect subsets

party_ids = st.builds(canonical.PartyId, scheme=ids, id=ids)
parties = st.builds(canonical.Party, id=ids, name=words)


def _str(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


ubl_order = st.builds(
    canonical.PurchaseOrder,
    number=ids,
    issued=iso_dates,
    sender=party_ids,
    receiver=party_ids,
    buyer=parties,
    supplier=parties,
    ship_to=parties,
    currency=st.sampled_from(["", "EUR", "USD"]),
    lines=st.lists(
        st.builds(
            canonical.OrderLine,
            line=ids,
            buyer_part=_str(ids),
            supplier_part=_str(ids),
            description=_str(words),
            quantity=quantities,
            unit=units,
            price=st.one_of(st.none(), quantities),
            requested_date=st.one_of(st.none(), iso_dates),
        ),
        max_size=4,
    ),
)

ubl_order_response = st.builds(
    canonical.OrderResponse,
    number=ids,
    issued=iso_dates,
    sender=party_ids,
    receiver=party_ids,
    buyer=parties,
    supplier=parties,
    order_number=ids,
    status=st.sampled_from(model.ENUMS["OrderStatus"]),
    lines=st.lists(
        st.builds(
            canonical.ResponseLine,
            line=ids,
            buyer_part=_str(ids),
            supplier_part=_str(ids),
            quantity=quantities,
            unit=units,
            status=st.sampled_from(model.ENUMS["OrderStatus"]),
            date=st.one_of(st.none(), iso_dates),
        ),
        max_size=4,
    ),
)

despatch_lines = st.lists(
    st.builds(
        canonical.DespatchLine,
        buyer_part=_str(ids),
        supplier_part=_str(ids),
        quantity=quantities,
        unit=units,
        order_number=_str(ids),
        batch=_str(ids),
    ),
    max_size=4,
)

ubl_despatch_advice = st.builds(
    canonical.DespatchAdvice,
    number=ids,
    issued=iso_dates,
    sender=party_ids,
    receiver=party_ids,
    buyer=st.one_of(st.just(canonical.Party()), parties),
    supplier=parties,
    ship_to=parties,
    ship_date=st.one_of(st.none(), iso_dates),
    arrival_date=st.one_of(st.none(), iso_dates),
    carrier=_str(words),
    transport_id=_str(ids),
    gross_weight=st.one_of(st.none(), quantities),
    packages=st.lists(
        st.builds(canonical.Package, type=_str(ids), count=st.integers(0, 999), label_ids=st.lists(ids, max_size=3)), max_size=3
    ),
    lines=despatch_lines,
)

# cXML writes a currency on every Money element; an order without one would come back as EUR
cxml_order = ubl_order.map(lambda d: dataclasses.replace(d, currency=d.currency or "EUR"))

cxml_ship_notice = st.builds(
    canonical.DespatchAdvice,
    number=ids,
    issued=iso_dates,
    sender=party_ids,
    receiver=party_ids,
    buyer=st.one_of(st.just(canonical.Party()), parties),
    supplier=parties,
    ship_to=parties,
    ship_date=st.one_of(st.none(), iso_dates),
    arrival_date=st.one_of(st.none(), iso_dates),
    carrier=_str(words),
    transport_id=_str(ids),
    lines=despatch_lines,
)
