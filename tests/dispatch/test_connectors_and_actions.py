"""Recipients, formats and connectors; staff actions: replay, pause/resume, receipts; circuit breaker."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from hub.dispatch import services
from hub.models import Delivery, Plant
from suppliers.models import PartnerProfile
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(world, receive_and_process, plant_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/in")
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    return {d.recipient: d for d in Delivery.objects.all()}


def test_supplier_copy_lands_in_the_portal_inbox_in_its_preferred_format(stored):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(outbound_format="EDIFACT:DELFOR")
    assert services.delivery_send(delivery_id=stored["supplier"].pk) == Delivery.Status.DELIVERED
    d = Delivery.objects.get(pk=stored["supplier"].pk)
    text = bytes(d.rendered).decode("latin-1")
    assert text.startswith("UNA") and "BGM+241+CO1+5'" in text and "NAD+SE+SUP00001" in text
    assert d.rendered_name.endswith(".edi")


def test_supplier_with_an_endpoint_gets_it_over_http(world, receive_and_process, plant_server):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(endpoint_url=plant_server.url + "/supplier")
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])
    supplier_copy = Delivery.objects.get(recipient="supplier")
    assert supplier_copy.connector == "http"
    assert services.delivery_send(delivery_id=supplier_copy.pk) == Delivery.Status.DELIVERED
    assert plant_server.lines()[0]["path"] == "/supplier"


def test_plant_may_ask_for_edifact_instead_of_json(stored, plant_server):
    Plant.objects.filter(code="PLANT01").update(outbound_format="edifact")
    assert services.delivery_send(delivery_id=stored["plant"].pk) == Delivery.Status.DELIVERED
    (line,) = plant_server.lines()
    assert line["content_type"] == "application/edifact" and line["applied"]


def test_file_drop_writes_atomically_and_once(stored, tmp_path, settings):
    settings.HUB_FILEDROP_ROOT = tmp_path
    Plant.objects.filter(code="PLANT01").update(connector="filedrop", drop_directory="drop")
    Delivery.objects.filter(pk=stored["plant"].pk).update(connector="filedrop")
    assert services.delivery_send(delivery_id=stored["plant"].pk) == Delivery.Status.DELIVERED
    files = list((tmp_path / "PLANT01" / "drop").iterdir())
    assert len(files) == 1 and files[0].suffix == ".json" and b'"number": "CO1"' in files[0].read_bytes()
    assert not [f for f in files if f.name.startswith(".incoming-")]


def test_replay_to_another_url_is_a_new_delivery_with_a_new_key(stored, plant_server):
    assert services.delivery_send(delivery_id=stored["plant"].pk) == Delivery.Status.DELIVERED
    replay = services.delivery_replay(delivery=Delivery.objects.get(pk=stored["plant"].pk), url=plant_server.url + "/replayed")
    assert replay.idempotency_key != stored["plant"].idempotency_key and replay.replay_of_id == stored["plant"].pk
    assert services.delivery_send(delivery_id=replay.pk) == Delivery.Status.DELIVERED
    assert [x["path"] for x in plant_server.lines()] == ["/in", "/replayed"]


def test_replay_to_a_private_url_is_refused(stored, settings):
    settings.HUB_OUTBOUND_ALLOWLIST = []
    with pytest.raises(ValueError, match="not a public address"):
        services.delivery_replay(delivery=stored["plant"], url="http://10.0.0.5/x")


def test_pause_holds_and_resume_releases(stored, plant_server):
    plant = Plant.objects.get(code="PLANT01")
    services.plant_pause(plant=plant)
    assert services.delivery_send(delivery_id=stored["plant"].pk) == Delivery.Status.HELD
    assert services.plant_resume(plant=plant) == 1
    assert services.delivery_send(delivery_id=stored["plant"].pk) == Delivery.Status.DELIVERED


def test_dispatch_command_pauses_resumes_retries_and_replays(stored, plant_server, capsys):
    call_command("dispatch", "pause", "PLANT01")
    assert Plant.objects.get(code="PLANT01").paused
    call_command("dispatch", "resume", "PLANT01")
    Delivery.objects.filter(pk=stored["plant"].pk).update(status=Delivery.Status.DEAD)
    call_command("dispatch", "retry", str(stored["plant"].pk))
    assert Delivery.objects.get(pk=stored["plant"].pk).status == Delivery.Status.PENDING
    call_command("dispatch", "replay", str(stored["plant"].pk), "--plant", "PLANT02")
    assert Delivery.objects.filter(replay_of=stored["plant"].pk, plant__code="PLANT02").exists()
    call_command("dispatch", "status")
    assert "pending" in capsys.readouterr().out


def test_a_plant_that_keeps_failing_opens_its_circuit(stored, settings):
    settings.HUB_CIRCUIT_FAILURES = 2
    Plant.objects.update(endpoint_url="http://127.0.0.1:9/closed")
    d = stored["plant"]
    for _ in range(2):
        Delivery.objects.filter(pk=d.pk).update(next_attempt_at=d.created_at)
        assert services.delivery_send(delivery_id=d.pk) == Delivery.Status.PENDING
    plant = Plant.objects.get(code="PLANT01")
    assert plant.consecutive_failures == 2 and plant.circuit_open_until is not None
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=d.created_at)
    attempts = Delivery.objects.get(pk=d.pk).attempts
    assert services.delivery_send(delivery_id=d.pk) == Delivery.Status.PENDING
    assert Delivery.objects.get(pk=d.pk).attempts == attempts, "no attempt while the circuit is open"


def test_plant_confirms_receipt_through_the_api(stored, world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=world['users']['buyer'])}")
    services.delivery_send(delivery_id=stored["plant"].pk)
    response = client.post(f"/api/v1/deliveries/{stored['plant'].pk}/receipt", {}, format="json")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=world['users']['supplier2'])}")
    assert other.post(f"/api/v1/deliveries/{stored['plant'].pk}/receipt", {}, format="json").status_code == 404


def test_admin_plant_form_refuses_private_endpoints(world, client, settings):
    settings.HUB_OUTBOUND_ALLOWLIST = []
    client.force_login(world["users"]["admin"])
    plant = Plant.objects.get(code="PLANT01")
    response = client.post(
        f"/admin/hub/plant/{plant.pk}/change/",
        {"code": "PLANT01", "name": "P1", "timezone": "Europe/Berlin", "connector": "http", "endpoint_url": "http://192.168.1.10/x", "outbound_format": "json", "max_in_flight": 1},
    )
    assert response.status_code == 200 and "not a public address" in response.content.decode()


def test_portal_copies_are_placed_a_chunk_at_a_time(world, receive_and_process):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    receive_and_process(delfor([message(str(m), f"IN{m}", parts=((f"P{m}", (("1", "1", "20261130"),)),)) for m in range(1, 21)]), world["users"]["admin"])
    ids = list(Delivery.objects.filter(connector="portal").values_list("pk", flat=True))
    assert len(ids) == 20
    with CaptureQueriesContext(connection) as queries:
        assert services.inbox_send(delivery_ids=ids) == 20
    assert len(queries.captured_queries) <= 6, [q["sql"][:60] for q in queries.captured_queries]
    rows = list(Delivery.objects.filter(pk__in=ids))
    assert all(d.status == "delivered" and d.rendered and d.rendered_name and d.claim_token is None and d.attempts == 1 for d in rows)
    assert all(json.loads(bytes(d.rendered))["number"] == d.document_number and d.document_number in d.rendered_name for d in rows)
    assert services.inbox_send(delivery_ids=ids) == 0  # a second run finds nothing to do
