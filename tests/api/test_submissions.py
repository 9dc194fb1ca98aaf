"""POST /api/v1/despatch-advices/ and /order-responses/: checked like the portal form, received as files."""

from __future__ import annotations

import pytest

from hub.ingest.pipeline import interchange_process
from hub.models import Delivery, Interchange
from orders.models import DespatchAdvice, OrderResponse
from tests.asn_world import asn_json, call_off, day
from tests.documents import edifact, order
from tests.trust.conftest import api

pytestmark = pytest.mark.django_db


def process(answer) -> Interchange:
    interchange = Interchange.objects.get(pk=answer.json()["id"])
    interchange_process(interchange_id=interchange.pk)
    interchange.refresh_from_db()
    return interchange


def test_an_asn_posted_as_json_is_stored_first_then_dispatched_to_the_plant(world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    answer = api(world["users"]["supplier"]).post("/api/v1/despatch-advices/", asn_json(), format="json")
    assert answer.status_code == 202, answer.json()
    assert answer.json()["status"] == "received"
    assert answer["Location"].endswith(f"/api/v1/interchanges/{answer.json()['id']}/")
    interchange = process(answer)
    assert interchange.channel == "api" and interchange.format == "XML" and interchange.raw.read().startswith(b"<?xml")
    assert interchange.status == "processed", interchange.errors
    advice = DespatchAdvice.objects.get(number="DN-1")
    assert (advice.supplier.number, advice.plant.code) == ("SUP00001", "PLANT01")
    assert advice.document["packages"][0]["label_ids"] == ["000100001", "000100002"]
    assert Delivery.objects.filter(document_number="DN-1", recipient="plant", plant__code="PLANT01").exists()


def test_each_mistake_answers_400_at_its_field(world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    client = api(world["users"]["supplier"])
    assert client.post("/api/v1/despatch-advices/", asn_json("DN-1"), format="json").status_code == 202
    body = asn_json("DN-1", ship_date=day(-1).isoformat(), arrival_date=day(-2).isoformat())
    body["lines"].append({"buyer_part": "NOPE", "quantity": "1"})
    body["lines"].append({"buyer_part": "4711-A", "quantity": "9000"})
    answer = client.post("/api/v1/despatch-advices/", body, format="json")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert errors["number"] == ["Delivery note DN-1 was already sent; use a new number."]
    assert errors["ship_date"] == [f"The ship date {day(-1).isoformat()} is in the past."]
    assert errors["arrival_date"] == ["The arrival date is before the ship date."]
    assert errors["lines"][1] == {"buyer_part": ["Part NOPE is not called off or ordered from you for plant PLANT01."]}
    assert errors["lines"][2] == {"quantity": ["9100 is far above the 350 the open call-off asks for part 4711-A."]}
    assert Interchange.objects.count() == 2  # the call-off and the first ASN: nothing stored for the refused one


def test_a_malformed_body_answers_400_never_500(world):
    client = api(world["users"]["supplier"])
    for body in ({}, {"lines": "x"}, {"number": "N", "ship_date": "tomorrow", "lines": [{"buyer_part": "A", "quantity": "x"}]}, [1, 2]):
        assert client.post("/api/v1/despatch-advices/", body, format="json").status_code == 400
    answer = client.post("/api/v1/despatch-advices/", {**asn_json(), "type": "purchase_order"}, format="json")
    assert answer.status_code == 400 and "type" in answer.json()["errors"]


def test_another_suppliers_plant_or_supplier_is_refused_without_a_word_about_it(world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"], supplier="SUP00002", plant="PLANT03")
    client = api(world["users"]["supplier"])
    answer = client.post("/api/v1/despatch-advices/", asn_json(plant="PLANT03"), format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"ship_to": {"plant": ["Plant PLANT03 is not one of the plants supplier SUP00001 delivers to."]}}
    missing = client.post("/api/v1/despatch-advices/", asn_json(plant="PLANT99"), format="json")
    assert missing.json()["errors"] == {"ship_to": {"plant": ["Plant PLANT99 is not one of the plants supplier SUP00001 delivers to."]}}
    other = client.post("/api/v1/despatch-advices/", asn_json(supplier={"id": "SUP00002"}), format="json")
    assert other.status_code == 400 and other.json()["errors"] == {
        "supplier": {"id": ["You can send documents for your own supplier SUP00001 only."]}
    }
    assert Interchange.objects.count() == 1  # the plant's file only: nothing stored for the refused document


def test_headquarters_cannot_post_an_asn_and_a_buyer_sends_one_for_its_plant(world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    assert api(world["users"]["hq"]).post("/api/v1/despatch-advices/", asn_json(), format="json").status_code == 403
    buyer = api(world["users"]["buyer"])
    assert buyer.post("/api/v1/despatch-advices/", asn_json(), format="json").status_code == 400  # names no supplier
    answer = buyer.post("/api/v1/despatch-advices/", asn_json(supplier={"id": "SUP00001"}), format="json")
    assert answer.status_code == 202
    assert process(answer).status == "processed"
    refused = buyer.post("/api/v1/despatch-advices/", asn_json("DN-2", plant="PLANT02", supplier={"id": "SUP00001"}), format="json")
    assert refused.status_code == 400 and "ship_to" in refused.json()["errors"]


def test_labels_of_an_asn_come_as_pdf_and_zpl_and_not_to_another_supplier(world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    process(api(world["users"]["supplier"]).post("/api/v1/despatch-advices/", asn_json(), format="json"))
    advice = DespatchAdvice.objects.get(number="DN-1")
    client = api(world["users"]["supplier"])
    pdf = client.get(f"/api/v1/despatch-advices/{advice.pk}/labels.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    zpl = client.get(f"/api/v1/despatch-advices/{advice.pk}/labels.zpl")
    assert zpl.status_code == 200 and zpl.content.decode().count("^XA") == 2
    for path in ("labels.pdf", "labels.zpl", ""):
        assert api(world["users"]["supplier2"]).get(f"/api/v1/despatch-advices/{advice.pk}/{path}").status_code == 404


def test_an_order_response_answers_the_suppliers_purchase_order(world, receive_and_process):
    receive_and_process(edifact([order("PO-1")], sender="OEMPLANTS"), world["users"]["buyer"])
    body = {
        "number": "RSP-1",
        "order_number": "PO-1",
        "status": "changed",
        "lines": [{"line": "1", "buyer_part": "4711-A", "quantity": "4", "status": "changed"}],
    }
    answer = api(world["users"]["supplier"]).post("/api/v1/order-responses/", body, format="json")
    assert answer.status_code == 202, answer.json()
    assert process(answer).status == "processed"
    response = OrderResponse.objects.get(number="RSP-1")
    assert response.order.number == "PO-1" and response.plant.code == "PLANT01" and response.status == "changed"
    assert Delivery.objects.filter(document_number="RSP-1", recipient="plant").exists()
    again = api(world["users"]["supplier"]).post("/api/v1/order-responses/", body, format="json")
    assert again.status_code == 400 and again.json()["errors"]["number"] == ["Response RSP-1 was already sent; use a new number."]


def test_another_suppliers_purchase_order_is_unknown_to_the_caller(world, receive_and_process):
    receive_and_process(edifact([order("PO-1")], sender="OEMPLANTS"), world["users"]["buyer"])
    body = {"number": "RSP-2", "order_number": "PO-1", "status": "accepted"}
    answer = api(world["users"]["supplier2"]).post("/api/v1/order-responses/", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"order_number": ["No purchase order PO-1 of yours is known."]}
    assert Interchange.objects.count() == 1  # the plant's file only: nothing stored for the refused document


def test_the_openapi_schema_documents_both_writes_with_examples(world):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, example in (("/api/v1/despatch-advices/", "DN-4711"), ("/api/v1/order-responses/", "RSP-9001")):
        post = schema["paths"][path]["post"]
        assert set(post["responses"]) >= {"202", "400"}
        examples = post["requestBody"]["content"]["application/json"]["examples"]
        assert example in str(examples)
    assert "/api/v1/despatch-advices/{id}/labels.pdf" in schema["paths"]


def test_control_characters_are_refused_at_their_field_not_a_500(world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    body = asn_json("DN-\x01", carrier="Bad\x0bCarrier")
    answer = api(world["users"]["supplier"]).post("/api/v1/despatch-advices/", body, format="json")
    assert answer.status_code == 400
    message = ["This text holds control characters, which no EDI or XML file can carry."]
    assert answer.json()["errors"] == {"number": message, "carrier": message}
