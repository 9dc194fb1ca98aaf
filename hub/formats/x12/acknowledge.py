"""The hub's X12 acknowledgements of received interchanges: 997 or 999 per group, TA1 on envelope faults.

Pure Python like the rest of ``hub/formats``: it takes the parse result as the hub
judged it (messages refused after parsing carry why) and renders, per interchange:

- a TA1 (interchange acknowledgement) when the ISA/IEA envelope has faults: rejected
  (R) with the TA105 note that fits (021 group count, 001 control number mismatch, 023
  premature end of file, 024 invalid content), or accepted with errors (E) when the
  partner's profile tolerates the count mismatch;
- one 997 (functional acknowledgement) or, where the partner's profile asks for it, one
  999 (implementation acknowledgement, 005010X231) per functional group, with AK3/IK3
  (segment) and AK4/IK4 (element) detail for each positioned error, AK5/IK5 codes for
  set-level faults (1 not supported, 2 trailer missing, 3 control number mismatch, 4
  segment count, 5 segments in error) and AK9 codes for group faults (5 set count).

Tolerated faults (``ParseResult.tolerated``) are reported with their codes but reject
nothing: the set is accepted with errors (AK5/IK5 ``E``).
"""

from __future__ import annotations

from typing import Any

from hub.formats import codes as format_codes
from hub.formats.base import RenderOptions
from hub.formats.canonical import AckError, Acknowledged, PartyId, Source
from hub.formats.canonical import Acknowledgement as CanonicalAcknowledgement
from hub.formats.errors import FormatError, MessageResult, ParseResult
from hub.formats.tolerance import TOLERATED

KINDS = ("997", "999")
# FormatError codes -> X12 codes, per level (X12 syntax error lists 718/720/721/723).
SET_CODES = {"unsupported": "1", "missing": "2", "reference": "3", "count": "4"}
SEGMENT_CODES = {"tag": "1", "missing": "3"}
ELEMENT_CODES = {"missing": "1", "mandatory": "1", "syntax": "6", "invalid_value": "6", "code": "7", "date": "8", "time": "9"}
TA1_NOTES = {("count", "IEA"): "021", ("reference", "IEA"): "001", ("missing", ""): "023"}


def functional_acknowledgements(
    verdict: ParseResult, control_ref: str, kind: str = "997"
) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    """Render the acknowledgements of every interchange of ``verdict``: ``(kind, extension, body, documents)``.

    ``control_ref`` is the hub's own ISA13/GS06 for the acknowledgement interchange;
    ``kind`` is ``997`` or ``999`` (which then goes out in 005010). The kind returned
    names what was sent, with ``+TA1`` when an envelope was acknowledged too.
    """
    from hub.formats.x12.codec import X12Codec

    bodies: list[bytes] = []
    documents: list[CanonicalAcknowledgement] = []
    codec = X12Codec()
    sent_ta1 = False
    for index, env in enumerate(verdict.envelopes):
        version = "005010" if kind == "999" or env.version.startswith("005") else "004010"
        envelope_faults = [e for e in verdict.errors if e.interchange == index]
        tolerated = [e for e in verdict.tolerated if e.interchange == index]
        docs: list[CanonicalAcknowledgement] = []
        ta1 = interchange_acknowledgement(env, envelope_faults, [e for e in tolerated if e.position.tag == "IEA"])
        if ta1 is not None:
            docs.append(ta1)
            sent_ta1 = True
        messages = [m for m in verdict.messages if m.interchange == index]
        groups: dict[str, list[MessageResult]] = {}
        for m in messages:
            groups.setdefault(m.group_ref, []).append(m)
        docs += [group_acknowledgement(env, group, members, version, kind, tolerated) for group, members in groups.items()]
        if not groups and ta1 is None:
            errors = [AckError(position=f"interchange {env.control_ref}", code="", text=e.text) for e in envelope_faults]
            docs.append(CanonicalAcknowledgement(acknowledges=Acknowledged(interchange_ref=env.control_ref), status="rejected", errors=errors))
        documents += docs
        options = RenderOptions(
            sender_id=env.receiver.get("id", "")[:15],
            sender_qualifier=env.receiver.get("scheme", "") or "ZZ",
            receiver_id=env.sender.get("id", "")[:15],
            receiver_qualifier=env.sender.get("scheme", "") or "ZZ",
            control_ref=control_ref,
            version=version,
            test=env.test,
        )
        bodies.append(codec.render(docs, options))
    return kind + ("+TA1" if sent_ta1 else ""), "x12", b"".join(bodies), documents


