"""Open a stored interchange message by message: one parse path for every format.

The registry's ``stream`` detects the format and yields ``MessageResult``s in file
order; a supplier's own CSV/XLSX column mappings are tried before the defaults.
"""

from __future__ import annotations

from typing import IO

from hub.formats import registry
from hub.formats.base import Detection
from hub.formats.errors import MessageStream
from hub.models import Interchange


def open_stream(*, interchange: Interchange, fh: IO[bytes]) -> tuple[Detection, MessageStream]:
    """Detect and open ``fh`` (the interchange's stored bytes) as a message stream; never raises for bad input."""
    from hub.formats.tabular import CsvCodec, XlsxCodec
    from hub.formats.tabular.mapping import DEFAULT_MAPPINGS
    from suppliers.services import column_mappings_of

    supplier = interchange.sender_supplier
    profile = getattr(supplier, "profile", None) if supplier is not None else None
    if profile is not None and profile.column_mappings:
        try:
            mappings = column_mappings_of(profile) + list(DEFAULT_MAPPINGS)
        except ValueError:
            mappings = []  # an invalid stored mapping is refused when saved; never fail processing on it
        head = fh.read(registry.HEAD_BYTES)
        fh.seek(0)
        for codec in (XlsxCodec(mappings), CsvCodec(mappings)) if mappings else ():
            if codec.detect(head) is not None:
                return registry.stream(fh, codec=codec)
    return registry.stream(fh)
