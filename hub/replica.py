"""Read-heavy pages read from a PostgreSQL streaming replica; everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, ``GET``/``HEAD`` requests whose path starts with one of
``HUB_REPLICA_READ_PATHS`` (the overview, the lists, the API's reads) read business data
from the ``replica`` connection, which takes the load of headquarters' dashboards and
suppliers' systems polling off the primary. What must never lag stays on the primary:

- writes, and every read inside a transaction (read-your-writes);
- logins, sessions and API tokens (a user who just logged in or a token just issued must
  work on the next request, before the replica has replayed it);
- every request that is not a listed read (ingest and dispatch never read a replica).

Without ``DATABASE_REPLICA_URL`` the router answers ``None`` and Django uses ``default``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
# Authentication state and lockouts: written at login, read on the very next request.
PRIMARY_APPS = frozenset({"sessions", "auth", "axes", "contenttypes", "admin"})
PRIMARY_MODELS = frozenset({"suppliers.user", "suppliers.apitoken"})

_reading = contextvars.ContextVar("hub_replica_reads", default=False)


def replica_configured() -> bool:
    """True when a replica connection is configured."""
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Route reads of business data to the replica while a listed page is being served."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _reading.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return None
        if connections["default"].in_atomic_block:
            return None  # read-your-writes inside a transaction
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica's schema arrives by replication


class ReplicaReadsMiddleware:
    """Serve listed ``GET``/``HEAD`` paths with business reads on the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefixes = tuple(settings.HUB_REPLICA_READ_PATHS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not replica_configured() or not request.path.startswith(self.prefixes):
            return self.get_response(request)
        token = _reading.set(True)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)
