"""Maintenance of the engine's tables: thin, idempotent, scheduled by every worker (``hub.dispatch.worker``)."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hub import partitions, retention
from hub.models import AlertWindow

log = logging.getLogger(__name__)
# The once-a-day claim: a row of AlertWindow (one interval of one kind, claimed once by its
# unique key), so any number of workers scheduling this every sweep tick run it once a day.
MAINTENANCE = "maintenance"


def _claim(day: dt.datetime) -> AlertWindow | None:
    if AlertWindow.objects.filter(kind=MAINTENANCE, window_end=day).exists():
        return None
    try:
        with transaction.atomic():
            return AlertWindow.objects.create(kind=MAINTENANCE, window_end=day)
    except IntegrityError:  # another worker claimed it an instant ago
        return None


@shared_task(name="hub.tasks.maintain", expires=60)
def maintain() -> dict[str, object]:
    """Once a day: create next months' partitions (and empty DEFAULT into them), then apply retention."""
    now = timezone.now()
    window = _claim(now.replace(hour=0, minute=0, second=0, microsecond=0))
    if window is None:
        return {"ran": False}
    try:
        created = partitions.partitions_ensure(months_ahead=settings.HUB_PARTITION_MONTHS_AHEAD, now=now)
        report = retention.retention_apply(now=now)
    except Exception:
        window.delete()  # let the next tick try again rather than tomorrow
        raise
    return {"ran": True, "partitions_created": created, **report.as_dict()}
