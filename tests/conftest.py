"""Shared fixtures: a small world of plants, suppliers and users of every role."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from tests.factories import PlantFactory, SupplierFactory, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests speak plain HTTP to their own servers (set before the live server starts)."""
    from django.test import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False, HUB_OUTBOUND_ALLOWLIST=["127.0.0.1"]):
        yield


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    # Password hashing is deliberately slow; tests need no brute-force resistance.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The overview's figures are computed live in tests; tests/staff/test_overview.py tests the cache itself.
    settings.HUB_OVERVIEW_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (local-memory) cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    """Plants PLANT01-03, suppliers SUP00001-3 (SUP00001 supplies PLANT01-02, SUP00002 PLANT02-03, SUP00003 PLANT03), one user per role."""
    plants = [PlantFactory(code=f"PLANT{n:02d}", endpoint_url=f"http://127.0.0.1:9/plants/PLANT{n:02d}") for n in (1, 2, 3)]
    suppliers = [SupplierFactory(number=f"SUP{n:05d}") for n in (1, 2, 3)]
    # As seed_demo: SUPn supplies PLANT((n-1) mod 12 + 1) and the plant after it (of these three).
    for n, supplier in enumerate(suppliers):
        supplier.plants.set([p for p in plants[n : n + 2]])
    users = {
        "supplier": UserFactory(username="supplier", role="supplier", supplier=suppliers[0]),
        "supplier2": UserFactory(username="supplier2", role="supplier", supplier=suppliers[1]),
        "buyer": UserFactory(username="buyer", role="buyer", is_staff=True, plants=[plants[0]]),
        "hq": UserFactory(username="hq", role="hq", is_staff=True),
        "admin": UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True),
    }
    return {"plants": plants, "suppliers": suppliers, "users": users}


@pytest.fixture
def receive_and_process():
    """Store bytes through the real receive service, then process them in this process."""
    from hub.ingest.pipeline import interchange_process
    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user

    def run(data: bytes, user, channel: str = "api"):
        interchange = interchange_receive(stream=io.BytesIO(data), channel=channel, party=party_of_user(user), filename="test.edi")
        if interchange.status == "received":
            interchange_process(interchange_id=interchange.pk)
        interchange.refresh_from_db()
        return interchange

    return run


@pytest.fixture
def corpus_dir() -> Path:
    """The shared corpus of real files ($HUB_CORPUS_DIR); skips when it is absent."""
    path = Path(os.environ.get("HUB_CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    if not path.is_dir():
        pytest.skip(f"corpus not found at {path} (set HUB_CORPUS_DIR)")
    return path


@pytest.fixture
def plant_server(tmp_path):
    """A real plant receiver (the hub's simulator) on a free 127.0.0.1 port, in a thread."""
    import threading

    from hub.dispatch.simulator import PlantSimulator

    record = tmp_path / "plant.jsonl"
    server = PlantSimulator(0, record=record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    def lines() -> list[dict]:
        # The simulator may be writing a line while a test reads: only whole lines count.
        text = record.read_text() if record.exists() else ""
        return [json.loads(x) for x in text.split("\n")[:-1] if x]

    server.lines = lines
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_celery():
    """Run Celery tasks in this process as they are sent (the app's conf, not only Django's settings:
    the app reads its settings once, so overriding CELERY_* later changes nothing)."""
    from hub.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
