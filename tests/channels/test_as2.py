"""AS2 between the hub and an independent partner (pyas2lib used directly), over real HTTP on 127.0.0.1.

The hub runs as Django's live server with a real Celery worker; the partner builds and
reads messages with its own key pair and runs its own AS2 receiver.
"""

from __future__ import annotations

import pytest

from hub.channels.as2.peers import hub_identity
from hub.channels.models import As2Message
from hub.channels.services import as2_partner_register
from hub.models import Delivery, Interchange, Plant
from tests.channels.as2_peer import Peer, PeerServer
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def as2_world(world, real_services, plant_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/in")
    identity = hub_identity()
    peer = Peer(hub_id=identity.as2_id, hub_cert=identity.certificate)
    server = PeerServer(peer)
    channels = as2_partner_register(supplier=world["suppliers"][0], as2_id=peer.as2_id, certificate_pem=peer.cert, url=server.url + "/as2", compress=True)
    yield {"peer": peer, "server": server, "channels": channels, **world}
    server.stop()


def interchange_of(record_id) -> Interchange:
    return As2Message.objects.select_related("interchange").get(pk=record_id).interchange


def test_signed_encrypted_compressed_desadv_gets_a_signed_sync_mdn_and_reaches_the_plant(as2_world, workers, live_server, plant_server):
    workers.start()
    peer = as2_world["peer"]
    sent, headers, body = peer.build(edifact([asn("ASN-AS2-1")], ref="AS2REF1"))
    response = peer.post(f"{live_server.url}/as2/", headers, body)
    assert response.status_code == 200
    assert "signed" in response.headers["Content-Type"]
    assert peer.read_mdn(dict(response.headers), response.content) == ("processed", None)  # signature and MIC verified by the partner
    record = As2Message.objects.get(direction="in", message_id=sent.message_id)
    assert record.status == "received" and record.mic == sent.mic.decode()
    interchange = record.interchange
    assert interchange.channel == "as2" and interchange.sender_supplier == as2_world["suppliers"][0]
    wait_until(lambda: Interchange.objects.get(pk=interchange.pk).status == "processed", 60, f"the AS2 file was not processed ({workers.logs()[-800:]})")
    wait_until(lambda: any(x["number"] == "ASN-AS2-1" for x in plant_server.lines()), 60, "the despatch advice did not reach the plant")


def test_async_mdn_is_posted_to_the_partners_receipt_url(as2_world, workers, live_server):
    workers.start()
    peer, server = as2_world["peer"], as2_world["server"]
    sent, headers, body = peer.build(edifact([asn("ASN-AS2-2")], ref="AS2REF2"), mdn_mode="ASYNC", mdn_url=server.url + "/mdn")
    response = peer.post(f"{live_server.url}/as2/", headers, body)
    assert response.status_code == 200 and "signed" not in response.headers.get("Content-Type", "")
    wait_until(lambda: peer.mdns, 60, f"no asynchronous MDN arrived ({workers.logs()[-800:]})")
    head, _, mdn_body = peer.mdns[0].partition(b"\r\n\r\n")
    mdn_headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if ": " in line)
    assert peer.read_mdn(mdn_headers, mdn_body) == ("processed", None)
    # The partner has the MDN a moment before the task records that it was taken.
    wait_until(lambda: As2Message.objects.get(message_id=sent.message_id).mdn_status.startswith("sent"), 60, "the MDN was not recorded as sent")


def test_tampered_message_gets_a_negative_mdn_and_is_stored_as_failed_with_the_reason(as2_world, live_server):
    peer = as2_world["peer"]
    sent, headers, body = peer.build(edifact([asn("ASN-AS2-3")], ref="AS2REF3"))
    middle = len(body) // 2
    tampered = body[:middle] + (b"A" if body[middle:middle + 1] != b"A" else b"B") + body[middle + 1:]
    response = peer.post(f"{live_server.url}/as2/", headers, tampered)
    assert response.status_code == 200
    status, detail = peer.read_mdn(dict(response.headers), response.content)
    assert status == "processed/Error" and detail
    record = As2Message.objects.get(direction="in", message_id=sent.message_id)
    assert record.status == "refused"
    interchange = record.interchange
    assert interchange.status == "failed" and interchange.channel == "as2"
    assert "refused" in interchange.errors[0]["text"] and sent.message_id in interchange.errors[0]["text"]
    assert interchange.raw.open("rb").read().endswith(tampered)  # the bytes that came in are on record


def test_replayed_message_id_is_a_duplicate(as2_world, live_server):
    peer = as2_world["peer"]
    sent, headers, body = peer.build(edifact([asn("ASN-AS2-4")], ref="AS2REF4"))
    first = peer.post(f"{live_server.url}/as2/", headers, body)
    again = peer.post(f"{live_server.url}/as2/", headers, body)
    assert peer.read_mdn(dict(first.headers), first.content) == ("processed", None)
    status, detail = peer.read_mdn(dict(again.headers), again.content)
    assert status != "processed" and "duplicate" in (status + (detail or "")).lower()
    records = list(As2Message.objects.filter(direction="in", message_id=sent.message_id).order_by("created_at"))
    assert [r.status for r in records] == ["received", "duplicate"]
    assert records[1].interchange.status == "duplicate" and records[1].interchange.duplicate_of == records[0].interchange


