"""Channel tasks: thin and idempotent; the stored rows decide what happens."""

from __future__ import annotations

from celery import shared_task

from hub.channels.as2.mdn import async_mdn_send


@shared_task(name="hub.channels.tasks.send_async_mdn", bind=True, max_retries=8)
def send_async_mdn(self: object, record_id: str) -> bool:
    """Post an inbound message's asynchronous MDN; retried with backoff while the partner does not take it."""
    result = async_mdn_send(record_id=record_id)
    if result is not None and not result.ok and not result.permanent:
        raise self.retry(countdown=min(300, 2 ** self.request.retries))  # type: ignore[attr-defined]
    return result is not None and result.ok
