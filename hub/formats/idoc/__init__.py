"""SAP IDocs, flat (EDI_DC40) and XML: ORDERS01..05, DELFOR01/02 (DELINS, DELJIT), DELVRY (DESADV)."""

from hub.formats.idoc.codec import IdocCodec, IdocXmlCodec

__all__ = ["IdocCodec", "IdocXmlCodec"]
