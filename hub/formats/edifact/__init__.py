"""UN/EDIFACT codec: syntax 3 and 4; DELFOR, DELJIT, DESADV, ORDERS, ORDRSP, CONTRL, APERAK (see messages/)."""

from hub.formats.edifact.codec import EdifactCodec

__all__ = ["EdifactCodec"]
