"""Alert tasks: thin and idempotent; every worker schedules the sweep itself (``hub.dispatch.worker``)."""

from __future__ import annotations

from celery import shared_task

from hub.alerts.services import alerts_sweep


@shared_task(name="hub.alerts.tasks.sweep", expires=60)
def sweep() -> dict[str, int]:
    """Send the grouped alerts of every interval that has ended and was not sent yet."""
    return alerts_sweep()
