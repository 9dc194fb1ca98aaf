"""VDA fixed-length formats: 4905 delivery call-off, 4915 JIT call-off, 4913 despatch advice.

``layouts`` holds the record layouts as tables, ``records`` reads and cuts records,
``calloff`` and ``despatch`` map to and from the canonical model, ``codec`` ties them
into the hub's Codec interface.
"""

from hub.formats.vda.codec import VdaCodec

__all__ = ["VdaCodec"]
