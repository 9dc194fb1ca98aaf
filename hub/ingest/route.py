"""Route each parsed message: resolve its documents' supplier and plant, and authorise the sender.

Routing works batch by batch (the pipeline hands it a few hundred messages at a time)
with lookups cached across batches, so a file of 200,000 call-offs costs a few queries
per batch, not per document. ``authorise`` is the one place where a resolved document
is checked against who sent it; the rules for each document type come from
``orders.kinds``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hub.dispatch.services import deliveries_for_acknowledgement
from hub.formats.canonical import Acknowledgement as CanonicalAcknowledgement
from hub.formats.canonical import Document
from hub.formats.errors import FormatError, MessageResult, Position
from hub.models import Delivery, Interchange, Plant
from hub.parties import Party, party_of_supplier, party_of_user
from orders.kinds import KINDS, Kind, Routed
from orders.selectors import purchase_orders_by_number
from suppliers.models import Supplier
from suppliers.services import suppliers_by_party


def party_of_interchange(interchange: Interchange) -> Party:
    """Who sent a stored interchange: its uploading user, else its sending supplier, else the hub itself (demo, commands)."""
    if interchange.uploaded_by_id is not None:
        return party_of_user(interchange.uploaded_by)
    if interchange.sender_supplier_id is not None:
        return party_of_supplier(interchange.sender_supplier)
    return Party(role="admin")


def scheme_of(fmt: str) -> str:
    """The partner-identifier scheme of a parsed format (EDIFACT ids are looked up as 'edifact')."""
    return "edifact" if fmt == "EDIFACT" else fmt.lower()


@dataclass
class Lookups:
    """Suppliers, plants and purchase orders the documents name, cached across batches."""

    suppliers: dict[str, Supplier | None] = field(default_factory=dict)
    plants: dict[str, Plant | None] = field(default_factory=dict)
    orders: dict[tuple[str, int], Any] = field(default_factory=dict)  # (order number, supplier id) -> PurchaseOrder


@dataclass
class Verdict:
    """What routing made of one message: its routed documents, or why the hub refused it."""

    routed: list[Routed]
    refusals: list[FormatError]


class Router:
    """Routes the messages of one interchange, batch by batch, for the party that sent it."""

    def __init__(self, *, interchange: Interchange, fmt: str) -> None:
        self.party = party_of_interchange(interchange)
        self.scheme = scheme_of(fmt)
        self.lookups = Lookups()

    def route(self, messages: Sequence[MessageResult]) -> list[Verdict]:
        """Route a batch of messages; a message is taken whole or not at all."""
        self._load([d for m in messages if m.ok for d in m.documents])
        verdicts: list[Verdict] = []
        for message in messages:
            if not message.ok:
                verdicts.append(Verdict([], []))
                continue
            routed: list[Routed] = []
            refusals: list[FormatError] = []
            for doc in message.documents:
                item, problem = authorise(doc, self.party, self.lookups, message.ref)
                if problem:
                    refusals.append(FormatError(problem, Position(message_ref=message.ref), code="routing"))
                elif item is not None:
                    routed.append(item)
            verdicts.append(Verdict([] if refusals else routed, refusals))
        return verdicts

    def _load(self, docs: list[Document]) -> None:
        """Fetch the suppliers, orders and plants this batch names that are not cached yet (a few queries)."""
        cache = self.lookups
        ids = {d.supplier.id for d in docs if d.supplier.id} | {d.sender.id for d in docs if d.type == "acknowledgement" and d.sender.id}
        missing = ids - cache.suppliers.keys()
        if missing:
            found = suppliers_by_party(party_ids=missing, scheme=self.scheme)
            cache.suppliers.update({i: found.get(i) for i in missing})
        numbers = {d.order_number for d in docs if d.type == "order_response"}
        if numbers:
            cache.orders.update(purchase_orders_by_number(numbers=numbers))
        codes = {c for d in docs for c in (d.ship_to.plant, d.ship_to.id, d.buyer.id) if c} | {o.plant.code for o in cache.orders.values()}
        missing = codes - cache.plants.keys()
        if missing:
            found_plants = {p.code: p for p in Plant.objects.filter(code__in=missing)}
            cache.plants.update({c: found_plants.get(c) for c in missing})


# -- authorisation: who may send what ---------------------------------------------------------


def authorise(doc: Document, party: Party, lookups: Lookups, message_ref: str) -> tuple[Routed | None, str]:
    """Resolve a document's parties and check ``party`` may send it: ``(routed, '')`` or ``(None, why not)``.

    The one place where a resolved document is authorised (sender binding and the rules of
    ``hub.ingest.authority`` belong here).
    """
    kind = KINDS.get(doc.type)
    if kind is None:
        return None, f"{doc.type} documents are not routed by the hub"
    if party.role == "hq":
        return None, "headquarters accounts are read-only and cannot submit documents"
    if party.role not in kind.senders:
        return None, f"{kind.label} {doc.number}: {kind.label}s come from {kind.sent_by}, and your account is a {party.role} account"
    if doc.type == "acknowledgement":
        return _authorise_acknowledgement(doc, kind, party, lookups, message_ref)
    return _authorise_party_document(doc, kind, party, lookups, message_ref)


def _authorise_party_document(doc: Document, kind: Kind, party: Party, lookups: Lookups, message_ref: str) -> tuple[Routed | None, str]:
    what = f"{kind.label} {doc.number}"
    if not doc.supplier.id:
        return None, f"{what} names no supplier ({kind.supplier_where})"
    supplier = lookups.suppliers.get(doc.supplier.id)
    if supplier is None:
        return None, f"{what}: supplier '{doc.supplier.id}' is not known to the hub (no partner profile carries this id)"
    code = kind.plant_code(doc, supplier, lookups)
    if not code:
        return None, f"{what} names no ship-to plant ({kind.plant_where})"
    plant = lookups.plants.get(code)
    if plant is None:
        return None, f"{what}: ship-to '{code}' is not a plant of the group"
    if party.role == "supplier" and (party.supplier is None or party.supplier.pk != supplier.pk):
        own = party.supplier.number if party.supplier is not None else "none"
        return None, f"{what} names supplier {doc.supplier.id}, but your account belongs to supplier {own}"
    if party.plant_codes is not None and code not in party.plant_codes:
        return None, f"{what} is for plant {code}, which is not one of your plants"
    return Routed(doc, supplier, plant, message_ref), ""


def _authorise_acknowledgement(doc: Document, kind: Kind, party: Party, lookups: Lookups, message_ref: str) -> tuple[Routed | None, str]:
    """Match a partner's acknowledgement to the deliveries the hub sent it, by our control references."""
    assert isinstance(doc, CanonicalAcknowledgement)
    supplier = party.supplier or lookups.suppliers.get(doc.sender.id)
    if party.role == "supplier" and supplier is None:
        return None, "your account belongs to no supplier, so it has nothing to acknowledge"
    acked = doc.acknowledges
    references = [acked.interchange_ref]
    if doc.source.format == "X12":
        references.append(acked.group_ref)  # a 997 names our GS06, which is our control number
    deliveries: list[Delivery] = []
    for reference in references:
        deliveries = deliveries_for_acknowledgement(references=[reference], supplier_id=supplier.pk if supplier else None)
        if deliveries:
            break
    if party.plant_codes is not None:
        deliveries = [d for d in deliveries if d.plant_id and d.plant.code in party.plant_codes]
    if not deliveries:
        named = " / ".join(r for r in references if r) or "nothing"
        to = f"supplier {supplier.number}" if supplier else "a plant"
        return None, f"acknowledgement {doc.number}: it refers to {named}, which matches nothing the hub sent to {to}"
    return Routed(doc, supplier, None, message_ref, deliveries), ""
