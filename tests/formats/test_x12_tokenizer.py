"""X12 separators, tokenizing and the messy files real partners send."""

from __future__ import annotations

import pytest

from hub.formats.errors import FormatError
from hub.formats.x12 import X12Codec, syntax
from hub.formats.x12.tokenizer import Segment, tokenize, tokens
from tests.formats.x12_samples import BODY_830, BODY_850, BODY_856, interchange, isa

CODEC = X12Codec()
PLAIN = interchange([("850", BODY_850)], functional_id="PO")


def variant(text: str, elem: str = "*", comp: str = ">", term: str = "~", after: str = "\n") -> str:
    """Rewrite a sample with other separators; ``after`` is what follows each terminator."""
    body = text.replace("\n", "")
    table = str.maketrans({"*": "\0", ">": "\1", "~": "\2"})
    body = body.translate(table).replace("\0", elem).replace("\1", comp)
    return body.replace("\2", term + after)


def parse_ok(data: bytes, documents: int = 1):
    result = CODEC.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    assert len(result.documents) == documents
    return result


def test_read_isa_4010():
    seps, elements, end = syntax.read_isa(isa("00401"), 0)
    assert (seps.element, seps.component, seps.segment, seps.repetition) == ("*", ">", "~", "")
    assert len(elements) == 17 and elements[0] == "ISA" and elements[13] == "000000101"
    assert end == 106


def test_read_isa_5010_repetition_separator():
    seps, elements, _ = syntax.read_isa(isa("00501"), 0)
    assert (seps.component, seps.repetition) == (":", "^")
    assert elements[12] == "00501"


def test_read_isa_cut_short_is_positioned():
    with pytest.raises(FormatError) as err:
        syntax.read_isa("ISA*00*          *00*", 0)
    assert str(err.value).startswith("segment 1 (ISA): the ISA header is cut short")


def test_read_isa_rejects_letter_terminator():
    text = isa().replace(">~", ">X") + "GS*PO"
    with pytest.raises(FormatError) as err:
        syntax.read_isa(text, 0)
    assert "segment 1 (ISA), element 16" in str(err.value)


@pytest.mark.parametrize(
    ("elem", "comp", "term", "after"),
    [
        ("*", ">", "~", ""),  # no line breaks at all
        ("*", ">", "~", "\r\n"),  # CRLF after terminators
        ("*", ">", "~", "\r"),  # CR after terminators
        ("*", ">", "~", "\n\n\n"),  # blank lines
        ("|", ">", "~", "\n"),  # pipe element separator
        ("~", "|", "\n", ""),  # tilde element separator, LF terminator
        ("*", ">", "\r", "\n"),  # CR terminator in a CRLF file
        ("*", ">", "\r", ""),  # CR only
        ("\x7f", ">", "\x15", ""),  # DEL element separator, NAK terminator
        ("+", ":", "'", "\r\n"),  # EDIFACT-looking separators
        ("*", "+", "~", "\n"),  # '+' as component separator
        ("*", "^", "~", "\n"),  # caret as component separator
    ],
)
def test_unusual_separators_parse(elem, comp, term, after):
    text = variant(PLAIN, elem, comp, term, after)
    result = parse_ok(text.encode("latin-1"))
    env = result.envelopes[0]
    assert (env.separators["element"], env.separators["component"], env.separators["segment"]) == (elem, comp, term)
    assert result.documents[0].number == "PO-4500012345"


def test_hard_wrapped_at_80_columns_even_inside_isa():
    flat = variant(PLAIN, after="")
    wrapped = "\n".join(flat[i : i + 80] for i in range(0, len(flat), 80))
    assert "\n" in wrapped[:106]  # the ISA itself is split
    result = parse_ok(wrapped.encode())
    assert result.documents[0].lines[0].description == "Bracket, left"


def test_wrap_right_after_isa16():
    flat = variant(PLAIN, after="")
    text = flat[:105] + "\n" + flat[105:]  # line break between ISA16 and its terminator
    parse_ok(text.encode())


def test_bom_and_junk_before_isa():
    data = b"\xef\xbb\xbfFrom: edi@example.com\r\nSubject: call-off\r\n\r\n" + PLAIN.encode()
    result = parse_ok(data)
    assert result.warnings and "skipped" in result.warnings[0]


def test_ebcdic_fixed_records():
    flat = variant(PLAIN, term="\x85", after="")  # NEL: cp037 0x15 decodes to U+0085
    records = "".join(flat[i : i + 80].ljust(80) for i in range(0, len(flat), 80))
    data = records.encode("cp037")
    assert data[:3] == b"\xc9\xe2\xc1"
    result = parse_ok(data)
    assert any("EBCDIC" in w for w in result.warnings)
    assert CODEC.detect(data[:1024]).message_types == ["850"]


def test_non_ascii_names_decode_with_warning():
    text = PLAIN.replace("Zulieferer GmbH", "Zulieferer Müller GmbH")
    result = parse_ok(text.encode("utf-8"))
    assert result.documents[0].supplier.name == "Zulieferer Müller GmbH"
    assert "utf-8" in result.warnings[0]


def test_several_interchanges_with_their_own_separators():
    first = interchange([("830", BODY_830)], control="000000001")
    second = variant(interchange([("856", BODY_856)], functional_id="SH", control="000000002"), "|", "\\", "\n", "")
    third = variant(interchange([("850", BODY_850)], functional_id="PO", control="000000003"), "\x7f", ">", "\x15", "\r\n")
    result = parse_ok((first + "\r\n" + second + third).encode("latin-1"), documents=3)
    assert [e.control_ref for e in result.envelopes] == ["000000001", "000000002", "000000003"]
    assert [d.type for d in result.documents] == ["delivery_schedule", "despatch_advice", "purchase_order"]


def test_no_isa_is_an_error():
    result = CODEC.parse(b"hello world")
    assert str(result.errors[0]) == "segment 1: no ISA segment found: this is not an X12 interchange"


def test_segment_components_and_repetitions_are_split_lazily():
    seps = syntax.Separators(element="*", component=":", segment="~", repetition="^")
    seg = Segment(7, "CTX", "CTX*TRIG^TRIG:2*CLM*43**5:3", seps)
    assert seg._elements is None  # nothing split until read
    assert seg.get(1) == "TRIG"  # first repetition
    assert seg.get(4) == ""
    assert seg.get(5, 1) == "5" and seg.get(5, 2) == "3" and seg.get(5, 3) == ""
    assert seg.get(9) == ""
    assert seg.count() == 5
    assert str(seg.error("bad", 5, 2, "0001")) == "segment 7 (CTX), element 5, component 2: bad [message 0001]"


def test_tokens_number_and_flag_bad_tags():
    seps = syntax.DEFAULT
    found = tokens("ST*830*0001~\n\nBFR*00~ junk here ~lin*1~SE*4*0001~", seps, 1)
    assert [(n, t) for n, t, _ in found] == [(1, "ST"), (2, "BFR"), (3, ""), (4, ""), (5, "SE")]
    assert [s.tag for s in tokenize("ST*1~SE*2~", seps)] == ["ST", "SE"]
