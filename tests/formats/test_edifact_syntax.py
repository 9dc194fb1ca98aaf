"""Syntax 3 and 4 features and real-world file damage: the tokenizer and envelope walker."""

from __future__ import annotations

from decimal import Decimal

from hub.formats import registry
from hub.formats.edifact import EdifactCodec
from hub.formats.edifact.syntax import read_una

CODEC = EdifactCodec()

ORDER = [
    "BGM+220+PO-1+9",
    "DTM+137:20260301:102",
    "NAD+BY+PLANT01::92++Bremen Süd",
    "LIN+1++A2C-100:IN",
    "QTY+21:10:PCE",
]


def interchange(
    bodies: list[list[str]] | None = None, *, una: str = "UNA:+.? '", unb: str = "UNOC:3", date: str = "260301", ref: str = "IC1",
    term: str = "'", sep: str = "\n",
) -> str:
    bodies = bodies if bodies is not None else [ORDER]
    out = [una] if una else []
    out.append(f"UNB+{unb}+OEMPLANTS:ZZ+SUP00001:ZZ+{date}:0800+{ref}{term}")
    for n, body in enumerate(bodies, 1):
        out.append(f"UNH+{n}+ORDERS:D:96A:UN{term}")
        out.extend(s + term for s in body)
        out.append(f"UNT+{len(body) + 2}+{n}{term}")
    out.append(f"UNZ+{len(bodies)}+{ref}{term}")
    return sep.join(out)


def parse_ok(data: bytes):
    result = CODEC.parse(data)
    assert not result.all_errors, [str(e) for e in result.all_errors]
    return result


def test_una_with_repetition_separator_syntax_4():
    text = interchange(una="UNA:+.?*'", unb="UNOC:4", date="20260301").replace("NAD+BY+PLANT01::92", "NAD+BY+PLANT01::92*PLANT99::92")
    result = parse_ok(text.encode("latin-1"))
    assert result.envelopes[0].separators["repetition"] == "*"
    assert result.documents[0].buyer.id == "PLANT01"  # the first repetition
    assert read_una("UNA:+.?*'").repetition == "*"


def test_escaped_repetition_character_is_data():
    text = interchange(una="UNA:+.?*'", unb="UNOC:4", date="20260301").replace("Bremen Süd", "Bremen?*Süd")
    assert parse_ok(text.encode("latin-1")).documents[0].buyer.name == "Bremen*Süd"


def test_unow_and_unoy_are_utf8():
    for ident in ("UNOW", "UNOY"):
        text = interchange(unb=f"{ident}:4", date="20260301").replace("Bremen Süd", "Брема 東京")
        result = parse_ok(text.encode("utf-8"))
        assert result.documents[0].buyer.name == "Брема 東京" and not result.warnings


def test_syntax_4_date_is_read_and_a_bad_date_positioned():
    result = parse_ok(interchange(unb="UNOC:4", date="20260301").encode("latin-1"))
    assert result.envelopes[0].syntax == "UNOC:4"
    bad = CODEC.parse(interchange(date="2026031").encode("latin-1"))
    assert [str(e) for e in bad.errors] == ["segment 2 (UNB), element 4, component 1: '2026031' is not a date YYMMDD or CCYYMMDD"]
    assert len(bad.documents) == 1  # an envelope fault does not cost the messages


def test_junk_and_bom_before_the_interchange():
    data = b"\xef\xbb\xbf#### header from the VAN\r\n@@@@\r\n" + interchange().encode("latin-1")
    result = parse_ok(data)
    assert result.documents[0].number == "PO-1" and any("skipped" in w for w in result.warnings)
    assert registry.detect(data).codec == "edifact"


def test_hard_wrapped_at_80_columns_and_blank_lines():
    flat = interchange(sep="").replace("\n", "")
    wrapped = "\r\n".join(flat[i:i + 80] for i in range(0, len(flat), 80))
    assert parse_ok(wrapped.encode("latin-1")).documents[0].lines[0].quantity == Decimal(10)
    spaced = interchange(sep="\n\n  \n")
    assert parse_ok(spaced.encode("latin-1")).documents[0].number == "PO-1"


