"""A real worker, started alone with no beat process, sweeps the alerts itself and sends each interval's digest once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from hub.models import AlertSent, AlertWindow, Delivery, DeliveryAttempt
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_alone_sends_the_grouped_dead_letter_alert(world, workers):
    plant, supplier = world["plants"][0], world["suppliers"][0]
    plant.alert_emails = "plant01@oem.example"
    plant.save()
    now = timezone.now()
    # Dead letters every 10 s over the last ten minutes: whichever one-minute interval the
    # worker's first sweep claims holds some of them.
    for n in range(60):
        delivery = Delivery.objects.create(
            document_type="despatch_advice", document_id=uuid.uuid4(), document_number=f"DN{n}", plant=plant, supplier=supplier,
            payload="{}", sequence_key=f"s{n}", status=Delivery.Status.DEAD, attempts=1,
        )  # fmt: skip
        DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=now - dt.timedelta(seconds=10 * n + 1), outcome="dead", status_code=400)
    workers.env["HUB_ALERT_INTERVAL_SECONDS"] = "60"
    workers.start(concurrency=1)
    sent = wait_until(
        lambda: AlertSent.objects.filter(kind="dead_letter", recipient="plant01@oem.example").first(),
        stall=120,
        what="the worker's sweep sent the dead-letter digest",
        progress=lambda: AlertWindow.objects.count(),
    )
    assert 1 <= sent.events <= 6  # one minute's dead letters, in one e-mail
    assert sent.link.endswith("/staff/overview/deliveries_dead/?plant=PLANT01")
    window = sent.window
    assert AlertSent.objects.filter(window=window, recipient="plant01@oem.example").count() == 1
