"""Robustness: whatever bytes arrive, parse() returns positioned errors and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats.errors import FormatError
from hub.formats.vda import VdaCodec
from tests.formats.vda_builders import calloff_4905, header, join, rec, transmission

codec = VdaCodec()
SAMPLES = [
    join(transmission(header(), calloff_4905() + calloff_4905(number="188", releases={"production_to": "260004"}), "519")),
    join(
        transmission(
            header("551"),
            [rec("552", calloff="1", date="260105", customer_part="A"), rec("553"), rec("554", slot1_date="260105", slot1_qty=1)],
            "559",
        )
    ),
    join(
        transmission(
            header("711"),
            [rec("712"), rec("713", note=1), rec("714", customer_part="A", qty1=1000), rec("715", count=1, label_from="1", label_to="3")],
            "719",
        )
    ),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SAMPLES),
    st.lists(st.tuples(st.integers(0, 2000), st.sampled_from(list(b"0123456789 AZ\r\n\xc4-*4552173"))), max_size=8),
    st.integers(0, 2000),
)
def test_mutated_files_never_raise(sample: bytes, edits: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(sample)
    for at, byte in edits:
        if at < len(data):
            data[at] = byte
    result = codec.parse(bytes(data[: len(data) - cut % 300]))
    for error in result.all_errors:
        assert isinstance(error, FormatError) and str(error)
        assert error.code != "internal", str(error)


def test_horizon_as_week_bucket() -> None:
    slots = [("260112", 1), ("260119", 2), ("260126", 3)]
    data = join(transmission(header(), calloff_4905(slots=slots, releases={"production_to": "260004"}), "519"))
    [doc] = codec.parse(data).documents
    assert [e.commitment for e in doc.lines[0].schedule] == ["firm", "firm", "forecast"]  # week 4 ends 2026-01-25
