"""Every admin model, action and writable form, for every role: what each may do, and nothing more.

The matrix below is written out by hand rather than read from ``hub.permissions``, so a
changed rule shows up as a failing line here; and it is checked against
``admin.site._registry``, so a new model or action cannot slip in without a decision.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import AnonymousUser
from django.forms import ModelChoiceField
from django.test import RequestFactory

from hub.admin import ScopedRelatedFilter, secret_fields
from hub.scope import scoped
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db

ROLES = ("admin", "hq", "buyer", "supplier", "anonymous")
BUYER_ACTIONS = {
    "hub.plant": {"pause", "resume"},
    "hub.interchange": {"reprocess"},
    "hub.delivery": {"retry", "replay"},
    "suppliers.supplier": {"invite", "approve_go_live", "suspend"},
    "suppliers.invitation": {"resend", "revoke"},
    "hub.channelprofile": {"test_connection"},
}
DOCUMENTS = ("orders.deliveryschedule", "orders.despatchadvice", "orders.purchaseorder", "orders.orderresponse")

# model -> role -> (v view, a add, c change, d delete; the actions offered). Absent: nothing.
EXPECTED: dict[str, dict[str, tuple[str, set[str]]]] = {
    "auth.group": {"admin": ("vac", set())},
    "axes.accessattempt": {"admin": ("vd", {"delete_selected", "cleanup_expired_attempts"})},  # unlock = delete the attempt
    "axes.accesslog": {"admin": ("v", set())},
    "axes.accessfailurelog": {"admin": ("v", set())},
    "hub.plant": {"admin": ("vac", {"pause", "resume"}), "hq": ("v", set()), "buyer": ("vc", {"pause", "resume"})},
    "hub.interchange": {"admin": ("v", {"reprocess"}), "hq": ("v", set()), "buyer": ("v", {"reprocess"})},
    "hub.delivery": {"admin": ("v", {"retry", "replay"}), "hq": ("v", set()), "buyer": ("v", {"retry", "replay"})},
    "suppliers.supplier": {
        "admin": ("vac", {"invite", "approve_go_live", "suspend"}),
        "hq": ("v", set()),
        "buyer": ("vc", {"invite", "approve_go_live", "suspend"}),
    },
    "suppliers.partnerprofile": {"admin": ("vac", set()), "hq": ("v", set()), "buyer": ("vc", set())},
    "suppliers.partneridentifier": {"admin": ("vacd", {"verify", "reject"}), "hq": ("v", set()), "buyer": ("vcd", {"verify", "reject"})},
    "suppliers.invitation": {"admin": ("v", {"resend", "revoke"}), "hq": ("v", set()), "buyer": ("v", {"resend", "revoke"})},
    "suppliers.registration": {"admin": ("v", set()), "hq": ("v", set()), "buyer": ("v", set())},
    "suppliers.user": {"admin": ("vacd", {"delete_selected"})},
    "suppliers.apitoken": {"admin": ("vacd", {"delete_selected", "revoke"})},
    "orders.scheduleline": {"admin": ("c", set())},  # reached through its call-off only
    "hub.channelprofile": {"admin": ("vac", {"test_connection"}), "hq": ("v", set()), "buyer": ("vc", {"test_connection"})},
    "hub.as2identity": {"admin": ("vac", set()), "hq": ("v", set())},
    "hub.as2message": {"admin": ("v", set()), "hq": ("v", set()), "buyer": ("v", set())},
    **{label: {"admin": ("vc", set()), "hq": ("v", set()), "buyer": ("v", set())} for label in DOCUMENTS},
}


def user_of(world, role):
    return AnonymousUser() if role == "anonymous" else world["users"][role]


def request_as(user, method: str = "get"):
    request = getattr(RequestFactory(), method)("/admin/")
    request.user = user
    return request


def expected(label: str, role: str) -> tuple[str, set[str]]:
    return EXPECTED[label].get(role, ("", set()))


def test_every_registered_admin_model_has_a_decision_for_every_role():
    assert {model._meta.label_lower for model in admin.site._registry} == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_in_the_admin_exactly_what_the_matrix_says(world, role):
    request = request_as(user_of(world, role))
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        seen = "".join(
            letter
            for letter, allowed in (
                ("v", model_admin.has_view_permission(request)),
                ("a", model_admin.has_add_permission(request)),
                ("c", model_admin.has_change_permission(request)),
                ("d", model_admin.has_delete_permission(request)),
            )
            if allowed
        )
        assert (seen, set(model_admin.get_actions(request))) == expected(label, role), label


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_action_and_page_answers_each_role_as_the_matrix_says(client, world, role):
    """Changelists and add forms load or answer 404/403; every declared action runs or is refused (403)."""
    if role != "anonymous":
        client.force_login(world["users"][role])
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        perms, actions = expected(label, role)
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        declared = {name for _func, name, _desc in model_admin._get_base_actions()}
        if role in ("anonymous", "supplier"):  # not staff: the admin's login gate
            assert client.get(base).status_code == 302, label
            continue
        visible = "v" in perms or "c" in perms
        assert client.get(base).status_code == (200 if visible else 404), label
        assert client.get(base + "add/").status_code == (200 if "a" in perms else 403 if visible else 404), label
        for name in declared:
            response = client.post(base, {"action": name, ACTION_CHECKBOX_NAME: []})
            # Allowed with nothing selected: the list again, with "items must be selected".
            want = {404} if not visible else {200, 302} if name in actions else {403}
            assert response.status_code in want, (label, name)


@pytest.fixture
def populated(shared, receive_and_process):
    """Something of every kind a buyer may change, with a second plant so filters show choices."""
    shared["users"]["buyer"].plants.add(shared["plants"][2])
    receive_and_process(delfor([message("1", "P1"), message("2", "P2", plant="PLANT02")]), shared["users"]["admin"])
    return shared


@pytest.mark.parametrize("role", ["admin", "buyer"])
def test_every_writable_admin_form_offers_only_choices_inside_the_users_scope(populated, role):
    user = populated["users"][role]
    request = request_as(user)
    checked = set()
    for model, model_admin in admin.site._registry.items():
        for obj in model_admin.get_queryset(request)[:20]:
            if not model_admin.has_change_permission(request, obj):
                continue
            forms = [model_admin.get_form(request, obj, change=True)(instance=obj)]
            forms += [fs for fs, _inline in model_admin.get_formsets_with_inlines(request, obj)]
            for form in forms:
                fields = form.form.base_fields if hasattr(form, "form") else form.fields
                for name, field in fields.items():
                    if isinstance(field, ModelChoiceField):
                        offered = set(field.queryset.values_list("pk", flat=True))
                        allowed = set(scoped(field.queryset.model._default_manager.all(), user).values_list("pk", flat=True))
                        assert offered <= allowed, (model._meta.label_lower, name)
            checked.add(model._meta.label_lower)
    if role == "buyer":
        assert {"hub.plant", "suppliers.supplier", "suppliers.partnerprofile", "suppliers.partneridentifier"} <= checked


@pytest.mark.parametrize("role", ["admin", "hq", "buyer"])
def test_every_admin_filter_offers_only_related_objects_inside_the_users_scope(client, populated, role):
    user = populated["users"][role]
    client.force_login(user)
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request_as(user)):
            continue
        page = client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/")
        for spec in page.context["cl"].filter_specs:
            if hasattr(spec, "lookup_choices") and hasattr(spec, "field") and spec.field.is_relation:
                assert isinstance(spec, ScopedRelatedFilter), (model._meta.label_lower, spec.field_path)
                related = spec.field.related_model
                allowed = {str(pk) for pk in scoped(related._default_manager.all(), user).values_list("pk", flat=True)}
                assert {str(pk) for pk, _label in spec.lookup_choices} <= allowed, (model._meta.label_lower, spec.field_path)


@pytest.mark.parametrize("role", ["admin", "hq", "buyer"])
def test_no_admin_page_shows_a_stored_secret_to_any_role(client, populated, role):
    client.force_login(populated["users"][role])
    request = request_as(populated["users"][role])
    checked = 0
    for model, model_admin in admin.site._registry.items():
        names = secret_fields(model)
        obj = model_admin.get_queryset(request).first() if names and model_admin.has_view_permission(request) else None
        if obj is None:
            continue
        marker = f"stored-secret-{model._meta.model_name}"
        model._default_manager.filter(pk=obj.pk).update(**{name: marker for name in names})
        page = client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/").content.decode()
        assert page and marker not in page, model._meta.label_lower
        checked += 1
    assert checked >= 1  # the plants' signing secrets at least
