"""The ingest claim on the monthly partitions: with ``received_at`` from its task it reads one month (PostgreSQL).

Messages queued before the task carried ``received_at`` (the id alone) must still be processed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub import partitions
from hub.ingest import tasks
from hub.ingest.pipeline import interchange_claim
from hub.ingest.receive import interchange_receive
from hub.models import Interchange
from hub.parties import party_of_user
from tests.delfor_builder import delfor, message
from tests.plans import partitions_in_plan

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's"),
]
PARTITION = re.compile(r"^hub_interchange_(p\d{4}_\d{2}|default)$")
BY_ID = re.compile(r'"hub_interchange"\."id" =')


def interchange_partitions(sql: str) -> set[str]:
    """The partitions of hub_interchange the plan of ``sql`` reads or writes."""
    return partitions_in_plan(sql, PARTITION)


@pytest.fixture
def stored(world, django_capture_on_commit_callbacks):
    """A stored, not yet processed interchange, with the task message its receipt queued; and months of older ones."""
    Interchange.objects.create(received_at=timezone.now() - dt.timedelta(days=70), channel="api", raw="x", size=1, sha256="0" * 64)
    partitions.partitions_ensure(months_ahead=3)
    data = delfor([message("1", "CO1"), message("2", "CO2", plant="PLANT02")])
    with mock.patch.object(tasks.process_interchange, "apply_async") as queued, django_capture_on_commit_callbacks(execute=True):
        interchange = interchange_receive(
            stream=io.BytesIO(data), channel="api", party=party_of_user(world["users"]["admin"]), filename="f.edi"
        )
    (args,), _ = queued.call_args
    return interchange, json.loads(json.dumps(args))


def test_the_ingest_task_carries_received_at_and_its_claim_reads_one_month(stored):
    interchange, args = stored
    assert args == [str(interchange.pk), interchange.received_at.isoformat()]
    month = partitions.partition_name("hub_interchange", partitions.month_start(interchange.received_at))
    with CaptureQueriesContext(connection) as queries:
        assert interchange_claim(interchange_id=args[0], received_at=dt.datetime.fromisoformat(args[1])) is not None
    statements = [q["sql"] for q in queries.captured_queries if BY_ID.search(q["sql"])]
    assert [s.split()[0] for s in statements] == ["UPDATE", "SELECT"]
    assert all(interchange_partitions(sql) == {month} for sql in statements), statements

    # The old shape, the id alone: the same UPDATE is planned over every month (and finds the file taken).
    with CaptureQueriesContext(connection) as queries:
        assert interchange_claim(interchange_id=args[0]) is None
    (update,) = [q["sql"] for q in queries.captured_queries if BY_ID.search(q["sql"])]
    assert len(interchange_partitions(update)) == len(partitions.partitions("hub_interchange")) + 1 > 5


def test_the_ingest_task_with_received_at_processes_the_file_and_every_write_by_id_reads_one_month(stored):
    interchange, args = stored
    month = partitions.partition_name("hub_interchange", partitions.month_start(interchange.received_at))
    with CaptureQueriesContext(connection) as queries:
        tasks.process_interchange.apply(args=args).get()
    assert Interchange.objects.get(pk=interchange.pk).status == Interchange.Status.PROCESSED
    # The claim, the envelope and batch progress, the end: each by id, each in the file's month.
    statements = [q["sql"] for q in queries.captured_queries if BY_ID.search(q["sql"]) and q["sql"].startswith(("UPDATE", "SELECT"))]
    assert len([s for s in statements if s.startswith("UPDATE")]) >= 3
    wide = [sql for sql in statements if interchange_partitions(sql) != {month}]
    assert not wide, wide


def test_an_old_ingest_message_with_the_id_alone_still_processes_the_file(stored):
    interchange, args = stored
    tasks.process_interchange.apply(args=args[:1]).get()
    assert Interchange.objects.get(pk=interchange.pk).status == Interchange.Status.PROCESSED
