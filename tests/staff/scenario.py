"""A known small world for the overview: call-offs, ASNs and a refused file, sent through the real flow.

Figures expected for ``world`` (PLANT01-03) after ``seed``, by plant:

- PLANT01 (SUP00001): firm today P1 (ASN arrives today) and P2 (no ASN); firm in 5 days P1;
  firm 2 days ago P1 (no ASN arriving then: late); its call-off is 2 days old and
  unacknowledged; one refused ASN of SUP00002 names it.
- PLANT02 (SUP00001): firm today P3, no ASN; its call-off is fresh.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone

from hub.formats.base import RenderOptions
from hub.formats.canonical import DeliverySchedule, Party, ScheduleLine, ScheduleQuantity
from hub.formats.edifact import EdifactCodec
from hub.ingest.pipeline import interchange_process
from hub.ingest.receive import interchange_receive
from hub.parties import party_of_user
from orders.models import DeliverySchedule as StoredSchedule
from tests.documents import asn, edifact


def call_off(number: str, plant: str, parts: dict[str, list[tuple[int, str, str]]], supplier: str = "SUP00001") -> DeliverySchedule:
    """A call-off of ``plant`` to ``supplier``: part -> [(days from today, quantity, commitment)]."""
    today = timezone.localdate()
    lines = [
        ScheduleLine(
            buyer_part=part,
            schedule=[
                ScheduleQuantity(quantity=Decimal(q), commitment=c, date=(today + dt.timedelta(days=d)).isoformat())
                for d, q, c in quantities
            ],
        )
        for part, quantities in parts.items()
    ]
    return DeliverySchedule(
        number=number,
        issued=today.isoformat(),
        buyer=Party(id="OEM"),
        supplier=Party(id=supplier),
        ship_to=Party(id=plant, plant=plant),
        lines=lines,
    )


def send(data: bytes, user, name: str = "test.edi"):
    """Receive and process ``data`` as ``user`` would upload it."""
    interchange = interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(user), filename=name)
    interchange_process(interchange_id=interchange.pk)
    interchange.refresh_from_db()
    return interchange


def plant_file(docs: list[DeliverySchedule], ref: str) -> bytes:
    """Call-offs as one EDIFACT interchange from the plant systems."""
    return EdifactCodec().render(docs, RenderOptions(sender_id="OEMPLANTS", receiver_id="SUPPLIERHUB", control_ref=ref))


def seed(world) -> dict:
    """Send the scenario's files; returns the interchanges by name."""
    users = world["users"]
    today = timezone.localdate()
    calloffs = send(
        plant_file(
            [
                call_off(
                    "CO-P1",
                    "PLANT01",
                    {"P1": [(0, "100", "firm"), (5, "50", "firm"), (-2, "70", "firm"), (20, "9", "forecast")], "P2": [(0, "10", "firm")]},
                ),
                call_off("CO-P2", "PLANT02", {"P3": [(0, "5", "firm")]}),
            ],
            "PREF1",
        ),
        users["admin"],
    )
    assert calloffs.status == "processed", calloffs.errors
    StoredSchedule.objects.filter(number="CO-P1").update(created_at=timezone.now() - dt.timedelta(days=2))
    shipment = asn("ASN-P1", plant="PLANT01", part="P1", quantity="100")
    shipment.arrival_date = today.isoformat()
    shipment.ship_date = today.isoformat()
    good = send(edifact([shipment], sender="SUP00001", ref="SREF1"), users["supplier"])
    assert good.status == "processed", good.errors
    # SUP00002 supplies PLANT02 and PLANT03, not PLANT01: refused at routing, but it names PLANT01.
    refused = send(
        edifact([asn("ASN-BAD", supplier="SUP00002", plant="PLANT01", part="P9")], sender="SUP00002", ref="SREF2"), users["supplier2"]
    )
    assert refused.status == "failed"
    return {"calloffs": calloffs, "asn": good, "refused": refused}
