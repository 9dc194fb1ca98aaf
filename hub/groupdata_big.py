"""The group's worst real supplier for measuring the portal: 5,000 parts, two years of call-offs.

Kept apart from ``hub.groupdata`` (the group-size bulk data) so each can change alone;
``manage.py seed_scale`` calls both. Written with COPY, past the services, like the rest.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hub.groupdata import Copier

BIG_SUPPLIER = "SUP99999"
BIG_LOGIN = "bigsupplier"


def big_supplier_seed(
    *,
    parts: int = 5000,
    weeks: int = 104,
    plants: int = 4,
    password: str = "demo",
    progress: Callable[[str, Iterable[Any], int], Iterable[Any]] | None = None,
) -> dict[str, int]:
    """Add the group's worst real supplier, idempotently: ``parts`` parts over ``plants`` plants, two years of call-offs.

    Supplier ``SUP99999`` ("Big Supplier AG") with its logins ``bigsupplier`` (admin),
    ``bigsupplier-dispatch`` and ``bigsupplier-read`` (password ``password``) and two API tokens.
    Each plant gets one DELFOR a week for ``weeks`` weeks covering its share of the parts
    (the newest current, each older one superseded by the next, lines linked to the call-off
    that replaced them, ``previous_number`` naming its predecessor); six quantities per line
    (three firm days, three forecast weeks, quantities moving between versions); an ASN per
    plant and working day (twelve lines each) with its file, its delivery to the plant and
    the cumulative quantities the plant reports; a rejected file a week; and one inbox
    document per call-off, most of them read. The portal pages are measured on this supplier
    (``bench/portal_pages.py``, ``bench/latency.py``); it writes with COPY, past the services.
    Returns the row counts written (nothing when the supplier already has its call-offs).
    """
    from django.db import connection

    from hub.demo import INBOUND, _user
    from hub.models import Plant
    from orders.models import DeliverySchedule
    from suppliers.models import ApiToken, PartnerProfile, Supplier, SupplierRole, User
    from suppliers.services import token_create

    supplier, _ = Supplier.objects.get_or_create(
        number=BIG_SUPPLIER,
        defaults={
            "name": "Big Supplier AG",
            "country": "DE",
            "duns": "399999999",
            "city": "Stuttgart",
            "email": "edi@big.example",
            "status": Supplier.Status.LIVE,
        },
    )
    served = list(Plant.objects.order_by("code")[:plants])
    supplier.plants.set(served)
    PartnerProfile.objects.get_or_create(supplier=supplier, defaults={"inbound_formats": INBOUND, "outbound_format": "EDIFACT:DELFOR"})
    admin = _user(BIG_LOGIN, password, role=User.Role.SUPPLIER, supplier=supplier, supplier_role=SupplierRole.ADMIN)
    _user(f"{BIG_LOGIN}-dispatch", password, role=User.Role.SUPPLIER, supplier=supplier, supplier_role=SupplierRole.DISPATCHER)
    _user(f"{BIG_LOGIN}-read", password, role=User.Role.SUPPLIER, supplier=supplier, supplier_role=SupplierRole.READ_ONLY)
    if not ApiToken.objects.filter(user=admin).exists():
        token_create(user=admin, name="erp")
        token_create(user=admin, name="old erp", days=30)
    if DeliverySchedule.objects.filter(supplier=supplier).exists():
        return {}
    wrap = progress or (lambda _table, rows, _total: rows)
    rnd = random.Random(99)
    today = date.today()
    now = datetime.now(UTC)
    first_week = today - timedelta(days=7 * (weeks - 1) + 2)  # the newest call-off was issued two days ago
    per_plant = parts // len(served)
    # The plant's part numbers: each part belongs to one plant, as in the plants' part masters.
    plant_parts = {p.pk: [f"BIG{n:06d}" for n in range(k * per_plant, (k + 1) * per_plant)] for k, p in enumerate(served)}
    counts: dict[str, int] = {}
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor
        copier = Copier(cur, wrap)
        interchange_columns = [
            "id", "received_at", "channel", "sender_supplier_id", "uploaded_by_id", "filename", "raw", "size", "sha256", "status",
            "format", "message_types", "document_count", "errors", "warnings", "test_report", "envelope", "on_behalf_of",
        ]  # fmt: skip
        versions = [
            (plant, week, uuid.uuid4(), uuid.uuid4()) for plant in served for week in range(weeks)
        ]  # (plant, week, call-off, its file)

        def plant_files():
            for plant, week, _pk, file_pk in versions:
                issued = datetime.combine(first_week + timedelta(days=7 * week), datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)
                yield (file_pk, issued, "api", None, None, f"DELFOR-{plant.code}-{week:04d}.edi", "bench", 400_000, uuid.uuid4().hex * 2, "processed",
                       "EDIFACT", "DELFOR", 1, "[]", "[]", "[]", "{}", "[]")  # fmt: skip

        counts["interchanges"] = copier.copy("hub_interchange", interchange_columns, plant_files(), total=len(versions))
        copier.copy("hub_interchangeplant", ["interchange_id", "plant_id"], ((f, p.pk) for p, _w, _pk, f in versions))
        by_plant: dict[int, list[Any]] = {}
        for plant, _week, pk, _file in versions:
            by_plant.setdefault(plant.pk, []).append(pk)

        def call_off_rows():
            for plant, week, pk, file_pk in versions:
                issued = first_week + timedelta(days=7 * week)
                newest = week == weeks - 1
                created = datetime.combine(issued, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5, minutes=plant.pk % 60)
                # The newest call-off of the first plant waits for its acknowledgement; everything older was acknowledged.
                acked = None if newest and plant == served[0] else created + timedelta(hours=3)
                number = f"BIG-{plant.code}-{week:04d}"
                previous = f"BIG-{plant.code}-{week - 1:04d}" if week else ""
                yield (
                    pk,
                    created,
                    file_pk,
                    supplier.pk,
                    plant.pk,
                    number,
                    issued,
                    previous,
                    "current" if newest else "superseded",
                    acked,
                    "{}",
                )

        counts["call_offs"] = copier.copy(
            "orders_deliveryschedule",
            [
                "id",
                "created_at",
                "interchange_id",
                "supplier_id",
                "plant_id",
                "number",
                "issued",
                "previous_number",
                "status",
                "acknowledged_at",
                "document",
            ],
            call_off_rows(),
            total=len(versions),
        )
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM orders_scheduleline")
        first_line = cur.fetchone()[0] + 1
        line_plan = []  # (line id, week, plant pk, issued)
        line_id = first_line
        for plant, week, pk, _file in versions:
            line_plan.append((line_id, week, plant.pk, first_week + timedelta(days=7 * week), pk))
            line_id += len(plant_parts[plant.pk])

        def line_rows():
            for start, week, plant_pk, issued, pk in line_plan:
                chain = by_plant[plant_pk]
                successor = chain[week + 1] if week + 1 < len(chain) else None
                for position, part in enumerate(plant_parts[plant_pk]):
                    received = 1000 * week + position % 500
                    yield (start + position, pk, position + 1, part, f"S-{part}", f"Bracket {part}", "C62", f"PO{plant_pk:03d}{position % 50:03d}",
                           f"G{position % 8}", received, issued - timedelta(days=1), successor)  # fmt: skip

        total_lines = sum(len(plant_parts[plant.pk]) for plant, *_rest in versions)
        counts["schedule_lines"] = copier.copy(
            "orders_scheduleline",
            ["id", "schedule_id", "position", "buyer_part", "supplier_part", "description", "unit", "order_number", "unloading_point",
             "cumulative_received", "cumulative_received_date", "superseded_by_id"],
            line_rows(),
            total=total_lines,
        )  # fmt: skip
        cur.execute("SELECT setval(pg_get_serial_sequence('orders_scheduleline', 'id'), %s)", [line_id])

        def quantity_rows():
            # Each quantity keeps its call-off's plant and supplier, its line's part and whether it is
            # still in force (orders.models.ScheduleQuantity): only the newest version's lines are.
            for start, week, plant_pk, issued, _pk in line_plan:
                in_force = week == weeks - 1
                for position, part in enumerate(plant_parts[plant_pk]):
                    base = 50 + (position * 7) % 400
                    kept = (start + position, plant_pk, supplier.pk, part, in_force)
                    for day in (1, 2, 3):  # firm: the next three days, moving a little from version to version
                        yield (*kept, base + rnd.randrange(-10, 11), "firm", issued + timedelta(days=day))
                    for w in (2, 3, 4):  # forecast: weekly buckets
                        yield (*kept, 5 * base + rnd.randrange(-50, 51), "forecast", issued + timedelta(days=7 * w))

        counts["schedule_quantities"] = copier.copy(
            "orders_schedulequantity",
            ["line_id", "plant_id", "supplier_id", "buyer_part", "open", "quantity", "commitment", "date"],
            quantity_rows(),
            total=total_lines * 6,
        )
        # An ASN per plant and working day, each in a file of its own sent by the supplier, with its delivery to the plant.
        days = [first_week + timedelta(days=d) for d in range((today - first_week).days) if (first_week + timedelta(days=d)).weekday() < 5]
        advices = [(plant, day, uuid.uuid4(), uuid.uuid4()) for plant in served for day in days]

        def asn_files():
            for plant, day, _pk, file_pk in advices:
                sent = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=14)
                yield (file_pk, sent, "portal", supplier.pk, admin.pk, f"DESADV-{plant.code}-{day:%Y%m%d}.edi", "bench", 4_000, uuid.uuid4().hex * 2,
                       "processed", "EDIFACT", "DESADV", 1, "[]", "[]", "[]", "{}", "[]")  # fmt: skip
            for week in range(weeks):  # a rejected file a week
                sent = datetime.combine(first_week + timedelta(days=7 * week + 3), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
                errors = '[{"position": {"segment": 4, "tag": "NAD", "element": 2}, "code": "unknown_party", "text": "Unknown party BIGX"}]'
                yield (uuid.uuid4(), sent, "portal", supplier.pk, admin.pk, f"broken-{week}.edi", "bench", 2_000, uuid.uuid4().hex * 2, "failed",
                       "EDIFACT", "DESADV", 0, errors, "[]", "[]", "{}", "[]")  # fmt: skip

        counts["interchanges"] += copier.copy("hub_interchange", interchange_columns, asn_files(), total=len(advices) + weeks)
        copier.copy("hub_interchangeplant", ["interchange_id", "plant_id"], ((f, p.pk) for p, _d, _pk, f in advices))
        # Twelve parts of its plant per ASN, a different dozen each day.
        shipped = {pk: [plant_parts[p.pk][(day.toordinal() * 12 + k) % per_plant] for k in range(12)] for p, day, pk, _f in advices}
        counts["despatch_advices"] = copier.copy(
            "orders_despatchadvice",
            ["id", "created_at", "interchange_id", "supplier_id", "plant_id", "number", "issued", "ship_date", "arrival_date", "document"],
            (
                (pk, datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=14), f, supplier.pk, p.pk, f"DN-{p.code}-{day:%Y%m%d}",
                 day, day, day + timedelta(days=1), asn_document(supplier=supplier, plant=p, day=day, parts=shipped[pk]))
                for p, day, pk, f in advices
            ),
            total=len(advices),
        )  # fmt: skip
        counts["despatch_lines"] = copier.copy(
            "orders_despatchline",
            ["despatch_advice_id", "supplier_id", "plant_id", "arrives", "position", "buyer_part", "supplier_part", "quantity", "unit", "batch"],
            (
                (pk, supplier.pk, p.pk, day + timedelta(days=1), k + 1, part, f"S-{part}", asn_quantity(part), "C62", f"B{day:%y%m%d}")
                for p, day, pk, _f in advices
                for k, part in enumerate(shipped[pk])
            ),
            total=len(advices) * 12,
        )
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM hub_delivery")
        first_delivery = cur.fetchone()[0] + 1
        delivery_columns = [
            "idempotency_key", "created_at", "document_type", "document_id", "document_number", "recipient", "connector", "plant_id", "supplier_id",
            "interchange_id", "payload", "sequence_key", "status", "delivered_at", "rendered_name", "attempts",
        ]  # fmt: skip

        def deliveries():
            for plant, week, pk, file_pk in versions:  # each call-off into the supplier's portal inbox
                at = datetime.combine(first_week + timedelta(days=7 * week), datetime.min.time(), tzinfo=UTC) + timedelta(
                    hours=5, minutes=1
                )
                yield (uuid.uuid4(), at, "delivery_schedule", pk, f"BIG-{plant.code}-{week:04d}", "supplier", "portal", plant.pk, supplier.pk, file_pk,
                       "{}", f"supplier:{supplier.pk}", "delivered", at, f"DELFOR-{plant.code}-{week:04d}.edi", 1)  # fmt: skip
            for n, (plant, day, pk, file_pk) in enumerate(advices):  # each ASN to its plant; a few dead-lettered
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=14, minutes=1)
                status = "dead" if n % 97 == 0 else "delivered"
                yield (uuid.uuid4(), at, "despatch_advice", pk, f"DN-{plant.code}-{day:%Y%m%d}", "plant", "http", plant.pk, supplier.pk, file_pk,
                       "{}", f"plant:{plant.pk}:{supplier.pk}", status, at if status == "delivered" else None, "", 1)  # fmt: skip

        counts["deliveries"] = copier.copy("hub_delivery", delivery_columns, deliveries(), total=len(versions) + len(advices))
        cur.execute(
            "UPDATE hub_delivery SET rendered = convert_to('UNA:+.? ''UNB+UNOC:3+SUPPLIERHUB:ZZ+' || document_number || '''', 'UTF8') "
            "WHERE id >= %s AND recipient = 'supplier'",
            [first_delivery],
        )
        # Read: everything older than the last four weeks.
        cur.execute(
            "INSERT INTO suppliers_inboxread (user_id, delivery_id, read_at) SELECT %s, id, delivered_at FROM hub_delivery "
            "WHERE id >= %s AND recipient = 'supplier' AND delivered_at < %s",
            [admin.pk, first_delivery, now - timedelta(days=28)],
        )
        counts["inbox_read"] = cur.rowcount
    with connection.cursor() as django_cursor:
        django_cursor.execute("ANALYZE")
    return counts


def asn_quantity(part: str) -> int:
    """What the big supplier ships of ``part`` per ASN (about a day's firm quantity)."""
    return 50 + (int(part[3:]) * 7) % 400


def asn_document(*, supplier: Any, plant: Any, day: date, parts: list[str]) -> str:
    """The canonical JSON of one of the big supplier's ASNs (the portal copies it into a new ASN form)."""
    return json.dumps(
        {
            "type": "despatch_advice",
            "number": f"DN-{plant.code}-{day:%Y%m%d}",
            "issued": day.isoformat(),
            "ship_date": day.isoformat(),
            "arrival_date": (day + timedelta(days=1)).isoformat(),
            "supplier": {"id": supplier.number, "name": supplier.name},
            "buyer": {"id": "OEM", "name": "OEM"},
            "ship_to": {"id": plant.code, "name": plant.name, "plant": plant.code, "unloading_point": "G1"},
            "carrier": "Spedition Nord",
            "transport_id": f"S-BG {day:%m%d}",
            "packages": [{"type": "KLT", "count": 4, "label_ids": [f"{day:%y%m%d}{k:04d}" for k in range(4)]}],
            "lines": [
                {
                    "buyer_part": part,
                    "supplier_part": f"S-{part}",
                    "quantity": str(asn_quantity(part)),
                    "unit": "C62",
                    "batch": f"B{day:%y%m%d}",
                }
                for part in parts
            ],
        }
    )
