"""CONTRL and APERAK built from what a parse found, in the partner's own syntax."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.formats.canonical import AckError
from hub.formats.edifact import EdifactCodec
from hub.formats.edifact.acknowledge import aperak, aperak_document, contrl, contrl_document
from hub.formats.errors import FormatError, Position

CODEC = EdifactCodec()
NOW = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)

DESADV = [
    "BGM=351=DN-{n}=9",
    "DTM=137*20260301*102",
    "NAD=SE=SUP00001**92",
    "LIN=1==A2C-100*IN",
    "QTY=12*{qty}*PCE",
]


def partner_file(quantities: list[str], *, una: str = "UNA*=.? ~", syntax: str = "UNOA:3", date: str = "260301") -> bytes:
    """A supplier's DESADVs with its own separators: component '*', element '=', terminator '~'."""
    ident = syntax.replace(":", "*")
    out = [una, f"UNB={ident}=SUP00001*ZZ=OEMPLANTS*ZZ={date}*0800=SUPREF77~"]
    for n, qty in enumerate(quantities, 1):
        body = [s.format(n=n, qty=qty) for s in DESADV]
        out += [f"UNH={n}=DESADV*D*96A*UN~", *[s + "~" for s in body], f"UNT={len(body) + 2}={n}~"]
    out.append(f"UNZ={len(quantities)}=SUPREF77~")
    return "\n".join(out).encode("ascii")


def segments(data: bytes, term: str = "~") -> list[str]:
    return [s.strip() for s in data.decode("utf-8").split(term) if s.strip()]


def test_contrl_accepting_echoes_refs_parties_syntax_and_separators():
    result = CODEC.parse(partner_file(["10", "20"]))
    data = contrl(result, 0, control_ref="HUB0001", now=NOW)
    segs = segments(data)
    assert data.startswith(b"UNA*=.? ~\n")
    assert segs[1] == "UNB=UNOA*3=OEMPLANTS*ZZ=SUP00001*ZZ=260301*0930=HUB0001"  # swapped, syntax echoed
    assert segs[2] == "UNH=1=CONTRL*D*3*UN"
    assert segs[3] == "UCI=SUPREF77=SUP00001*ZZ=OEMPLANTS*ZZ=7"  # the inbound ref, sender and recipient
    assert segs[4:6] == ["UCM=1=DESADV*D*96A*UN=7", "UCM=2=DESADV*D*96A*UN=7"]
    assert segs[-1] == "UNZ=1=HUB0001"
    assert contrl_document(result).status == "accepted"


def test_contrl_partially_accepting_positions_the_errors():
    result = CODEC.parse(partner_file(["10", "12,5x", "30"]))
    assert [m.ok for m in result.messages] == [True, False, True]
    doc = contrl_document(result)
    assert doc.status == "partially_accepted"
    assert [(e.position, e.code) for e in doc.errors] == [("segment 6, element 1, component 2 [message 2]", "12")]
    assert doc.errors[0].text == "'12,5x' is not a number"
    segs = segments(contrl(result, control_ref="HUB0002", now=NOW))
    assert segs[4:8] == ["UCM=1=DESADV*D*96A*UN=7", "UCM=2=DESADV*D*96A*UN=4", "UCS=6", "UCD=12=1*2"]
    # what we send reads back as the same status
    back = CODEC.parse(contrl(result, control_ref="HUB0002", now=NOW)).documents[0]
    assert back.status == "partially_accepted" and back.acknowledges.message_refs == ["1", "2", "3"]


def test_contrl_rejecting_when_nothing_is_usable():
    data = partner_file(["x"]).replace(b"UNZ=1=", b"UNZ=5=")
    result = CODEC.parse(data)
    doc = contrl_document(result)
    assert doc.status == "rejected"
    segs = segments(contrl(result, control_ref="HUB0003", now=NOW))
    assert segs[3] == "UCI=SUPREF77=SUP00001*ZZ=OEMPLANTS*ZZ=4=29=UNZ=1"  # control count does not match
    assert segs[4] == "UCM=1=DESADV*D*96A*UN=4"


def test_contrl_for_missing_segments_and_unsupported_types():
    data = partner_file(["1", "2"]).replace(b"BGM=351=DN-1=9~", b"BGM=351~").replace(b"UNH=2=DESADV", b"UNH=2=INVOIC")
    result = CODEC.parse(data)
    segs = segments(contrl(result, control_ref="HUB0004", now=NOW))
    assert "UCM=1=DESADV*D*96A*UN=4=13=BGM" in segs  # BGM 1004 missing: message-level, code 13
    assert "UCM=2=INVOIC*D*96A*UN=4" in segs and "UCD=17=2*1" in segs  # no agreement for INVOIC


