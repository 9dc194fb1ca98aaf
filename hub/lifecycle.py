"""States and allowed transitions of the engine's rows as tables, and the one guarded write.

Every change of an interchange's or a delivery's ``status`` goes through ``transition``:
a conditional ``UPDATE ... WHERE status IN (allowed sources) [AND claim_token = token]``
that changes nothing when another worker got there first (or took the row over after
our lease ran out). The caller learns from the returned row count whether its write
happened, and must treat 0 as "not mine any more": never fall back to a plain
``save()``. A transition the table does not allow is a programming error and raises at
once, before the database is asked, so a new code path cannot invent a state change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


class TransitionNotAllowed(ValueError):
    """The lifecycle table has no edge from one of the source states to the target."""


@dataclass(frozen=True)
class Lifecycle:
    """One model's states and the transitions allowed between them (``source -> targets``)."""

    name: str
    edges: dict[str, frozenset[str]]
    field: str = "status"

    def allows(self, source: str, target: str) -> bool:
        """True when the table has an edge from ``source`` to ``target``."""
        return target in self.edges.get(source, frozenset())

    def check(self, sources: Iterable[str], target: str) -> list[str]:
        """The sources as a list, after making sure every one of them may move to ``target``."""
        sources = [str(s) for s in sources]
        bad = [s for s in sources if not self.allows(s, target)]
        if bad or not sources:
            raise TransitionNotAllowed(f"{self.name}: no transition from {', '.join(bad) or 'nothing'} to {target}")
        return sources


def _edges(table: dict[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {source: frozenset(targets) for source, targets in table.items()}


# An interchange: stored, claimed by one worker (a token and a heartbeat on the row),
# then ended. A claim whose lease ran out without a heartbeat may be taken over
# (processing -> processing under a new token). A failed file may be queued again.
INTERCHANGE = Lifecycle(
    "interchange",
    _edges(
        {
            "received": ("processing", "failed"),
            "processing": ("processing", "processed", "failed", "duplicate", "received"),
            "failed": ("received",),
        }
    ),
)

# A delivery (one document to one recipient): waiting, on its way under a lease, then
# delivered, dead-lettered or superseded. ``held`` waits for a paused plant or a parked
# predecessor; staff retry dead or held deliveries. ``staged`` rows belong to an
# interchange still being ingested and are released (or dropped) when it ends.
DELIVERY = Lifecycle(
    "delivery",
    _edges(
        {
            "staged": ("pending", "superseded"),
            "pending": ("sending", "superseded", "held", "delivered", "dead"),
            "sending": ("delivered", "pending", "dead", "held", "sending"),
            "held": ("pending", "superseded"),
            "dead": ("pending",),
            "delivered": ("delivered",),
        }
    ),
)


def transition(
    lifecycle: Lifecycle,
    rows: QuerySet,
    *,
    source: str | Iterable[str],
    target: str,
    token: Any = None,
    token_field: str = "claim_token",
    **fields: Any,
) -> int:
    """Move the rows of ``rows`` that are in ``source`` to ``target``; returns how many moved.

    ``rows`` narrows what may move (one pk, a plant's held deliveries, ...); ``token``,
    when given, must match the row's claim token, so a worker whose claim was taken over
    writes nothing. ``fields`` are set in the same UPDATE.
    """
    sources = lifecycle.check([source] if isinstance(source, str) else source, target)
    qs = rows.filter(**{f"{lifecycle.field}__in": sources})
    if token is not None:
        qs = qs.filter(**{token_field: token})
    return qs.update(**{lifecycle.field: target}, **fields)
