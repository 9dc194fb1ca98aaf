"""Count mismatches a partner profile may tolerate: UNT/SE, UNE/GE and UNZ/IEA counts.

Real partner systems get their control counts wrong while every segment is there.
A profile that tolerates it turns those errors into warnings (the documents come out)
and the acknowledgement still reports them. Pure Python: ``translate --tolerate-counts``
and ingest share it.
"""

from __future__ import annotations

from collections.abc import Iterator

from hub.formats.errors import FormatError, MessageResult, MessageStream

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


TOLERATED = "tolerated: "  # how an acknowledgement entry says it reports a fault that refused nothing


def is_tolerated_entry(text: str) -> bool:
    """True for an acknowledgement error entry that reports a tolerated fault (it rejects nothing)."""
    return text.startswith(TOLERATED)


def relaxed(stream: MessageStream) -> MessageStream:
    """``stream`` with its count mismatches tolerated: moved from the errors to ``tolerated`` and the warnings.

    A message whose only faults were count mismatches comes out with its documents;
    the envelope's count mismatches refuse nothing either. Complete once iterated, as
    the stream's own lists are.
    """

    def messages() -> Iterator[MessageResult]:
        for message in stream:
            if message.errors:
                kept, tolerated = split_counts(message.errors)
                if tolerated:
                    message.errors = kept
                    out.tolerated += tolerated
                    out.warnings += [warning_of(e) for e in tolerated]
            yield message
        kept, tolerated = split_counts(stream.errors)
        out.errors += kept
        out.tolerated += tolerated
        out.warnings[:0] = stream.warnings
        out.warnings += [warning_of(e) for e in tolerated]

    out = MessageStream(stream.format, messages())
    out.envelopes = stream.envelopes
    return out
