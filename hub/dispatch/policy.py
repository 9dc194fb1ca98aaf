"""Retry policy: which outcomes are retried, and when the next attempt is due."""

from __future__ import annotations

import random

from django.conf import settings

RETRY_STATUS = {408, 409, 425, 429}


def is_retryable(status_code: int | None) -> bool:
    """Connection errors (no status), timeouts, 408/409/425/429 and 5xx are retried; other 4xx are final."""
    if status_code is None:
        return True
    return status_code in RETRY_STATUS or status_code >= 500


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, capped; a plant's Retry-After is honoured."""
    base = settings.HUB_DISPATCH_BACKOFF_SECONDS
    cap = settings.HUB_DISPATCH_BACKOFF_MAX_SECONDS
    delay = random.uniform(base / 2, min(cap, base * (2 ** max(0, attempt - 1))))
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay
