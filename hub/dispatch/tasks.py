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
