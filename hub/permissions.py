"""Who may do what: the one place that decides every write (``hub.scope`` decides every read).

Admin actions and forms, staff pages, portal pages and API writes all ask ``may(user,
action, obj)``. The rules are a table: an action names the roles that may take it and the
rule the object must pass for that role. Anything not in the table is refused to everyone
(closed by default), so a new admin action or model cannot slip in unchecked: the
enumerating test in ``tests/trust/test_roles.py`` fails until it is declared here.

Two answers, kept apart on purpose (``docs/security.md``):

- the object is outside the user's scope -> it does not exist for them: 404;
- the user may see it but not do this (headquarters is read-only; a buyer may not change
  what another plant depends on) -> 403 with a message that says why (``refusal``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from hub.scope import plant_ids, role_of, scoped

# Object rules (what the object must satisfy for a role that is allowed the action):
#   "scope": the object is inside the user's read scope (hub.scope.scoped);
#   "sole":  the object's supplier serves none but the buyer's plants, so changing it
#            changes nothing another plant depends on (buyers only; else "scope");
#   "file":  the whole interchange concerns the buyer's plants, or the buyer uploaded it
#            (raw bytes and acknowledgements of multi-plant files stay with their owners);
#   "":      no object rule (role alone decides).


# A supplier's own users have roles too (suppliers.models.SupplierRole): by default an
# action allowed to "supplier" is a write, open to the supplier's admins and dispatchers
# and refused to read-only users; a rule names other supplier roles where it must.
SUPPLIER_WRITERS = frozenset({"admin", "dispatcher"})
SUPPLIER_ALL = frozenset({"admin", "dispatcher", "read_only"})
SUPPLIER_ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Rule:
    """Roles allowed an action, the object rule per role (default: ``scope``), and the supplier roles."""

    roles: frozenset[str]
    buyer: str = "scope"
    supplier: frozenset[str] = SUPPLIER_WRITERS


def _rule(*roles: str, buyer: str = "scope", supplier: frozenset[str] = SUPPLIER_WRITERS) -> Rule:
    return Rule(frozenset(roles), buyer, supplier)


ADMIN = ("admin",)
PLANT_STAFF = ("admin", "buyer")

# action -> rule. Admin actions are "<model_name>.<action>", admin forms "<model_name>.add"
# and "<model_name>.change"; delete is nowhere (nothing received or sent is deleted through
# the UI), so "<model>.delete" is absent and refused to everyone.
RULES: dict[str, Rule] = {
    # plants
    "plant.add": _rule(*ADMIN),
    "plant.change": _rule(*PLANT_STAFF),
    "plant.pause": _rule(*PLANT_STAFF),
    "plant.resume": _rule(*PLANT_STAFF),
    # received files
    "interchange.upload": _rule("admin", "buyer", "supplier", buyer=""),
    "interchange.reprocess": _rule(*PLANT_STAFF, buyer="file"),
    "interchange.translate": _rule("admin", "hq", "buyer", "supplier", buyer="", supplier=SUPPLIER_ALL),  # a check: nothing is stored
    "interchange.file": _rule("admin", "hq", "buyer", "supplier", buyer="file", supplier=SUPPLIER_ALL),  # raw bytes and acknowledgement: a read
    # documents a supplier submits by form or API (orders.submit checks supplier and plant;
    # a buyer for its plants or an admin sends on the supplier's behalf, as with files)
    "despatch_advice.create": _rule("admin", "buyer", "supplier", buyer=""),
    "delivery_schedule.create": _rule(*PLANT_STAFF, buyer=""),  # call-offs issued by plants; the service checks the buyer's plants
    "order_response.create": _rule("admin", "buyer", "supplier", buyer=""),
    # deliveries
    "delivery.retry": _rule(*PLANT_STAFF),
    "delivery.replay": _rule(*PLANT_STAFF),
    "delivery.receipt": _rule("admin", "buyer", "supplier"),
    # suppliers and what they are configured with
    "supplier.add": _rule(*ADMIN),
    "supplier.change": _rule(*PLANT_STAFF, buyer="sole"),
    "supplier.plants": _rule(*PLANT_STAFF),  # a buyer adds or removes its own plants only (admin form merges)
    "supplier.invite": _rule(*PLANT_STAFF),
    "supplier.approve_go_live": _rule(*PLANT_STAFF, buyer="sole"),
    "supplier.suspend": _rule(*PLANT_STAFF, buyer="sole"),
    "supplier.transition": _rule(*PLANT_STAFF, buyer="sole"),
    "supplier.import": _rule(*PLANT_STAFF, buyer=""),
    "partnerprofile.add": _rule(*ADMIN),
    "partnerprofile.change": _rule(*PLANT_STAFF, buyer="sole"),
    "partneridentifier.add": _rule(*ADMIN),
    "partneridentifier.change": _rule(*PLANT_STAFF, buyer="sole"),
    "partneridentifier.delete": _rule(*PLANT_STAFF, buyer="sole"),  # configuration, not a received record
    # a supplier's claim to an identifier: a buyer of one of its plants (or an admin) decides
    "partneridentifier.verify": _rule(*PLANT_STAFF),
    "partneridentifier.reject": _rule(*PLANT_STAFF),
    # channels (AS2, SFTP): a partner's settings are its profile's; the hub's identity is the admins'
    "channelprofile.add": _rule(*ADMIN),
    "channelprofile.change": _rule(*PLANT_STAFF, buyer="sole"),
    "channelprofile.test_connection": _rule(*PLANT_STAFF),  # sends a test message, changes nothing
    "channelprofile.sftp_keys": _rule("admin", "supplier"),  # a supplier registers its own systems' keys (portal)
    "as2identity.add": _rule(*ADMIN),
    "as2identity.change": _rule(*ADMIN),
    # onboarding
    "invitation.resend": _rule(*PLANT_STAFF),
    "invitation.revoke": _rule(*PLANT_STAFF),
    "registration.decide": _rule(*PLANT_STAFF),
    # accounts
    "user.add": _rule(*ADMIN),
    "user.change": _rule(*ADMIN),
    "user.view": _rule(*ADMIN),
    "user.delete": _rule(*ADMIN),
    "apitoken.add": _rule(*ADMIN),  # the admin's add form issues through the service and shows the token once
    # a supplier's admin manages the supplier's own users (invite, role, deactivate)
    "supplieruser.invite": _rule("supplier", supplier=SUPPLIER_ADMIN),
    "supplieruser.change": _rule("supplier", supplier=SUPPLIER_ADMIN),
    # personal settings and read marks: every user for themselves, read-only ones too
    "notifications.change": _rule("admin", "buyer", "supplier", supplier=SUPPLIER_ALL),
    "inbox.mark": _rule("admin", "buyer", "supplier", supplier=SUPPLIER_ALL),
    "apitoken.change": _rule(*ADMIN),
    # a person's own tokens (portal token page, API): the view looks them up among the caller's own
    "apitoken.issue": _rule("admin", "buyer", "supplier", buyer=""),
    "apitoken.revoke": _rule("admin", "buyer", "supplier", buyer=""),
    "apitoken.view": _rule(*ADMIN),
    "apitoken.delete": _rule(*ADMIN),
    "group.add": _rule(*ADMIN),
    "group.change": _rule(*ADMIN),
    "group.view": _rule(*ADMIN),
    # login lockout records (django-axes): read and unlock
    "lockout.view": _rule(*ADMIN),
    "lockout.unlock": _rule(*ADMIN),
    # stored documents are records: only an administrator may correct them in the admin
    "deliveryschedule.change": _rule(*ADMIN),
    "scheduleline.change": _rule(*ADMIN),
    "despatchadvice.change": _rule(*ADMIN),
    "purchaseorder.change": _rule(*ADMIN),
    "orderresponse.change": _rule(*ADMIN),
    # a supplier confirms its own call-off to the plant; plant staff never answer for it
    "calloff.acknowledge": _rule("supplier"),
}


def may(user: Any, action: str, obj: Any = None) -> bool:
    """True when ``user`` may take ``action`` (on ``obj``, when given); unknown actions: never."""
    return not refusal(user, action, obj)


def refusal(user: Any, action: str, obj: Any = None) -> str:
    """Why ``user`` may not take ``action`` on ``obj``: '' when allowed, 'not found' when out of scope.

    The text is for the 403 page or API answer; 'not found' means the caller must answer
    404, because the object does not exist for this user.
    """
    role = role_of(user)
    rule = RULES.get(action)
    if obj is not None and role and not in_scope(user, obj):
        return NOT_FOUND
    if rule is None or role not in rule.roles:
        if role == "hq":
            return _("Headquarters accounts are read-only.")
        if not role:
            return NOT_FOUND
        return _("Your account may not do this.")
    if role == "supplier" and _supplier_role(user) not in rule.supplier:
        if _supplier_role(user) == "read_only":
            return _("Your account is read-only.")
        return _("Only your organisation's administrators may do this.")
    if obj is None or role in ("admin", "hq"):
        return ""
    if role == "buyer":
        if rule.buyer == "sole" and not _sole(user, obj):
            return _("This supplier also serves plants outside your scope; only a hub administrator may change it.")
        if rule.buyer == "file" and not _whole_file(user, obj):
            return NOT_FOUND  # the documents for the buyer's plants are visible; the file is not
    return ""


NOT_FOUND = "not found"


def _supplier_role(user: Any) -> str:
    return getattr(user, "supplier_role", "") or "admin"


def check(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``Http404`` (out of scope) or ``PermissionDenied`` (visible, not allowed) unless allowed."""
    why = refusal(user, action, obj)
    if why == NOT_FOUND:
        raise Http404(_("Not found"))
    if why:
        raise PermissionDenied(why)


