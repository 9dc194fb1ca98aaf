"""XML codecs: the hub's own canonical XML, UBL 2.0-2.4 and cXML, all parsed through ``safe``."""

from hub.formats.xml.codec import CxmlCodec, UblCodec, XmlCodec

__all__ = ["CxmlCodec", "UblCodec", "XmlCodec"]
