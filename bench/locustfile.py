"""Locust users for ``bench/latency.py``: suppliers in the portal and on the API, a buyer's search, the overviews.

Sessions and tokens are made by ``bench/latency.py`` and handed over in ``HUB_BENCH_AUTH``
(JSON), so a hundred simulated users never queue at the login page's rate limit. Each task
is named after what it measures; ``bench/latency.py`` reads p50/p95 per name. The portal
and API users come twice: as an ordinary supplier (``supplier``, SUP00001) and as the big
supplier (``bigsupplier``, SUP99999: 5,000 parts, two years of weekly call-offs), whose
pages carry "(big)" in their names. The overview users are classes of their own
(``OVERVIEW_USERS`` in ``bench/latency.py``), so ``bench/latency.py --mix pages`` can leave them out.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

KEY_TERMS = ("5Q12301", "CO00054321", "DN00001234", "NOWHERE-42")
AUTH = json.loads(os.environ.get("HUB_BENCH_AUTH", "{}"))


def _session(role: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={AUTH['sessions'][role]}"}


class _Portal(HttpUser):
    """A supplier's dispatcher in the portal: dashboard, call-off list, one call-off's grid, the inbox."""

    abstract = True
    wait_time = between(0.5, 1.5)
    role = "supplier"
    suffix = ""

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, headers=_session(self.role), name=name + self.suffix)

    @task(3)
    def call_off_list(self) -> None:
        self._get("/portal/call-offs/", "portal call-off list")

    @task(3)
    def call_off_grid(self) -> None:
        self._get(f"/portal/call-offs/{random.choice(AUTH['call_offs'][self.role])}/", "portal call-off grid")

    @task
    def dashboard(self) -> None:
        self._get("/portal/", "portal dashboard")

    @task
    def inbox(self) -> None:
        self._get("/portal/inbox/", "portal inbox")


class Supplier(_Portal):
    """An ordinary supplier (SUP00001) in the portal."""

    weight = 2


class BigSupplier(_Portal):
    """The big supplier (SUP99999, 5,000 parts) in the portal."""

    weight = 2
    role = "bigsupplier"
    suffix = " (big)"


class _System(HttpUser):
    """A supplier's EDI system polling the API: the call-off list, two cursor pages deep."""

    abstract = True
    wait_time = between(0.5, 1.5)
    role = "supplier"
    suffix = ""

    @task
    def call_offs(self) -> None:
        headers = {"Authorization": f"Bearer {AUTH['tokens'][self.role]}"}
        first = self.client.get("/api/v1/call-offs/?status=current", headers=headers, name="api call-off list" + self.suffix)
        following = first.json().get("next") if first.ok else None
        if following:
            self.client.get(following, headers=headers, name="api call-off list (next page)" + self.suffix)


class SupplierSystem(_System):
    """An ordinary supplier's system on the API."""

    weight = 1


class BigSupplierSystem(_System):
    """The big supplier's system on the API."""

    weight = 1
    role = "bigsupplier"
    suffix = " (big)"


class BuyerSearch(HttpUser):
    """A plant's buyer searching suppliers in the admin."""

    wait_time = between(1, 2)
    weight = 1

    @task
    def supplier_search(self) -> None:
        self.client.get(
            f"/admin/suppliers/supplier/?q=Supplier+{random.randrange(1, 9999)}",
            headers=_session("buyer"),
            name="staff supplier search (buyer)",
        )

    @task
    def key_search(self) -> None:
        # bench/search.py's whole keys: a part, a call-off, an ASN, one found nowhere.
        self.client.get(
            f"/staff/search/?q={random.choice(KEY_TERMS)}",
            headers=_session("buyer"),
            name="staff search by business key (buyer)",
        )

    @task
    def prefix_search(self) -> None:
        # A broad prefix (bench/search.py's "5Q1"): hundreds of candidates, every kind of document.
        self.client.get("/staff/search/?q=5Q1", headers=_session("buyer"), name="staff search, broad prefix (buyer)")


class BuyerOverview(HttpUser):
    """A plant's buyer on the live overview of its plant."""

    wait_time = between(1, 2)
    weight = 2

    @task
    def overview(self) -> None:
        self.client.get("/staff/overview/", headers=_session("buyer"), name="staff overview (buyer)")


class Headquarters(HttpUser):
    """Headquarters: the overview across every plant, on the page and through the API."""

    wait_time = between(1, 2)
    weight = 1

    @task
    def overview(self) -> None:
        self.client.get("/staff/overview/", headers=_session("hq"), name="staff overview (hq)")

    @task
    def overview_api(self) -> None:
        self.client.get("/api/v1/overview/", headers={"Authorization": f"Bearer {AUTH['tokens']['hq']}"}, name="api overview (hq)")
