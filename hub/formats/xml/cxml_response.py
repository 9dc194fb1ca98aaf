"""The cXML Response status the hub answers a cXML request with (cXML 1.2 User's Guide, "Status").

cXML acknowledges in the same HTTP exchange: the answer to a posted OrderRequest or
ShipNoticeRequest is a ``<cXML><Response><Status code=... text=...>`` document. The hub
keeps that answer as the interchange's acknowledgement: 200 OK when the request was
taken, 400 Bad Request when it could not be read, 406 Not Acceptable when it was read but
refused (routing, authority, mandatory fields); the status text names the first error,
the element content lists them all with their positions.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from hub.formats.canonical import AckError, Acknowledged, Acknowledgement
from hub.formats.errors import ParseResult
from hub.formats.xml.cxml import DEFAULT_VERSION

SYNTAX_CODES = frozenset({"syntax", "tag", "missing", "unsupported", "xml", "internal"})
STATUS_TEXT = {200: "OK", 400: "Bad Request", 406: "Not Acceptable"}


def status_code(verdict: ParseResult) -> int:
    """200 when every request was taken, 400 when one could not be read, 406 when one was read but refused."""
    errors = [*verdict.errors, *(e for m in verdict.messages for e in m.errors)]
    if not errors:
        return 200
    return 400 if any(e.code in SYNTAX_CODES for e in errors) else 406


def acknowledgements(verdict: ParseResult, control_ref: str, now: dt.datetime | None = None) -> tuple[str, str, bytes, list[Acknowledgement]]:
    """The cXML Response for a received cXML document as the hub judged it: ``(kind, extension, body, documents)``."""
    code = status_code(verdict)
    errors = [AckError(position=e.position.describe(), code=e.code, text=e.text) for e in [*verdict.errors, *(e for m in verdict.messages for e in m.errors)]]
    refs = [m.ref for m in verdict.messages]
    doc = Acknowledgement(
        number=f"{control_ref}@supplierhub",
        acknowledges=Acknowledged(interchange_ref=refs[0] if refs else "", message_refs=refs),
        status="accepted" if code == 200 else "rejected",
        errors=errors,
    )
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    text = STATUS_TEXT[code] if code == 200 else f"{STATUS_TEXT[code]}: {errors[0].text}"
    detail = "\n".join(f"{e.position}: {e.text}" if e.position else e.text for e in errors)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{DEFAULT_VERSION}/cXML.dtd">\n'
        f"<cXML payloadID={quoteattr(doc.number)} timestamp={quoteattr(when)} xml:lang=\"en\">\n"
        f"  <Response>\n    <Status code=\"{code}\" text={quoteattr(text[:200])}>{escape(detail)}</Status>\n  </Response>\n</cXML>\n"
    )
    return "Response", "xml", body.encode("utf-8"), [doc]
