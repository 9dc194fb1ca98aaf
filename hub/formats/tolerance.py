"""Count mismatches a partner profile may tolerate: UNT/SE, UNE/GE and UNZ/IEA counts.

Real partner systems get their control counts wrong while every segment is there.
A profile that tolerates it turns those errors into warnings (the documents come out)
and the acknowledgement still reports them. Pure Python: ``translate --tolerate-counts``
and ingest share it.
"""

from __future__ import annotations

from hub.formats.errors import FormatError

COUNT_TAGS = frozenset({"UNT", "UNE", "UNZ", "SE", "GE", "IEA"})


def is_count_mismatch(error: FormatError) -> bool:
    """True for a control count that does not match what the envelope holds (and nothing else)."""
    return error.code == "count" and error.position.tag in COUNT_TAGS


def split_counts(errors: list[FormatError]) -> tuple[list[FormatError], list[FormatError]]:
    """Split ``errors`` into ``(kept, tolerated)``: the count mismatches, and everything else."""
    kept = [e for e in errors if not is_count_mismatch(e)]
    tolerated = [e for e in errors if is_count_mismatch(e)]
    return kept, tolerated


def warning_of(error: FormatError) -> str:
    """The warning a tolerated count mismatch becomes (its position and text, as the error said it)."""
    return f"tolerated: {error}"
