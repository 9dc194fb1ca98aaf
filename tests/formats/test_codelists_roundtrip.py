"""Round trips per family with the new identifiers and every unit of the family's code list.

Each family's own round-trip strategy (in its test module) gives the documents; these
tests give every line a unit drawn from what the family's unit list writes and reads
back, and identifiers of every scheme the family has a place for, then render, parse and
compare the whole canonical JSON. A scheme that would become a named field on the way
back (a buyer's catalogue number on a line without buyer_part) is only drawn where that
field is already set: the named field wins, as the code lists say.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats import codelists, codes
from hub.formats.canonical import Document, Identifier, add_identifier
from tests.formats import strategies as s
from tests.formats import test_edifact_roundtrip as edifact
from tests.formats import test_idoc as idoc
from tests.formats import test_vda_roundtrip as vda
from tests.formats import test_x12_roundtrip as x12
from tests.formats import test_xml_ubl_cxml as xml

SETTINGS = settings(
    max_examples=int(os.environ.get("CODELIST_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def round_trip_units(family: str) -> list[str]:
    """The Rec 20 units a family writes and reads back as themselves, without a warning."""
    units = codelists.unit_list(family)
    candidates = {c.canonical for c in units.codes}
    if units.rec20:
        candidates |= {c.code for c in codes.REC20.codes}
    return sorted(u for u in candidates if codes.unit_in(codes.unit_from_rec20(u, family), family) == (u, True))


def schemes_of(family: str, list_id: str) -> list[str]:
    return sorted({c.canonical for c in codelists.code_list(family, list_id).codes})


# Schemes that name a part: drawn only when the line already has that part (see the module docstring).
BUYER_SIDE = {"buyer_part", "buyer_item", "purchaser_item", "buyer_catalogue", "gtin", "unqualified"}
SUPPLIER_SIDE = {"supplier_part", "supplier_item", "supplier_style", "supplier_catalogue"}


def _allowed(line: Any, scheme: str) -> bool:
    if scheme in BUYER_SIDE:
        return bool(line.buyer_part)
    if scheme in SUPPLIER_SIDE:
        return bool(line.supplier_part)
    if scheme in ("batch", "order_number") and hasattr(line, scheme):
        return bool(getattr(line, scheme))  # the named field comes first on the way back
    return True


@st.composite
def with_codes(
    draw: st.DrawFn, docs: st.SearchStrategy[Document], family: str, schemes: list[str], values: st.SearchStrategy[str], one_each: bool = False
) -> Document:
    """A document of ``docs`` whose lines get the family's units and identifiers of ``schemes`` (``one_each``: at most one per scheme)."""
    doc = draw(docs)
    units = round_trip_units(family)
    for line in doc.lines:
        if getattr(line, "quantity", 0) is not None:  # a unit travels with its quantity
            line.unit = draw(st.sampled_from(units))
        line.identifiers = []
        allowed = [scheme for scheme in schemes if _allowed(line, scheme)]
        if not allowed:
            continue
        drawn = st.lists(st.tuples(st.sampled_from(allowed), values), max_size=4, unique_by=(lambda t: t[0]) if one_each else None)
        for scheme, value in draw(drawn):
            add_identifier(line, scheme, value)
    return doc


def _sorted_ids(doc: Document) -> Document:
    """Identifiers in a fixed order: their order carries no meaning."""
    for line in doc.lines:
        line.identifiers = sorted(line.identifiers, key=lambda i: (i.scheme, i.id))
    return doc


# --------------------------------------------------------------------------- X12

X12_SCHEMES = schemes_of("x12", "235")
x12_ids = x12.plain


X12_DOCS = st.one_of(
    with_codes(x12.purchase_orders(), "x12", X12_SCHEMES, x12_ids),
    with_codes(x12.order_responses(), "x12", X12_SCHEMES, x12_ids),
    # a despatch or schedule line has its own order number (PRF, REF): a PO pair would take its place
    with_codes(x12.despatch_advices(), "x12", [s_ for s_ in X12_SCHEMES if s_ != "order_number"], x12_ids),
    with_codes(x12.delivery_schedules(), "x12", [s_ for s_ in X12_SCHEMES if s_ != "order_number"], x12_ids),
)


@settings(SETTINGS, max_examples=4 * SETTINGS.max_examples)
@given(X12_DOCS, x12.versions)
def test_x12_850_855_856_830_862_keep_identifiers_units_and_statuses(doc, version):
    got, want = x12.round_trip(_sorted_ids(doc), version)
    if want["type"] == "despatch_advice":
        want = x12.lines_by_order(want)
    assert _ids_sorted(got) == _ids_sorted(want)


def _ids_sorted(body: dict[str, Any]) -> dict[str, Any]:
    for line in body.get("lines", []):
        if "identifiers" in line:
            line["identifiers"] = sorted(line["identifiers"], key=lambda i: (i["scheme"], i["id"]))
    return body


