"""``/healthz`` answers 200 when database and broker answer, 503 with the reason when not."""

from __future__ import annotations

import pytest

from hub.celery import app

pytestmark = pytest.mark.django_db


def test_healthy_hub_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_unreachable_broker_answers_503_with_the_reason(client):
    # CELERY_BROKER_URL in the environment wins over broker_url; the write URL does not.
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_write_url = None
    assert response.status_code == 503
    assert "broker unreachable" in response.json()["problems"]["broker"]


def test_published_schemas_are_served(client):
    xsd = client.get("/schemas/hub-canonical.xsd")
    assert xsd.status_code == 200 and b"urn:supplierhub:canonical:1" in b"".join(xsd.streaming_content)
    json_schema = client.get("/schemas/canonical.schema.json")
    assert json_schema.status_code == 200 and b"2020-12" in b"".join(json_schema.streaming_content)
    assert client.get("/schemas/../settings.py").status_code == 404
