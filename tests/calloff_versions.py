"""Two versions of a call-off (OLD, then NEW naming OLD as previous) for the call-off tests.

OLD: part P1 100 firm on 30.11., 250 forecast on 07.12.; part P2 50 firm on 30.11.
NEW: P1 150 firm on 30.11. (up), 250 forecast on 07.12. (same), 80 forecast on 14.12. (new);
P2 60 firm on 01.12. (new) and nothing on 30.11. (dropped).
"""

from __future__ import annotations

from typing import Any

from orders.models import DeliverySchedule
from tests.delfor_builder import delfor, message

OLD_PARTS = (("P1", (("100", "1", "20261130"), ("250", "4", "20261207"))), ("P2", (("50", "1", "20261130"),)))
NEW_PARTS = (("P1", (("150", "1", "20261130"), ("250", "4", "20261207"), ("80", "4", "20261214"))), ("P2", (("60", "1", "20261201"),)))


def two_versions(receive_and_process: Any, plant_user: Any, *, supplier: str = "SUP00001", prefix: str = "") -> tuple[DeliverySchedule, DeliverySchedule]:
    """Ingest OLD and NEW through the real pipeline; returns them (OLD superseded, NEW current)."""
    old, new = f"{prefix}OLD", f"{prefix}NEW"
    receive_and_process(delfor([message("1", old, supplier=supplier, parts=OLD_PARTS, issued="20261120")], ref=f"{prefix}R1"), plant_user)
    receive_and_process(
        delfor([message("1", new, supplier=supplier, parts=NEW_PARTS, issued="20261124", extra_header=[f"RFF+AIF:{old}"])], ref=f"{prefix}R2"), plant_user
    )
    return DeliverySchedule.objects.get(number=old), DeliverySchedule.objects.get(number=new)
