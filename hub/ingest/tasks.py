"""Ingest tasks: thin and idempotent, an id in and the pipeline out.

The id comes with the interchange's ``received_at`` (ISO string), the partition key of
``hub_interchange``, so the claim reads one month; a message with the id alone (queued
before that) is still taken, by id.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from hub.ingest import recovery
from hub.ingest.pipeline import interchange_process


@shared_task(name="hub.ingest.tasks.process_interchange")
def process_interchange(interchange_id: str, received_at: str | None = None) -> None:
    """Process one stored interchange; a run for an interchange another worker holds does nothing."""
    interchange_process(interchange_id=interchange_id, received_at=dt.datetime.fromisoformat(received_at) if received_at else None)


@shared_task(name="hub.ingest.tasks.sweep", expires=60)
def sweep() -> dict[str, int]:
    """Queue interchanges left unprocessed by a lost message or a dead worker (each worker schedules this itself)."""
    return recovery.interchanges_sweep()
