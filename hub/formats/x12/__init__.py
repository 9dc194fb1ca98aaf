"""ANSI ASC X12 codec: 004010 and 005010 interchanges (ISA..IEA), see messages/ for the sets."""

from hub.formats.x12.codec import X12Codec

__all__ = ["X12Codec"]
