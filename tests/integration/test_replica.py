"""Read-heavy pages read from the replica connection; writes and logins stay on the primary.

The "replica" here is a second connection to the test database as a read-only role
(``default_transaction_read_only``), which is how a hot standby answers: a write sent to
it fails. The web tier is a real gunicorn process; PostgreSQL's own view of its sessions
(``pg_stat_activity``) says which connection ran which query.
"""

from __future__ import annotations

import pytest
import requests
from django.db import connection

from hub.models import Interchange
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message
from tests.integration.test_topology import WebTier

pytestmark = pytest.mark.integration

ROLE = "hub_replica_reader"


@pytest.fixture
def read_only_role(real_services):
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        if not cur.fetchone():
            cur.execute(f"CREATE ROLE {ROLE} LOGIN")
        cur.execute(f"ALTER ROLE {ROLE} SET default_transaction_read_only = on")
        cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ROLE}")
    yield ROLE
    with connection.cursor() as cur:
        cur.execute(f"REVOKE SELECT ON ALL TABLES IN SCHEMA public FROM {ROLE}")


def _replica_queries(db: str) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT query FROM pg_stat_activity WHERE datname = %s AND usename = %s AND application_name = 'hub-replica'", [db, ROLE])
        return [row[0] for row in cur.fetchall()]


def test_listed_reads_use_the_replica_and_writes_the_primary(world, workers, read_only_role, receive_and_process, tmp_path):
    db = connection.settings_dict["NAME"]
    receive_and_process(delfor([message("1", "REPL-1", plant="PLANT01")], ref="ICR-REPL"), world["users"]["admin"])
    env = {**workers.env, "DATABASE_REPLICA_URL": f"postgres://{ROLE}@127.0.0.1:5432/{db}?application_name=hub-replica", "CONN_MAX_AGE": "60"}
    web = WebTier(env, tmp_path / "gunicorn.log")
    try:
        headers = {"Authorization": f"Bearer {token_issue(user=world['users']['supplier'])}"}
        # A token issued this instant works at once: tokens are read from the primary.
        listed = requests.get(web.url + "/api/v1/call-offs/", headers=headers, timeout=30)
        assert listed.status_code == 200, listed.text
        assert [c["number"] for c in listed.json()["results"]] == ["REPL-1"]
        queries = _replica_queries(db)
        assert queries, "no connection of the web tier ever reached the replica"
        assert any("orders_deliveryschedule" in q for q in queries), queries

        # A write through the same web tier lands on the primary (the replica would refuse it).
        posted = requests.post(
            web.url + "/api/v1/interchanges/", data=delfor([message("2", "REPL-2", plant="PLANT01")], ref="ICR-REPL2"), timeout=30,
            headers={"Authorization": f"Bearer {token_issue(user=world['users']['admin'])}", "Content-Type": "application/edifact"},
        )
        assert posted.status_code == 201, posted.text
        assert Interchange.objects.filter(pk=posted.json()["id"]).exists()
    finally:
        web.stop()
