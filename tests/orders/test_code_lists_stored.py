"""A call-off's identifiers and code-list warnings are stored with it, in its canonical JSON."""

from __future__ import annotations

import pytest

from orders.models import DeliverySchedule
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db


def test_identifiers_and_unit_warnings_are_kept_in_the_stored_document(world, receive_and_process):
    segs = message("1", "CL-1")
    at = next(i for i, seg in enumerate(segs) if seg.startswith("PIA+"))
    segs.insert(at + 1, "PIA+1+4012345000009:EN+DRW-7:DR")
    segs = [seg.replace(":PCE", ":KG") for seg in segs[:-1]]
    segs.append(f"UNT+{len(segs) + 1}+1")
    receive_and_process(delfor([segs], ref="CL1"), world["users"]["admin"])
    stored = DeliverySchedule.objects.get(number="CL-1").document
    line = stored["lines"][0]
    assert (line["buyer_part"], line["supplier_part"]) == ("4711-A", "S-4711-A")
    assert line["identifiers"] == [{"scheme": "gtin", "id": "4012345000009"}, {"scheme": "drawing_revision", "id": "DRW-7"}]
    assert line["unit"] == "KG"  # kept as sent, not passed off as Rec 20
    assert any("unit 'KG' is not in the EDIFACT 6411 code list" in w for w in stored["warnings"])
