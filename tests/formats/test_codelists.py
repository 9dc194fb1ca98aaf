"""The code lists as data: well-formed, documented from the same files, and applied per cause.

Each fixture under ``fixtures/codelists/`` is written from the standard for one set of
mapping decisions (never copied from the corpus); the tests name the decision they check.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.formats import codelists, codes, registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import Document, to_json
from hub.formats.codelists import docs as codelist_docs
from hub.formats.xml.model import ENUMS

FIXTURES = Path(__file__).parent / "fixtures" / "codelists"


def parse(name: str) -> list[Document]:
    return parse_bytes((FIXTURES / name).read_bytes())


def parse_bytes(data: bytes) -> list[Document]:
    _, result = registry.parse(data)
    assert not result.all_errors, [str(e) for e in result.all_errors]
    return result.documents


def render(docs: list[Document], fmt: str) -> bytes:
    return registry.get(fmt).render(docs, RenderOptions(receiver_id="SUP00001"))


def lines_of(doc: Document) -> list[dict]:
    return to_json(doc)["lines"]


# --------------------------------------------------------------------------- the data itself


@pytest.mark.parametrize("name", codelists.FAMILIES)
def test_docs_pages_are_generated_from_the_data(name):
    """docs/formats/codes-<family>.md is what ``python -m hub.formats.codelists.docs`` writes."""
    page = codelist_docs.page_path(name)
    assert page.read_text(encoding="utf-8") == codelist_docs.render_page(name), f"run python -m hub.formats.codelists.docs ({page.name})"


@pytest.mark.parametrize("name", codelists.FAMILIES)
def test_every_list_names_its_source_and_maps_into_the_canonical_vocabulary(name):
    statuses = set(ENUMS["OrderStatus"])
    for found in codelists.family(name).lists:
        assert found.source and found.name and found.target, (name, found.id)
        seen = [c.code for c in found.codes]
        assert len(seen) == len(set(seen)), f"{name} {found.id} lists a code twice"
        for code in found.codes:
            if found.kind == "unit":
                assert codes.REC20.lookup(code.canonical) or code.canonical.startswith("X"), (name, code)
            elif found.kind == "status":
                assert code.canonical in statuses, (name, code)
            elif found.kind == "party":
                assert code.canonical in ("buyer", "supplier", "ship_to"), (name, code)
            elif found.kind == "identifier":
                assert code.canonical and ":" not in code.canonical, (name, code)


@pytest.mark.parametrize("family", codes.UNIT_FAMILIES)
def test_every_unit_a_family_writes_reads_back_as_the_same_rec20_unit(family):
    for code in codelists.unit_list(family).codes:
        written = codes.unit_from_rec20(code.canonical, family)
        assert codes.unit_in(written, family) == (code.canonical, True), (family, code)


def test_every_edifact_date_format_in_the_list_is_read_and_no_other():
    samples = {"102": "20260301", "203": "202603010815", "204": "20260301081500", "101": "260301", "201": "2603010815",
               "616": "202610", "718": "20260301-20260307", "610": "202603"}
    shapes = {"date": (True, False), "datetime": (True, False), "period": (False, True)}
    for code in codelists.code_list("edifact", "2379").codes:
        day, start, end = codes.edifact_date(samples[code.code], code.code)
        assert (day is not None, start is not None and end is not None) == shapes[code.canonical], code
    with pytest.raises(ValueError, match="not supported"):
        codes.edifact_date("20260301", "999")


def test_the_tables_in_codes_come_from_the_data():
    assert codes.X12_BUYER_ROLES == ("BY", "MI", "OB")
    assert set(codes.NAD_SHIP_TO_ROLES) == {"ST", "CN", "DP"}
    assert codes.STATUS_TO_X12_ACK_TYPE == {"accepted": "AD", "changed": "AC", "rejected": "RJ"}
    assert codes.LIN_STATUS_TO_ACTION == {"accepted": "5", "changed": "3", "rejected": "7"}


# --------------------------------------------------------------------------- units


def test_x12_ca_is_a_case_and_unknown_units_are_kept_with_a_warning():
    """X12 355: CA case -> Rec 20 CS (not CA 'can'); UN -> C62; PK -> XPK; CR and INVALID kept as sent."""
    (order,) = parse("x12_850_units_and_ids.x12")
    units = [line["unit"] for line in lines_of(order)]
    assert units == ["CS", "C62", "XPK", "CR", "INVALID"]
    warned = [w for w in order.warnings if "unit" in w]
    assert warned == [
        "segment 8 (PO1), element 3: unit 'CR' is not in the X12 355 code list the hub maps; kept as sent, it is no UN/ECE Rec 20 code",
        "segment 9 (PO1), element 3: unit 'INVALID' is not in the X12 355 code list the hub maps; kept as sent, it is no UN/ECE Rec 20 code",
    ]


def test_pa_is_a_pair_in_vda_only():
    assert codes.unit_in("PA", "vda") == ("PR", True)
    assert codes.unit_in("PA", "ubl") == ("PA", True)  # Rec 20 PA: packet
    assert codes.unit_in("PA", "idoc") == ("PA", True)
    assert codes.unit_in("PA", "x12") == ("PA", False)
    assert codes.unit_in("PA", "tabular") == ("PA", True)  # Rec 20 itself; the alias PA -> PR is VDA's


def test_edifact_unit_outside_6411_is_kept_with_its_position():
    (order,) = parse("edifact_orders_pia.edi")
    assert lines_of(order)[2]["unit"] == "KG"
    assert "segment 13 (QTY), element 1, component 3: unit 'KG' is not in the EDIFACT 6411 code list" in order.warnings[1]


def test_ubl_unit_codes_are_rec20_with_rec21_packages():
    (response,) = parse("ubl_order_response_peppol.xml")
    assert [line["unit"] for line in lines_of(response)] == ["C62", "PA", "C62", "XPK", "C62", "BOX"]
    assert any("unit 'BOX' is not in the UBL unitCode code list" in w for w in response.warnings)


# --------------------------------------------------------------------------- identifiers


def test_x12_catalogue_numbers_are_parts_and_sku_is_not_the_supplier_part():
    (order,) = parse("x12_850_units_and_ids.x12")
    first, second, third, _, fifth = lines_of(order)
    assert (first["buyer_part"], first["supplier_part"]) == ("CAT-100", "VCAT-9")
    assert first["identifiers"] == [
        {"scheme": "upc", "id": "012345678905"},
        {"scheme": "buyer_catalogue", "id": "CAT-100"},
        {"scheme": "supplier_catalogue", "id": "VCAT-9"},
        {"scheme": "sku", "id": "SKU-1"},
    ]
    # two lines with one UPC keep their own part numbers
    assert second["buyer_part"] == "CAT-200" != first["buyer_part"]
    # BP beats IN; lot and serial numbers are kept
    assert (third["buyer_part"], third["supplier_part"]) == ("BP-3", "VP-3")
    assert third["identifiers"] == [
        {"scheme": "buyer_item", "id": "IN-3"},
        {"scheme": "batch", "id": "LOT-3"},
        {"scheme": "serial", "id": "SER-3"},
    ]
    assert fifth["identifiers"] == [{"scheme": "x12:ZZ", "id": "MUTUAL-5"}]
    assert "segment 9 (PO1): product id qualifier 'ZZ' is not in X12 235 as the hub maps it; kept as x12:ZZ" in order.warnings


def test_x12_line_named_only_by_sku_keeps_it_as_buyer_part_not_supplier_part():
    (response,) = parse("x12_855_statuses_and_ids.x12")
    third = lines_of(response)[2]
    assert (third["buyer_part"], third["supplier_part"]) == ("CAT-3", "")
    assert third["identifiers"] == [{"scheme": "buyer_catalogue", "id": "CAT-3"}, {"scheme": "sku", "id": "SKU-3"}]


def test_edifact_pia_in_beats_the_gtin_in_lin_and_the_gtin_is_kept():
    (order,) = parse("edifact_orders_pia.edi")
    first, second, third = lines_of(order)
    assert (first["buyer_part"], first["supplier_part"]) == ("A-100", "S-100")
    assert first["identifiers"] == [{"scheme": "gtin", "id": "4012345000009"}]
    assert second["buyer_part"] == "4012345000016"  # only a GTIN: it stands in
    assert third["identifiers"] == [{"scheme": "drawing_revision", "id": "DRW-3"}, {"scheme": "edifact:ZZZ", "id": "MUTUAL-3"}]


def test_edifact_pia_nb_is_the_batch():
    (despatch,) = parse("edifact_desadv_batch.edi")
    first, second = lines_of(despatch)
    assert first["batch"] == "LOT-77"
    assert first["identifiers"] == [{"scheme": "serial", "id": "SER-1"}]
    assert second["batch"] == "LOT-88"
    assert second["identifiers"] == [{"scheme": "batch", "id": "LOT-89"}]


def test_ubl_item_identifications_lots_and_serials_are_kept():
    (response,) = parse("ubl_order_response_peppol.xml")
    first, *_, fifth, _ = lines_of(response)
    assert (first["buyer_part"], first["supplier_part"]) == ("A-1", "S-1")
    assert first["identifiers"] == [{"scheme": "gtin", "id": "4012345000009"}]
    assert fifth["identifiers"] == [{"scheme": "serial", "id": "SER-5"}, {"scheme": "batch", "id": "LOT-5"}]


@pytest.mark.parametrize(
    ("fixture", "to"),
    [
        ("x12_850_units_and_ids.x12", "x12"),
        ("edifact_orders_pia.edi", "edifact"),
        ("edifact_desadv_batch.edi", "edifact"),
        ("ubl_order_response_peppol.xml", "ubl"),
    ],
)
def test_rendering_keeps_every_identifier(fixture, to):
    docs = parse(fixture)
    again = parse_bytes(render(docs, to))
    for before, after in zip(docs, again, strict=True):
        for one, two in zip(before.lines, after.lines, strict=True):
            assert (one.buyer_part, one.supplier_part, one.unit) == (two.buyer_part, two.supplier_part, two.unit)
            assert sorted((i.scheme, i.id) for i in one.identifiers) == sorted((i.scheme, i.id) for i in two.identifiers)


# --------------------------------------------------------------------------- statuses


def test_ubl_peppol_line_status_codes_keep_a_rejected_line_rejected():
    """UNCL 1229: 5 accepted, 3 changed, 7 not accepted, 1 added, 42 already delivered, 99 unknown."""
    (response,) = parse("ubl_order_response_peppol.xml")
    assert [line["status"] for line in lines_of(response)] == ["accepted", "changed", "rejected", "changed", "changed", "changed"]
    assert response.status == "changed"  # OrderResponseCode CA
    assert any("'99' is not a line status the hub knows (UNCL 1229); taken as changed" in w for w in response.warnings)


def test_edifact_ordrsp_line_actions_follow_uncl_1229():
    (response,) = parse("edifact_ordrsp_1229.edi")
    assert [line["status"] for line in lines_of(response)] == [
        "accepted",  # 5 accepted without amendment
        "changed",  # 3 changed
        "rejected",  # 7 not accepted
        "changed",  # 1 added
        "changed",  # 6 accepted with amendment
        "changed",  # 42 already delivered
        "rejected",  # 2 deleted
        "changed",  # 99: unknown, never accepted
    ]
    assert response.warnings == [
        "segment 21 (LIN), element 2: action '99' is not a line status the hub knows (UNCL 1229); taken as changed"
    ]


def test_x12_ack_line_statuses():
    (response,) = parse("x12_855_statuses_and_ids.x12")
    assert [line["status"] for line in lines_of(response)] == ["accepted", "rejected", "changed"]
    assert lines_of(response)[0]["unit"] == "CS"


def test_a_rejected_ubl_line_renders_as_uncl_1229_not_accepted():
    (response,) = parse("ubl_order_response_peppol.xml")
    text = render([response], "ubl").decode()
    assert "<cbc:LineStatusCode>7</cbc:LineStatusCode>" in text
    assert json.dumps(to_json(response))  # JSON-safe with its warnings


def test_a_table_keeps_an_unknown_unit_with_a_warning_naming_line_and_column():
    from tests.formats.test_tabular_csv_xlsx import CSV, DESPATCH, _line

    bad = DESPATCH.replace(",7,PCE", ",7,KISTE")
    docs = CSV.parse(bad.encode()).documents
    assert "KISTE" in [line.unit for doc in docs for line in doc.lines]
    assert [w for doc in docs for w in doc.warnings] == [
        f"line {_line(bad, 'KISTE')}, column 'Unit': unit 'KISTE' is not in the TABULAR unit code list the hub maps; "
        "kept as sent, it is no UN/ECE Rec 20 code"
    ]
