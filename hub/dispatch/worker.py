"""A worker bootstep that schedules the outbox sweeper inside every worker.

DESIGN.md promises that ``celery -A hub worker`` alone, with no beat process, gets an
interrupted delivery out within two minutes. Each worker therefore sends a ``sweep``
task (and ingest's ``sweep`` of interchanges, the alerts' sweep, and the daily
maintenance: partitions ahead and retention) to the maintenance queue every
HUB_SWEEP_INTERVAL_SECONDS (and once at start); the sweeps are idempotent, so several workers sweeping is harmless.
On the same tick it hands back the claims of dead processes of its own host
(``hub.dispatch.incarnation``), so a worker restarted after a crash resumes its
predecessor's deliveries at once instead of after their lease.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import bootsteps

log = logging.getLogger(__name__)
SWEEPS = ("hub.dispatch.tasks.sweep", "hub.ingest.tasks.sweep", "hub.alerts.tasks.sweep", "suppliers.tasks.notify_sweep", "hub.tasks.maintain")


class OutboxSweeperStep(bootsteps.StartStopStep):
    """Schedule ``hub.dispatch.tasks.sweep`` periodically on the worker's own timer."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker: Any) -> None:
        from django.conf import settings

        interval = float(settings.HUB_SWEEP_INTERVAL_SECONDS)
        if interval <= 0:
            return
        worker.timer.call_after(1.0, self._send, args=(worker,))
        self.tref = worker.timer.call_repeatedly(interval, self._send, args=(worker,))

    def _send(self, worker: Any) -> None:
        self._release_dead_claims()
        # By name: the outbox sweep, and ingest's sweep of interchanges left unprocessed
        # (dispatch never imports ingest).
        for name in SWEEPS:
            try:
                worker.app.send_task(name, queue="maintenance", expires=60)
            except Exception:  # the broker may be down for a moment; the next tick retries
                log.warning("could not schedule %s", name, exc_info=True)

    def _release_dead_claims(self) -> None:
        # Here, in the worker's main process, not as a task: only a process on this host
        # can tell whether a pid of this host is gone, and a sweep task may run elsewhere.
        from django.db import connection

        from hub.dispatch.services import dead_claims_release

        try:
            dead_claims_release()
        except Exception:  # the database may be down for a moment; the next tick retries
            log.warning("could not check for dead processes' claims", exc_info=True)
        finally:
            connection.close()  # the pool forks from this process: hold no connection across a fork

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
