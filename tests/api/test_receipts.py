"""The receipt endpoint (issue "Trust", finding 4): only the party a delivery went to may
confirm it; anyone else who can see the delivery gets 403 with the reason."""

from __future__ import annotations

import pytest

from hub.models import Delivery
from tests.documents import asn, edifact, order

pytestmark = pytest.mark.django_db


def api(user):
    from rest_framework.test import APIClient

    from suppliers.services import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


def test_supplier_confirming_receipt_of_a_plant_delivery_is_refused(world, receive_and_process):
    receive_and_process(edifact([asn("DN-R")]), world["users"]["supplier"])
    to_plant = Delivery.objects.get(document_number="DN-R", recipient="plant")
    response = api(world["users"]["supplier"]).post(f"/api/v1/deliveries/{to_plant.pk}/receipt")
    assert response.status_code == 403
    assert response.json()["detail"] == "this delivery went to plant PLANT01: only that plant's side may acknowledge it"
    to_plant.refresh_from_db()
    assert to_plant.status == Delivery.Status.PENDING and to_plant.acknowledged_at is None
    assert api(world["users"]["buyer"]).post(f"/api/v1/deliveries/{to_plant.pk}/receipt").status_code == 200


def test_buyer_confirming_receipt_of_a_delivery_to_a_supplier_is_refused(world, receive_and_process):
    receive_and_process(edifact([order("PO-R")], sender="OEMPLANTS"), world["users"]["buyer"])
    to_supplier = Delivery.objects.get(document_number="PO-R", recipient="supplier")
    response = api(world["users"]["buyer"]).post(f"/api/v1/deliveries/{to_supplier.pk}/receipt")
    assert response.status_code == 403
    to_supplier.refresh_from_db()
    assert to_supplier.status == Delivery.Status.PENDING
    assert api(world["users"]["supplier"]).post(f"/api/v1/deliveries/{to_supplier.pk}/receipt").status_code == 200
