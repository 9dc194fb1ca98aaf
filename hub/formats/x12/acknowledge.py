"""The hub's X12 acknowledgements of received interchanges: one 997 per functional group.

Pure Python like the rest of ``hub/formats``: it takes the parse result as the hub
judged it (messages refused after parsing carry why) and renders the 997s, or a
rejecting acknowledgement for an interchange that carried no transaction set the hub
could read. Errors are reported per transaction set, without segment detail.
"""

from __future__ import annotations

from typing import Any

from hub.formats import codes as format_codes
from hub.formats.base import RenderOptions
from hub.formats.canonical import AckError, Acknowledged, PartyId, Source
from hub.formats.canonical import Acknowledgement as CanonicalAcknowledgement
from hub.formats.errors import MessageResult, ParseResult


def functional_acknowledgements(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[CanonicalAcknowledgement]]:
    """Render the 997s for every interchange of ``verdict``: ``(kind, extension, body, documents)``.

    ``control_ref`` is the hub's own ISA13/GS06 for the acknowledgement interchange.
    """
    from hub.formats.x12.codec import X12Codec

    bodies: list[bytes] = []
    documents: list[CanonicalAcknowledgement] = []
    codec = X12Codec()
    for index, env in enumerate(verdict.envelopes):
        version = "005010" if env.version.startswith("005") else "004010"
        messages = [m for m in verdict.messages if m.interchange == index]
        groups: dict[str, list[MessageResult]] = {}
        for m in messages:
            groups.setdefault(m.group_ref, []).append(m)
        docs = [group_acknowledgement(env, group, members, version) for group, members in groups.items()]
        if not docs:
            errors = [AckError(position=f"interchange {env.control_ref}", code="", text=e.text) for e in verdict.errors if e.interchange == index]
            docs = [CanonicalAcknowledgement(acknowledges=Acknowledged(interchange_ref=env.control_ref), status="rejected", errors=errors)]
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
    return "997", "x12", b"".join(bodies), documents


def group_acknowledgement(env: Any, group: str, members: list[MessageResult], version: str) -> CanonicalAcknowledgement:
    """The canonical 997 for one functional group: accepted, partially accepted or rejected, with each set's errors."""
    accepted = [m for m in members if m.ok]
    status = "accepted" if len(accepted) == len(members) else ("partially_accepted" if accepted else "rejected")
    errors = [AckError(position=f"message {m.ref}", code=e.code, text=e.text) for m in members for e in m.errors]
    acked_type = members[0].type
    fid = format_codes.X12_FUNCTIONAL_ID.get(acked_type, "SH")
    return CanonicalAcknowledgement(
        number=env.control_ref,
        sender=PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
        receiver=PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        source=Source(format="X12", version=f"997 {version} {fid} {acked_type}", interchange_ref=env.control_ref),
        acknowledges=Acknowledged(interchange_ref=env.control_ref, group_ref=group, message_refs=[m.ref for m in members]),
        status=status,
        errors=errors,
    )
