"""Envelopes as the standards define them, truncation positions and mandatory fields.

Fixtures are written from the standards: X12 005010 ISB (grade of service request), ISE
(deferred delivery request) and ISX (interchange syntax extension: ISX01 release
character); EDIFACT ISO 9735 segment terminators; UBL 2.3 Order with its mandatory cbc:ID.
"""

from __future__ import annotations

from hub.formats import registry
from tests.delfor_builder import delfor, message
from tests.formats.test_xml_ubl_cxml import UBL_ORDER as WITH_A_BAD_LINE
from tests.formats.x12_samples import BODY_850, isa, transaction

# The shared fixture's second line has a bad quantity on purpose; these tests want one good line.
UBL_ORDER = WITH_A_BAD_LINE.replace('<cac:OrderLine><cac:LineItem><cbc:ID>20</cbc:ID><cbc:Quantity unitCode="KGM">1,5</cbc:Quantity><cac:Item/></cac:LineItem></cac:OrderLine>', "")
GS_850 = "GS*PO*OEMPLANTS*SUP00001*20260301*0815*7*X*005010"


def x12(*header: str, body: list[str] = BODY_850) -> bytes:
    segs = [*header, GS_850, *transaction("850", "0001", body), "GE*1*7", "IEA*1*000000101"]
    return (isa("00501") + "\n" + "~\n".join(segs) + "~\n").encode()


def errors(data: bytes) -> list[str]:
    _, result = registry.parse(data)
    return [str(e) for e in result.all_errors]


def test_isb_and_ise_after_the_isa_are_taken():
    _, result = registry.parse(x12("ISB*01", "ISE*20260302*0800"))
    assert not result.all_errors and len(result.documents) == 1
    assert result.envelopes[0].syntax == "ISA 00501 ISB ISE"


def test_isb_after_a_group_is_out_of_place():
    data = x12().replace(b"IEA*", b"ISB*01~\nIEA*")
    assert "segment 17 (ISB): ISB belongs right after the ISA, before the first GS or TA1" in errors(data)


def test_isx_release_character_releases_separators_in_values():
    body = [seg.replace("N1*ST*Werk Eins", "N1*ST*Werk?*Eins?~A??B") for seg in BODY_850]
    _, result = registry.parse(x12("ISX*?*U", body=body))
    assert not result.all_errors
    assert result.envelopes[0].separators["release"] == "?"
    assert result.documents[0].ship_to.name == "Werk*Eins~A?B"


def test_x12_repetition_separator_keeps_the_first_repetition():
    body = [seg.replace("N1*ST*Werk Eins", "N1*ST*Werk Eins^Tor 3") for seg in BODY_850]
    _, result = registry.parse(x12(body=body))
    assert not result.all_errors and result.documents[0].ship_to.name == "Werk Eins"


def test_edifact_file_cut_inside_a_segment_names_the_last_complete_segment_and_byte():
    data = delfor([message("1", "CO1"), message("2", "CO2")])
    second = data.index(b"UNH+2")
    cut = data[: second + 20]  # inside the second UNH
    end = data.rindex(b"'", 0, second) + 1
    assert errors(cut) == [
        f"segment 23 (UNT), byte {end}: the interchange ends without UNZ after segment 23 (UNT): the file ends there in the middle of a segment (truncated?)"
    ]


def test_edifact_message_cut_off_names_its_last_segment():
    data = delfor([message("1", "CO1")])
    cut = data[: data.index(b"UNT")]
    found = errors(cut)
    assert found[0].startswith("segment 22 (UNS), byte ") and "the interchange ends without UNZ after segment 22 (UNS)" in found[0]
    assert "message 1 ends without UNT after its segment 20 (UNS): the file ends there (truncated?) [message 1]" in found[1]


def test_a_missing_final_terminator_after_unz_is_no_truncation():
    data = delfor([message("1", "CO1")]).rstrip(b"'\n")
    assert errors(data) == []


def test_ubl_order_with_an_empty_id_is_refused_like_edifact_without_bgm_number():
    data = UBL_ORDER.replace("<cbc:ID>PO-77</cbc:ID>", "<cbc:ID> </cbc:ID>").encode()
    assert errors(data)[0] == "cbc:ID: cbc:ID (document identifier) is empty: a purchase order needs its number"


def test_ubl_order_without_issue_date_is_refused():
    data = UBL_ORDER.replace("<cbc:IssueDate>2026-03-01</cbc:IssueDate>", "").encode()
    assert any("cbc:IssueDate (issue date) is empty" in e for e in errors(data))


def test_ubl_order_with_its_id_is_taken():
    _, result = registry.parse(UBL_ORDER.encode())
    assert not result.all_errors and result.documents[0].number == "PO-77"


def test_x12_850_without_beg03_names_the_element():
    body = [("BEG*00*SA**" + seg.split("*", 4)[4]) if seg.startswith("BEG") else seg for seg in BODY_850]
    assert errors(x12(body=body)) == ["BEG: the order has no number (BEG03) [message 0001]"]


def _grouped(une_count: int = 2) -> bytes:
    """Two DELFOR messages in one UNG..UNE group (ISO 9735: UNZ then counts groups), with ``UNA=*.? ~`` separators."""
    data = delfor([message("1", "CO1"), message("2", "CO2")]).decode("latin-1")
    head, rest = data.split("UNH+1", 1)
    body, _ = rest.rsplit("UNZ+", 1)
    text = head + "UNG+DELFOR+OEMPLANTS:ZZ+SUPPLIERHUB:ZZ+261124:0930+G1+UN+D:96A'\n" + "UNH+1" + body + f"UNE+{une_count}+G1'\nUNZ+1+ICR0001'\n"
    # The same interchange in other service characters: component '=', element '*', terminator '~'.
    swapped = text.replace("UNA:+.? '", "UNA=*.? ~").replace(":", "\x00").replace("+", "*").replace("'", "~").replace("\x00", "=")
    return swapped.encode("latin-1")


def test_ung_une_group_with_una_variant_separators():
    _, result = registry.parse(_grouped())
    assert not result.all_errors
    assert [d.number for d in result.documents] == ["CO1", "CO2"] and {m.group_ref for m in result.messages} == {"G1"}


def test_une_count_mismatch_is_refused_unless_tolerated():
    import io

    from hub.formats import tolerance

    assert any("UNE counts 3 messages but the group has 2" in e for e in errors(_grouped(3)))
    relaxed = tolerance.relaxed(registry.stream(io.BytesIO(_grouped(3)))[1]).collect()
    assert not relaxed.errors and len(relaxed.documents) == 2 and relaxed.tolerated[0].position.tag == "UNE"
