"""A world with shared suppliers: the ground every role attack in tests/trust/ stands on."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from suppliers.services import token_issue
from tests.factories import SupplierFactory


@pytest.fixture
def shared(world):
    """SUP00001 serves PLANT01 and PLANT02 (shared), SUP00002 PLANT02 and PLANT03, SUP00004 PLANT01 only.

    The buyer works for PLANT01: SUP00001 is in its scope but shared with a plant outside
    it; SUP00004 is its own; SUP00002 is out of its scope altogether.
    """
    p1, p2, p3 = world["plants"]
    s1, s2, _s3 = world["suppliers"]
    s1.plants.set([p1, p2])
    s2.plants.set([p2, p3])
    own = SupplierFactory(number="SUP00004")
    own.plants.set([p1])
    return {**world, "own": own}


def api(user) -> APIClient:
    """An API client with a bearer token of ``user``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client
