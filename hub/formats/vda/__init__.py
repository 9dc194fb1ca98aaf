"""VDA fixed-length formats: 4905 delivery call-off, 4915 JIT call-off, 4913 despatch advice.

``layouts`` holds the record layouts as tables, ``records`` reads and cuts records,
``calloff`` and ``despatch`` map to and from the canonical model, ``codec`` ties them
into the hub's Codec interface.

Decisions (commitment levels, special dates, what is not carried, what layouts are thin
or assumed) are written down in the docstrings of ``calloff`` (4905, 4915) and
``despatch`` (4913); the record layouts come from /work/shared/specs/vda.md.
"""

from hub.formats.vda.codec import VdaCodec

__all__ = ["VdaCodec"]
