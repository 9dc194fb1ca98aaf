"""The AS2 connector: send a rendered document to a partner's AS2 URL and accept it only on a positive MDN.

The hub asks for a synchronous, signed MDN. The delivery counts as delivered only
when that MDN verifies against the partner's certificate, says ``processed`` and
carries the MIC of what was sent; a negative, unverifiable or missing MDN is a failed
attempt, which the dispatch engine retries and at last dead-letters like any other.
Every message sent is recorded (``As2Message``) with the MDN that came back. The
connection test of the admin sends a short test message the same way.
"""

from __future__ import annotations

import uuid
from typing import Any

from pyas2lib import as2

from hub.channels.as2.peers import http_message, hub_organization, partner_of
from hub.channels.models import As2Message, ChannelProfile
from hub.dispatch.connectors import Result
from hub.dispatch.connectors import http as http_connector

TEST_PAYLOAD = b"AS2 connection test from the supplier hub. No business content; please discard.\r\n"


def as2_send(*, delivery: Any, body: bytes, filename: str, content_type: str) -> Result:
    """Send ``body`` to the delivery's supplier over AS2; ok only on a positive MDN with the right MIC."""
    channels = ChannelProfile.objects.filter(profile__supplier_id=delivery.supplier_id).first()
    return _exchange(channels, body, filename=filename, content_type=content_type, key=str(delivery.idempotency_key), delivery_id=delivery.pk)


def as2_connection_test(*, channels: ChannelProfile) -> Result:
    """Send a test message to the partner and wait for its MDN; ``ok`` when the MDN is positive."""
    return _exchange(channels, TEST_PAYLOAD, filename="as2-connection-test.txt", content_type="text/plain", key=str(uuid.uuid4()), delivery_id=None)


def _exchange(channels: ChannelProfile | None, body: bytes, *, filename: str, content_type: str, key: str, delivery_id: int | None) -> Result:
    if channels is None or not channels.as2_id or not channels.as2_url or not channels.as2_certificate.strip():
        return Result(status_code=None, excerpt="the supplier's AS2 settings are incomplete (AS2 id, URL and certificate)", permanent=True)
    partner = partner_of(channels)
    message = as2.Message(sender=hub_organization(), receiver=partner)
    message.build(body, filename=filename, content_type=content_type or "application/edi-consent", disposition_notification_to="edi@supplierhub.local")
    record = As2Message.objects.create(
        direction=As2Message.Direction.OUT, message_id=message.message_id, partner_id=channels.profile.supplier_id, partner_as2_id=channels.as2_id,
        delivery_id=delivery_id, status=As2Message.Status.SENT, mic=(message.mic or b"").decode(), mdn_mode=partner.mdn_mode or "",
    )  # fmt: skip
    headers = {k: v for k, v in message.headers.items() if k.lower() != "content-type"}
    result = http_connector.send(url=channels.as2_url, body=message.content, content_type=message.headers["Content-Type"], idempotency_key=key, headers=headers)
    if not result.ok:
        As2Message.objects.filter(pk=record.pk).update(mdn_status=f"no MDN: {result.excerpt or result.status_code}"[:200])
        return result
    raw = http_message(result.answer_headers, result.answer)
    status, detail = as2.Mdn().parse(raw, find_message_cb=lambda message_id, recipient: message if message_id == message.message_id else None)
    said = f"{status}{': ' + detail if detail else ''}"
    if status == "processed":
        As2Message.objects.filter(pk=record.pk).update(status=As2Message.Status.CONFIRMED, mdn_status=said[:200])
        return Result(status_code=result.status_code, excerpt=f"positive MDN for AS2 message {message.message_id}", url=result.url)
    As2Message.objects.filter(pk=record.pk).update(status=As2Message.Status.NEGATIVE, mdn_status=said[:200])
    return Result(status_code=None, excerpt=f"AS2 message {message.message_id}: no positive MDN ({said})"[:500], url=result.url)
