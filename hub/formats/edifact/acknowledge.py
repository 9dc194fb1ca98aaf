"""Build the acknowledgements the hub sends back for an inbound EDIFACT interchange.

Two kinds, per ISO 9735 and UN/EDIFACT practice:

- ``contrl(result, index, control_ref=...)`` - the syntax and service report. It says
  what became of interchange ``index`` of a ``ParseResult``: ``accepted`` (no error),
  ``partially_accepted`` (some messages rejected, or envelope faults the hub tolerated),
  ``rejected`` (nothing usable). UCI echoes the inbound UNB control reference and its
  sender/recipient; the CONTRL's own UNB swaps them (the hub answers the sender) and
  echoes the partner's syntax identifier and version (UNOA:3, UNOW:4...), date format
  (YYMMDD, or CCYYMMDD in syntax 4) and separators (``envelopes[i].separators``, so a
  partner that writes ``UNA=*.? ~`` gets ``UNA=*.? ~`` back). One UCM per message (action
  7 accepted, 4 rejected) with UCS (segment position, UNH = 1) and UCD (element and
  component) for each positioned error; errors without a segment go into UCM itself.
  Count mismatches the partner's profile tolerates (``result.tolerated``) are reported
  with their code (29) but leave the message accepted (action 7).
- ``aperak(result, message_ref, errors, control_ref=...)`` - the application error and
  acknowledgement for one message that parsed but failed business checks (unknown
  part, wrong supplier...): BGM 27 with ERC/FTX per error, or 29 when ``errors`` is empty.

``contrl_document`` / ``aperak_document`` give the same content as canonical
acknowledgements (for storing and showing in the portal); both render with the
codec's message writers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hub.formats import codes
from hub.formats.canonical import AckError, Acknowledged, Acknowledgement, PartyId, Source
from hub.formats.edifact import render as writer
from hub.formats.edifact.messages import aperak as aperak_message
from hub.formats.edifact.messages import contrl as contrl_message
from hub.formats.edifact.syntax import SYNTAX_CHARSETS, Separators
from hub.formats.errors import Envelope, FormatError, ParseResult
from hub.formats.tolerance import TOLERATED


def _envelope(result: ParseResult, index: int) -> Envelope:
    if not 0 <= index < len(result.envelopes):
        raise FormatError(f"the file has {len(result.envelopes)} interchange(s); there is no interchange {index + 1} to acknowledge")
    return result.envelopes[index]


def _syntax(env: Envelope) -> tuple[str, str]:
    ident, _, version = (env.syntax or "UNOC:3").partition(":")
    return ident or "UNOC", version or "3"


def _sanitise(text: str, env: Envelope) -> str:
    """Keep a text inside the partner's repertoire: characters its charset lacks become '?'."""
    charset = SYNTAX_CHARSETS.get(_syntax(env)[0], "iso8859_1")
    return text.encode(charset, errors="replace").decode(charset)


def _error_entry(error: FormatError, message_ref: str = "") -> AckError:
    pos = error.position
    where = contrl_message.position_text(
        message_ref=message_ref,
        segment=pos.segment if message_ref else None,
        tag=pos.tag if (not message_ref or pos.segment is None) else "",
        element=pos.element,
        component=pos.component,
    )
    return AckError(position=where, code=codes.syntax_error_code(error.code), text=error.text)


def _tolerated(entry: AckError) -> AckError:
    return AckError(position=entry.position, code=entry.code, text=TOLERATED + entry.text)


def contrl_document(result: ParseResult, index: int = 0) -> Acknowledgement:
    """The CONTRL for interchange ``index`` of ``result`` as a canonical acknowledgement."""
    env = _envelope(result, index)
    messages = [m for m in result.messages if m.interchange == index]
    envelope_errors = [e for e in result.errors if e.interchange == index]
    ok = [m for m in messages if m.ok]
    if not envelope_errors and len(ok) == len(messages):
        status = "accepted"
    elif ok:
        status = "partially_accepted"
    else:
        status = "rejected"
    tolerated = [e for e in result.tolerated if e.interchange == index]
    # UCI carries one error: an envelope fault, else a tolerated count mismatch (reported, action 7).
    errors = [_error_entry(e) for e in envelope_errors[:1]] or [_tolerated(_error_entry(e)) for e in tolerated if not e.position.message_ref][:1]
    for message in messages:
        errors.extend(_error_entry(e, message.ref) for e in message.errors)
        errors.extend(_tolerated(_error_entry(e, message.ref)) for e in tolerated if e.position.message_ref == message.ref)
    group_refs = [m.group_ref for m in messages if m.group_ref]
    return Acknowledgement(
        number="1",
        sender=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        receiver=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        source=Source(format="EDIFACT", version="CONTRL", interchange_ref=env.control_ref),
        acknowledges=Acknowledged(
            interchange_ref=env.control_ref,
            group_ref=group_refs[0] if group_refs else "",
            message_refs=[m.ref for m in messages],
        ),
        status=status,
        errors=errors,
    )


