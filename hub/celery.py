"""The Celery app: one queue per concern (ingest, dispatch, maintenance, onboarding).

``celery -A hub worker`` with no ``-Q`` consumes every queue in ``task_queues``, and
runs the outbox sweeper itself (see ``hub.dispatch.worker``), so no beat process is
needed for recovery.
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")

app = Celery("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["hub", "hub.ingest", "hub.dispatch", "hub.alerts", "hub.channels", "suppliers"])


def _install_worker_steps() -> None:
    from hub.dispatch.worker import OutboxSweeperStep

    app.steps["worker"].add(OutboxSweeperStep)


_install_worker_steps()


@worker_init.connect
def _declare_every_queue(**_: object) -> None:
    """On RabbitMQ, declare every queue of the hub (and its exchange) before consuming.

    A worker pool serves some queues (``-Q ingest``) but binds all of them to RabbitMQ's
    delayed-delivery exchanges and publishes to the others; a queue nobody declared yet
    makes that fail and countdowns (retry backoff) block the worker instead.
    """
    from django.conf import settings

    if not getattr(settings, "BROKER_IS_AMQP", False):
        return
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in app.conf.task_queues:
            queue.bind(channel).declare()
