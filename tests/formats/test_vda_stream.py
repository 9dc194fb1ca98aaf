"""The VDA codec reads records chunk by chunk and yields each call-off or delivery note once complete.

``parse`` is ``stream(...).collect()``; these tests pin what streaming adds: the result
does not depend on where the chunks are cut (records with or without line breaks, CR,
LF or CRLF), a message is handed out before the file has been read to its end, a
missing trailer comes after the messages, and a NUL is refused with its position.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats.canonical import to_json
from hub.formats.vda.codec import VdaCodec
from tests.formats.stream_check import sample
from tests.formats.test_vda_4915 import jit_calloff
from tests.formats.vda_builders import calloff_4905, header, join, transmission

CODEC = VdaCodec()


def shapes() -> list[bytes]:
    """Every layout a VDA file comes in, and a few faulty ones."""
    two = transmission(header(), [*calloff_4905(number="1"), *calloff_4905(number="2", texts=["Bitte beachten", "", "Zeile drei"])], "519")
    base = sample("vda-4905", 5, 2)
    return [
        base,
        base.replace(b"\r\n", b""),  # one long line
        base.replace(b"\r\n", b"\n"),
        base.replace(b"\r\n", b"\r"),
        join(two, sep="\n", trim=True),  # trailing blanks trimmed
        join([*two, *transmission(header("551"), jit_calloff(), "559")]),  # two transmissions
        sample("vda-4913", 5, 3),
        sample("vda-4913", 5, 3).replace(b"\r\n", b""),
        b"\xef\xbb\xbf" + base + b"\x1a",
        base[: len(base) // 2],  # truncated: no trailer
        base.replace(b"\r\n513", b"\r\n514", 1),  # out of order
    ]


def outcome(data: bytes, chunk_size: int) -> tuple:
    stream = CODEC.stream(io.BytesIO(data), chunk_size)
    messages = [(m.ref, m.type, m.interchange, [to_json(d) for d in m.documents], [str(e) for e in m.errors]) for m in stream]
    return messages, [str(e) for e in stream.errors], sorted(stream.warnings), [e.control_ref for e in stream.envelopes]


@settings(max_examples=60, deadline=None)
@given(shape=st.integers(0, len(shapes()) - 1), chunk_size=st.integers(1, 3000))
def test_the_result_does_not_depend_on_the_chunk_size(shape, chunk_size):
    data = shapes()[shape]
    assert outcome(data, chunk_size) == outcome(data, 1 << 20)


def test_records_without_line_breaks_give_what_records_with_them_give():
    base = sample("vda-4913", 8, 4)
    assert outcome(base.replace(b"\r\n", b""), 100) == outcome(base, 100)


class CountingReader(io.BytesIO):
    """A file that remembers how far it has been read."""

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.high = self.tell()
        return data


def test_a_call_off_is_yielded_long_before_the_end_of_the_file():
    data = sample("vda-4905", 1000, 1)
    fh = CountingReader(data)
    first = next(iter(CODEC.stream(fh, 4096)))
    assert first.documents and not first.errors
    assert fh.high < len(data) // 20


def test_a_missing_trailer_comes_after_the_messages():
    data = sample("vda-4905", 3, 1)
    cut = data.rindex(b"519")
    stream = CODEC.stream(io.BytesIO(data[:cut]), 200)
    messages = list(stream)
    assert len(messages) == 3 and all(m.ok for m in messages)
    (error,) = stream.errors
    assert "has no trailer 519" in str(error)


def test_a_nul_in_a_field_refuses_that_call_off_alone_with_its_position():
    two = transmission(header(), [*calloff_4905(number="1"), *calloff_4905(number="2")], "519")
    records = list(two)
    second = [i for i, r in enumerate(records) if r.startswith("512")][1]
    records[second] = records[second][:60] + "\x00" + records[second][61:]
    result = CODEC.parse(join(records))
    good, bad = result.messages
    assert good.ok and good.documents
    assert not bad.ok
    assert any(
        str(e) == f"record {second + 1} (512), column 61: the record holds a NUL character, which cannot be stored; "
        f"remove it and send the file again [message {bad.ref}]"
        for e in bad.errors
    ), [str(e) for e in bad.errors]


def test_a_nul_in_a_header_is_an_error_of_the_file():
    records = list(transmission(header(), calloff_4905(), "519"))
    records[0] = records[0][:100] + "\x00" + records[0][101:]
    result = CODEC.parse(join(records))
    assert any("record 1 (511), column 101: the record holds a NUL character" in str(e) for e in result.errors)
