"""An ASN posted as JSON reaches its plant through a real web server, Redis, a Celery worker and HTTP."""

from __future__ import annotations

import pytest
import requests

from hub.models import Interchange, Plant
from suppliers.services import token_issue
from tests.asn_world import asn_json, call_off
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def test_an_asn_posted_as_json_is_stored_processed_and_delivered_to_the_plant(world, workers, plant_server, live_server, receive_and_process):
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/in")
    call_off(receive_and_process, world["users"]["admin"])
    token = token_issue(user=world["users"]["supplier"])
    workers.start()
    answer = requests.post(f"{live_server.url}/api/v1/despatch-advices/", json=asn_json("DN-INT1"), headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 202, answer.text
    url = answer.json()["url"]
    status = wait_until(
        lambda: (s := requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30).json())["status"] in ("processed", "failed") and s,
        60, "the ASN's interchange was not processed",
    )  # fmt: skip
    assert status["status"] == "processed", status["errors"]
    assert Interchange.objects.get(pk=answer.json()["id"]).raw.read().startswith(b"<?xml")
    arrived = wait_until(lambda: [x for x in plant_server.lines() if x.get("number") == "DN-INT1"], 60, f"the ASN did not reach the plant ({workers.logs()[-800:]})")
    assert len(arrived) == 1 and arrived[0]["applied"] is True
