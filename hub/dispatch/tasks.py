"""Dispatch tasks: thin and idempotent; the delivery row decides what happens."""

from __future__ import annotations

from celery import shared_task

from hub.dispatch import services


@shared_task(name="hub.dispatch.tasks.deliver")
def deliver(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it."""
    return services.delivery_send(delivery_id=delivery_id)


@shared_task(name="hub.dispatch.tasks.sweep", expires=60)
def sweep() -> dict[str, int]:
    """Re-enqueue stuck interchanges and deliveries (the worker schedules this itself)."""
    return services.sweep()


@shared_task(name="hub.dispatch.tasks.bench_tick")
def bench_tick(counter_key: str) -> None:
    """Count one task run in Redis: the bare Celery floor that ``bench/dispatch.py`` compares with."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).incr(counter_key)