def contrl(result: ParseResult, index: int = 0, *, control_ref: str, now: dt.datetime | None = None) -> bytes:
    """Render the CONTRL for interchange ``index`` of ``result``; ``control_ref`` is the hub's own UNB 0020."""
    env = _envelope(result, index)
    doc = contrl_document(result, index)
    ident, version = _syntax(env)
    seps = Separators.from_dict(env.separators)
    identifiers = _message_identifiers(result, index)
    directory = "4:1:UN" if version >= "4" else "D:3:UN"
    segments = contrl_message.write(doc, "1", seps, directory, message_ids=identifiers)
    return _wrap([segments], env, seps, control_ref, ident, version, now)


def _message_identifiers(result: ParseResult, index: int) -> dict[str, list[str]]:
    """Each message's S009 (type, version, release, agency) for its UCM."""
    return {m.ref: [m.type, *m.version.split(":")] for m in result.messages if m.interchange == index}


def aperak_document(
    result: ParseResult,
    message_ref: str,
    errors: Sequence[FormatError | AckError],
    *,
    index: int = 0,
    number: str = "",
    issued: str | None = None,
) -> Acknowledgement:
    """The APERAK for message ``message_ref`` of interchange ``index`` as a canonical acknowledgement."""
    env = _envelope(result, index)
    message = next((m for m in result.messages if m.ref == message_ref and m.interchange == index), None)
    if message is None:
        raise FormatError(f"interchange {env.control_ref} has no message {message_ref} to acknowledge")
    acknowledged_number = next((d.number for d in message.documents), "")
    entries = []
    for error in errors:
        if isinstance(error, FormatError):
            entry = AckError(position=error.position.describe(), code=error.code or codes.APERAK_ERC_APPLICATION, text=error.text)
        else:
            entry = AckError(position=error.position, code=error.code or codes.APERAK_ERC_APPLICATION, text=error.text)
        entries.append(AckError(position=_sanitise(entry.position, env), code=_sanitise(entry.code, env), text=_sanitise(entry.text, env)))
    return Acknowledgement(
        number=number or f"{env.control_ref}-{message_ref}"[:35],
        issued=issued,
        sender=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        receiver=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        source=Source(format="EDIFACT", version="APERAK", interchange_ref=env.control_ref, message_ref=message_ref),
        acknowledges=Acknowledged(
            interchange_ref=env.control_ref,
            group_ref=message.group_ref,
            message_refs=[message_ref],
            number=acknowledged_number,
        ),
        status="rejected" if entries else "accepted",
        errors=entries,
    )


def aperak(
    result: ParseResult,
    message_ref: str,
    errors: Sequence[FormatError | AckError],
    *,
    control_ref: str,
    index: int = 0,
    number: str = "",
    now: dt.datetime | None = None,
    directory: str = "D:96A:UN",
) -> bytes:
    """Render an APERAK for one message's application errors (or its acceptance when ``errors`` is empty)."""
    env = _envelope(result, index)
    now = now or dt.datetime.now(dt.UTC)
    doc = aperak_document(result, message_ref, errors, index=index, number=number, issued=now.strftime("%Y-%m-%dT%H:%M"))
    ident, version = _syntax(env)
    seps = Separators.from_dict(env.separators)
    segments = aperak_message.write(doc, "1", seps, directory)
    return _wrap([segments], env, seps, control_ref, ident, version, now)


def _wrap(
    messages: list[list[str]], env: Envelope, seps: Separators, control_ref: str, ident: str, version: str, now: dt.datetime | None
) -> bytes:
    return writer.interchange(
        messages,
        seps=seps,
        sender=(env.receiver.get("id", ""), env.receiver.get("scheme", "")),
        receiver=(env.sender.get("id", ""), env.sender.get("scheme", "")),
        control_ref=control_ref,
        syntax_id=ident,
        syntax_version=version,
        test=env.test,
        now=now,
        upgrade=True,  # only when the partner's own references break its declared charset
    )
