"""The streaming X12 -> JSON path of ``translate`` gives exactly what the codec gives.

Every case either streams to the same canonical JSON as ``X12Codec().parse`` or hands
over (``Fallback``) to the codec; a file the codec finds any error or warning in must
hand over, and a well-formed interchange must stream.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats.x12.codec import X12Codec
from hub.formats.x12.stream import Fallback, translate
from tests.formats.stream_check import StreamCheck, sample
from tests.formats.x12_samples import BODY_830, BODY_850, BODY_856, BODY_862, interchange, isa, raw

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("HUB_CORPUS_DIR") or ROOT.parent / "shared" / "corpus") / "x12"


CHECK = StreamCheck(translate, Fallback, X12Codec())
streamed, parsed, agree = CHECK.streamed, CHECK.parsed, CHECK.agree


@pytest.mark.parametrize("fmt", ["x12-830", "x12-862", "x12-856", "x12-850", "x12-855"])
def test_samples_stream_to_the_codecs_json(fmt):
    data = sample(fmt)
    docs, errors, warnings = parsed(data)
    assert not errors and not warnings
    assert streamed(data) == docs


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_larger_830_and_862_samples_stream(seed):
    for fmt in ("x12-830", "x12-862"):
        data = sample(fmt, 60, seed)
        assert streamed(data) == parsed(data)[0]


def test_hand_written_830_and_862_stream_the_same():
    for data in (
        interchange([("830", BODY_830)]),
        interchange([("862", BODY_862)]),
        interchange([("830", BODY_830), ("862", BODY_862), ("856", BODY_856), ("850", BODY_850)]),
        interchange([("830", BODY_830)], version="005010"),
    ):
        got = agree(data.encode("ascii"))
        assert got is not None and got == parsed(data.encode("ascii"))[0]


def _830(*changes: tuple[str, str]) -> list[str]:
    body = list(BODY_830)
    for old, new in changes:
        body[body.index(old)] = new
    return body


def variants() -> list[bytes]:
    jit = [*BODY_862[:5], "FST*40*C*D*20260302***0600", "JIT*10*0600", "JIT*30*1000", "FST*5*C*W*20260309", "JIT*5*0800", "CTT*1"]
    no_number = _830(("BFR*00**SCH-2026-0042*DL*A*20260302*20260531*20260301", "BFR*00***DL*A*20260302*20260531*20260301"))
    return [
        interchange([("830", _830(("BFR*00**SCH-2026-0042*DL*A*20260302*20260531*20260301", "BFR*00**S1*DL*C*20260302*20260531*20260301")))]),
        interchange([("862", jit)]),
        interchange([("830", no_number)]),
        interchange([("830", _830(("FST*120*C*D*20260302", "FST*12,0*C*D*20260302")))]),
        interchange([("830", _830(("FST*120*C*D*20260302", "FST*120*Q*D*20260302")))]),
        interchange([("830", _830(("FST*120*C*D*20260302", "FST*120*C*D*20260231")))]),
        interchange([("830", _830(("FST*120*C*D*20260302", "FST*120*C*D*20260302***2561")))]),
        interchange([("830", _830(("UIT*PC", "UIT*PC>X")))]),
        interchange([("830", _830(("UIT*PC", "uit*PC")))]),
        interchange([("830", BODY_830[:4])]),
        interchange([("810", ["BIG*20260301*INV-1"])]),
        interchange([("830", BODY_830), ("830", BODY_830)]).replace("ST*830*0002", "ST*830*0001").replace("SE*24*0002", "SE*24*0001"),
        interchange([("830", BODY_830)], version="003040"),
        interchange([("830", BODY_830), ("830", BODY_830)]).replace("*0001~", "*0009~"),  # set numbers that fall: the codec decides
        interchange([("830", BODY_830), ("830", BODY_830)]).replace("*0001~", "*A1~").replace("*0002~", "*A2~"),
        interchange([("830", BODY_830)]).replace("GE*1*7", "GE*2*7"),
        interchange([("830", BODY_830)]).replace("IEA*1*", "IEA*2*"),
        interchange([("830", BODY_830)]).replace("SE*24*0001", "SE*23*0001"),
        interchange([("830", BODY_830)]).replace("~\n", "~\r\n"),
        interchange([("830", BODY_830)]).replace("~\n", "~"),
        interchange([("830", BODY_830)]).replace("~\n", "~  \n"),
        "junk line\n" + interchange([("830", BODY_830)]),
        "\ufeff" + interchange([("830", BODY_830)]),
        interchange([("830", BODY_830)]) + interchange([("862", BODY_862)], control="000000102"),
        interchange([("830", BODY_830)]) + "trailing junk\n",
        interchange([("830", BODY_830)]).replace("Werk Eins", "Werk Zwei Ö"),
        interchange([("830", BODY_830)])[:-40],
        isa() + "\nTA1*000000101*260301*0815*A*000~\nIEA*0*000000101~\n",
    ]


@pytest.mark.parametrize("data", variants())
def test_variants_stream_or_hand_over(data):
    agree(data.encode("utf-8") if isinstance(data, str) else data)


def test_a_well_formed_interchange_streams_and_bad_ones_hand_over():
    assert streamed(interchange([("830", BODY_830)]).encode()) is not None
    assert streamed(raw(isa()[:-1], "GS*PS*A*B*20260301*0815*7*X*004010", "ST*830*0001", "SE*2*0001")) is None


def test_corpus_files_stream_or_hand_over():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    for path in sorted(CORPUS.glob("*.x12")):
        agree(path.read_bytes())


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["x12-830", "x12-862", "x12-856"]),
    seed=st.integers(1, 10_000),
    n=st.integers(1, 5),
    cut=st.integers(0, 600),
    junk=st.sampled_from(["", " ", "\n", "~", "*", ">", "^", "X", "9", "\x00", "\xe9"]),
)
def test_damaged_samples_never_disagree(fmt, seed, n, cut, junk):
    data = bytearray(sample(fmt, n, seed))
    at = min(len(data) - 1, cut * 5)
    data[at : at + 1] = junk.encode("latin-1")
    agree(bytes(data))


@settings(max_examples=60, deadline=None)
@given(
    fmt=st.sampled_from(["x12-830", "x12-862", "x12-850"]),
    seed=st.integers(1, 10_000),
    n=st.integers(1, 4),
    at=st.integers(0, 10_000),
    op=st.sampled_from(["delete", "duplicate", "swap", "blank"]),
)
def test_segments_lost_doubled_or_swapped_never_disagree(fmt, seed, n, at, op):
    segs = sample(fmt, n, seed).split(b"~\n")
    i = at % (len(segs) - 1)
    if op == "delete":
        del segs[i]
    elif op == "duplicate":
        segs.insert(i, segs[i])
    elif op == "swap":
        segs[i], segs[i + 1] = segs[i + 1], segs[i]
    else:
        segs[i] = b""
    agree(b"~\n".join(segs))
