"""A large ingest with its real Celery worker SIGKILLed at random points, then restarted.

The worker is a separate ``celery -A hub worker`` process on the test database and
Redis; a kill takes the worker and its pool children at once. The test waits on the
interchange's recorded progress (``messages_done``), never on the clock, and fails only
when nothing moves for a long while.
"""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest

from hub.ingest.receive import interchange_receive
from hub.models import Acknowledgement, Delivery, Interchange, Plant
from hub.parties import party_of_user
from orders.models import DeliverySchedule
from tests.delfor_builder import delfor, message
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration

# Enough messages that the last kill point leaves the worker seconds of work: the ingest
# streams at several hundred messages a second, and the test must kill it mid-file.
MESSAGES = 5000


def calloffs(n: int, ref: str) -> bytes:
    plants = ("PLANT01", "PLANT02", "PLANT03")
    suppliers = ("SUP00001", "SUP00002", "SUP00003")
    msgs = [
        message(str(m), f"{ref}-{m:05d}", supplier=suppliers[m % 3], plant=plants[(m // 3) % 3], parts=((f"P{m}", (("5", "1", "20261130"),)),))
        for m in range(1, n + 1)
    ]
    return delfor(msgs, ref=ref)


def test_a_worker_killed_at_random_points_of_a_large_ingest_leaves_every_document_and_delivery_exactly_once(world, workers):
    seed = random.randrange(1_000_000)
    rnd = random.Random(seed)
    print(f"\nkill points from seed {seed}")
    Plant.objects.update(paused=True)  # deliveries are counted as rows here, not sent
    workers.env.update(HUB_INGEST_LEASE_SECONDS="15", HUB_INGEST_BATCH_MESSAGES="200")
    interchange = interchange_receive(stream=io.BytesIO(calloffs(MESSAGES, "CRASH")), channel="api", party=party_of_user(world["users"]["admin"]))
    row = Interchange.objects.filter(pk=interchange.pk)

    def state() -> tuple:
        return tuple(row.values_list("status", "messages_done", "attempts").get())

    # First kill anywhere from "claimed, still parsing" to a quarter of the file; the second
    # between half and two thirds, so that a third of the file is still ahead when it comes.
    points = [rnd.randint(0, MESSAGES // 4), rnd.randint(MESSAGES // 2, MESSAGES * 2 // 3)]
    for point in points:
        worker = workers.start(concurrency=2)
        wait_until(
            lambda p=point: (s := state())[0] == "processing" and s[1] >= p, 600, f"the ingest did not reach message {point} ({workers.logs()[-800:]})"
        )
        workers.kill(worker)
        status, done, attempts = state()
        print(f"killed at {done} messages persisted (aimed at {point}), attempt {attempts}")
        assert status == "processing" and done < MESSAGES, "the file was finished before the kill: the test proves nothing"
        # Deliveries of a file still being ingested have not gone out.
        assert set(Delivery.objects.filter(interchange=interchange).values_list("status", flat=True)) <= {Delivery.Status.STAGED}
    workers.start(concurrency=2)
    wait_until(lambda: state()[0] not in ("processing", "received"), 180, f"the ingest did not end ({workers.logs()[-800:]})", progress=state)
    ended = Interchange.objects.get(pk=interchange.pk)
    assert ended.status == Interchange.Status.PROCESSED, ended.errors[:3]
    assert ended.document_count == MESSAGES and ended.messages_done == MESSAGES
    numbers = Counter(DeliverySchedule.objects.filter(interchange=interchange).values_list("number", flat=True))
    assert len(numbers) == MESSAGES and set(numbers.values()) == {1}, "a call-off was stored twice or not at all"
    per_document = Counter(Delivery.objects.filter(interchange=interchange).values_list("document_id", "recipient"))
    assert len(per_document) == 2 * MESSAGES and set(per_document.values()) == {1}, "a delivery was created twice or not at all"
    assert not Delivery.objects.filter(interchange=interchange, status=Delivery.Status.STAGED).exists()
    assert Acknowledgement.objects.filter(interchange=interchange).count() == 1
