"""The ingest pipeline under claims, crashes and take-overs: every document and delivery exactly once.

A "crash" here is a ``BaseException`` raised from inside the pipeline (as SIGKILL would
stop it: no handler runs, the open transaction rolls back); a lease running out is the
row's heartbeat moved into the past, never a wait on the clock. The same behaviour with
real worker processes killed by SIGKILL is in tests/integration/test_ingest_crash.py.
"""

from __future__ import annotations

import io
import time
from collections import Counter

import pytest
from django.utils import timezone

from hub.ingest import persist, pipeline
from hub.ingest.pipeline import interchange_claim, interchange_process
from hub.ingest.receive import interchange_receive
from hub.models import Acknowledgement, Delivery, Interchange
from hub.parties import party_of_user
from orders.models import DeliverySchedule, ScheduleLine
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in the pipeline handles it."""


def calloffs(n: int, ref: str = "ICRP", **kwargs) -> bytes:
    plants = ("PLANT01", "PLANT02", "PLANT03")
    msgs = [message(str(m), f"{ref}-{m:04d}", plant=plants[m % 3], parts=((f"P{m}", (("5", "1", "20261130"),)),)) for m in range(1, n + 1)]
    return delfor(msgs, ref=ref, **kwargs)


def receive(world, data: bytes) -> Interchange:
    return interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(world["users"]["admin"]), filename="f.edi")


def lease_runs_out(interchange: Interchange) -> None:
    """The claim's heartbeat stopped long ago (its worker is dead)."""
    Interchange.objects.filter(pk=interchange.pk).update(heartbeat_at=timezone.now() - timezone.timedelta(hours=1))


def die_after_batches(monkeypatch, batches: int) -> None:
    """The worker dies right after committing ``batches`` batches."""
    real = persist.batch_persist
    calls = Counter()

    def persisting(**kwargs):
        if calls["n"] >= batches:
            raise Killed
        calls["n"] += 1
        real(**kwargs)

    monkeypatch.setattr(pipeline, "batch_persist", persisting)


def assert_exactly_once(interchange: Interchange, n: int, ref: str = "ICRP") -> None:
    numbers = list(DeliverySchedule.objects.filter(interchange=interchange).values_list("number", flat=True))
    assert sorted(numbers) == [f"{ref}-{m:04d}" for m in range(1, n + 1)]
    per_document = Counter(Delivery.objects.filter(interchange=interchange).values_list("document_id", "recipient"))
    assert len(per_document) == 2 * n and set(per_document.values()) == {1}, "a call-off has a delivery twice or none"


def test_a_second_worker_gets_nothing_while_the_first_still_heartbeats(world, settings):
    settings.HUB_INGEST_BATCH_MESSAGES = 2
    interchange = receive(world, calloffs(5))
    first, token = interchange_claim(interchange_id=interchange.pk)
    # The first worker is slow, not dead: its heartbeat is fresh, so the claim holds
    # however long ago it started.
    Interchange.objects.filter(pk=interchange.pk).update(processing_started_at=timezone.now() - timezone.timedelta(hours=3))
    assert interchange_process(interchange_id=interchange.pk) is None
    assert interchange_claim(interchange_id=interchange.pk) is None
    assert not DeliverySchedule.objects.exists()
    pipeline._run(first, token)  # the first worker carries on and finishes
    ended = Interchange.objects.get(pk=interchange.pk)
    assert ended.status == Interchange.Status.PROCESSED and ended.document_count == 5
    assert_exactly_once(ended, 5)
    assert not Delivery.objects.filter(status=Delivery.Status.STAGED).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_busy_in_one_long_parse_keeps_its_claim(world, settings, monkeypatch):
    settings.HUB_INGEST_LEASE_SECONDS = 2  # beats every half second
    interchange = receive(world, calloffs(3))
    real = pipeline.open_stream
    taken = []

    def long_parse(**kwargs):
        # A whole-file parse that lasts longer than the lease yields no message to beat on:
        # wait (on progress, bounded) until the heartbeat has kept the claim alive past the
        # moment the lease would have run out, then let a second worker try.
        start = Interchange.objects.get(pk=interchange.pk).processing_started_at
        wait_for = start + timezone.timedelta(seconds=settings.HUB_INGEST_LEASE_SECONDS * 1.5)
        deadline = time.monotonic() + 120
        while Interchange.objects.get(pk=interchange.pk).heartbeat_at < wait_for:
            assert time.monotonic() < deadline, "the heartbeat did not move during the parse"
            time.sleep(0.1)
        taken.append(interchange_claim(interchange_id=interchange.pk))
        return real(**kwargs)

    monkeypatch.setattr(pipeline, "open_stream", long_parse)
    ended = interchange_process(interchange_id=interchange.pk)
    assert taken == [None], "a second worker took over a file whose worker was alive"
    assert ended.status == Interchange.Status.PROCESSED and ended.attempts == 1
    assert_exactly_once(ended, 3)


