"""The Celery app: one queue per concern (ingest, dispatch, maintenance, onboarding).

``celery -A hub worker`` with no ``-Q`` consumes every queue in ``task_queues``, and
runs the outbox sweeper itself (see ``hub.dispatch.worker``), so no beat process is
needed for recovery.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["hub.ingest", "hub.dispatch", "hub.channels", "suppliers"])


def _install_worker_steps() -> None:
    from hub.dispatch.worker import OutboxSweeperStep

    app.steps["worker"].add(OutboxSweeperStep)


_install_worker_steps()