# What an API token's scope lets it do, on top of its user's role (which still decides each
# action above): read-only tokens read, write tokens also send, admin tokens also manage tokens.
TOKEN_SCOPES: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "write": frozenset({"read", "write"}),
    "admin": frozenset({"read", "write", "admin"}),
}


def token_refusal(scope: str, needs: str) -> str:
    """Why a token of ``scope`` may not do what ``needs`` (read, write, admin): '' when it may."""
    if needs in TOKEN_SCOPES.get(scope, frozenset()):
        return ""
    return _("This token's scope is '%(scope)s'; this request needs a token with scope '%(needs)s'.") % {"scope": scope, "needs": needs}


def can_write(user: Any) -> bool:
    """True for roles that may write anything at all (everyone but headquarters and anonymous)."""
    return role_of(user) in ("admin", "buyer", "supplier")


def in_scope(user: Any, obj: Any) -> bool:
    """True when ``obj`` is inside the user's read scope."""
    model = type(obj)
    return scoped(model._default_manager.filter(pk=obj.pk), user).exists()


def supplier_of(obj: Any) -> Any:
    """The supplier an object configures: itself, a profile's, an identifier's."""
    label = obj._meta.label_lower
    if label == "suppliers.supplier":
        return obj
    if label == "suppliers.partnerprofile":
        return obj.supplier
    if label in ("suppliers.partneridentifier", "hub.channelprofile"):
        return obj.profile.supplier
    return getattr(obj, "supplier", None)


