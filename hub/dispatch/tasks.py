"""Dispatch tasks: thin and idempotent; the delivery row decides what happens.

``services._enqueue`` gives each task the deliveries' ``created_at`` (ISO strings) beside
their ids: it is the partition key of ``hub_delivery``, and with it the claim and every
write prune to the delivery's month instead of planning over all of them. Messages queued
before that (a bare id, a list of ids) are still taken, by id alone.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from hub.dispatch import services


def _stamp(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _stamps(ids: list[int], values: list[str] | None) -> list[dt.datetime] | None:
    """The ``created_at`` of each of ``ids``, or None when the message carries none (or not one per id)."""
    if not values or len(values) != len(ids):
        return None
    return [dt.datetime.fromisoformat(value) for value in values]


@shared_task(name="hub.dispatch.tasks.deliver")
def deliver(delivery_id: int, created_at: str | None = None) -> str:
    """Send one delivery if it is due and nobody else is sending it."""
    return services.delivery_send(delivery_id=delivery_id, created_at=_stamp(created_at))


@shared_task(name="hub.dispatch.tasks.deliver_many")
def deliver_many(delivery_ids: list[int], created_at: list[str] | None = None) -> int:
    """Place portal-inbox copies in the suppliers' inboxes, a chunk at a time (``services.inbox_send``)."""
    return services.inbox_send(delivery_ids=delivery_ids, created_at=_stamps(delivery_ids, created_at))


@shared_task(name="hub.dispatch.tasks.deliver_fanout")
def deliver_fanout(delivery_ids: list[int], created_at: list[str] | None = None) -> int:
    """Send several deliveries, one request each, claimed and recorded set-wise (``fanout.fanout_send``)."""
    from hub.dispatch.fanout import fanout_send

    return fanout_send(delivery_ids=delivery_ids, created_at=_stamps(delivery_ids, created_at))


@shared_task(name="hub.dispatch.tasks.deliver_batch")
def deliver_batch(plant_id: int) -> int:
    """Send a batching plant's due deliveries in batches (one batch in flight per plant)."""
    from hub.dispatch.batching import batch_send, due_count

    sent = batch_send(plant_id=plant_id)
    if sent is None and due_count(plant_id):
        deliver_batch.apply_async((plant_id,), countdown=1)  # another batch is in flight; come back
    return sent or 0


@shared_task(name="hub.dispatch.tasks.sweep", expires=60)
def sweep() -> dict[str, int]:
    """Re-enqueue stuck interchanges and deliveries (the worker schedules this itself)."""
    return services.sweep()


_bench_client = None


@shared_task(name="hub.dispatch.tasks.bench_tick")
def bench_tick(counter_key: str) -> None:
    """Count one task run in Redis: the bare Celery floor that ``bench/dispatch.py`` compares with."""
    global _bench_client
    if _bench_client is None:
        import redis
        from django.conf import settings

        _bench_client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    _bench_client.incr(counter_key)
