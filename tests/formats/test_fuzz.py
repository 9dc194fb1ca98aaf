"""Fuzzing every codec through the registry: mutated generated files never raise.

Whatever the bytes, ``registry.parse`` answers with documents and/or positioned
FormatErrors, never another exception (which would be a traceback for a supplier).
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats import registry, samples
from hub.formats.errors import FormatError

FORMATS = ["edifact-delfor", "edifact-desadv", "edifact-orders", "x12-830", "x12-856", "vda-4905", "vda-4913", "xml", "csv"]
SOURCES = {}
for fmt in FORMATS:
    buffer = io.BytesIO()
    samples.write(fmt, 2, buffer, seed=7)
    SOURCES[fmt] = buffer.getvalue()


@st.composite
def mutated(draw):
    data = bytearray(SOURCES[draw(st.sampled_from(FORMATS))])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        elif kind == "truncate":
            del data[at:]
        else:
            data[at:at] = data[max(0, at - 30):at]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_give_documents_or_positioned_errors(data):
    _, result = registry.parse(data)
    for error in result.all_errors:
        assert isinstance(error, FormatError)
        assert str(error)
        assert error.code != "internal", f"a codec bug surfaced as an internal error: {error}"
