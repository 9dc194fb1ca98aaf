"""Receiving and processing interchanges: store first, dedup, route, authorise, persist."""

from __future__ import annotations

import io

import pytest

from hub.formats.canonical import decimal_text
from hub.ingest.receive import EmptyUpload, TooLarge, interchange_receive
from hub.models import Delivery, Interchange
from hub.parties import party_of_user
from orders.models import DeliverySchedule
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def test_raw_bytes_are_stored_before_processing(world):
    data = b"this is not EDI at all"
    interchange = interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(world["users"]["admin"]), filename="x.txt")
    assert interchange.status == Interchange.Status.RECEIVED
    with interchange.raw.open("rb") as fh:
        assert fh.read() == data
    assert interchange.size == len(data) and len(interchange.sha256) == 64


def test_unparseable_file_fails_with_a_clear_error_and_keeps_its_bytes(world, receive_and_process):
    data = b"Hello, this is a letter, not an interchange."
    interchange = receive_and_process(data, world["users"]["admin"])
    assert interchange.status == Interchange.Status.FAILED
    assert "format is not recognised" in interchange.errors[0]["text"]
    with interchange.raw.open("rb") as fh:
        assert fh.read() == data


def test_malformed_delfor_fails_with_segment_position(world, receive_and_process):
    segs = message("1", "CO1")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:1O0:PCE"
    interchange = receive_and_process(delfor([segs]), world["users"]["admin"])
    assert interchange.status == Interchange.Status.FAILED
    assert interchange.errors[0]["position"] == "segment 14 (QTY), element 1, component 2"
    assert interchange.errors[0]["message_ref"] == "1"
    assert DeliverySchedule.objects.count() == 0


def test_delfor_becomes_call_offs_with_one_delivery_each(world, receive_and_process):
    data = delfor([message("1", "CO1", plant="PLANT01"), message("2", "CO2", supplier="SUP00002", plant="PLANT02")])
    interchange = receive_and_process(data, world["users"]["admin"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    assert interchange.document_count == 2 and interchange.control_ref == "ICR0001" and interchange.sender_id == "OEMPLANTS"
    co1 = DeliverySchedule.objects.get(number="CO1")
    assert (co1.supplier.number, co1.plant.code) == ("SUP00001", "PLANT01")
    assert [decimal_text(q.quantity) for q in co1.lines.get().quantities.all()] == ["100", "250"]
    deliveries = {d.document_number: d for d in Delivery.objects.filter(recipient="plant")}
    assert set(deliveries) == {"CO1", "CO2"}
    assert deliveries["CO2"].plant.code == "PLANT02" and deliveries["CO2"].status == Delivery.Status.PENDING
    to_suppliers = Delivery.objects.filter(recipient="supplier")
    assert sorted((d.document_number, d.supplier.number, d.connector) for d in to_suppliers) == [("CO1", "SUP00001", "portal"), ("CO2", "SUP00002", "portal")]


def test_same_bytes_twice_is_a_duplicate(world, receive_and_process):
    data = delfor([message("1", "CO1")])
    first = receive_and_process(data, world["users"]["admin"])
    second = receive_and_process(data, world["users"]["admin"])
    assert second.status == Interchange.Status.DUPLICATE and second.duplicate_of_id == first.pk
    assert Delivery.objects.filter(recipient="plant").count() == 1


def test_same_control_reference_from_the_same_sender_is_a_duplicate(world, receive_and_process):
    receive_and_process(delfor([message("1", "CO1")], ref="REF9"), world["users"]["admin"])
    again = receive_and_process(delfor([message("1", "CO1-B")], ref="REF9"), world["users"]["admin"])
    assert again.status == Interchange.Status.DUPLICATE
    assert "control reference REF9" in again.errors[0]["text"]
    assert not DeliverySchedule.objects.filter(number="CO1-B").exists()


def test_supplier_may_only_submit_its_own_documents(world, receive_and_process):
    from orders.models import DespatchAdvice
    from tests.documents import asn, edifact

    data = edifact([asn("MINE", supplier="SUP00001", plant="PLANT02"), asn("THEIRS", supplier="SUP00002", plant="PLANT02")], sender="SUP00001")
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED
    assert list(DespatchAdvice.objects.values_list("number", flat=True)) == ["MINE"]
    assert any("your account belongs to supplier SUP00001" in e["text"] for e in interchange.errors)


def test_buyer_may_only_submit_for_its_plants(world, receive_and_process):
    data = delfor([message("1", "P1", plant="PLANT01"), message("2", "P2", plant="PLANT02")])
    interchange = receive_and_process(data, world["users"]["buyer"])
    assert list(DeliverySchedule.objects.values_list("number", flat=True)) == ["P1"]
    assert any("PLANT02, which is not one of your plants" in e["text"] for e in interchange.errors)


def test_unknown_supplier_and_plant_are_named(world, receive_and_process):
    data = delfor([message("1", "A", supplier="NOBODY"), message("2", "B", plant="PLANT99")])
    interchange = receive_and_process(data, world["users"]["admin"])
    assert interchange.status == Interchange.Status.FAILED
    texts = " ".join(e["text"] for e in interchange.errors)
    assert "supplier 'NOBODY' is not known" in texts and "'PLANT99' is not a plant" in texts


def test_empty_and_oversized_uploads_are_refused(world, settings):
    with pytest.raises(EmptyUpload):
        interchange_receive(stream=io.BytesIO(b""), channel="api", party=party_of_user(world["users"]["admin"]))
    settings.HUB_MAX_INTERCHANGE_BYTES = 10
    with pytest.raises(TooLarge):
        interchange_receive(stream=io.BytesIO(b"x" * 11), channel="api", party=party_of_user(world["users"]["admin"]))
    assert Interchange.objects.count() == 0


def test_processing_twice_does_nothing_the_second_time(world, receive_and_process):
    from hub.ingest.pipeline import interchange_process

    interchange = receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    assert interchange_process(interchange_id=interchange.pk) is None
    assert DeliverySchedule.objects.count() == 1
