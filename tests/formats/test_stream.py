"""The streaming EDIFACT -> JSON path of ``translate`` gives exactly what the codec gives.

Every case either streams to the same canonical JSON as ``EdifactCodec().parse`` or
hands over (``Fallback``) to the codec; a well-formed interchange must stream.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats import samples
from hub.formats.canonical import to_json
from hub.formats.edifact.codec import EdifactCodec
from hub.formats.edifact.stream import Fallback, translate
from tests.delfor_builder import delfor, message


def streamed(data: bytes) -> list[dict] | None:
    docs: list[dict] = []
    try:
        translate(io.BytesIO(data), docs.append, data[:8192])
    except Fallback:
        return None
    return docs


def parsed(data: bytes) -> tuple[list[dict], list[str]]:
    result = EdifactCodec().parse(data)
    return [to_json(d) for d in result.documents], [str(e) for e in result.all_errors]


def sample(fmt: str, n: int = 12, seed: int = 1) -> bytes:
    out = io.BytesIO()
    samples.write(fmt, n, out, seed)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["edifact-delfor", "edifact-deljit", "edifact-desadv", "edifact-orders", "edifact-ordrsp"])
def test_samples_stream_to_the_codecs_json(fmt):
    data = sample(fmt)
    docs, errors = parsed(data)
    assert not errors
    assert streamed(data) == docs


def variants() -> list[bytes]:
    base = [message("1", "CO1"), message("2", "CO2", parts=(("P-1", (("5", "4", "20261201"),)), ("P-2", (("7", "10", "20261202"),))))]
    escaped = message("3", "CO3")
    escaped[5] = "NAD+SE+SUP00001::92++Lieferant ?+ Co?: KG"
    header_qty = message("4", "CO4")
    header_qty.insert(7, "QTY+1:10:PCE")  # a header quantity after NAD+ST: no part, keeps last_tag
    period = message("5", "CO5", parts=(("P-9", (("5", "4", "20261201"),)),))
    period.insert(-2, "DTM+158:20261201:102")
    return [
        delfor(base),
        delfor(base, una=False),
        delfor([*base, escaped]),
        delfor([header_qty, period]),
        delfor(base).replace(b"'\n", b"'  \r\n"),
        b"\xef\xbb\xbf" + delfor(base),
        b"junk line\r\n" + delfor(base),
        delfor(base, count=3),
        delfor(base) + delfor([message("9", "CO9")], ref="ICR0002"),
    ]


@pytest.mark.parametrize("data", variants())
def test_builder_variants_stream_or_hand_over(data):
    docs, errors = parsed(data)
    got = streamed(data)
    if errors:
        assert got is None  # any error: the codec reports it
    elif got is not None:
        assert got == docs


def test_a_well_formed_interchange_streams():
    assert streamed(delfor([message("1", "CO1")])) is not None


def test_bad_values_hand_over_to_the_codec():
    segs = message("1", "CO1")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    assert streamed(delfor([segs])) is None
    bad_date = message("1", "CO1")
    bad_date[bad_date.index("DTM+2:20261130:102")] = "DTM+2:20261331:102"
    assert streamed(delfor([bad_date])) is None


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(1, 10_000),
    n=st.integers(1, 6),
    cut=st.integers(0, 400),
    junk=st.sampled_from(["", " ", "\n", "'", "+", ":", "?", "X"]),
)
def test_damaged_samples_never_disagree(seed, n, cut, junk):
    data = bytearray(sample("edifact-delfor", n, seed))
    at = min(len(data) - 1, 120 + cut * 7)
    data[at : at + 1] = junk.encode()
    data = bytes(data)
    docs, errors = parsed(data)
    got = streamed(data)
    if errors:
        assert got is None
    elif got is not None:
        assert got == docs
