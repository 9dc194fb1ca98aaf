"""EDIFACT read message by message: the same result whatever the blocks, and messages before the end.

``EdifactCodec.stream`` is the one parse path (``parse`` collects it). These tests feed
the same bytes in blocks cut anywhere -- inside a release sequence, a multibyte
character, a UNA, CRLF -- and expect exactly what one block gives; they check that a
message comes out as soon as its UNT is read, and that a NUL the database cannot store
is a positioned error of its own message.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats import registry, samples
from hub.formats.canonical import to_json
from hub.formats.edifact import EdifactCodec
from tests.delfor_builder import delfor, message
from tests.formats.edifact_shapes import other_generator

CODEC = EdifactCodec()


class Pieces(io.RawIOBase):
    """A file that hands out its bytes in the piece sizes given (cycled), whatever ``read`` asks for."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data = data
        self.sizes = sizes or [1]
        self.at = 0
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, _size: int = -1) -> bytes:
        size = self.sizes[self.reads % len(self.sizes)]
        self.reads += 1
        piece = self.data[self.at:self.at + size]
        self.at += len(piece)
        return piece


def outcome(stream) -> tuple:  # noqa: ANN001
    """Everything a stream says, as plain data: documents, message errors, envelope errors, warnings."""
    messages = [(m.ref, m.type, m.interchange, [to_json(d) for d in m.documents], [str(e) for e in m.errors]) for m in stream]
    envelopes = [(e.control_ref, e.syntax, e.separators) for e in stream.envelopes]
    return messages, envelopes, [(str(e), e.interchange) for e in stream.errors], list(stream.warnings)


def whole(data: bytes) -> tuple:
    return outcome(CODEC.stream(io.BytesIO(data), block=len(data) + 1))


def sample(fmt: str, n: int = 3, seed: int = 1) -> bytes:
    out = io.BytesIO()
    samples.write(fmt, n, out, seed)
    return out.getvalue()


def files() -> list[bytes]:
    """Valid and damaged files that exercise every path of the reader and walker."""
    crlf = delfor([message("1", "CO1"), message("2", "CO2")]).replace(b"\n", b"\r\n")
    flat = delfor([message("1", "CO1")]).replace(b"\n", b"")
    wrapped = b"\r\n".join(flat[i:i + 7] for i in range(0, len(flat), 7))
    bad_count = delfor([message("1", "CO1"), message("2", "CO2")], count=5)
    truncated = delfor([message("1", "CO1"), message("2", "CO2")])[:-60]
    return [
        sample("edifact-delfor"), sample("edifact-desadv"), sample("edifact-orders"), sample("edifact-deljit"),
        other_generator(), crlf, wrapped, bad_count, truncated,
        b"\xef\xbb\xbfjunk\r\n" + delfor([message("1", "CO1")]),
        delfor([message("1", "CO1")]) + b"#### trailer'",
        delfor([message("1", "CO1")]).replace(b"UNA:+.? '", b"UNA:+.: '"),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(len(files())))
def test_the_whole_file_in_one_block_gives_what_parse_gives(index):
    data = files()[index]
    result = CODEC.parse(data)
    messages, _, errors, warnings = whole(data)
    assert [docs for *_, docs, _ in messages] == [[to_json(d) for d in m.documents] for m in result.messages]
    assert errors == [(str(e), e.interchange) for e in result.errors] and warnings == result.warnings


@settings(max_examples=150, deadline=None)
@given(index=st.integers(0, len(files()) - 1), sizes=st.lists(st.integers(1, 23), min_size=1, max_size=8))
def test_the_result_is_the_same_whatever_the_blocks(index, sizes):
    data = files()[index]
    stream = CODEC.stream(Pieces(data, sizes), block=1)
    assert outcome(stream) == whole(data)


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(1, 400))
def test_a_cut_inside_a_release_sequence_or_a_multibyte_character_changes_nothing(cut):
    data = other_generator()
    at = min(cut, len(data) - 1)
    assert outcome(CODEC.stream(Pieces(data, [at, len(data)]), block=1)) == whole(data)


def test_every_block_size_down_to_one_byte():
    data = other_generator()
    expected = whole(data)
    assert [len(m[3]) for m in expected[0]] == [1, 1, 1] and not expected[2]
    assert expected[0][0][3][0]["supplier"]["name"] == "Lieferant * Söhne = Töchter ~ Ωmega ?"
    for size in range(1, 40):
        assert outcome(CODEC.stream(io.BytesIO(data), block=size)) == expected, size


def test_messages_come_out_before_the_file_ends():
    data = sample("edifact-delfor", 200)
    fh = Pieces(data, [4096])
    stream = CODEC.stream(fh, block=4096)
    first = next(iter(stream))
    assert first.ok and first.documents[0].number
    assert fh.at < len(data) // 10  # one block or so read, not the file


def test_envelope_errors_come_after_the_messages_already_read():
    data = delfor([message("1", "CO1"), message("2", "CO2")], count=3)
    stream = CODEC.stream(io.BytesIO(data), block=64)
    seen = []
    for msg in stream:
        seen.append((msg.ref, list(stream.errors)))
    assert seen == [("1", []), ("2", [])]
    assert [str(e) for e in stream.errors] == ["segment 45 (UNZ), element 1: UNZ counts 3 messages but the interchange has 2"]


def test_registry_stream_detects_and_streams_edifact():
    detection, stream = registry.stream(io.BytesIO(sample("edifact-delfor", 4)))
    assert detection.codec == "edifact" and sum(len(m.documents) for m in stream) == 4


def test_a_nul_in_a_name_is_a_positioned_error_of_its_message_only():
    bad = message("2", "CO2")
    bad[bad.index("NAD+SE+SUP00001::92++Lieferant GmbH")] = "NAD+SE+SUP00001::92++Liefer\x00ant GmbH"
    result = CODEC.parse(delfor([message("1", "CO1"), bad, message("3", "CO3")]))
    assert [d.number for d in result.documents] == ["CO1", "CO3"]
    (error,) = result.messages[1].errors
    assert (error.position.segment, error.position.tag, error.position.element, error.position.message_ref) == (5, "NAD", 4, "2")
    assert str(error).startswith("segment 5 (NAD), element 4: holds a NUL character")


def test_layout_nul_around_segments_is_no_error():
    padded = delfor([message("1", "CO1")]).replace(b"'\n", b"'\x00\n")
    result = CODEC.parse(padded)
    assert not result.all_errors and result.documents[0].number == "CO1"
