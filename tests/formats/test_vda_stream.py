"""The streaming VDA -> JSON path of ``translate`` gives exactly what the codec gives.

Every case either streams to the same canonical JSON as ``VdaCodec().parse`` or hands
over (``Fallback``) to the codec; a file the codec finds any error or warning in must
hand over, and well-formed 4905/4915/4913 transmissions must stream.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats.vda.codec import VdaCodec
from hub.formats.vda.stream import Fallback, translate
from tests.formats.stream_check import StreamCheck, sample
from tests.formats.test_vda_4915 import jit_calloff
from tests.formats.vda_builders import calloff_4905, header, join, rec, transmission

FIXTURES = Path(__file__).parent / "fixtures" / "vda"


CHECK = StreamCheck(translate, Fallback, VdaCodec())
streamed, parsed, agree = CHECK.streamed, CHECK.parsed, CHECK.agree


@pytest.mark.parametrize("fmt", ["vda-4905", "vda-4915", "vda-4913"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_samples_stream_to_the_codecs_json(fmt, seed):
    data = sample(fmt, 40, seed)
    docs, errors, warnings = parsed(data)
    assert not errors and not warnings
    assert streamed(data) == docs


def test_4913_fixture_and_variants_stream_or_hand_over():
    data = (FIXTURES / "4913_one_line.vda").read_bytes()
    assert agree(data) is not None or parsed(data)[1] or parsed(data)[2]
    base = sample("vda-4913", 6, 5)
    lines = base.split(b"\r\n")
    supplier_packaging = b"\r\n".join(r[:5] + b" " * 22 + b"SUP-PACK".ljust(22) + r[49:] if r.startswith(b"715") else r for r in lines)
    assert streamed(supplier_packaging) == parsed(supplier_packaging)[0] and supplier_packaging != base
    for old, new in (
        (b"0000000000000      000 B", b"0000000000000      000  "),  # no batch
        (b"2611240000000", b"2611241530000"),  # arrival with a time
        (b"261123000000", b"261123073000"),  # hand-over with a time
        (b"00000001261123", b"00000000261123"),  # note number 0: the codec names it
        (b"\r\n714", b"\r\n716" + b" " * 123 + b"\r\n714"),  # 716 before 714: out of order
    ):
        agree(base.replace(old, new))


def _4905(**kwargs) -> list[str]:  # noqa: ANN003
    return transmission(header(), calloff_4905(**kwargs), "519")


def variants() -> list[bytes]:
    releases = {"production_from": "260105", "production_to": "260119", "material_from": "260105", "material_to": "260200"}
    specials = [("333333", 5), ("444444", 6), ("222222", 0), ("260112", 7), ("260003", 8), ("261100", 9), ("999999", 10), ("000000", 0), ("261299", 1)]
    two = transmission(header(), [*calloff_4905(number="1"), *calloff_4905(number="2", texts=["Bitte beachten", "", "Zeile drei", "vier"])], "519")
    return [
        join(_4905()),
        join(_4905(releases=releases)),
        join(_4905(slots=specials, releases={"production_to": "260003", "material_to": "261100"})),
        join(two),
        join(two, sep="\n"),
        join(two, sep="\n", trim=True),
        join(two, sep=""),
        join(two, sep="\r"),
        join([*two, *transmission(header("551"), jit_calloff(), "559")]),
        join(transmission(header("551"), [*jit_calloff(), *jit_calloff("J0816")], "559")),
        b"\xef\xbb\xbf" + join(_4905()),
        join(_4905()) + b"\x1a",
        b"\r\n\r\n" + join(_4905()) + b"\r\n\r\n",
        join(_4905(slots=[("261340", 5)])),
        join(_4905(slots=[("260112", 5), ("000000", 0), ("26134x", 5)])),
        join(_4905(number="")),
        join(_4905(part="", supplier_part="")),
        join(transmission(header(), calloff_4905(), "519", **{"512": 2})),
        join(transmission(header(), calloff_4905(), "519")[:-1]),
        join([*_4905()[:2], rec("513", "02"), *_4905()[3:]]),
        join([*_4905()[:3], rec("517", capacity=5), *_4905()[3:]]),
        join(_4905(unit="KG")).replace(b"41", b"4A", 1),
        join(_4905()).replace(b"A 13", b"\xc4 13"),
    ]


@pytest.mark.parametrize("data", variants())
def test_variants_stream_or_hand_over(data):
    agree(data)


def test_well_formed_transmissions_stream():
    for data in variants()[:10]:
        assert streamed(data) is not None


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["vda-4905", "vda-4915", "vda-4913"]),
    seed=st.integers(1, 10_000),
    n=st.integers(1, 5),
    cut=st.integers(0, 900),
    junk=st.sampled_from(["", " ", "\n", "\r\n", "0", "9", "X", "\x1a", "\xe4", "5"]),
)
def test_damaged_samples_never_disagree(fmt, seed, n, cut, junk):
    data = bytearray(sample(fmt, n, seed))
    at = min(len(data) - 1, cut * 3)
    data[at : at + 1] = junk.encode("latin-1")
    agree(bytes(data))


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["vda-4905", "vda-4915", "vda-4913"]),
    seed=st.integers(1, 10_000),
    n=st.integers(1, 4),
    at=st.integers(0, 10_000),
    op=st.sampled_from(["delete", "duplicate", "swap", "blank", "trim"]),
)
def test_records_lost_doubled_or_swapped_never_disagree(fmt, seed, n, at, op):
    recs = sample(fmt, n, seed).split(b"\r\n")
    i = at % (len(recs) - 1)
    if op == "delete":
        del recs[i]
    elif op == "duplicate":
        recs.insert(i, recs[i])
    elif op == "swap":
        recs[i], recs[i + 1] = recs[i + 1], recs[i]
    elif op == "blank":
        recs[i] = b" " * 128
    else:
        recs[i] = recs[i].rstrip()
    agree(b"\r\n".join(recs))
