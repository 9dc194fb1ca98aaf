"""Acknowledge a call-off: the supplier confirms it to the plant, through dispatch, once.

Not in ``orders.services`` (a leaf that never imports dispatch): an acknowledgement is
stored as ``acknowledged_at`` on the call-off and leaves as an outbox delivery to the plant,
in line behind the call-off's own plant delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.dispatch.notices import plant_notice_send
from hub.formats.canonical import Acknowledged, Acknowledgement, Party, PartyId, to_json
from hub.models import Delivery
from orders.models import DeliverySchedule

DOCUMENT_TYPE = Acknowledgement.type


class NotCurrent(Exception):
    """The call-off was superseded: only the current call-off of a part is acknowledged."""


@dataclass(frozen=True)
class AcknowledgeResult:
    """The outcome: the call-off, its acknowledgement's delivery, and whether this call sent it."""

    schedule: DeliverySchedule
    delivery: Delivery | None
    created: bool


def acknowledgement_document(*, schedule: DeliverySchedule, at: Any) -> dict[str, Any]:
    """The canonical acknowledgement of ``schedule`` the plant receives: accepted, naming the call-off."""
    supplier, plant = schedule.supplier, schedule.plant
    doc = Acknowledgement(
        number=f"ACK-{schedule.number}"[:80],
        issued=at.isoformat(timespec="seconds"),
        sender=PartyId("ZZ", supplier.number),
        receiver=PartyId("ZZ", plant.code),
        supplier=Party(id=supplier.number, name=supplier.name),
        buyer=Party(id=plant.code),
        ship_to=Party(id=plant.code, plant=plant.code),
        acknowledges=Acknowledged(
            interchange_ref=schedule.interchange.control_ref, message_refs=[schedule.message_ref] if schedule.message_ref else [], number=schedule.number
        ),
        status="accepted",
    )
    return to_json(doc)


def _sent(schedule: DeliverySchedule) -> Delivery | None:
    return (
        Delivery.objects.filter(document_type=DOCUMENT_TYPE, document_id=schedule.pk, recipient=Delivery.Recipient.PLANT, replay_of__isnull=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def call_off_acknowledge(*, schedule: DeliverySchedule) -> AcknowledgeResult:
    """Acknowledge ``schedule`` to its plant and record ``acknowledged_at``; a second call sends nothing.

    The row is locked first, so two clicks (or a retried API call) racing each other send
    one acknowledgement. Raises ``NotCurrent`` for a superseded call-off: its plant has moved on.
    """
    locked = DeliverySchedule.objects.select_for_update(of=("self",)).select_related("supplier", "plant", "interchange").defer("document").get(pk=schedule.pk)
    if locked.acknowledged_at is not None:
        return AcknowledgeResult(locked, _sent(locked), False)
    if locked.status != DeliverySchedule.Status.CURRENT:
        raise NotCurrent(_("Call-off %(number)s was superseded by a newer one; acknowledge the current call-off.") % {"number": locked.number})
    now = timezone.now()
    delivery = plant_notice_send(document=acknowledgement_document(schedule=locked, at=now), about=locked)
    DeliverySchedule.objects.filter(pk=locked.pk).update(acknowledged_at=now)
    locked.acknowledged_at = now
    return AcknowledgeResult(locked, delivery, True)