# --------------------------------------------------------------------------- EDIFACT

EDIFACT_SCHEMES = schemes_of("edifact", "7143")


def _edifact_check(doc: Document) -> None:
    data = edifact.CODEC.render([doc], edifact.OPTIONS)
    result = edifact.CODEC.parse(data)
    assert not result.all_errors, ([str(e) for e in result.all_errors], data)
    (back,) = result.documents
    back.source = doc.source
    assert _ids_sorted(edifact.to_json(back)) == _ids_sorted(edifact.to_json(doc)), data


EDIFACT_DOCS = st.one_of(
    *(
        with_codes(strategy, "edifact", EDIFACT_SCHEMES, edifact.ident)
        for strategy in (edifact.purchase_order(), edifact.order_response(), edifact.despatch_advice(), edifact.delivery_schedule())
    )
)


@settings(SETTINGS, max_examples=4 * SETTINGS.max_examples)
@given(EDIFACT_DOCS)
def test_edifact_orders_ordrsp_desadv_delfor_keep_identifiers_units_and_statuses(doc):
    _edifact_check(doc)


# --------------------------------------------------------------------------- UBL, cXML

UBL_SCHEMES = [c.canonical for c in codelists.code_list("ubl", "item").codes if c.canonical not in ("buyer_part", "supplier_part")]


def _xml_check(codec: Any, doc: Document, version: str = "") -> None:
    again = xml._round_trip(codec, doc, version)
    assert _sorted_ids(again) == _sorted_ids(dataclasses.replace(doc))


@SETTINGS
@given(with_codes(s.ubl_order, "ubl", UBL_SCHEMES, s.ids))
def test_ubl_order_keeps_identifiers_and_units(doc):
    _xml_check(xml.UBL, doc)


@SETTINGS
@given(with_codes(s.ubl_order_response, "ubl", UBL_SCHEMES, s.ids))
def test_ubl_order_response_keeps_identifiers_units_and_statuses(doc):
    _xml_check(xml.UBL, doc)


@SETTINGS
@given(with_codes(s.ubl_despatch_advice, "ubl", UBL_SCHEMES, s.ids))
def test_ubl_despatch_advice_keeps_identifiers_lots_and_units(doc):
    _xml_check(xml.UBL, doc, "2.2")


@SETTINGS
@given(with_codes(s.cxml_order, "cxml", ["supplier_part_auxiliary", "manufacturer_part"], s.ids, one_each=True))
def test_cxml_order_keeps_identifiers_and_units(doc):
    _xml_check(xml.CXML, doc)


# --------------------------------------------------------------------------- VDA, IDoc (units; their records have no place for more ids)


@SETTINGS
@given(st.lists(st.one_of(with_codes(vda.calloffs(), "vda", [], st.just("")), with_codes(vda.despatches(), "vda", [], st.just(""))), min_size=1, max_size=3))
def test_vda_keeps_units_of_its_own_list(docs):
    assert [vda.comparable(d) for d in vda.round_trip(docs)] == [vda.comparable(d) for d in docs]


@settings(SETTINGS, max_examples=10)
@given(st.lists(with_codes(idoc.purchase_orders(), "idoc", ["gtin"], s.ids), min_size=1, max_size=2), st.sampled_from([idoc.FLAT, idoc.XML]))
def test_idoc_orders_keep_identifiers_and_units(docs, codec):
    idoc.round_trip(codec, [_sorted_ids(doc) for doc in docs])


def test_identifier_is_the_canonical_pair():
    assert dataclasses.asdict(Identifier(scheme="gtin", id="4012345000009")) == {"scheme": "gtin", "id": "4012345000009"}


def test_a_batch_number_equal_to_the_supplier_part_does_not_let_a_lesser_number_replace_it() -> None:
    """Found by hypothesis: LIN 1:SA, PIA 1:NB, PIA 0:VN read the supplier part as '0'.

    The part's source was guessed from identifiers by value, and the batch '1' made the
    LIN's SA look like a stand-in that the PIA VN could replace.
    """
    data = (
        b"UNA:+.? 'UNB+UNOC:3+SUPPLIERHUB:ZZ+SUP00001:ZZ+261202:1345+42'UNH+1+ORDRSP:D:96A:UN'"
        b"BGM+231+0+29'LIN+1+5+1:SA'PIA+1+1:NB'PIA+1+0:VN'UNS+S'UNT+7+1'UNZ+1+42'"
    )
    result = edifact.CODEC.parse(data)
    assert not result.all_errors
    (line,) = result.documents[0].lines
    assert line.supplier_part == "1"
    assert {(i.scheme, i.id) for i in line.identifiers} >= {("batch", "1"), ("supplier_item", "0")}