def test_envelope_naming_another_partner_is_refused(as2_world, workers, live_server):
    workers.start()
    peer = as2_world["peer"]
    _, headers, body = peer.build(edifact([asn("ASN-AS2-5", supplier="SUP00002", plant="PLANT02")], sender="SUP00002", ref="AS2REF5"))
    response = peer.post(f"{live_server.url}/as2/", headers, body)
    assert peer.read_mdn(dict(response.headers), response.content)[0] == "processed"  # the AS2 layer was fine
    interchange = As2Message.objects.get(direction="in").interchange
    wait_until(lambda: Interchange.objects.get(pk=interchange.pk).status == "failed", 60, "the impostor's file was not refused")
    errors = Interchange.objects.get(pk=interchange.pk).errors
    assert any("SUP00002" in e["text"] and "not a verified identifier of supplier SUP00001" in e["text"] for e in errors), errors


def test_unknown_partner_is_refused_with_a_negative_mdn(as2_world, live_server):
    stranger = Peer(hub_id=as2_world["peer"].hub_id, hub_cert=as2_world["peer"].hub_cert, as2_id="STRANGER")
    _, headers, body = stranger.build(edifact([asn("ASN-AS2-6")], ref="AS2REF6"))
    response = stranger.post(f"{live_server.url}/as2/", headers, body)
    assert response.status_code == 200
    record = As2Message.objects.get(direction="in")
    assert record.status == "refused" and record.partner is None
    assert record.interchange.status == "failed" and "STRANGER" in record.interchange.errors[0]["text"]


def call_off_for_sup00001(ref: str) -> bytes:
    return delfor([message("1", f"CO-{ref}", supplier="SUP00001", plant="PLANT01")], ref=ref)


def upload_as_plant(world, data: bytes) -> Interchange:
    import io

    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user

    return interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(world["users"]["admin"]), filename="delfor.edi")


def test_call_off_goes_to_the_partner_over_as2_and_counts_only_with_a_positive_mdn(as2_world, workers, live_server):
    workers.start()
    upload_as_plant(as2_world, call_off_for_sup00001("AS2OUT1"))
    supplier_copy = lambda: Delivery.objects.filter(recipient="supplier", document_type="delivery_schedule").first()  # noqa: E731
    wait_until(lambda: supplier_copy() and supplier_copy().status == "delivered", 60, f"the call-off was not delivered over AS2 ({workers.logs()[-800:]})")
    delivery = supplier_copy()
    assert delivery.connector == "as2"
    assert as2_world["peer"].received and b"CO-AS2OUT1" in as2_world["peer"].received[0]
    record = As2Message.objects.get(direction="out", delivery=delivery)
    assert record.status == "confirmed" and record.mdn_status.startswith("processed") and record.mic


def test_partner_offline_retries_then_dead_letters_and_replay_delivers_once_it_is_back(as2_world, workers, live_server):
    from hub.dispatch.services import delivery_replay

    channels = as2_world["channels"]
    good_url = channels.as2_url
    channels.as2_url = "http://127.0.0.1:9/as2"  # nothing listens there: the partner is offline
    channels.save()
    workers.env["HUB_DISPATCH_MAX_ATTEMPTS"] = "3"
    workers.start()
    upload_as_plant(as2_world, call_off_for_sup00001("AS2OUT2"))
    supplier_copy = lambda: Delivery.objects.filter(recipient="supplier", document_type="delivery_schedule", replay_of__isnull=True).first()  # noqa: E731
    wait_until(lambda: supplier_copy() and supplier_copy().status == "dead", 120, f"the delivery did not dead-letter ({workers.logs()[-800:]})")
    dead = supplier_copy()
    assert dead.attempts == 3 and "connection" in dead.last_error.lower()
    assert not as2_world["peer"].received
    channels.as2_url = good_url
    channels.save()
    replay = delivery_replay(delivery=dead)
    wait_until(lambda: Delivery.objects.get(pk=replay.pk).status == "delivered", 60, f"the replay was not delivered ({workers.logs()[-800:]})")
    assert len(as2_world["peer"].received) == 1
    assert As2Message.objects.get(direction="out", delivery=replay).status == "confirmed"


def test_admin_connection_test_sends_a_message_and_reports_the_mdn(as2_world, client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    client.force_login(as2_world["users"]["buyer"])  # PLANT01's buyer; SUP00001 supplies PLANT01
    response = client.post("/admin/hub/channelprofile/", {"action": "test_connection", ACTION_CHECKBOX_NAME: [as2_world["channels"].pk]}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("SUP00001: positive MDN") for m in shown), shown
    assert As2Message.objects.get(direction="out", delivery__isnull=True).status == "confirmed"
    assert b"connection test" in as2_world["peer"].received[0]


def test_another_tenants_channel_settings_answer_404(as2_world, client):
    from hub.channels.services import channel_settings_of

    foreign = channel_settings_of(as2_world["suppliers"][2])  # SUP00003 supplies PLANT03 only
    client.force_login(as2_world["users"]["buyer"])
    assert client.get(f"/admin/hub/channelprofile/{foreign.pk}/change/").status_code == 404
    assert client.get(f"/admin/hub/channelprofile/{as2_world['channels'].pk}/change/").status_code == 200
    client.force_login(as2_world["users"]["hq"])
    assert client.get("/admin/hub/as2identity/").status_code == 200
    client.force_login(as2_world["users"]["buyer"])
    assert client.get("/admin/hub/as2identity/").status_code == 404
