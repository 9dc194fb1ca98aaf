"""CONTRL (syntax and service report, ISO 9735 part 4 / UN/EDIFACT D:3 and 4:1).

Read: UCI (the acknowledged interchange: its reference, action and an interchange-level
error), UCF (a functional group), UCM (one per acknowledged message, with a message-level
error), UCS (an erroneous segment by its position in the message, UNH = 1) and UCD (an
erroneous element/component of the last UCS) into a canonical acknowledgement.

Status: UCI action 4, or every UCM 4 -> ``rejected``; UCI 7/8 with some UCM 4, or
with an interchange-level error code (a fault the receiver tolerated) ->
``partially_accepted``; else ``accepted``.

Error positions are written in the words of ``Position.describe()`` with the message in
brackets, e.g. ``segment 14, element 1, component 2 [message 3]``; an interchange-level
error names the service segment tag: ``UNZ, element 1``. CONTRL carries codes (0085),
not texts, so an error's text is the standard wording of its code.
"""

from __future__ import annotations

import re

from hub.formats import codes
from hub.formats.canonical import AckError, Acknowledged, Acknowledgement, Document
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.messages.common import envelope_ids, source, write_segment, write_unt
from hub.formats.edifact.syntax import Separators
from hub.formats.errors import Envelope, FormatError, Position
from hub.formats.tolerance import is_tolerated_entry

_POSITION = re.compile(
    r"^(?:segment (?P<segment>\d+)(?: \((?P<stag>[A-Z0-9]{3})\))?|(?P<tag>[A-Z0-9]{3}))?"
    r"(?:(?:, )?element (?P<element>\d+))?(?:(?:, )?component (?P<component>\d+))?(?: ?\[message (?P<message>.*)\])?$"
)


def position_text(
    *, message_ref: str = "", segment: int | None = None, tag: str = "", element: int | None = None, component: int | None = None
) -> str:
    """Write an acknowledgement error position: ``segment 14, element 1 [message 3]``."""
    where = Position(segment=segment, tag=tag if segment is None else "", element=element, component=component).describe()
    if message_ref:
        where = f"{where} [message {message_ref}]" if where else f"[message {message_ref}]"
    return where


def read_position(text: str) -> dict[str, object]:
    """Read a position written by ``position_text`` (or ``FormatError``'s wording) back into parts."""
    match = _POSITION.match((text or "").strip())
    if not match:
        return {"message_ref": "", "segment": None, "tag": "", "element": None, "component": None}
    g = match.groupdict()
    return {
        "message_ref": g["message"] or "",
        "segment": int(g["segment"]) if g["segment"] else None,
        "tag": g["tag"] or g["stag"] or "",
        "element": int(g["element"]) if g["element"] else None,
        "component": int(g["component"]) if g["component"] else None,
    }


def _error(code: str, **where: object) -> AckError:
    return AckError(position=position_text(**where), code=code, text=codes.SYNTAX_ERROR_TEXT.get(code, ""))  # type: ignore[arg-type]


def _element_position(seg, e: int) -> tuple[int | None, int | None]:  # noqa: ANN001 - a Segment
    element, component = seg.get(e, 1), seg.get(e, 2)
    return (int(element) if element.isdigit() else None, int(component) if component.isdigit() else None)


def read(msg: Message, env: Envelope, decimal_mark: str = ".") -> list[Document]:
    """Map one CONTRL message to a canonical acknowledgement."""
    sender, receiver = envelope_ids(env)
    doc = Acknowledgement(sender=sender, receiver=receiver, source=source(msg, env), number=msg.ref)
    doc.acknowledges = Acknowledged()
    interchange_action = ""
    interchange_error = False
    seen_uci = False
    message_actions: list[str] = []
    current_msg = ""
    current_seg: int | None = None
    for seg in msg.segments:
        tag = seg.tag
        if tag == "UCI":
            seen_uci = True
            doc.acknowledges.interchange_ref = seg.get(1)
            interchange_action = seg.get(4)
            interchange_error = bool(seg.get(5))
            if seg.get(5):
                element, component = _element_position(seg, 7)
                doc.errors.append(_error(seg.get(5), tag=seg.get(6), element=element, component=component))
        elif tag == "UCF":
            doc.acknowledges.group_ref = doc.acknowledges.group_ref or seg.get(1)
        elif tag == "UCM":
            current_msg = seg.get(1)
            current_seg = None
            doc.acknowledges.message_refs.append(current_msg)
            message_actions.append(seg.get(3))
            if seg.get(4):
                element, component = _element_position(seg, 6)
                doc.errors.append(_error(seg.get(4), message_ref=current_msg, tag=seg.get(5), element=element, component=component))
        elif tag == "UCS":
            current_seg = int(seg.get(1)) if seg.get(1).isdigit() else None
            if seg.get(2):
                doc.errors.append(_error(seg.get(2), message_ref=current_msg, segment=current_seg))
        elif tag == "UCD":
            element, component = _element_position(seg, 2)
            doc.errors.append(_error(seg.get(1), message_ref=current_msg, segment=current_seg, element=element, component=component))
    if not seen_uci:
        raise FormatError("CONTRL has no UCI (the interchange it acknowledges)", Position(tag="UCI", message_ref=msg.ref), code="missing")
    rejected = [a == "4" for a in message_actions]
    if codes.CONTRL_ACTION_TO_STATUS.get(interchange_action) == "rejected" or (rejected and all(rejected)):
        doc.status = "rejected"
    elif any(rejected) or interchange_error:
        doc.status = "partially_accepted"
    else:
        doc.status = "accepted"
    return [doc]