def _sole(user: Any, obj: Any) -> bool:
    # Shared with a plant outside the buyer's scope: changing it would change what that
    # plant depends on (its call-offs' endpoint, its identifiers, its supplier's status).
    supplier = supplier_of(obj)
    if supplier is None:
        return True
    return not supplier.plants.exclude(pk__in=plant_ids(user)).exists()


def _whole_file(user: Any, interchange: Any) -> bool:
    return interchange.pk in _whole_files(user, [interchange])


def files_allowed(user: Any, interchanges: Iterable[Any]) -> set[Any]:
    """The ids of ``interchanges`` whose raw bytes ``user`` may fetch: ``may(user, "interchange.file", i)`` for each, set-wise.

    A search or list showing dozens of files asks once, in a fixed number of queries,
    instead of a handful of queries per file.
    """
    interchanges = [i for i in interchanges if i is not None]
    if not interchanges or not may(user, "interchange.file"):
        return set()
    from hub.models import Interchange

    visible = set(scoped(Interchange.objects.filter(pk__in={i.pk for i in interchanges}), user).values_list("pk", flat=True))
    if role_of(user) != "buyer":
        return visible
    return _whole_files(user, [i for i in interchanges if i.pk in visible])


def _whole_files(user: Any, interchanges: list[Any]) -> set[Any]:
    # The raw bytes hold every document of the file: a buyer gets them only when all of them
    # are for its plants (or it uploaded the file). A file without stored documents (failed,
    # refused, test run) may still name other plants: only when its sending supplier serves
    # none but the buyer's plants.
    from hub.models import Interchange, InterchangePlant
    from hub.scope import PLANT_DOCUMENTS
    from suppliers.models import Supplier

    allowed = {i.pk for i in interchanges if i.uploaded_by_id is not None and i.uploaded_by_id == user.pk}
    undecided = [i for i in interchanges if i.pk not in allowed]
    if not undecided:
        return allowed
    mine = set(plant_ids(user))
    ids = {i.pk for i in undecided}

    def plants_per_file(rows: Iterable[tuple[Any, Any]]) -> dict[Any, set[Any]]:
        found: dict[Any, set[Any]] = {}
        for pk, plant in rows:
            found.setdefault(pk, set()).add(plant)
        return found

    documented: dict[Any, set[Any]] = {}
    for relation in PLANT_DOCUMENTS:
        model = Interchange._meta.get_field(relation).related_model
        for pk, plants in plants_per_file(model.objects.filter(interchange__in=ids).values_list("interchange_id", "plant_id").distinct()).items():
            documented.setdefault(pk, set()).update(plants)
    # The plants a failed file names, recorded while it was read.
    named = plants_per_file(InterchangePlant.objects.filter(interchange__in=ids - set(documented)).values_list("interchange_id", "plant_id"))
    senders = {i.sender_supplier_id for i in undecided if i.pk not in documented and i.pk not in named and i.sender_supplier_id}
    served = plants_per_file(Supplier.plants.through.objects.filter(supplier_id__in=senders).values_list("supplier_id", "plant_id"))
    for i in undecided:
        plants = documented.get(i.pk) or named.get(i.pk) or served.get(i.sender_supplier_id) or {None}
        if plants <= mine:  # a document without a plant ({None}) is never the buyer's alone
            allowed.add(i.pk)
    return allowed
