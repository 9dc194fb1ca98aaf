"""UN/EDIFACT codec: syntax 3 and 4, DELFOR first (see messages/)."""

from hub.formats.edifact.codec import EdifactCodec

__all__ = ["EdifactCodec"]