def test_several_interchanges_in_one_file():
    data = "\n".join([interchange(ref="A1"), interchange(ref="A2", una=""), interchange(ref="A3")]).encode("latin-1")
    result = parse_ok(data)
    assert [e.control_ref for e in result.envelopes] == ["A1", "A2", "A3"]
    assert [m.interchange for m in result.messages] == [0, 1, 2] and len(result.documents) == 3


def test_interchanges_with_their_own_separators_and_charsets_in_one_file():
    first = interchange(ref="A1").encode("latin-1")
    custom = interchange(ref="A2", una="UNA=*.? ~", term="~", unb="UNOW:4", date="20260301")
    custom = custom.replace("+", "*").replace(":", "=").replace("Bremen Süd", "Brema+東京:1")
    third = interchange(ref="A3", una="").encode("latin-1")
    result = parse_ok(first + b"\r\n" + custom.encode("utf-8") + b"\n" + third)
    assert [e.control_ref for e in result.envelopes] == ["A1", "A2", "A3"]
    assert [e.separators["element"] for e in result.envelopes] == ["+", "*", "+"]  # no UNA: the defaults again
    assert [d.buyer.name for d in result.documents] == ["Bremen Süd", "Brema+東京:1", "Bremen Süd"]


def test_envelope_error_positions_count_through_the_whole_file():
    data = interchange(ref="A1") + "\n" + interchange(ref="A2", una="UNA=*.? ~", term="~").replace("+", "*").replace(":", "=")
    data = data.replace("UNZ*1*A2", "UNZ*1*XX")
    result = CODEC.parse(data.encode("latin-1"))
    assert [str(e) for e in result.errors] == ["segment 20 (UNZ), element 2: UNZ reference 'XX' does not match UNB reference 'A2'"]
    assert result.errors[0].interchange == 1


def test_ung_une_groups_counted():
    body = ORDER
    text = "\n".join([
        "UNB+UNOC:3+OEMPLANTS:ZZ+SUP00001:ZZ+260301:0800+IC1'",
        "UNG+ORDERS+OEMPLANTS+SUP00001+260301:0800+G1+UN+D:96A'",
        "UNH+1+ORDERS:D:96A:UN'", *[s + "'" for s in body], f"UNT+{len(body) + 2}+1'",
        "UNH+2+ORDERS:D:96A:UN'", *[s + "'" for s in body], f"UNT+{len(body) + 2}+2'",
        "UNE+2+G1'",
        "UNZ+1+IC1'",
    ])
    result = parse_ok(text.encode("latin-1"))
    assert [m.group_ref for m in result.messages] == ["G1", "G1"]
    wrong = CODEC.parse(text.replace("UNE+2+G1", "UNE+3+G1").replace("UNZ+1+", "UNZ+2+").encode("latin-1"))
    assert [str(e) for e in wrong.errors] == [
        "segment 17 (UNE), element 1: UNE counts 3 messages but the group has 2",
        "segment 18 (UNZ), element 1: UNZ counts 2 groups but the interchange has 1",
    ]


def test_a_file_lying_about_its_charset_warns_and_parses():
    utf8_in_unoa = interchange(unb="UNOA:3").encode("utf-8")
    result = parse_ok(utf8_in_unoa)
    assert result.documents[0].buyer.name == "Bremen Süd"
    assert "declares UNOA" in result.warnings[0]
    utf8_in_unoc = interchange(unb="UNOC:3").encode("utf-8")
    result = parse_ok(utf8_in_unoc)
    assert result.documents[0].buyer.name == "Bremen Süd" and "bytes are UTF-8" in result.warnings[0]
    latin1 = interchange(unb="UNOC:3").encode("latin-1")
    assert not parse_ok(latin1).warnings


def test_custom_separators_and_release_characters():
    text = interchange(una="UNA=*.? ~", term="~").replace("+", "*").replace("::92", "==92").replace(":", "=")
    text = text.replace("Bremen Süd", "A?*B?=C?~D??E")
    assert parse_ok(text.encode("latin-1")).documents[0].buyer.name == "A*B=C~D?E"


