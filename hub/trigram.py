"""Trigram indexes for the search by business key: PostgreSQL only, nothing elsewhere.

Django's ``icontains`` reads ``UPPER(col::text) LIKE UPPER('%q%')`` on PostgreSQL, so the
index is a GIN ``gin_trgm_ops`` index on that very expression; the planner uses it for
any substring of three characters or more. On SQLite (``make run``) the same queries
work without an index: the index creates and drops nothing there.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models.functions import Upper

NOTHING = ""  # an empty statement: what a database without pg_trgm executes instead


class TrigramIndex(GinIndex):
    """A GIN trigram index on PostgreSQL; on other databases it creates and removes nothing."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return NOTHING
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model: Any, schema_editor: Any, **kwargs: Any) -> Any:
        if schema_editor.connection.vendor != "postgresql":
            return NOTHING
        return super().remove_sql(model, schema_editor, **kwargs)


def trigram_index(field: str, name: str) -> TrigramIndex:
    """The index that serves ``<field>__icontains`` on PostgreSQL."""
    return TrigramIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)
