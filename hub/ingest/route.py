"""Route each parsed message: resolve its documents' supplier and plant, and authorise the sender.

Routing works batch by batch (the pipeline hands it a few hundred messages at a time)
with lookups cached across batches, so a file of 200,000 call-offs costs a few queries
per batch, not per document. ``authorise`` is the one place where a resolved document
is checked against who sent it; where a document names its parties comes from
``orders.kinds``, who may send it from ``hub.ingest.authority``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from hub.dispatch.services import deliveries_for_acknowledgement, deliveries_for_document_number
from hub.formats.canonical import Acknowledgement as CanonicalAcknowledgement
from hub.formats.canonical import Document
from hub.formats.errors import Envelope, FormatError, MessageResult, Position
from hub.ingest import authority
from hub.models import Delivery, Interchange, Plant
from hub.parties import Party, party_of_supplier, party_of_user
from orders.kinds import KINDS, Kind, Routed
from orders.selectors import purchase_orders_by_number
from suppliers.models import Supplier
from suppliers.selectors import verified_identities
from suppliers.services import suppliers_by_party


def party_of_interchange(interchange: Interchange) -> Party:
    """Who sent a stored interchange: its uploading user, else its sending supplier (channels without a user)."""
    if interchange.uploaded_by_id is not None:
        return party_of_user(interchange.uploaded_by)
    if interchange.sender_supplier_id is not None:
        return party_of_supplier(interchange.sender_supplier)
    return Party(role="anonymous")  # its account is gone: it may send nothing


def scheme_of(fmt: str) -> str:
    """The partner-identifier scheme of a parsed format (EDIFACT ids are looked up as 'edifact')."""
    return "edifact" if fmt == "EDIFACT" else fmt.lower()


@dataclass
class Lookups:
    """Suppliers, plants and purchase orders the documents name, cached across batches."""

    suppliers: dict[str, Supplier | None] = field(default_factory=dict)
    plants: dict[str, Plant | None] = field(default_factory=dict)
    orders: dict[tuple[str, int], Any] = field(default_factory=dict)  # (order number, supplier id) -> PurchaseOrder
    supplier_plants: dict[Any, frozenset[str]] = field(default_factory=dict)  # supplier pk -> codes of the plants it supplies


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
        self._identities: set | None = None

    def party_refusal(self, *, test_run: bool) -> FormatError | None:
        """The error refusing the whole file when its party may not send at all (suspended, not live, read-only)."""
        why = authority.party_error(self.party, test_run=test_run)
        return FormatError(why, code="sender") if why else None

    def sender_refusal(self, envelopes: Sequence[Envelope]) -> FormatError | None:
        """The positioned error refusing the whole file when an envelope's sender is not the party's own."""
        if self._identities is None:
            self._identities = verified_identities(supplier=self.party.supplier) if self.party.role == "supplier" and self.party.supplier else set()
        for env in envelopes:
            why = authority.sender_binding_error(
                self.party, envelope_format=env.format, sender=env.sender, identities=self._identities,
                plant_sender_ids=settings.HUB_PLANT_SENDER_IDS,
            )  # fmt: skip
            if why:
                tag, element = authority.sender_position(env.format)
                return FormatError(f"{why}; the whole interchange is refused", Position(tag=tag, element=element), code="sender")
        return None

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
            fresh = {sup.pk for sup in found.values()} - cache.supplier_plants.keys()
            links: dict[Any, set[str]] = {pk: set() for pk in fresh}
            for supplier_id, code in Supplier.plants.through.objects.filter(supplier_id__in=fresh).values_list("supplier_id", "plant__code"):
                links[supplier_id].add(code)
            cache.supplier_plants.update({pk: frozenset(codes) for pk, codes in links.items()})
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

    The one place where a resolved document is authorised; the rules themselves are
    ``hub.ingest.authority``'s table (who may send which kind, for whom).
    """
    kind = KINDS.get(doc.type)
    if kind is None:
        return None, f"{doc.type} documents are not routed by the hub"
    why = authority.kind_error(party, doc.type, doc.number)
    if why:
        return None, why
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
    why = authority.may_send(
        party, doc.type, number=doc.number, supplier=supplier, plant_code=code, supplier_plants=lookups.supplier_plants.get(supplier.pk, ())
    )
    if why:
        return None, why
    return Routed(doc, supplier, plant, message_ref), ""


def _authorise_acknowledgement(doc: Document, kind: Kind, party: Party, lookups: Lookups, message_ref: str) -> tuple[Routed | None, str]:
    """Match a partner's acknowledgement to the deliveries the hub sent it, by our control references.

    Who acknowledges is the (envelope-bound) sending party, never the id the document names;
    only deliveries that went to that party count.
    """
    assert isinstance(doc, CanonicalAcknowledgement)
    supplier = party.supplier if party.role == "supplier" else None
    acked = doc.acknowledges
    references = [acked.interchange_ref]
    if doc.source.format == "X12":
        references.append(acked.group_ref)  # a 997 names our GS06, which is our control number
    # Each reference on its own, first match wins; a status IDoc answers several IDocs at
    # once (each DOCNUM is one of our deliveries).
    tries = [acked.message_refs] if doc.source.format == "IDOC" and acked.message_refs else [[r] for r in references]
    supplier_id = supplier.pk if supplier else None
    deliveries: list[Delivery] = []
    for refs in tries:
        deliveries = deliveries_for_acknowledgement(references=refs, supplier_id=supplier_id)
        if deliveries:
            break
    if not deliveries and acked.number:
        # A UBL ApplicationResponse names the document it answers (cbc:ID), not our envelope.
        deliveries = deliveries_for_document_number(number=acked.number, supplier_id=supplier_id)
        references.append(acked.number)
    deliveries = [
        d for d in deliveries
        if not authority.may_acknowledge(party, recipient=d.recipient, supplier_id=d.supplier_id, plant_code=d.plant.code if d.plant_id else "")
    ]  # fmt: skip
    if not deliveries:
        named = " / ".join(r for r in references if r) or "nothing"
        to = f"supplier {supplier.number}" if supplier else "a plant"
        return None, f"acknowledgement {doc.number}: it refers to {named}, which matches nothing the hub sent to {to}"
    return Routed(doc, supplier, None, message_ref, deliveries), ""
