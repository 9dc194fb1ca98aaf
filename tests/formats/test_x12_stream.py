"""The X12 codec reads a file in chunks and yields each transaction set as its SE arrives.

``parse`` is ``stream(...).collect()``; these tests pin what streaming adds: the result
does not depend on where the chunks are cut, a set is handed out before the file has
been read to its end, envelope faults come after the sets, and text the database cannot
store is refused with its position.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats.canonical import to_json
from hub.formats.x12 import X12Codec
from tests.formats.stream_check import sample
from tests.formats.x12_samples import BODY_830, BODY_850, BODY_856, interchange

CODEC = X12Codec()


def wrapped(text: str, width: int = 80) -> str:
    """Hard-wrap a file at ``width`` columns, as mainframe transfers do (LF inside segments)."""
    flat = text.replace("\n", "")
    return "\n".join(flat[i : i + width] for i in range(0, len(flat), width)) + "\n"


def shapes() -> list[bytes]:
    """Every layout a valid X12 file comes in, and a few faulty ones."""
    base = sample("x12-830", 6, 3).decode("latin-1")
    flat = base.replace("\n", "")
    two = interchange([("830", BODY_830)], control="000000001") + interchange(
        [("856", BODY_856)], functional_id="SH", control="000000002"
    )
    ebcdic_text = flat.replace("~", "\x85")
    return [
        base.encode(),
        flat.encode(),
        base.replace("\n", "\r\n").encode(),
        wrapped(base).encode(),
        two.encode(),
        ebcdic_text.encode("cp037"),
        b"\xef\xbb\xbfjunk before\r\n" + base.encode(),
        base.replace("Zulieferer", "Zulieferer M\u00fcller").encode("utf-8"),
        base.encode().replace(b"SE*", b"SE*9", 1),  # a wrong SE count
        base.encode()[: len(base) // 2],  # truncated
        base.encode() + b"\x00" * 40,  # NUL padding after the IEA
    ]


def outcome(data: bytes, chunk_size: int) -> tuple:
    stream = CODEC.stream(io.BytesIO(data), chunk_size)
    messages = [(m.ref, m.type, m.interchange, [to_json(d) for d in m.documents], [str(e) for e in m.errors]) for m in stream]
    return messages, [str(e) for e in stream.errors], stream.warnings, [e.control_ref for e in stream.envelopes]


@settings(max_examples=60, deadline=None)
@given(shape=st.integers(0, len(shapes()) - 1), chunk_size=st.integers(1, 5000))
def test_the_result_does_not_depend_on_the_chunk_size(shape, chunk_size):
    data = shapes()[shape]
    assert outcome(data, chunk_size) == outcome(data, 1 << 20)


def test_parse_is_the_collected_stream():
    data = shapes()[4]
    result = CODEC.parse(data)
    assert [to_json(d) for d in result.documents] == [d for m in outcome(data, 64)[0] for d in m[3]]
    assert [m.interchange for m in result.messages] == [0, 1]
    assert [e.control_ref for e in result.envelopes] == ["000000001", "000000002"]


class CountingReader(io.BytesIO):
    """A file that remembers how far it has been read."""

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.high = self.tell()
        return data


def test_a_set_is_yielded_long_before_the_end_of_the_file():
    data = sample("x12-830", 2000, 1)  # about 1.4 MB
    fh = CountingReader(data)
    first = next(iter(CODEC.stream(fh, 4096)))
    assert first.documents and not first.errors
    assert fh.high < len(data) // 10  # the head the ISA is looked for in (64 KiB) and a chunk, not the file


def test_envelope_faults_come_after_the_sets_with_positions():
    data = sample("x12-830", 3, 1)
    cut = data.rindex(b"GE*")
    stream = CODEC.stream(io.BytesIO(data[:cut]), 256)
    messages = list(stream)
    assert len(messages) == 3 and all(m.ok for m in messages)
    last = _last_segment(data[:cut])
    where = f"segment {last} (SE), byte {cut}"
    assert [str(e) for e in stream.errors] == [
        f"{where}: functional group {_group(data)} ends without GE after segment {last} (SE): the file ends there (truncated?)",
        f"{where}: the interchange ends without IEA after segment {last} (SE): the file ends there (truncated?)",
    ]


def _last_segment(data: bytes) -> int:
    return sum(1 for seg in data.decode().split("~") if seg.strip())


def _group(data: bytes) -> str:
    gs = next(seg for seg in data.decode().split("~") if seg.strip().startswith("GS*"))
    return gs.strip().split("*")[6]


def test_an_iea_count_that_does_not_match_is_an_envelope_error_of_its_interchange():
    text = interchange([("850", BODY_850)], functional_id="PO", control="000000001") + interchange(
        [("850", BODY_850)], functional_id="PO", control="000000002"
    ).replace("IEA*1*", "IEA*2*")
    result = CODEC.parse(text.encode())
    assert len(result.documents) == 2
    (error,) = result.errors
    assert "IEA counts 2 functional groups but there are 1" in str(error) and error.interchange == 1


def test_a_nul_in_a_name_refuses_that_set_alone_with_its_position():
    body = [seg.replace("Werk Eins", "Werk\x00Eins") for seg in BODY_830]
    text = interchange([("830", BODY_830), ("830", body)])
    result = CODEC.parse(text.encode())
    good, bad = result.messages
    assert good.ok and good.documents
    assert not bad.ok
    (error,) = bad.errors
    assert str(error) == (
        "segment 3 (N1), element 2: holds a NUL character, which cannot be stored; remove it and send the file again [message 0002]"
    )


def test_nul_and_ctrl_z_padding_around_segments_are_no_error():
    text = interchange([("830", BODY_830)]).replace("~\n", "~\x00\n", 3) + "\x1a"
    result = CODEC.parse(text.encode())
    assert result.all_errors == [] and len(result.documents) == 1
