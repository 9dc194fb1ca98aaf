"""Recovery of interchanges a crash or a lost broker message left behind."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hub.ingest.receive import interchange_enqueue
from hub.models import Interchange


def interchanges_sweep(*, limit: int = 1000) -> dict[str, int]:
    """Queue again what is waiting too long: received but not taken, or processing without a heartbeat.

    Safe to run anywhere, any time: the claim decides who works on a file, and a claim
    whose worker still beats is never taken over.
    """
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.HUB_SWEEP_STALE_SECONDS)
    dead = now - timezone.timedelta(seconds=settings.HUB_INGEST_LEASE_SECONDS)
    waiting = list(
        Interchange.objects.filter(
            Q(status=Interchange.Status.RECEIVED, enqueued_at__lt=stale)
            | Q(status=Interchange.Status.RECEIVED, enqueued_at__isnull=True)
            | Q(status=Interchange.Status.PROCESSING, heartbeat_at__lt=dead, enqueued_at__lt=stale)
            | Q(status=Interchange.Status.PROCESSING, heartbeat_at__isnull=True, processing_started_at__lt=dead, enqueued_at__lt=stale)
        ).values_list("pk", "received_at")[:limit]
    )
    if waiting:
        Interchange.objects.filter(pk__in=[pk for pk, _ in waiting]).update(enqueued_at=now)
        for pk, received_at in waiting:
            interchange_enqueue(interchange_id=pk, received_at=received_at)
    return {"interchanges": len(waiting)}
