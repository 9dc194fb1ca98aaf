"""Who may see what: the one place that scopes every read for a user.

A supplier's users see their supplier's data; plant purchasing staff (``buyer``) see
what concerns their plants; headquarters and hub admins see everything (headquarters
read-only). Admin, pages and API all filter through ``scoped``; anything outside a
user's scope simply does not exist for them (404, never 403).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet

# model label -> how to reach (supplier, plant) from it
SCOPE_FIELDS: dict[str, tuple[str | None, str | None]] = {
    "orders.deliveryschedule": ("supplier", "plant"),
    "hub.delivery": ("supplier", "plant"),
    "suppliers.supplier": ("pk", "plants"),
    "hub.plant": (None, "pk"),
    "suppliers.partnerprofile": ("supplier", "supplier__plants"),
    "orders.scheduleline": ("schedule__supplier", "schedule__plant"),
    "orders.schedulequantity": ("line__schedule__supplier", "line__schedule__plant"),
    "orders.despatchadvice": ("supplier", "plant"),
    "orders.despatchline": ("despatch_advice__supplier", "despatch_advice__plant"),
    "orders.purchaseorder": ("supplier", "plant"),
    "orders.orderline": ("order__supplier", "order__plant"),
    "orders.orderresponse": ("supplier", "plant"),
    "hub.acknowledgement": ("interchange__sender_supplier", None),  # buyers reach them through their interchanges
    "suppliers.partneridentifier": ("profile__supplier", "profile__supplier__plants"),
    "suppliers.invitation": ("supplier", "supplier__plants"),
    "suppliers.onboardingtransition": ("supplier", "supplier__plants"),
    "suppliers.registration": (None, "plant"),  # self-registrations: the plant they name
    "suppliers.user": ("supplier", None),  # a supplier's admin manages its own users; buyers none
    "hub.channelprofile": ("profile__supplier", "profile__supplier__plants"),
    "hub.as2message": ("partner", "partner__plants"),
}


def role_of(user: Any) -> str:
    """The user's role: supplier, buyer, hq, admin; '' for anonymous users."""
    if user is None or not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "admin"
    return user.role


def plant_ids(user: Any) -> list[int]:
    """The ids of the plants a buyer works for."""
    return list(user.plants.values_list("pk", flat=True))


def scoped(qs: QuerySet, user: Any) -> QuerySet:
    """Filter ``qs`` to what ``user`` may see; empty for unknown roles and anonymous users."""
    role = role_of(user)
    if role in ("admin", "hq"):
        return qs
    if not role:
        return qs.none()
    label = qs.model._meta.label_lower
    if label == "hub.interchange":
        return _interchanges(qs, user, role)
    supplier_field, plant_field = SCOPE_FIELDS.get(label, (None, None))
    if role == "supplier":
        if supplier_field is None or user.supplier_id is None:
            return qs.none()
        return qs.filter(**{supplier_field: user.supplier_id})
    if role == "buyer":
        if plant_field is None:
            return qs.none()
        return qs.filter(**{f"{plant_field}__in": plant_ids(user)}).distinct()
    return qs.none()


def _interchanges(qs: QuerySet, user: Any, role: str) -> QuerySet:
    # A plant interchange may carry call-offs for many suppliers: a supplier sees the
    # files its own users or systems sent, never the plants' multi-supplier files.
    if role == "supplier":
        if user.supplier_id is None:
            return qs.filter(uploaded_by=user)
        # The uploader as a subquery, not a join: both arms then use their index (a join read every
        # interchange newest first to find a big supplier's files among 100,000 others').
        users = get_user_model().objects.filter(supplier_id=user.supplier_id).values("pk")
        return qs.filter(Q(sender_supplier_id=user.supplier_id) | Q(uploaded_by__in=users))
    ids = plant_ids(user)
    # Subqueries rather than joins: an interchange of 10,000 documents stays one row.
    concerns = Q(uploaded_by=user) | Q(sender_supplier__plants__in=ids)
    # The plants a file names, recorded while it was read: a file refused before its
    # documents were stored still reaches the staff of the plants it was meant for.
    concerns |= Q(pk__in=qs.model.named_plants.rel.related_model.objects.filter(plant__in=ids).values("interchange_id"))
    for relation in PLANT_DOCUMENTS:
        related = qs.model._meta.get_field(relation).related_model
        concerns |= Q(pk__in=related.objects.filter(plant__in=ids).values("interchange_id"))
    return qs.filter(concerns).distinct()


# The documents stored from an interchange, by their related name on Interchange: a buyer
# sees an interchange that carried any of them for one of its plants.
PLANT_DOCUMENTS = ("call_offs", "despatch_advices", "purchase_orders", "order_responses")


def get_scoped(qs: QuerySet, user: Any, **lookup: Any) -> Model:
    """Fetch one object inside the user's scope; raises ``DoesNotExist`` (-> 404) otherwise."""
    return scoped(qs, user).get(**lookup)
