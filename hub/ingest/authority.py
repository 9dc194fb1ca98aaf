"""Trust on the way in: the hub believes only what a sender may say.

Pure functions over the sending ``Party`` (``hub.parties``), a document kind, the
supplier and plant a document was resolved to, and the interchange envelope. Ingest,
the receipt endpoint and any channel to come ask these, so the rules live in one place:

- ``party_error``: may this party send into the hub at all (headquarters is read-only; a
  suspended or not-yet-live supplier sends nothing into production; a supplier in its
  test phase sends test runs only)?
- ``sender_binding_error``: the envelope sender (UNB 0004, ISA06, the VDA sender number,
  the IDoc/cXML sender) must be one of the party's own verified identifiers; plant-side
  parties send as the plant systems (``settings.HUB_PLANT_SENDER_IDS``).
- ``kind_error`` / ``may_send``: who may send which kind of document, from ``SEND_RULES``.
- ``may_acknowledge``: acknowledgements and receipts come from the party a delivery went to.
- ``control_namespace``: control references are unique per verified sender, never per raw
  envelope string, so nobody can spend another's references.

``SEND_RULES`` is the one table of who may send what; ``docs/security.md`` shows it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from hub.parties import Party
from suppliers.identifiers import FORMAT_SCHEMES, IdentifierKey, identifier_key, normalise_value

PLANT_SIDE = "plant side"  # buyers for their plants, admins, the plants' own systems
NAMED_SUPPLIER = "named supplier"  # the supplier the document names, for plants it is assigned to
RECIPIENT = "recipient"  # the party the acknowledged delivery went to


@dataclass(frozen=True)
class SendRule:
    """Who may send one kind of document, and whether the plant side may send it for a supplier."""

    label: str  # in messages: "call-off 4711 ..."
    sender: str  # PLANT_SIDE, NAMED_SUPPLIER or RECIPIENT
    on_behalf: bool = False  # a buyer (for its plants) or an admin may send it for the named supplier; recorded on the interchange
    rule: str = ""  # the rule in words (docs/security.md)


# The one table of who may send what (every channel: portal, API, and channels to come).
SEND_RULES: dict[str, SendRule] = {
    "delivery_schedule": SendRule(
        "call-off", PLANT_SIDE, rule="from the plant side only: a buyer for its plants, an admin, a plant system"
    ),
    "purchase_order": SendRule(
        "purchase order", PLANT_SIDE, rule="from the plant side only: a buyer for its plants, an admin, a plant system"
    ),
    "despatch_advice": SendRule(
        "despatch advice", NAMED_SUPPLIER, on_behalf=True,
        rule="from the supplier it names, for plants that supplier is assigned to; a buyer for its plants or an admin may send it on the supplier's behalf (recorded)",
    ),
    "order_response": SendRule(
        "order response", NAMED_SUPPLIER, on_behalf=True,
        rule="from the supplier it names, for plants that supplier is assigned to; a buyer for its plants or an admin may send it on the supplier's behalf (recorded)",
    ),
    "acknowledgement": SendRule(
        "acknowledgement", RECIPIENT,
        rule="from the party the acknowledged delivery went to: its supplier, or the plant side for deliveries to their plants",
    ),
    "receipt": SendRule(
        "receipt", RECIPIENT,
        rule="from the party the delivery went to: its supplier, or the plant side for deliveries to their plants",
    ),
}  # fmt: skip

# Where each format carries its sender, for positioned messages.
SENDER_POSITION = {
    "EDIFACT": ("UNB", 2),  # S002 interchange sender, 0004
    "X12": ("ISA", 6),
    "VDA": ("511/711", 3),  # the transmission header's sender number
    "IDOC": ("EDI_DC40", None),  # SNDPRN
    "cXML": ("Header/From", None),
}

LIVE, TESTING = "live", "testing"


def party_error(party: Party, *, test_run: bool = False) -> str:
    """Why ``party`` may not send this interchange at all, or '' when it may."""
    if party.role == "hq":
        return "headquarters accounts are read-only and cannot submit documents"
    if party.role == "supplier":
        supplier = party.supplier
        if supplier is None:
            return "your account belongs to no supplier, so it cannot send documents"
        if supplier.status == TESTING and not test_run:
            return f"supplier {supplier.number} is in its test phase: its files are test runs and are never sent into production"
        if supplier.status not in (LIVE, TESTING):
            return f"supplier {supplier.number} is {supplier.status.replace('_', ' ')} and cannot send documents into production"
        return ""
    if not party.plant_side:
        return f"a {party.role or 'anonymous'} party cannot submit documents"
    return ""


def sender_binding_error(
    party: Party,
    *,
    envelope_format: str,
    sender: dict[str, str],
    identities: Collection[IdentifierKey],
    plant_sender_ids: Iterable[str],
) -> str:
    """Why the envelope sender is not ``party``'s own, or '' when it is (or the format names no sender).

    ``identities`` are the party's verified identifier keys (a supplier's number counts,
    the group assigned it); plant-side parties send with ``plant_sender_ids``. Formats
    without a sender of their own (CSV, UBL) are bound to the uploading party.
    """
    raw = (sender or {}).get("id", "")
    if not raw.strip():
        return ""
    shown = raw + (f":{sender['scheme']}" if sender.get("scheme") else "")
    if party.plant_side:
        if normalise_value(raw) in {normalise_value(v) for v in plant_sender_ids}:
            return ""
        return f"the envelope sender {shown} is not the plant systems' identity ({', '.join(plant_sender_ids)}), which {party.describe()} sends with"
    scheme = FORMAT_SCHEMES.get(envelope_format)
    if scheme is not None:
        key = identifier_key(scheme, sender.get("scheme", ""), raw)
        ok = key in identities
    else:  # IDoc partner numbers, cXML credentials: compared by value against every verified id
        ok = normalise_value(raw) in {k.value for k in identities}
    if ok:
        return ""
    return f"the envelope sender {shown} is not a verified identifier of {party.describe()}, who sent this file"


def sender_position(envelope_format: str) -> tuple[str, int | None]:
    """Tag and element where ``envelope_format`` names its sender."""
    return SENDER_POSITION.get(envelope_format, ("envelope", None))


def kind_error(party: Party, kind: str, number: str) -> str:
    """Why ``party`` may never send a document of ``kind`` (before its parties are resolved), or ''."""
    rule = SEND_RULES.get(kind)
    if rule is None:
        return f"{kind} documents are not routed by the hub"
    if rule.sender == PLANT_SIDE and not party.plant_side:
        return f"{rule.label} {number}: {rule.label}s come from plants, and your account is a {party.role} account"
    if rule.sender == NAMED_SUPPLIER and not (party.plant_side or party.role == "supplier"):
        return f"{rule.label} {number}: {rule.label}s come from suppliers, and your account is a {party.role} account"
    return ""


def may_send(party: Party, kind: str, *, number: str, supplier: Any, plant_code: str, supplier_plants: Collection[str]) -> str:
    """Why ``party`` may not send this document (resolved to ``supplier`` and plant ``plant_code``), or ''.

    ``supplier_plants`` are the codes of the plants the named supplier is assigned to.
    """
    why = kind_error(party, kind, number)
    if why:
        return why
    rule = SEND_RULES[kind]
    what = f"{rule.label} {number}"
    if party.role == "buyer" and party.plant_codes is not None and plant_code not in party.plant_codes:
        return f"{what} is for plant {plant_code}, which is not one of your plants"
    if rule.sender == NAMED_SUPPLIER:
        if party.role == "supplier" and (party.supplier is None or party.supplier.pk != supplier.pk):
            own = party.supplier.number if party.supplier is not None else "none"
            return f"{what} names supplier {supplier.number}, but your account belongs to supplier {own}"
        if plant_code not in supplier_plants:
            return f"{what} is for plant {plant_code}, which supplier {supplier.number} is not assigned to"
    return ""


def sent_on_behalf(party: Party, kind: str) -> bool:
    """True when ``party`` sent a supplier's document for it (recorded on the interchange)."""
    rule = SEND_RULES.get(kind)
    return rule is not None and rule.on_behalf and party.plant_side


def may_acknowledge(party: Party, *, recipient: str, supplier_id: Any, plant_code: str) -> str:
    """Why ``party`` may not acknowledge (or confirm receipt of) a delivery, or '' when it went to ``party``.

    ``recipient`` is the delivery's ``supplier`` or ``plant``; a supplier acknowledges
    what went to it, the plant side what went to its plants (a buyer: its own plants).
    """
    if recipient == "supplier":
        if party.role == "supplier" and party.supplier is not None and party.supplier.pk == supplier_id:
            return ""
        return "this delivery went to a supplier: only that supplier may acknowledge it"
    if recipient == "plant":
        if party.plant_side and (party.plant_codes is None or plant_code in party.plant_codes):
            return ""
        return f"this delivery went to plant {plant_code}: only that plant's side may acknowledge it"
    return f"a delivery to a {recipient or 'nobody'} cannot be acknowledged"


def control_namespace(party: Party, envelope_format: str) -> str:
    """The key control references are unique under: the verified sender, not the raw envelope string."""
    who = f"supplier:{party.supplier.number}" if party.role == "supplier" and party.supplier is not None else "plants"
    return f"{envelope_format}:{who}"
