"""Who sent a file, whatever the channel: the party that ingest authorises against.

Portal and API uploads have a signed-in user; channels to come (AS2, SFTP) know a
partner profile, not a user. Both become a ``Party``, so the pipeline's rules (who may
send what, whose envelope identifiers are whose) never ask which door a file came in by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.scope import role_of

PLANT_SIDE = ("buyer", "admin", "plant_system")


@dataclass(frozen=True)
class Party:
    """The sender of an interchange.

    ``role`` is ``supplier``, ``buyer``, ``admin``, ``hq`` or ``plant_system``;
    ``supplier`` is set for a supplier party; ``plant_codes`` are the plants a buyer acts
    for (``None``: every plant, for admins and the plants' own systems). ``user`` is the
    account that uploaded, when there is one (recorded, and used for column mappings).
    """

    role: str
    user: Any = None
    supplier: Any = None
    plant_codes: frozenset[str] | None = None

    @property
    def plant_side(self) -> bool:
        """True for parties that speak for plants: buyers, admins and plant systems."""
        return self.role in PLANT_SIDE

    def describe(self) -> str:
        """The party in words, for error messages: 'supplier SUP00002', 'buyer account buyer'."""
        if self.role == "supplier" and self.supplier is not None:
            return f"supplier {self.supplier.number}"
        if self.user is not None:
            return f"{self.role} account {self.user.get_username()}"
        return self.role.replace("_", " ")


def party_of_user(user: Any) -> Party:
    """The party a signed-in user (portal or API token) sends as."""
    role = role_of(user)
    if role == "supplier":
        return Party(role=role, user=user, supplier=user.supplier)
    if role == "buyer":
        return Party(role=role, user=user, plant_codes=frozenset(user.plants.values_list("code", flat=True)))
    return Party(role=role or "anonymous", user=user)


def party_of_supplier(supplier: Any) -> Party:
    """The party a supplier's system sends as over a channel without a user (AS2, SFTP keys)."""
    return Party(role="supplier", supplier=supplier)
