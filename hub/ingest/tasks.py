"""Ingest tasks: thin and idempotent, an id in and a service out."""

from __future__ import annotations

from celery import shared_task

from hub.ingest.services import interchange_process


@shared_task(name="hub.ingest.tasks.process_interchange")
def process_interchange(interchange_id: str) -> None:
    """Process one stored interchange; a second run for the same id does nothing."""
    interchange_process(interchange_id=interchange_id)
