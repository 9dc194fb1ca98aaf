"""Ingest tasks: thin and idempotent, an id in and the pipeline out."""

from __future__ import annotations

from celery import shared_task

from hub.ingest import recovery
from hub.ingest.pipeline import interchange_process


@shared_task(name="hub.ingest.tasks.process_interchange")
def process_interchange(interchange_id: str) -> None:
    """Process one stored interchange; a run for an interchange another worker holds does nothing."""
    interchange_process(interchange_id=interchange_id)


@shared_task(name="hub.ingest.tasks.sweep", expires=60)
def sweep() -> dict[str, int]:
    """Queue interchanges left unprocessed by a lost message or a dead worker (each worker schedules this itself)."""
    return recovery.interchanges_sweep()