def test_contrl_in_syntax_4_uses_its_version_and_date():
    result = CODEC.parse(partner_file(["1"], syntax="UNOW:4", date="20260301"))
    segs = segments(contrl(result, control_ref="HUB0005", now=NOW))
    assert segs[1].startswith("UNB=UNOW*4=OEMPLANTS*ZZ=SUP00001*ZZ=20260301*0930=")
    assert segs[2] == "UNH=1=CONTRL*4*1*UN"


def test_contrl_with_default_separators_and_groups():
    text = (
        "UNB+UNOC:3+SUP00001:ZZ+OEMPLANTS:ZZ+260301:0800+R1'UNG+DESADV+SUP00001+OEMPLANTS+260301:0800+G7+UN+D:96A'"
        "UNH+1+DESADV:D:96A:UN'BGM+351+DN1+9'LIN+1++P:IN'QTY+12:1'UNT+5+1'UNE+1+G7'UNZ+1+R1'"
    )
    result = CODEC.parse(text.encode())
    data = contrl(result, control_ref="H1", now=NOW).decode()
    assert data.startswith("UNA:+.? '\nUNB+UNOC:3+OEMPLANTS:ZZ+SUP00001:ZZ+260301:0930+H1'")
    assert "UCF+G7+SUP00001:ZZ+OEMPLANTS:ZZ+7'" in data


def test_contrl_picks_the_interchange():
    data = partner_file(["1"]) + b"\n" + partner_file(["x"]).replace(b"SUPREF77", b"SUPREF78").replace(b"UNA*=.? ~", b"")
    result = CODEC.parse(data)
    assert contrl_document(result, 0).status == "accepted"
    second = contrl_document(result, 1)
    assert second.status == "rejected" and second.acknowledges.interchange_ref == "SUPREF78"
    with pytest.raises(FormatError):
        contrl_document(result, 2)


def test_aperak_for_application_errors():
    result = CODEC.parse(partner_file(["10", "20"]))
    problems = [
        FormatError("part A2C-100 is not on call-off CALLOFF-1", Position(segment=5, tag="LIN", element=3), code="Z10"),
        AckError(code="Z20", text="Menge über Abruf"),  # outside UNOA: sanitised
    ]
    data = aperak(result, "2", problems, control_ref="HUB0006", now=NOW)
    segs = segments(data)
    assert segs[1] == "UNB=UNOA*3=OEMPLANTS*ZZ=SUP00001*ZZ=260301*0930=HUB0006"
    assert "BGM==SUPREF77-2=27" in segs and "RFF=ON*DN-2" in segs and "RFF=ACW*2" in segs
    assert "ERC=Z10" in segs and "FTX=AAO===part A2C-100 is not on call-off CALLOFF-1" in segs
    assert "FTX=ZZZ===segment 5 (LIN), element 3" in segs
    assert "FTX=AAO===Menge ??ber Abruf" in segs
    back = CODEC.parse(data).documents[0]
    assert back.status == "rejected" and back.acknowledges.number == "DN-2" and [e.code for e in back.errors] == ["Z10", "Z20"]


def test_aperak_accepting():
    result = CODEC.parse(partner_file(["10"]))
    doc = aperak_document(result, "1", [])
    assert doc.status == "accepted" and doc.acknowledges.message_refs == ["1"]
    assert b"BGM==SUPREF77-1=29~" in aperak(result, "1", [], control_ref="H", now=NOW)


def test_contrl_for_a_partner_without_release_character():
    text = (
        "UNA:+. ~'UNB+UNOC:3+SUP00001:ZZ+OEMPLANTS:ZZ+260301:0800+R1'"
        "UNH+1+DESADV:D:96A:UN'BGM+351+DN1+9'LIN+1++P:IN'QTY+12:1'UNT+5+1'UNZ+1+R1'"
    )
    result = CODEC.parse(text.encode())
    assert result.envelopes[0].separators["release"] == "" and result.envelopes[0].separators["repetition"] == "~"
    ack = contrl(result, control_ref="H1", now=NOW)
    assert ack.startswith(b"UNA:+. ~'\n")
    assert CODEC.parse(ack).documents[0].status == "accepted"
