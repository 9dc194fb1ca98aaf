"""Notices the hub sends to a plant on a party's behalf (a supplier's call-off acknowledgement), through the outbox.

They are not received documents, so they have no interchange: the hub builds the
canonical JSON itself (as it builds CONTRL/997 for senders) and the plant's connector
renders it in the plant's format, with the same retries, order and dead letter as every
other delivery.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from hub.dispatch import rendering, services
from hub.formats.errors import FormatError
from hub.models import Delivery


def plant_notice_send(*, document: dict[str, Any], about: Any) -> Delivery:
    """Send ``document`` (canonical JSON) to the plant of ``about``, the stored document it answers; enqueued on commit.

    The notice joins the sequence of ``about``'s own plant deliveries, so it goes out behind
    them: the plant never gets the answer before the question.
    """
    now = timezone.now()
    plant, supplier = about.plant, about.supplier
    payload = json.dumps(document, ensure_ascii=False)
    fixed = _as_json_if_unrenderable(payload, plant, document)
    delivery = Delivery.objects.create(
        document_type=document.get("type", ""),
        document_id=about.pk,
        document_number=str(document.get("number", ""))[:80],
        recipient=Delivery.Recipient.PLANT,
        plant=plant,
        supplier=supplier,
        connector=plant.connector,
        payload=payload,
        **fixed,
        sequence_key=services._sequence_key(Delivery.Recipient.PLANT, about),
        next_attempt_at=now,
        enqueued_at=now,
    )
    transaction.on_commit(lambda: services._enqueue([(delivery.pk, plant.queue, delivery.created_at)]))
    return delivery


def _as_json_if_unrenderable(payload: str, plant: Any, document: dict[str, Any]) -> dict[str, Any]:
    """Delivery fields that send canonical JSON where the plant's format cannot carry the notice.

    VDA, CSV and IDoc have no acknowledgement message: rather than dead-lettering every
    notice to such a plant (and alarming its staff), it gets the canonical JSON, pre-rendered
    so that dispatch sends it as it is (``_hand_over`` sends a rendered acknowledgement unchanged).
    """
    try:
        rendering.render(payload, plant.outbound_format, receiver_id=plant.code, control_ref="0")
    except FormatError:
        content_type, extension = rendering.CONTENT_TYPES["json"]
        return {
            "rendered": payload.encode("utf-8"),
            "content_type": content_type,
            "rendered_name": f"{document.get('type')}-{document.get('number')}.{extension}",
        }
    return {}
