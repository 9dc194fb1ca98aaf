"""Routing every document type: ASNs and order responses to plants, orders to suppliers,
acknowledgements both ways, and the failure policy of the sender's partner profile.

Inputs are rendered with the codecs from canonical documents, or written from the
standard as small literal EDI strings; nothing is copied from the corpus.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    DespatchAdvice,
    DespatchLine,
    OrderLine,
    OrderResponse,
    Party,
    PurchaseOrder,
    ResponseLine,
)
from hub.formats.edifact import EdifactCodec
from hub.formats.x12 import X12Codec
from hub.models import Acknowledgement, Delivery, Interchange
from orders.models import DespatchAdvice as StoredAdvice
from orders.models import OrderResponse as StoredResponse
from orders.models import PurchaseOrder as StoredOrder
from suppliers.models import PartnerProfile

pytestmark = pytest.mark.django_db
EDIFACT = EdifactCodec()
X12 = X12Codec()
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def asn(number: str, *, supplier: str = "SUP00001", plant: str = "PLANT01", part: str = "4711-A") -> DespatchAdvice:
    return DespatchAdvice(
        number=number,
        issued="2026-11-24",
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant),
        ship_date="2026-11-24",
        arrival_date="2026-11-25",
        lines=[DespatchLine(buyer_part=part, quantity=Decimal("120"), unit="C62", order_number="CO1")],
    )


def order(number: str, *, supplier: str = "SUP00001", plant: str = "PLANT01") -> PurchaseOrder:
    return PurchaseOrder(
        number=number,
        issued="2026-11-24",
        buyer=Party(id=plant),
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant),
        currency="EUR",
        lines=[OrderLine(line="1", buyer_part="4711-A", quantity=Decimal("500"), unit="C62", price=Decimal("1.25"), requested_date="2026-12-01")],
    )


def response(number: str, order_number: str, *, supplier: str = "SUP00001", status: str = "accepted") -> OrderResponse:
    return OrderResponse(
        number=number,
        issued="2026-11-25",
        supplier=Party(id=supplier),
        order_number=order_number,
        status=status,
        lines=[ResponseLine(line="1", buyer_part="4711-A", quantity=Decimal("500"), status=status)],
    )


def edifact(docs, *, sender: str = "SUP00001", ref: str = "SREF1") -> bytes:
    return EDIFACT.render(docs, RenderOptions(sender_id=sender, receiver_id="SUPPLIERHUB", control_ref=ref, now=NOW))


def test_asn_from_supplier_reaches_its_plants_outbox_only(world, receive_and_process):
    interchange = receive_and_process(edifact([asn("DN-1")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    stored = StoredAdvice.objects.get()
    assert (stored.number, stored.supplier.number, stored.plant.code) == ("DN-1", "SUP00001", "PLANT01")
    assert stored.lines.get().quantity == Decimal("120") and stored.arrival_date == dt.date(2026, 11, 25)
    deliveries = list(Delivery.objects.exclude(document_type="acknowledgement"))
    assert [(d.recipient, d.plant.code, d.document_type, d.document_id) for d in deliveries] == [
        ("plant", "PLANT01", "despatch_advice", stored.pk)
    ]
    assert deliveries[0].sequence_key == f"plant:despatchadvice:{stored.supplier_id}:{stored.plant_id}"


def test_supplier_submitting_another_suppliers_asn_is_refused_clearly(world, receive_and_process):
    interchange = receive_and_process(edifact([asn("DN-2", supplier="SUP00002")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert any(
        e["text"] == "despatch advice DN-2 names supplier SUP00002, but your account belongs to supplier SUP00001" for e in interchange.errors
    )
    assert not StoredAdvice.objects.exists() and not Delivery.objects.exclude(document_type="acknowledgement").exists()


def test_asn_to_an_unknown_plant_is_named(world, receive_and_process):
    interchange = receive_and_process(edifact([asn("DN-3", plant="PLANT99")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert "despatch advice DN-3: ship-to 'PLANT99' is not a plant of the group" in [e["text"] for e in interchange.errors]


def test_purchase_order_from_a_plant_goes_to_the_suppliers_inbox(world, receive_and_process):
    interchange = receive_and_process(edifact([order("PO-1")], sender="OEMPLANTS"), world["users"]["buyer"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    stored = StoredOrder.objects.get()
    assert (stored.supplier.number, stored.plant.code, stored.currency) == ("SUP00001", "PLANT01", "EUR")
    assert stored.lines.get().price == Decimal("1.25")
    delivery = Delivery.objects.get()
    assert (delivery.recipient, delivery.supplier.number, delivery.connector, delivery.document_type) == (
        "supplier",
        "SUP00001",
        "portal",
        "purchase_order",
    )


def test_purchase_order_goes_to_the_suppliers_endpoint_where_it_has_one(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(endpoint_url="http://127.0.0.1:9/sup1")
    receive_and_process(edifact([order("PO-2")], sender="OEMPLANTS"), world["users"]["admin"])
    assert Delivery.objects.get().connector == "http"


def test_supplier_cannot_send_a_purchase_order(world, receive_and_process):
    interchange = receive_and_process(edifact([order("PO-3")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert "purchase order PO-3: purchase orders come from plants, and your account is a supplier account" in [e["text"] for e in interchange.errors]


def test_order_response_is_routed_to_the_plant_of_the_order(world, receive_and_process):
    receive_and_process(edifact([order("PO-7", plant="PLANT02")], sender="OEMPLANTS", ref="P1"), world["users"]["admin"])
    interchange = receive_and_process(edifact([response("RSP-1", "PO-7", status="changed")], ref="S7"), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    stored = StoredResponse.objects.get()
    assert (stored.plant.code, stored.order.number, stored.status) == ("PLANT02", "PO-7", "changed")
    to_plant = Delivery.objects.get(document_type="order_response")
    assert (to_plant.recipient, to_plant.plant.code) == ("plant", "PLANT02")


def test_order_response_for_an_unknown_order_without_plant_is_refused(world, receive_and_process):
    interchange = receive_and_process(edifact([response("RSP-2", "PO-NONE")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert any("order response RSP-2 names no ship-to plant" in e["text"] for e in interchange.errors)


# -- acknowledgements to the sender ---------------------------------------------------------


def contrl_segments(interchange: Interchange) -> list[str]:
    ack = Acknowledgement.objects.get(interchange=interchange)
    with ack.file.open("rb") as fh:
        text = fh.read().decode("latin-1")
    return [s.strip() for s in text.split("'") if s.strip()]


def test_good_file_gets_an_accepting_contrl_echoing_its_references(world, receive_and_process):
    interchange = receive_and_process(edifact([asn("DN-10"), asn("DN-11")], ref="GOOD1"), world["users"]["supplier"])
    ack = Acknowledgement.objects.get(interchange=interchange)
    assert (ack.kind, ack.status, ack.format) == ("CONTRL", "accepted", "EDIFACT")
    segs = contrl_segments(interchange)
    unb = next(s for s in segs if s.startswith("UNB+"))
    assert "+SUPPLIERHUB:ZZ+SUP00001:ZZ+" in unb and unb.endswith(f"+{ack.control_ref}")
    assert next(s for s in segs if s.startswith("UCI+")).startswith("UCI+GOOD1+SUP00001:ZZ+SUPPLIERHUB:ZZ+7")
    assert [s.split("+")[-1] for s in segs if s.startswith("UCM+")] == ["7", "7"]


def test_partly_bad_file_gets_a_partial_contrl_rejecting_the_bad_message(world, receive_and_process):
    data = edifact([asn("DN-20"), asn("DN-21"), asn("DN-22")], ref="PART1")
    data = data.replace(b"QTY+12:120:PCE", b"QTY+12:12x:PCE", 1)  # the first ASN's quantity
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED
    assert sorted(StoredAdvice.objects.values_list("number", flat=True)) == ["DN-21", "DN-22"]
    ack = Acknowledgement.objects.get(interchange=interchange)
    assert ack.status == "partially_accepted"
    segs = contrl_segments(interchange)
    assert next(s for s in segs if s.startswith("UCI+")).startswith("UCI+PART1+")
    ucms = [s for s in segs if s.startswith("UCM+")]
    assert [u.split("+")[1] for u in ucms] == ["1", "2", "3"]
    assert ucms[0].split("+")[3].startswith("4") and ucms[1].endswith("+7") and ucms[2].endswith("+7")


def test_routing_refusals_are_rejected_in_an_aperak(world, receive_and_process):
    data = edifact([asn("DN-30"), asn("DN-31", supplier="SUP00002")], ref="MIX1")
    interchange = receive_and_process(data, world["users"]["supplier"])
    ack = Acknowledgement.objects.get(interchange=interchange)
    assert (ack.kind, ack.status) == ("CONTRL+APERAK", "partially_accepted")
    contrl, aperak = ack.document
    assert contrl["status"] == "accepted" and contrl["acknowledges"]["message_refs"] == ["1", "2"]  # the syntax was fine
    assert aperak["source"]["version"] == "APERAK" and aperak["status"] == "rejected"
    assert aperak["acknowledges"] == {"interchange_ref": "MIX1", "group_ref": "", "message_refs": ["2"], "number": "DN-31"}
    assert "your account belongs to supplier SUP00001" in aperak["errors"][0]["text"]
    segs = contrl_segments(interchange)
    assert any(s.startswith("UNH+1+APERAK:") for s in segs) and any(s.startswith("BGM+") for s in segs)
    assert [s for s in segs if s.startswith("UNB+")][1].endswith(f"+{ack.control_ref}A1")


def test_fully_bad_file_gets_a_rejecting_contrl(world, receive_and_process):
    data = edifact([asn("DN-40")], ref="BAD1").replace(b"QTY+12:120:PCE", b"QTY+12:1x0:PCE")
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    ack = Acknowledgement.objects.get(interchange=interchange)
    assert ack.status == "rejected"
    segs = contrl_segments(interchange)
    assert next(s for s in segs if s.startswith("UCI+")).startswith("UCI+BAD1+")
    assert [s.split("+")[3][:1] for s in segs if s.startswith("UCM+")] == ["4"]


def test_a_file_processed_again_gets_a_new_acknowledgement(world, receive_and_process):
    from hub.ingest.pipeline import interchange_process
    from hub.ingest.receive import interchange_reprocess
    from tests.factories import PlantFactory

    interchange = receive_and_process(edifact([asn("DN-45", plant="PLANT09")], ref="AGAIN"), world["users"]["supplier"])
    first = Acknowledgement.objects.get(interchange=interchange)
    assert first.status == "rejected"
    world["suppliers"][0].plants.add(PlantFactory(code="PLANT09"))  # the plant, and SUP00001 assigned to it
    interchange_reprocess(interchange=interchange)
    interchange_process(interchange_id=interchange.pk)
    second = Acknowledgement.objects.get(interchange=interchange)
    assert second.status == "accepted" and second.control_ref != first.control_ref
    assert StoredAdvice.objects.get().plant.code == "PLANT09"


def test_no_acknowledgement_when_the_profile_says_so(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(send_acknowledgements=False)
    interchange = receive_and_process(edifact([asn("DN-50")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED
    assert not Acknowledgement.objects.exists()


def test_x12_file_gets_a_997(world, receive_and_process):
    data = X12.render([asn("DN-60")], RenderOptions(sender_id="SUP00001", receiver_id="SUPPLIERHUB", control_ref="4242", now=NOW))
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    ack = Acknowledgement.objects.get(interchange=interchange)
    assert (ack.kind, ack.status) == ("997", "accepted")
    with ack.file.open("rb") as fh:
        text = fh.read().decode("ascii")
    assert "ST*997*0001~" in text and "AK1*SH*4242~" in text and "AK2*856*0001~" in text and "AK9*A*1*1*1~" in text
    parsed = X12.parse(text.encode())
    assert parsed.all_errors == [] and parsed.documents[0].status == "accepted"


def test_api_and_portal_serve_the_acknowledgement(world, receive_and_process, client):
    interchange = receive_and_process(edifact([asn("DN-70")]), world["users"]["supplier"])
    client.force_login(world["users"]["supplier"])
    body = client.get(f"/api/v1/interchanges/{interchange.pk}/").json()
    assert body["ack_url"] == f"/api/v1/interchanges/{interchange.pk}/ack"
    assert [d["type"] for d in body["documents"]] == ["despatch_advice"]
    got = client.get(body["ack_url"])
    assert got.status_code == 200 and b"UCI+SREF1+" in b"".join(got.streaming_content)
    page = client.get(f"/portal/interchanges/{interchange.pk}/")
    assert b'id="ack-download"' in page.content and b"DN-70" in page.content
    assert client.get(f"/portal/interchanges/{interchange.pk}/ack").status_code == 200
    client.force_login(world["users"]["supplier2"])
    assert client.get(f"/api/v1/interchanges/{interchange.pk}/ack").status_code == 404


# -- failure policy ----------------------------------------------------------------------------


def test_reject_all_policy_rejects_the_whole_interchange(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(failure_policy="reject_all")
    data = edifact([asn("DN-80"), asn("DN-81")], ref="RALL").replace(b"QTY+12:120:PCE", b"QTY+12:12x:PCE", 1)
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert not StoredAdvice.objects.exists() and not Delivery.objects.exclude(document_type="acknowledgement").exists()
    assert any(e["code"] == "policy" and "reject_all" in e["text"] for e in interchange.errors)
    ack = Acknowledgement.objects.get(interchange=interchange)
    assert ack.status == "rejected"
    assert [s.split("+")[3][:1] for s in contrl_segments(interchange) if s.startswith("UCM+")] == ["4", "4"]


def test_accept_good_policy_keeps_the_good_messages(world, receive_and_process):
    data = edifact([asn("DN-90"), asn("DN-91")], ref="AGOOD").replace(b"QTY+12:120:PCE", b"QTY+12:12x:PCE", 1)
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED
    assert list(StoredAdvice.objects.values_list("number", flat=True)) == ["DN-91"]


# -- acknowledgements from partners -------------------------------------------------------------


def test_inbound_contrl_marks_the_matching_delivery_acknowledged(world, receive_and_process):
    receive_and_process(edifact([order("PO-100")], sender="OEMPLANTS"), world["users"]["admin"])
    delivery = Delivery.objects.get(document_type="purchase_order")
    other = Delivery.objects.create(
        document_type="purchase_order", document_id=delivery.document_id, recipient="supplier", supplier=world["suppliers"][1], payload="{}"
    )
    contrl = (
        "UNA:+.? '\n"
        f"UNB+UNOC:3+SUP00001:ZZ+SUPPLIERHUB:ZZ+261125:0800+CTL77'\n"
        "UNH+1+CONTRL:D:3:UN'\n"
        f"UCI+{delivery.pk}+SUPPLIERHUB:ZZ+SUP00001:ZZ+7'\n"
        "UNT+3+1'\n"
        "UNZ+1+CTL77'\n"
    ).encode()
    interchange = receive_and_process(contrl, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    delivery.refresh_from_db()
    other.refresh_from_db()
    assert delivery.acknowledged_at is not None and delivery.acknowledgement_status == "accepted"
    assert delivery.status == Delivery.Status.DELIVERED
    assert other.acknowledged_at is None
    assert not Acknowledgement.objects.filter(interchange=interchange).exists()  # a CONTRL is never answered


def test_inbound_contrl_for_another_suppliers_delivery_matches_nothing(world, receive_and_process):
    receive_and_process(edifact([order("PO-101", supplier="SUP00002")], sender="OEMPLANTS"), world["users"]["admin"])
    delivery = Delivery.objects.get()
    contrl = (
        f"UNB+UNOC:3+SUP00001:ZZ+SUPPLIERHUB:ZZ+261125:0800+CTL78'UNH+1+CONTRL:D:3:UN'UCI+{delivery.pk}+SUPPLIERHUB:ZZ+SUP00001:ZZ+7'"
        "UNT+3+1'UNZ+1+CTL78'"
    ).encode()
    interchange = receive_and_process(contrl, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert any("matches nothing the hub sent to supplier SUP00001" in e["text"] for e in interchange.errors)
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is None


def test_inbound_997_matches_the_x12_delivery_by_its_group_number(world, receive_and_process):
    receive_and_process(edifact([order("PO-102")], sender="OEMPLANTS"), world["users"]["admin"])
    delivery = Delivery.objects.get()
    gs06 = str(delivery.pk)
    segs = [
        "ISA*00*          *00*          *ZZ*SUP00001       *ZZ*SUPPLIERHUB    *261125*0800*U*00401*000000555*0*P*>",
        "GS*FA*SUP00001*SUPPLIERHUB*20261125*0800*55*X*004010",
        "ST*997*0001",
        f"AK1*PO*{gs06}",
        "AK2*850*0001",
        "AK5*A",
        "AK9*A*1*1*1",
        "SE*6*0001",
        "GE*1*55",
        "IEA*1*000000555",
    ]
    interchange = receive_and_process(("~\n".join(segs) + "~\n").encode(), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None


def test_x12_render_of_one_group_uses_the_control_number_as_gs06():
    data = X12.render([order("PO-5")], RenderOptions(receiver_id="SUP00001", control_ref="321", now=NOW)).decode()
    assert "*321*X*004010~" in data and "GE*1*321~" in data


# -- API ------------------------------------------------------------------------------------------


def test_new_endpoints_list_and_isolate(world, receive_and_process, client):
    receive_and_process(edifact([asn("DN-200")]), world["users"]["supplier"])
    receive_and_process(edifact([order("PO-200")], sender="OEMPLANTS", ref="P200"), world["users"]["admin"])
    receive_and_process(edifact([response("RSP-200", "PO-200")], ref="S200"), world["users"]["supplier"])
    advice = StoredAdvice.objects.get()
    client.force_login(world["users"]["supplier"])
    for path, number in (("despatch-advices", "DN-200"), ("purchase-orders", "PO-200"), ("order-responses", "RSP-200")):
        body = client.get(f"/api/v1/{path}/").json()
        assert set(body) == {"next", "previous", "results"}
        assert [r["number"] for r in body["results"]] == [number] and body["results"][0]["id"]
        detail = client.get(f"/api/v1/{path}/{body['results'][0]['id']}/").json()
        assert detail["document"]["number"] == number
    client.force_login(world["users"]["supplier2"])
    assert client.get(f"/api/v1/despatch-advices/{advice.pk}/").status_code == 404
    for path in ("despatch-advices", "purchase-orders", "order-responses"):
        assert client.get(f"/api/v1/{path}/").json()["results"] == []
    client.force_login(world["users"]["buyer"])  # PLANT01's buyer sees what concerns PLANT01
    assert client.get(f"/api/v1/despatch-advices/{advice.pk}/").status_code == 200


def test_new_endpoints_are_in_the_openapi_schema(world, client):
    client.force_login(world["users"]["admin"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/despatch-advices/", "/api/v1/purchase-orders/{id}/", "/api/v1/order-responses/", "/api/v1/interchanges/{id}/ack"):
        assert path in schema


def test_admin_lists_new_documents_within_the_buyers_plants(world, receive_and_process, client):
    receive_and_process(edifact([asn("DN-300"), asn("DN-301", plant="PLANT02")]), world["users"]["supplier"])
    receive_and_process(edifact([order("PO-300", plant="PLANT02")], sender="OEMPLANTS", ref="P300"), world["users"]["admin"])
    client.force_login(world["users"]["buyer"])
    page = client.get("/admin/orders/despatchadvice/").content.decode()
    assert "DN-300" in page and "DN-301" not in page
    assert "PO-300" not in client.get("/admin/orders/purchaseorder/").content.decode()
    assert client.get("/admin/orders/orderresponse/").status_code == 200


def test_the_acknowledgement_goes_back_to_the_supplier_through_the_outbox(world, receive_and_process, plant_server):
    from hub.dispatch.services import delivery_send

    interchange = receive_and_process(edifact([asn("DN-20")], ref="BACK1"), world["users"]["supplier"])
    ack = Acknowledgement.objects.get(interchange=interchange)
    back = Delivery.objects.get(document_type="acknowledgement")
    assert (back.recipient, back.supplier.number, back.connector) == ("supplier", "SUP00001", "portal")
    assert delivery_send(delivery_id=back.pk) == Delivery.Status.DELIVERED
    assert bytes(Delivery.objects.get(pk=back.pk).rendered) == ack.file.open("rb").read()
    # A supplier with its own endpoint gets it by HTTP, in the syntax it sent.
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(endpoint_url=plant_server.url + "/acks")
    interchange = receive_and_process(edifact([asn("DN-21")], ref="BACK2"), world["users"]["supplier"])
    back = Delivery.objects.get(document_type="acknowledgement", document_id=interchange.pk)
    assert back.connector == "http" and delivery_send(delivery_id=back.pk) == Delivery.Status.DELIVERED
    (line,) = plant_server.lines()
    assert line["path"] == "/acks" and line["content_type"] == "application/edifact"


def test_plant_files_get_no_acknowledgement_delivery(world, receive_and_process):
    order = PurchaseOrder(number="PO-ACK", issued="2026-11-24", supplier=Party(id="SUP00001"), ship_to=Party(id="PLANT01", plant="PLANT01"),
                          lines=[OrderLine(line="1", buyer_part="4711-A", quantity=Decimal(5))])
    interchange = receive_and_process(edifact([order], sender="OEMPLANTS", ref="PLANTACK"), world["users"]["admin"])
    assert Acknowledgement.objects.filter(interchange=interchange).exists()
    assert not Delivery.objects.filter(document_type="acknowledgement").exists()


def test_a_supplier_without_edi_sends_a_csv_in_its_own_columns(world, receive_and_process):
    from django.core.exceptions import ValidationError

    profile = PartnerProfile.objects.get(supplier__number="SUP00001")
    profile.column_mappings = [
        {
            "document_type": "despatch_advice",
            "columns": {"number": "Lieferschein", "supplier.id": "Lieferant", "ship_to.plant": "Werk", "line.buyer_part": "Sachnummer", "line.quantity": "Menge"},
        }
    ]
    profile.full_clean()
    profile.save()
    data = b"Lieferschein;Lieferant;Werk;Sachnummer;Menge\nLS-77;SUP00001;PLANT01;4711-A;12,5\nLS-77;SUP00001;PLANT01;4711-B;3\n"
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    stored = StoredAdvice.objects.get(number="LS-77")
    assert stored.plant.code == "PLANT01" and sorted(str(x.quantity.normalize()) for x in stored.lines.all()) == ["12.5", "3"]
    # Another supplier's upload with the same headers is not read with SUP00001's mapping.
    other = receive_and_process(data.replace(b"LS-77", b"LS-78"), world["users"]["supplier2"])
    assert other.status == Interchange.Status.FAILED
    profile.column_mappings = [{"document_type": "despatch_advice", "columns": {"number": "LS"}}]
    with pytest.raises(ValidationError, match="needs a column for 'line.quantity'"):
        profile.full_clean()