def test_after_a_stale_claim_the_file_resumes_and_ends_with_everything_exactly_once(world, settings, monkeypatch):
    settings.HUB_INGEST_BATCH_MESSAGES = 2
    interchange = receive(world, calloffs(7))
    die_after_batches(monkeypatch, 2)
    with pytest.raises(Killed):
        interchange_process(interchange_id=interchange.pk)
    halfway = Interchange.objects.get(pk=interchange.pk)
    assert (halfway.status, halfway.messages_done) == (Interchange.Status.PROCESSING, 4)
    assert DeliverySchedule.objects.count() == 4
    # Deliveries of a file still being ingested wait: none may go out before it is accepted.
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.STAGED}
    assert interchange_process(interchange_id=interchange.pk) is None, "a live claim was taken over"
    monkeypatch.undo()
    lease_runs_out(halfway)
    ended = interchange_process(interchange_id=interchange.pk)
    assert ended is not None and ended.status == Interchange.Status.PROCESSED, ended and ended.errors
    assert ended.document_count == 7 and ended.messages_done == 7
    assert_exactly_once(ended, 7)
    assert set(Delivery.objects.filter(recipient="plant").values_list("status", flat=True)) == {Delivery.Status.PENDING}
    assert Acknowledgement.objects.get(interchange=ended).status == "accepted"


def test_a_worker_that_lost_its_claim_writes_nothing_more(world, settings, monkeypatch):
    settings.HUB_INGEST_BATCH_MESSAGES = 2
    interchange = receive(world, calloffs(6))
    slow, old_token = interchange_claim(interchange_id=interchange.pk)
    lease_runs_out(slow)
    assert interchange_process(interchange_id=interchange.pk).status == Interchange.Status.PROCESSED
    # The first worker wakes up and goes on with its old token: every write is refused.
    with pytest.raises(persist.LostClaim):
        pipeline._run(slow, old_token)
    ended = Interchange.objects.get(pk=interchange.pk)
    assert ended.status == Interchange.Status.PROCESSED and not ended.duplicate_of_id
    assert_exactly_once(ended, 6)


def test_a_worker_whose_claim_was_taken_over_between_batches_stores_nothing_more(world, settings, monkeypatch):
    settings.HUB_INGEST_BATCH_MESSAGES = 2
    interchange = receive(world, calloffs(6))
    slow, token = interchange_claim(interchange_id=interchange.pk)
    real = persist.batch_persist
    taken = []

    def persisting(**kwargs):
        if kwargs["token"] == token and kwargs["messages_done"] == 4 and not taken:
            # Between the slow worker's first and second batch its heartbeat stopped for
            # the lease, and a second worker took the file over and finished it.
            taken.append(True)
            lease_runs_out(slow)
            assert interchange_process(interchange_id=slow.pk).status == Interchange.Status.PROCESSED
        real(**kwargs)

    monkeypatch.setattr(pipeline, "batch_persist", persisting)
    with pytest.raises(persist.LostClaim):
        pipeline._run(slow, token)
    assert taken
    assert_exactly_once(Interchange.objects.get(pk=interchange.pk), 6)


def test_a_crash_in_the_final_transaction_leaves_neither_released_deliveries_nor_an_acknowledgement(world, monkeypatch):
    interchange = receive(world, calloffs(3))
    real = pipeline.acknowledge.acknowledge

    def crash(**kwargs):
        real(**kwargs)
        raise Killed  # the worker dies after the acknowledgement was written, before the commit

    monkeypatch.setattr(pipeline.acknowledge, "acknowledge", crash)
    with pytest.raises(Killed):
        interchange_process(interchange_id=interchange.pk)
    assert Interchange.objects.get(pk=interchange.pk).status == Interchange.Status.PROCESSING
    assert not Acknowledgement.objects.exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.STAGED}
    monkeypatch.undo()
    lease_runs_out(interchange)
    ended = interchange_process(interchange_id=interchange.pk)
    assert ended.status == Interchange.Status.PROCESSED
    assert Acknowledgement.objects.filter(interchange=ended).count() == 1
    assert_exactly_once(ended, 3)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(calloffs(2, ref="ACK1"), id="accepted"),
        pytest.param(delfor([message("1", "OK-1"), message("2", "BAD-2", plant="PLANT99")], ref="ACK2"), id="partly refused"),
        pytest.param(delfor([message("1", "BAD-1", plant="PLANT99")], ref="ACK3"), id="refused"),
    ],
)
def test_an_acknowledgement_is_stored_whenever_documents_are(world, data):
    interchange = interchange_process(interchange_id=receive(world, data).pk)
    ack = Acknowledgement.objects.filter(interchange=interchange).first()
    assert ack is not None, "an EDIFACT file ended without its CONTRL"
    stored = DeliverySchedule.objects.filter(interchange=interchange).count()
    assert (stored > 0) == (interchange.status == Interchange.Status.PROCESSED)
    assert ack.status == {"processed": "accepted" if stored == 2 else "partially_accepted", "failed": "rejected"}[interchange.status]


