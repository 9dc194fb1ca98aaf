"""Render a delivery's canonical JSON in the format its recipient asked for."""

from __future__ import annotations

import json

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import from_json
from hub.formats.errors import FormatError

CONTENT_TYPES = {
    "json": ("application/json", "json"),
    "edifact": ("application/edifact", "edi"),
    "x12": ("application/edi-x12", "x12"),
    "vda": ("text/plain; charset=iso-8859-1", "vda"),
    "xml": ("application/xml", "xml"),
    "ubl": ("application/xml", "xml"),
    "cxml": ("application/xml", "xml"),
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def render(payload: str, fmt: str, *, receiver_id: str, control_ref: str) -> tuple[bytes, str, str]:
    """Return ``(body, content type, file extension)`` of ``payload`` in ``fmt``.

    ``fmt`` is ``json`` (canonical JSON, as stored) or a codec name; a partner profile may
    write it as ``FAMILY:MESSAGE`` (``EDIFACT:DELFOR``), of which the family picks the codec.
    Raises FormatError when the format cannot carry the document.
    """
    name = (fmt or "json").split(":")[0].strip().lower()
    if name in ("", "json"):
        return payload.encode("utf-8"), *CONTENT_TYPES["json"]
    codec = registry.get(name)
    document = from_json(json.loads(payload))
    options = RenderOptions(sender_id="SUPPLIERHUB", sender_qualifier="ZZ", receiver_id=receiver_id, receiver_qualifier="ZZ", control_ref=control_ref)
    try:
        body = codec.render([document], options)
    except FormatError:
        raise  # already says what is wrong
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(f"{name} cannot render this {document.type}: {exc}") from None
    content_type, extension = CONTENT_TYPES.get(name, ("application/octet-stream", "dat"))
    return body, content_type, extension
