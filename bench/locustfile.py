"""Locust users for ``bench/latency.py``: a supplier, a plant buyer, headquarters and a supplier's system.

Sessions and tokens are made by ``bench/latency.py`` and handed over in ``HUB_BENCH_AUTH``
(JSON), so a hundred simulated users never queue at the login page's rate limit. Each task
is named after what it measures; ``bench/latency.py`` reads p50/p95 per name.
"""

from __future__ import annotations

import json
import os
import random

from locust import HttpUser, between, task

AUTH = json.loads(os.environ.get("HUB_BENCH_AUTH", "{}"))


def _session(role: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={AUTH['sessions'][role]}"}


class Supplier(HttpUser):
    """A supplier's dispatcher in the portal: the call-off list and one call-off's grid."""

    wait_time = between(0.5, 1.5)
    weight = 3

    @task(3)
    def call_off_list(self) -> None:
        self.client.get("/portal/call-offs/", headers=_session("supplier"), name="portal call-off list")

    @task(2)
    def call_off_grid(self) -> None:
        pk = random.choice(AUTH["call_offs"])
        self.client.get(f"/portal/call-offs/{pk}/", headers=_session("supplier"), name="portal call-off grid")


class SupplierSystem(HttpUser):
    """A supplier's EDI system polling the API: the call-off list, two cursor pages deep."""

    wait_time = between(0.5, 1.5)
    weight = 2

    @task
    def call_offs(self) -> None:
        headers = {"Authorization": f"Bearer {AUTH['tokens']['supplier']}"}
        first = self.client.get("/api/v1/call-offs/?status=current", headers=headers, name="api call-off list")
        following = first.json().get("next") if first.ok else None
        if following:
            self.client.get(following, headers=headers, name="api call-off list (next page)")


class Buyer(HttpUser):
    """A plant's buyer: the live overview of its plant, and a supplier search."""

    wait_time = between(1, 2)
    weight = 2

    @task(2)
    def overview(self) -> None:
        self.client.get("/staff/overview/", headers=_session("buyer"), name="staff overview (buyer)")

    @task
    def supplier_search(self) -> None:
        self.client.get(f"/admin/suppliers/supplier/?q=Supplier+{random.randrange(1, 9999)}", headers=_session("buyer"), name="staff supplier search (buyer)")


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