def interchange_acknowledgement(env: Any, faults: list[FormatError], tolerated: list[FormatError]) -> CanonicalAcknowledgement | None:
    """The TA1 for an interchange whose envelope has faults (rejected) or tolerated count mismatches (accepted with errors); None when clean."""
    if not faults and not tolerated:
        return None
    errors = [AckError(position=f"interchange {env.control_ref}", code=ta1_note(e), text=e.text) for e in faults]
    errors += [AckError(position=f"interchange {env.control_ref}", code=ta1_note(e), text=TOLERATED + e.text) for e in tolerated]
    return CanonicalAcknowledgement(
        number=env.control_ref,
        sender=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        receiver=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        source=Source(format="X12", version=f"TA1 {env.version}", interchange_ref=env.control_ref),
        acknowledges=Acknowledged(interchange_ref=env.control_ref),
        status="rejected" if faults else "accepted",
        errors=errors,
    )


def ta1_note(error: FormatError) -> str:
    """The TA105 note code for an envelope fault (024, invalid interchange content, when none fits better)."""
    return TA1_NOTES.get((error.code, error.position.tag)) or TA1_NOTES.get((error.code, "")) or "024"


def group_acknowledgement(
    env: Any, group: str, members: list[MessageResult], version: str, kind: str = "997", tolerated: list[FormatError] | None = None
) -> CanonicalAcknowledgement:
    """The canonical 997/999 for one functional group: accepted, partially accepted or rejected, with each set's errors in detail."""
    accepted = [m for m in members if m.ok]
    status = "accepted" if len(accepted) == len(members) else ("partially_accepted" if accepted else "rejected")
    refs = {m.ref for m in members}
    errors = [_entry(m.ref, e) for m in members for e in m.errors]
    for e in tolerated or ():
        if e.position.message_ref in refs:
            errors.append(_entry(e.position.message_ref, e, TOLERATED))
        elif e.position.tag == "GE":
            errors.append(AckError(position=f"group {group}", code="5", text=TOLERATED + e.text))
    acked_type = members[0].type
    fid = format_codes.X12_FUNCTIONAL_ID.get(acked_type, "SH")
    return CanonicalAcknowledgement(
        number=env.control_ref,
        sender=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        receiver=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        # The set types after the group's own: AK201 names each set's type (a mixed group holds an 810 among 850s).
        source=Source(format="X12", version=f"{kind} {version} {fid} {acked_type} {','.join(m.type for m in members)}", interchange_ref=env.control_ref),
        acknowledges=Acknowledged(interchange_ref=env.control_ref, group_ref=group, message_refs=[m.ref for m in members]),
        status=status,
        errors=errors,
    )


def _entry(ref: str, error: FormatError, prefix: str = "") -> AckError:
    """One error as the 997/999 reports it: at the segment and element it names (AK3/AK4), else at the set (AK5)."""
    from hub.formats.x12.messages.ack import position_words

    pos = error.position
    set_level = error.code in SET_CODES and (pos.tag in ("SE", "ST", "") or error.code in ("unsupported", "missing"))
    if set_level or pos.segment is None or not pos.tag:
        return AckError(position=position_words(ref), code=SET_CODES.get(error.code, "5"), text=prefix + error.text)
    code = ELEMENT_CODES.get(error.code, "6") if pos.element is not None else SEGMENT_CODES.get(error.code, "8")
    where = position_words(ref, str(pos.segment), pos.tag, str(pos.element or ""), str(pos.component or ""))
    return AckError(position=where, code=code, text=prefix + error.text)
