"""Fan-out: many deliveries, one request each, claimed and recorded set-wise, with the per-delivery rules intact."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.dispatch.fanout import fanout_send
from hub.models import Delivery, Plant
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def _calloffs(world, receive_and_process, pairs, ref="F1"):
    msgs = [message(str(n), f"F{n}", supplier=s, plant=p, parts=((f"P{n}", (("1", "1", "20261130"),)),)) for n, (s, p) in enumerate(pairs, 1)]
    receive_and_process(delfor(msgs, ref=ref), world["users"]["admin"])
    return list(Delivery.objects.filter(recipient="plant").order_by("id").values_list("pk", flat=True))


def test_many_deliveries_go_out_one_request_each_with_a_few_statements(world, receive_and_process, plant_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/in", max_in_flight=10)
    pairs = [(f"SUP{s:05d}", f"PLANT{p:02d}") for s in (1, 2, 3) for p in (1, 2)]
    ids = _calloffs(world, receive_and_process, pairs)
    with CaptureQueriesContext(connection) as queries:
        assert fanout_send(delivery_ids=ids) == 6
    assert sorted(x["number"] for x in plant_server.lines()) == [f"F{n}" for n in range(1, 7)]
    assert len({x["idempotency_key"] for x in plant_server.lines()}) == 6  # one request, one key each
    assert len(queries.captured_queries) <= 7, [q["sql"][:50] for q in queries.captured_queries]
    rows = Delivery.objects.filter(pk__in=ids)
    assert all(d.status == "delivered" and d.attempts == 1 and d.claim_token is None and d.attempt_log.count() == 1 for d in rows)


def test_fanout_keeps_the_plants_limit_and_the_order_of_a_sequence(world, receive_and_process, plant_server):
    Plant.objects.update(endpoint_url=plant_server.url + "/in", max_in_flight=1)
    # Two sequences for PLANT01 (limit 1) and one delivery behind another of SUP00001/PLANT02.
    ids = _calloffs(world, receive_and_process, [("SUP00001", "PLANT01"), ("SUP00002", "PLANT01"), ("SUP00001", "PLANT02"), ("SUP00001", "PLANT02")])
    fanout_send(delivery_ids=ids, follow_seconds=0)
    status = dict(Delivery.objects.filter(pk__in=ids).values_list("document_number", "status"))
    assert status["F1"] == "delivered" and status["F3"] == "delivered"
    # F2 would be PLANT01's second request in flight: not claimed, queued again for shortly after.
    f2 = Delivery.objects.get(document_number="F2", recipient="plant")
    assert status["F2"] == "pending" and f2.attempts == 0 and f2.claim_token is None
    assert status["F4"] in ("pending", "delivered")
    assert [x["number"] for x in plant_server.lines() if x["number"] in ("F3", "F4")][:1] == ["F3"]


def test_fanout_records_failures_one_by_one(world, receive_and_process, plant_server, settings):
    Plant.objects.update(endpoint_url=plant_server.url + "/in", max_in_flight=10)
    plant_server.fail_rate = 1.0
    ids = _calloffs(world, receive_and_process, [("SUP00001", "PLANT01"), ("SUP00002", "PLANT02")])
    assert fanout_send(delivery_ids=ids) == 0
    rows = list(Delivery.objects.filter(pk__in=ids))
    assert all(d.status == "pending" and d.attempts == 1 and "HTTP 503" in d.last_error for d in rows)