def test_an_envelope_fault_at_the_end_refuses_the_batches_already_stored(world, settings):
    settings.HUB_INGEST_BATCH_MESSAGES = 1
    interchange = interchange_process(interchange_id=receive(world, calloffs(4, count=9)).pk)
    assert interchange.status == Interchange.Status.FAILED
    assert any("UNZ" in e.get("position", "") + e["text"] for e in interchange.errors), interchange.errors
    assert not DeliverySchedule.objects.exists() and not Delivery.objects.exists()
    assert Acknowledgement.objects.get(interchange=interchange).status == "rejected"
    # The control reference is given back: the corrected file is not a duplicate.
    fixed = interchange_process(interchange_id=receive(world, calloffs(4)).pk)
    assert fixed.status == Interchange.Status.PROCESSED


def test_a_newer_call_off_supersedes_across_batches_and_only_when_the_file_is_accepted(world, settings):
    settings.HUB_INGEST_BATCH_MESSAGES = 1
    admin = world["users"]["admin"]
    old = interchange_process(interchange_id=receive(world, delfor([message("1", "OLD", issued="20261120")], ref="S1")).pk)
    assert old.status == "processed"
    # A refused file (faulty UNZ) supersedes nothing, although its call-off was stored for a while.
    interchange_process(interchange_id=receive(world, delfor([message("1", "REFUSED", issued="20261126")], ref="S2", count=3)).pk)
    assert DeliverySchedule.objects.get(number="OLD").status == DeliverySchedule.Status.CURRENT
    data = delfor([message("1", "MID", issued="20261122"), message("2", "NEW", issued="20261124")], ref="S3")
    interchange_process(interchange_id=interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(admin)).pk)
    status = dict(DeliverySchedule.objects.values_list("number", "status"))
    assert status == {"OLD": "superseded", "MID": "superseded", "NEW": "current"}
    assert ScheduleLine.objects.get(schedule__number="MID").superseded_by.number == "NEW"
    plant = dict(Delivery.objects.filter(recipient="plant").values_list("document_number", "status"))
    assert plant == {"OLD": "superseded", "MID": "superseded", "NEW": "pending"}


# -- poison: never retried forever ------------------------------------------------------------


def test_a_file_whose_processing_keeps_failing_ends_failed_with_a_negative_contrl(world, settings, monkeypatch):
    settings.HUB_INGEST_MAX_ATTEMPTS = 3

    def broken(**kwargs):
        raise RuntimeError("the database refused the batch")

    monkeypatch.setattr(pipeline, "batch_persist", broken)
    interchange = receive(world, calloffs(2, ref="POISON"))
    for attempt in (1, 2):
        assert interchange_process(interchange_id=interchange.pk).status == Interchange.Status.RECEIVED
        row = Interchange.objects.get(pk=interchange.pk)
        assert row.attempts == attempt and "it will be tried again" in row.errors[0]["text"]
    ended = interchange_process(interchange_id=interchange.pk)
    assert ended.status == Interchange.Status.FAILED and ended.attempts == 3
    assert "the database refused the batch" in ended.errors[0]["text"] and "not tried again" in ended.errors[0]["text"]
    ack = Acknowledgement.objects.get(interchange=ended)
    assert (ack.kind, ack.status) == ("CONTRL", "rejected")
    assert b"UCI+POISON+" in ack.file.open("rb").read()
    assert interchange_process(interchange_id=interchange.pk) is None  # and it stays failed
    assert not DeliverySchedule.objects.exists() and not Delivery.objects.exists()


def test_a_file_that_kills_its_worker_every_time_ends_failed_after_the_last_attempt(world, settings, monkeypatch):
    settings.HUB_INGEST_MAX_ATTEMPTS = 2
    interchange = receive(world, calloffs(2, ref="KILLER"))
    monkeypatch.setattr(pipeline, "batch_persist", lambda **kwargs: (_ for _ in ()).throw(Killed()))
    for _ in range(2):
        with pytest.raises(Killed):
            interchange_process(interchange_id=interchange.pk)
        lease_runs_out(interchange)
    ended = interchange_process(interchange_id=interchange.pk)
    assert ended.status == Interchange.Status.FAILED
    assert "started 2 times without finishing" in ended.errors[0]["text"]
    assert Acknowledgement.objects.get(interchange=ended).status == "rejected"


def test_a_nul_in_a_name_ends_failed_with_a_clear_error_and_is_not_retried_forever(world, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL refuses NUL in text (issue Trust, finding 9); SQLite stores it")
    settings.HUB_INGEST_MAX_ATTEMPTS = 3
    data = delfor([message("1", "NUL-1")], ref="NUL").replace(b"Lieferant GmbH", b"Liefer\x00ant GmbH")
    interchange = receive(world, data)
    for _ in range(settings.HUB_INGEST_MAX_ATTEMPTS):
        ended = interchange_process(interchange_id=interchange.pk)
        if ended.status != Interchange.Status.RECEIVED:
            break
    assert ended.status == Interchange.Status.FAILED, ended.errors
    assert ended.attempts <= settings.HUB_INGEST_MAX_ATTEMPTS
    assert Acknowledgement.objects.get(interchange=ended).status == "rejected"
    assert not DeliverySchedule.objects.exists()