def write(
    doc: Document,
    ref: str,
    seps: Separators,
    directory: str = "D:3:UN",
    *,
    message_ids: dict[str, list[str]] | None = None,
) -> list[str]:
    """Render an acknowledgement as one CONTRL message (UNH..UNT).

    UCI names the acknowledged interchange with its sender and recipient, i.e. this
    CONTRL's receiver and sender. ``message_ids`` gives each acknowledged message's
    S009 (type, version, release, agency), which the canonical model does not carry;
    ``acknowledge.contrl_for`` passes them.
    """
    if not isinstance(doc, Acknowledgement):
        raise FormatError(f"CONTRL carries acknowledgements, not {doc.type}")
    ack = doc.acknowledges
    by_message: dict[str, list[dict[str, object]]] = {r: [] for r in ack.message_refs}
    interchange_errors: list[tuple[AckError, dict[str, object]]] = []
    for error in doc.errors:
        where = read_position(error.position)
        if where["message_ref"] and where["message_ref"] in by_message:
            by_message[str(where["message_ref"])].append({**where, "code": error.code, "tolerated": is_tolerated_entry(error.text)})
        else:
            interchange_errors.append((error, where))
    action = codes.CONTRL_STATUS_TO_ACTION.get(doc.status, "7")
    segs = [write_segment(seps, "UNH", doc.number or ref, ["CONTRL", *directory.split(":")])]
    uci: list[str | list[str]] = [
        "UCI",
        ack.interchange_ref,
        [doc.receiver.id, doc.receiver.scheme],
        [doc.sender.id, doc.sender.scheme],
        action,
    ]
    if interchange_errors:
        error, where = interchange_errors[0]
        uci += [codes.syntax_error_code(error.code), str(where["tag"] or ""), _s011(where)]
    segs.append(write_segment(seps, *uci))
    if ack.group_ref:
        ucf = ["UCF", ack.group_ref, [doc.receiver.id, doc.receiver.scheme], [doc.sender.id, doc.sender.scheme], action]
        segs.append(write_segment(seps, *ucf))
    for message_ref in ack.message_refs:
        errors = by_message[message_ref]
        # A tolerated fault (a count mismatch the partner's profile accepts) is reported, not rejected.
        message_action = "4" if any(not e["tolerated"] for e in errors) or doc.status == "rejected" else "7"
        ucm: list[str | list[str]] = ["UCM", message_ref, list((message_ids or {}).get(message_ref, [])), message_action]
        message_level = [e for e in errors if e["segment"] is None]
        if message_level:
            first = message_level[0]
            ucm += [codes.syntax_error_code(str(first["code"])), str(first["tag"] or ""), _s011(first)]
        segs.append(write_segment(seps, *ucm))
        for error in errors:
            if error["segment"] is None:
                continue
            if error["element"] is None:
                segs.append(write_segment(seps, "UCS", str(error["segment"]), codes.syntax_error_code(str(error["code"]))))
            else:
                segs.append(write_segment(seps, "UCS", str(error["segment"])))
                segs.append(write_segment(seps, "UCD", codes.syntax_error_code(str(error["code"])), _s011(error)))
    segs.append(write_unt(seps, segs, doc.number or ref))
    return segs


def _s011(where: dict[str, object]) -> list[str]:
    element, component = where.get("element"), where.get("component")
    return [str(element) if element is not None else "", str(component) if component is not None else ""]
