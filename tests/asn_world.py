"""A call-off to ship against, for the despatch-advice and order-response tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.delfor_builder import delfor, message


def day(offset: int) -> dt.date:
    """Today plus ``offset`` days (the checks compare with the real date)."""
    return timezone.localdate() + dt.timedelta(days=offset)


def call_off(receive_and_process, user, *, number: str = "CO-1", supplier: str = "SUP00001", plant: str = "PLANT01", ref: str = "CREF1"):
    """A current call-off of ``plant`` to ``supplier`` for part 4711-A: 100 in three days, 250 in ten, sent by the plant side."""
    schedule = (("100", "1", day(3).strftime("%Y%m%d")), ("250", "4", day(10).strftime("%Y%m%d")))
    data = delfor([message("1", number, supplier=supplier, plant=plant, parts=(("4711-A", schedule),))], ref=ref)
    interchange = receive_and_process(data, user)
    assert interchange.status == "processed", interchange.errors
    return interchange.call_offs.get()


def asn_json(number: str = "DN-1", *, plant: str = "PLANT01", part: str = "4711-A", quantity: str = "100", **extra) -> dict:
    """Canonical JSON of a despatch advice shipping ``quantity`` of ``part`` tomorrow."""
    body = {
        "number": number,
        "ship_to": {"plant": plant, "unloading_point": "GATE3"},
        "ship_date": day(1).isoformat(),
        "arrival_date": day(2).isoformat(),
        "carrier": "Spedition Muster",
        "transport_id": "KA-XY-123",
        "gross_weight": "412.5",
        "packages": [{"type": "KLT", "count": 2, "label_ids": []}],
        "lines": [
            {"buyer_part": part, "supplier_part": "S-4711", "quantity": quantity, "unit": "C62", "order_number": "CO-1", "batch": "B1"}
        ],
    }
    body.update(extra)
    return body
