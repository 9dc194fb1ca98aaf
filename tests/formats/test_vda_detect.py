"""Detection, registry and describe: VDA is found by its header record, never confused with EDIFACT or X12."""

from __future__ import annotations

import pytest

from hub.formats import registry
from hub.formats.vda import VdaCodec
from tests.formats.vda_builders import calloff_4905, header, join, rec, transmission

codec = VdaCodec()


@pytest.mark.parametrize(("head", "family"), [("511", "4905"), ("551", "4915"), ("711", "4913")])
def test_detect_each_family(head: str, family: str) -> None:
    data = join([header(head), rec({"511": "519", "551": "559", "711": "719"}[head])])
    found = codec.detect(data)
    assert found is not None
    assert (found.codec, found.family, found.message_types) == ("vda", "VDA", [family])
    assert found.version == ("03" if head == "711" else "02")


def test_detect_after_bom_and_blank_lines_and_several_families() -> None:
    first = transmission(header(), calloff_4905(), "519")
    second = transmission(header("711"), [rec("712"), rec("713", note=1), rec("714", customer_part="A", qty1=1000)], "719")
    data = b"\xef\xbb\xbf\n\n" + join(first + second, "\n", trim=True)
    found = codec.detect(data)
    assert found is not None and found.message_types == ["4905", "4913"]


@pytest.mark.parametrize(
    "data",
    [
        b"UNA:+.? 'UNB+UNOC:3+SENDER:ZZ+RECEIVER:ZZ+260105:1200+1'",
        b"UNB+UNOC:3+511:ZZ+RECEIVER:ZZ+260105:1200+1'",
        b"ISA*00*          *00*          *ZZ*511            *ZZ*RECEIVER       *260105*1200*U*00401*000000001*0*P*>~",
        b"51102 this is not a header record at all",
        b"5110",
        b"supplier_number,name,country\n511,Foo,DE\n",
        b"",
    ],
)
def test_not_vda(data: bytes) -> None:
    assert codec.detect(data) is None


def test_registry_picks_vda_and_edifact_still_wins_its_own() -> None:
    data = join(transmission(header(), calloff_4905(), "519"))
    detection, result = registry.parse(data)
    assert detection.codec == "vda" and len(result.documents) == 1
    edifact = b"UNA:+.? 'UNB+UNOC:3+S:ZZ+R:ZZ+260105:1200+1'UNZ+0+1'"
    assert registry.detect(edifact).codec == "edifact"
    assert registry.get("VDA") is registry.CODECS["vda"]


def test_describe() -> None:
    infos = codec.describe()
    assert [(i.name, i.message_types, i.documents) for i in infos] == [
        ("vda-4905", ["4905"], ["delivery_schedule"]),
        ("vda-4915", ["4915"], ["delivery_schedule"]),
        ("vda-4913", ["4913"], ["despatch_advice"]),
    ]
    assert all(i.directions == ["parse", "render"] and i.family == "VDA" for i in infos)
    assert {i.name for i in registry.formats()} >= {"vda-4905", "vda-4915", "vda-4913"}


def test_vda_text_with_unb_inside_is_still_vda() -> None:
    """EDIFACT's detector finds UNB anywhere in the head; a VDA text must not be taken for EDIFACT."""
    data = join(transmission(header(), calloff_4905(texts=["BITTE UNBEDINGT BEACHTEN", "UNA:+.? '"]), "519"))
    assert registry.detect(data).codec == "vda"
    assert len(registry.parse(data)[1].documents) == 1
