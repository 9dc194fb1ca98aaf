"""The EDIFACT tokenizer: separators, release character, layout noise."""

from __future__ import annotations

from hub.formats.edifact.syntax import DEFAULT, Separators, find_start, read_una
from hub.formats.edifact.tokenizer import escape, split_escaped, tokenize, unescape


def tags(text: str, seps: Separators = DEFAULT) -> list[str]:
    return [s.tag for s in tokenize(text, seps)]


def test_una_declares_the_separators():
    seps = read_una("UNA*|,# ~")
    assert (seps.component, seps.element, seps.decimal, seps.release, seps.segment) == ("*", "|", ",", "#", "~")


def test_release_character_keeps_separators_in_data():
    segs = list(tokenize("FTX+AAA+++Price ?+ tax?: 5?'ok??'UNS+S'", DEFAULT))
    assert [s.tag for s in segs] == ["FTX", "UNS"]
    assert segs[0].get(4, 1) == "Price + tax: 5'ok?"


def test_line_breaks_between_and_inside_segments_are_layout():
    text = "UNH+1+DELFOR:D:96A:UN'\r\nBGM+241+CO\r\n1+5'\n\n  DTM+137:20261124:102'\n"
    segs = list(tokenize(text, DEFAULT))
    assert [s.tag for s in segs] == ["UNH", "BGM", "DTM"]
    assert segs[1].get(2) == "CO1"


def test_segments_are_numbered_from_one():
    assert [s.number for s in tokenize("UNH+1'BGM+2'UNT+3+1'", DEFAULT)] == [1, 2, 3]


def test_a_segment_without_a_tag_is_reported_in_its_message_only():
    from hub.formats import registry
    from tests.delfor_builder import delfor, message

    bad = message("2", "CO2")
    bad.insert(3, "+oops")
    bad[-1] = f"UNT+{len(bad)}+2"
    _, result = registry.parse(delfor([message("1", "CO1"), bad]))
    assert [d.number for d in result.documents] == ["CO1"]
    (error,) = result.all_errors
    assert error.position.segment == 4 and error.position.message_ref == "2"


def test_escape_round_trips_every_service_character():
    value = "a+b:c'd?e"
    assert unescape(escape(value, DEFAULT), DEFAULT) == value
    assert split_escaped(escape(value, DEFAULT) + "+x", "+", "?")[1] == "x"


def test_start_is_found_after_junk_lines():
    assert find_start(b"####\r\n@@@\r\nUNB+UNOA:3+X'") == 11
    assert find_start(b"no edifact here") == -1
