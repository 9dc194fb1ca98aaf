"""hub.permissions itself: closed by default, and the 404/403 distinction every caller relies on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hub.permissions import check, may

pytestmark = pytest.mark.django_db


def test_an_undeclared_action_is_refused_even_to_the_hub_admin(world):
    assert not may(world["users"]["admin"], "plant.self_destruct")
    assert not may(world["users"]["admin"], "interchange.delete")


def test_out_of_scope_is_not_found_and_visible_but_forbidden_is_403(shared):
    buyer, hq = shared["users"]["buyer"], shared["users"]["hq"]
    other_plants_supplier = shared["suppliers"][1]  # SUP00002: PLANT02 and PLANT03
    shared_supplier = shared["suppliers"][0]  # SUP00001: PLANT01 and PLANT02
    with pytest.raises(Http404):
        check(buyer, "supplier.change", other_plants_supplier)
    with pytest.raises(PermissionDenied, match="outside your scope"):
        check(buyer, "supplier.change", shared_supplier)
    with pytest.raises(PermissionDenied, match="read-only"):
        check(hq, "supplier.change", shared_supplier)
    with pytest.raises(Http404):
        check(AnonymousUser(), "supplier.change", shared_supplier)
    check(buyer, "supplier.change", shared["own"])  # its own supplier: allowed, no exception
    check(buyer, "supplier.plants", shared_supplier)  # its own plants' part of a shared one