def test_decimal_comma():
    text = interchange(una="UNA:+,? '").replace("QTY+21:10:PCE", "QTY+21:10,5:PCE")
    assert parse_ok(text.encode("latin-1")).documents[0].lines[0].quantity == Decimal("10.5")


def test_positioned_error_names_segment_element_component_and_message():
    bodies = [ORDER, ORDER, [s.replace("QTY+21:10:PCE", "QTY+21:12,5x:PCE") for s in ORDER]]
    result = CODEC.parse(interchange(bodies).encode("latin-1"))
    errors = [str(e) for e in result.all_errors]
    assert errors == ["segment 6 (QTY), element 1, component 2: '12,5x' is not a number [message 3]"]
    assert result.all_errors[0].as_dict()["segment"] == 6


def test_one_bad_message_among_many_rejects_only_itself():
    bad_tag = ORDER[:2] + ["Q!Y+21:1"] + ORDER[2:]
    bad_count = ORDER
    bodies = [ORDER, bad_tag, ORDER, bad_count, ORDER]
    text = interchange(bodies)
    text = text.replace(f"UNT+{len(ORDER) + 2}+4'", "UNT+99+4'")
    result = CODEC.parse(text.encode("latin-1"))
    assert [m.ok for m in result.messages] == [True, False, True, False, True]
    assert len(result.documents) == 3 and not result.errors
    assert [str(e) for e in result.messages[1].errors] == ["segment 4: 'Q!Y+21:1' does not start with a segment tag [message 2]"]
    assert [str(e) for e in result.messages[3].errors] == [
        "segment 7 (UNT), element 1: UNT counts 99 segments but the message has 7 [message 4]"
    ]


def test_missing_unz_and_unt_reported_with_positions():
    text = interchange().rsplit("\n", 1)[0]  # drop UNZ
    result = CODEC.parse(text.encode("latin-1"))
    assert len(result.documents) == 1 and [e.code for e in result.errors] == ["missing"]
    truncated = interchange().split("UNT+")[0]
    result = CODEC.parse(truncated.encode("latin-1"))
    assert not result.documents
    assert "ends without UNT" in str(result.messages[0].errors[0])


def test_unsupported_message_type_is_its_own_error():
    text = interchange([ORDER, ORDER]).replace("UNH+2+ORDERS", "UNH+2+INVOIC")
    result = CODEC.parse(text.encode("latin-1"))
    assert len(result.documents) == 1
    assert result.messages[1].errors[0].code == "unsupported"
    assert str(result.messages[1].errors[0]).startswith("segment 1 (UNH), element 2, component 1: message type INVOIC is not carried")


def test_not_edifact():
    result = CODEC.parse(b"hello world")
    assert result.errors and "not an EDIFACT interchange" in str(result.errors[0])


def test_junk_between_interchanges_is_reported_with_the_next_one():
    data = "\n".join([interchange(ref="A1"), "#### next file ####'", interchange(ref="A2", una="")]).encode("latin-1")
    result = CODEC.parse(data)
    assert len(result.documents) == 2
    assert [(e.interchange, e.code) for e in result.errors] == [(1, "tag")]
    assert "between two interchanges" in str(result.errors[0])


def test_words_starting_with_unb_are_no_interchange():
    data = b"UNBEKANNT Absender\nUNBLOCKED\n" + interchange().encode("latin-1")
    result = parse_ok(data)
    assert result.warnings == ["skipped 29 bytes before the interchange starts"]


def test_deljit_time_format_201():
    from hub.formats.codes import edifact_date

    assert edifact_date("2603021030", "201") == ("2026-03-02T10:30", None, None)


def test_una_with_clashing_service_characters_is_refused():
    result = CODEC.parse(interchange(una="UNA:+.: '").encode("latin-1"))
    assert not result.documents
    assert str(result.errors[0]) == (
        "segment 1 (UNA): UNA declares ':' both as component and as release separator: every service character must differ"
    )
