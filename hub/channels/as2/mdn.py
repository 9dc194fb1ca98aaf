"""Asynchronous MDNs: the signed receipt the hub built for an inbound message, posted to the partner's receipt URL.

The MDN is built (and signed) when the message arrives and kept on its ``As2Message``,
so sending it again after a failure sends the very same receipt.
"""

from __future__ import annotations

from typing import Any

from hub.channels.models import As2Message
from hub.dispatch.connectors import Result
from hub.dispatch.connectors import http as http_connector


def async_mdn_send(*, record_id: Any) -> Result | None:
    """Post the stored MDN of inbound message ``record_id`` to its receipt URL; None when there is nothing (left) to send."""
    record = As2Message.objects.filter(pk=record_id, direction=As2Message.Direction.IN).exclude(mdn_url="").first()
    if record is None or record.mdn_body is None or record.mdn_status.startswith("sent"):
        return None
    headers = dict(record.mdn_headers)
    content_type = headers.pop("Content-Type", "multipart/report")
    result = http_connector.send(url=record.mdn_url, body=bytes(record.mdn_body), content_type=content_type, idempotency_key=str(record.pk), headers=headers)
    outcome = "sent" if result.ok else "not sent"
    why = f": HTTP {result.status_code}" if result.status_code else f": {result.excerpt}"
    As2Message.objects.filter(pk=record.pk).update(mdn_status=f"{outcome} to {record.mdn_url}{'' if result.ok else why}"[:200])
    return result
