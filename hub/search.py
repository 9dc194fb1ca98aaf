"""Search by business key: one box across every partner, format and document type.

A term is looked for, as a substring and case-insensitively, in part numbers (call-off,
despatch and order lines), call-off, ASN / delivery-note, order and response numbers,
order references on lines, unloading points, and in interchanges' control references
and file names. Every query goes through ``hub.scope.scoped``: a buyer finds its plants'
documents only, headquarters and admins everything. On PostgreSQL the trigram indexes
of ``hub.trigram`` serve these ``icontains`` lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hub.models import Interchange
from hub.permissions import files_allowed
from hub.scope import scoped
from orders.models import DeliverySchedule, DespatchAdvice, DespatchLine, OrderLine, OrderResponse, PurchaseOrder, ScheduleLine

MIN_LENGTH = 2
MAX_LENGTH = 80
LIMIT = 50  # per document type: a search names a document, it does not list a table
# Lines looked at per document type: a key names few lines; a broad term (a prefix shared by
# a million lines) is answered from the first of them instead of sorting them all.
LINES_LOOKED_AT = 2000


@dataclass
class Hit:
    """One document or file found, with where to open it, its raw file and its deliveries."""

    kind: str
    pk: Any
    kind_label: str
    number: str
    plant: str
    supplier: str
    when: Any
    status: str
    url: str
    raw_url: str
    deliveries_url: str


def _lines_matching(line_model: type[Model], fields: tuple[str, ...], parent: str, term: str) -> QuerySet:
    """The ids of the documents with a line whose ``fields`` contain ``term``."""
    match = Q()
    for name in fields:
        match |= Q(**{f"{name}__icontains": term})
    return line_model._default_manager.filter(match).values(parent)[:LINES_LOOKED_AT]


def _call_offs(term: str) -> QuerySet:
    lines = _lines_matching(ScheduleLine, ("buyer_part", "supplier_part", "order_number", "unloading_point"), "schedule_id", term)
    return DeliverySchedule.objects.filter(Q(number__icontains=term) | Q(pk__in=lines))


def _despatch_advices(term: str) -> QuerySet:
    lines = _lines_matching(DespatchLine, ("buyer_part", "supplier_part", "order_number"), "despatch_advice_id", term)
    return DespatchAdvice.objects.filter(Q(number__icontains=term) | Q(pk__in=lines))


def _purchase_orders(term: str) -> QuerySet:
    lines = _lines_matching(OrderLine, ("buyer_part",), "order_id", term)
    return PurchaseOrder.objects.filter(Q(number__icontains=term) | Q(pk__in=lines))


def _order_responses(term: str) -> QuerySet:
    return OrderResponse.objects.filter(Q(number__icontains=term) | Q(order_number__icontains=term))


@dataclass(frozen=True)
class Searched:
    """A document type the box searches: how to find it and where to open it."""

    kind: str
    label: Any
    find: Callable[[str], QuerySet]
    url_name: str
    status: Callable[[Any], str]


DOCUMENTS = (
    Searched("call_off", _("call-off"), _call_offs, "portal:call-off", lambda d: d.get_status_display()),
    Searched("despatch_advice", _("despatch advice"), _despatch_advices, "portal:despatch-advice", lambda d: ""),
    Searched("purchase_order", _("purchase order"), _purchase_orders, "admin:orders_purchaseorder_change", lambda d: ""),
    Searched(
        "order_response", _("order response"), _order_responses, "admin:orders_orderresponse_change", lambda d: d.get_status_display()
    ),
)


def normalised(q: str) -> str:
    """The search term as searched: trimmed and capped; '' when too short to search."""
    term = (q or "").strip()[:MAX_LENGTH]
    return term if len(term) >= MIN_LENGTH else ""


class RawLinks:
    """Raw-file links per interchange, decided for all of a search's files at once (``permissions.files_allowed``)."""

    def __init__(self, user: Any, interchanges: Iterable[Interchange | None]) -> None:
        self.allowed = files_allowed(user, {i.pk: i for i in interchanges if i is not None}.values())

    def __call__(self, interchange: Interchange | None) -> str:
        # A buyer gets a multi-plant file's bytes only when the whole file concerns its plants.
        if interchange is None or interchange.pk not in self.allowed:
            return ""
        return reverse("portal:interchange-raw", args=[interchange.pk])


def _deliveries_url(**lookup: Any) -> str:
    key, value = next(iter(lookup.items()))
    return f"{reverse('admin:hub_delivery_changelist')}?{key}={value}"


def search(*, user: Any, q: str, limit: int = LIMIT) -> list[Hit]:
    """Documents and files within ``user``'s scope whose business keys contain ``q``; newest first per type."""
    term = normalised(q)
    if not term:
        return []
    hits: list[Hit] = []
    documents = [
        (searched, list(scoped(searched.find(term), user).select_related("plant", "supplier", "interchange").order_by("-created_at")[:limit]))
        for searched in DOCUMENTS
    ]
    files = list(
        scoped(Interchange.objects.filter(Q(control_ref__icontains=term) | Q(filename__icontains=term)), user)
        .select_related("sender_supplier")
        .order_by("-received_at")[:limit]
    )
    raw_url = RawLinks(user, [doc.interchange for _searched, found in documents for doc in found] + files)
    for searched, found in documents:
        hits += [
            Hit(
                kind=searched.kind, pk=doc.pk, kind_label=str(searched.label), number=doc.number, plant=doc.plant.code,
                supplier=f"{doc.supplier.number} {doc.supplier.name}", when=doc.created_at, status=searched.status(doc),
                url=reverse(searched.url_name, args=[doc.pk]), raw_url=raw_url(doc.interchange),
                deliveries_url=_deliveries_url(document_id=doc.pk),
            )
            for doc in found
        ]  # fmt: skip
    for interchange in files:
        sender = interchange.sender_supplier
        hits.append(
            Hit(
                kind="interchange", pk=interchange.pk, kind_label=str(_("file")), number=interchange.control_ref or interchange.filename or str(interchange.pk),
                plant="", supplier=f"{sender.number} {sender.name}" if sender else interchange.sender_id, when=interchange.received_at,
                status=interchange.get_status_display(), url=reverse("portal:interchange", args=[interchange.pk]),
                raw_url=raw_url(interchange), deliveries_url=_deliveries_url(interchange__id__exact=interchange.pk),
            )
        )  # fmt: skip
    return hits
