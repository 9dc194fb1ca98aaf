"""``/healthz``: 200 when the database and the broker answer, 503 with the reason when not."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"database unreachable: {type(exc).__name__}: {exc}"[:300]
    return ""


def _broker() -> str:
    from hub.celery import app

    try:
        with app.connection_for_write(connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # Virtual transports connect lazily: ask the server itself where there is one.
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
    except Exception as exc:
        return f"broker unreachable: {type(exc).__name__}: {exc}"[:300]
    return ""


def healthz(request: HttpRequest) -> JsonResponse:
    """Check the database and the broker; the body says which failed and why."""
    problems = {name: why for name, why in (("database", _database()), ("broker", _broker())) if why}
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})
