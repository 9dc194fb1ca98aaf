"""Group-size data for measuring: plants, suppliers and millions of rows, written with COPY.

``manage.py seed_scale`` and the benchmarks under ``bench/`` use it. It writes straight into
the tables (PostgreSQL COPY), not through the services: a million schedule lines through
ingest would take an hour and measure ingest, not the pages. The shapes are realistic:
call-off versions (a fifth current, the rest superseded), firm and forecast quantities
around today, ASNs, interchanges with 8 % failed, deliveries in every state and dead
letters with their attempts. The demo logins and the demo plants and suppliers come from
``hub.demo.seed_master_data``; more plants and suppliers are added in bulk.
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any


class Copier:
    """COPY rows into a table, filling every NOT NULL column not given with an empty value of its type."""

    EMPTY = {
        "character varying": "",
        "text": "",
        "integer": "0",
        "bigint": "0",
        "smallint": "0",
        "boolean": "f",
        "jsonb": "[]",
        "numeric": "0",
    }

    def __init__(self, cursor: Any, progress: Callable[[str, Iterable[Any], int], Iterable[Any]] | None = None) -> None:
        self.cur = cursor
        self.progress = progress or (lambda _table, rows, _total: rows)

    def copy(self, table: str, columns: list[str], rows: Iterable[Any], total: int = 0) -> int:
        """COPY ``rows`` (tuples in ``columns`` order) into ``table``; returns how many."""
        rows = self.progress(table, rows, total)
        self.cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        fill = [(c, self.EMPTY.get(t, "")) for c, t in self.cur.fetchall() if c not in columns]
        names = columns + [c for c, _ in fill]
        extra = [v for _, v in fill]
        buffer = io.StringIO()
        n = 0
        for row in rows:
            buffer.write("\t".join([_text(v) for v in row] + extra) + "\n")
            n += 1
            if buffer.tell() > 8_000_000:
                self._flush(table, names, buffer)
                buffer = io.StringIO()
        self._flush(table, names, buffer)
        return n

    def _flush(self, table: str, names: list[str], buffer: io.StringIO) -> None:
        buffer.seek(0)
        self.cur.copy_expert(f"COPY {table} ({', '.join(names)}) FROM STDIN", buffer)


def _text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def seed(*, lines: int, interchanges: int, suppliers_total: int = 0, plants_total: int = 0, progress: Callable[[str, Iterable[Any], int], Iterable[Any]] | None = None) -> dict[str, int]:
    """Fill the database with group-size data (COPY); returns the row counts written.

    ``suppliers_total``/``plants_total`` add suppliers and plants up to those numbers
    (besides the demo ones); ``progress(table, rows, total)`` may wrap each row stream
    (a progress bar).
    """
    from django.db import connection

    from hub.demo import seed_master_data
    from hub.models import Plant
    from suppliers.models import Supplier

    seed_master_data()
    master_data_extend(suppliers=suppliers_total, plants=plants_total)
    wrap = progress or (lambda _table, rows, _total: rows)
    rnd = random.Random(13)
    plants = list(Plant.objects.order_by("code").values_list("pk", flat=True))
    suppliers = list(Supplier.objects.order_by("number").values_list("pk", "number"))
    # The plants each supplier serves, as recorded (documents name only those).
    links: dict[int, list[int]] = {pk: [] for pk, _num in suppliers}
    for supplier_id, plant_id in Supplier.plants.through.objects.order_by("plant_id").values_list("supplier_id", "plant_id"):
        links[supplier_id].append(plant_id)
    for pk, served in links.items():
        if not served:
            served.append(plants[pk % len(plants)])
        if len(served) == 1:
            served.append(served[0])
    today = date.today()
    now = datetime.now(UTC)
    counts: dict[str, int] = {}
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor
        copier = Copier(cur, wrap)
        formats = ["EDIFACT", "X12", "VDA", "XML", "CSV"]
        inter_ids = [uuid.uuid4() for _ in range(interchanges)]

        def interchange_rows():
            for n, pk in enumerate(inter_ids):
                supplier, _number = suppliers[n % len(suppliers)]
                status = "failed" if rnd.random() < 0.08 else "processed"
                received = now - timedelta(seconds=rnd.randrange(30 * 86400))
                yield (pk, received, "api", supplier, "bench", 100, f"{n:064x}", status, rnd.choice(formats), "[]", "[]", "[]", "{}", "[]")

        counts["interchanges"] = copier.copy(
            "hub_interchange",
            [
                "id",
                "received_at",
                "channel",
                "sender_supplier_id",
                "raw",
                "size",
                "sha256",
                "status",
                "format",
                "errors",
                "warnings",
                "test_report",
                "envelope",
                "on_behalf_of",
            ],
            interchange_rows(),
        )
        counts["interchange_plants"] = copier.copy(
            "hub_interchangeplant", ["interchange_id", "plant_id"], ((pk, plants[n % len(plants)]) for n, pk in enumerate(inter_ids))
        )
        schedules = lines // 10
        schedule_ids = [uuid.uuid4() for _ in range(schedules)]
        current = set(rnd.sample(range(schedules), schedules // 5))

        def schedule_rows():
            for n, pk in enumerate(schedule_ids):
                supplier, _number = suppliers[n % len(suppliers)]
                plant = links[supplier][n % 2]
                created = now - timedelta(seconds=rnd.randrange(20 * 86400))
                acked = created + timedelta(hours=2) if rnd.random() < 0.7 else None
                yield (
                    pk,
                    created,
                    inter_ids[n % len(inter_ids)],
                    supplier,
                    plant,
                    f"CO{n:08d}",
                    "current" if n in current else "superseded",
                    acked,
                    "{}",
                )

        counts["call_offs"] = copier.copy(
            "orders_deliveryschedule",
            ["id", "created_at", "interchange_id", "supplier_id", "plant_id", "number", "status", "acknowledged_at", "document"],
            schedule_rows(),
        )

        def line_rows():
            for n in range(lines):
                s = n // 10
                # A buyer part belongs to one supplier (400 each), as in the plants' part masters.
                part = f"5Q{s % len(suppliers):03d}{(s // len(suppliers)) % 40:02d}{n % 10}"
                yield (n + 1, schedule_ids[s], n % 10, part, None if s in current else schedule_ids[s])

        counts["schedule_lines"] = copier.copy(
            "orders_scheduleline", ["id", "schedule_id", "position", "buyer_part", "superseded_by_id"], line_rows()
        )

        def quantity_rows():
            # Each quantity repeats its call-off's plant and supplier, its line's part and whether
            # the line is in force (orders.models.ScheduleQuantity): read back from the rows just
            # written (committed: autocommit), so they agree whatever the generators above do.
            reader = connection.get_new_connection(connection.get_connection_params())
            try:
                with reader.cursor(name="lines") as lines_cur:
                    lines_cur.itersize = 20_000
                    lines_cur.execute(
                        "SELECT l.id, s.plant_id, s.supplier_id, l.buyer_part, (l.superseded_by_id IS NULL AND s.status = 'current') "
                        "FROM orders_scheduleline l JOIN orders_deliveryschedule s ON s.id = l.schedule_id "
                        "WHERE l.id BETWEEN 1 AND %s ORDER BY l.id",
                        [lines],
                    )
                    for line_id, plant, supplier, part, in_force in lines_cur:
                        for k in range(3):
                            quantity = rnd.randrange(1, 500)
                            day = today + timedelta(days=rnd.randrange(-10, 30))
                            yield (line_id, plant, supplier, part, in_force, quantity, "forecast" if k == 2 else "firm", day)
            finally:
                reader.close()

        counts["schedule_quantities"] = copier.copy(
            "orders_schedulequantity",
            ["line_id", "plant_id", "supplier_id", "buyer_part", "open", "quantity", "commitment", "date"],
            quantity_rows(),
        )
        advices = interchanges // 2
        advice_ids = [uuid.uuid4() for _ in range(advices)]

        def advice_rows():
            for n, pk in enumerate(advice_ids):
                supplier, _number = suppliers[n % len(suppliers)]
                arrival = today + timedelta(days=rnd.randrange(-10, 7))
                yield (pk, now, inter_ids[n], supplier, links[supplier][n % 2], f"DN{n:08d}", arrival, arrival, "{}")

        counts["despatch_advices"] = copier.copy(
            "orders_despatchadvice",
            ["id", "created_at", "interchange_id", "supplier_id", "plant_id", "number", "ship_date", "arrival_date", "document"],
            advice_rows(),
        )
        # Each ASN line repeats its ASN's supplier, plant and arrival (orders.models.DespatchLine):
        # read back from the ASNs just written, so they agree whatever advice_rows does.
        cur.execute("SELECT id, supplier_id, plant_id, COALESCE(arrival_date, ship_date) FROM orders_despatchadvice")
        shipped = {pk: (supplier, plant, arrives) for pk, supplier, plant, arrives in cur.fetchall()}
        counts["despatch_lines"] = copier.copy(
            "orders_despatchline",
            ["despatch_advice_id", "supplier_id", "plant_id", "arrives", "position", "buyer_part", "quantity"],
            (
                (pk, *shipped[pk], k, f"5Q{n % len(suppliers):03d}{rnd.randrange(40):02d}{rnd.randrange(10)}", 100)
                for n, pk in enumerate(advice_ids)
                for k in range(2)
            ),
        )
        statuses = ["delivered"] * 90 + ["pending"] * 5 + ["dead"] * 3 + ["held"] * 2
        deliveries = interchanges * 2

        def delivery_rows():
            for n in range(deliveries):
                supplier, _number = suppliers[n % len(suppliers)]
                yield (
                    uuid.uuid4(),
                    now - timedelta(seconds=rnd.randrange(14 * 86400)),
                    "delivery_schedule",
                    uuid.uuid4(),
                    "plant",
                    links[supplier][0],
                    supplier,
                    "{}",
                    f"k{n % 5000}",
                    rnd.choice(statuses),
                )

        cur.execute("SELECT COALESCE(MAX(id), 0) FROM hub_delivery")
        first = cur.fetchone()[0] + 1
        counts["deliveries"] = copier.copy(
            "hub_delivery",
            [
                "idempotency_key",
                "created_at",
                "document_type",
                "document_id",
                "recipient",
                "plant_id",
                "supplier_id",
                "payload",
                "sequence_key",
                "status",
            ],
            delivery_rows(),
        )
        cur.execute("SELECT id FROM hub_delivery WHERE status = 'dead' AND id >= %s", [first])
        dead = [r[0] for r in cur.fetchall()]
        counts["dead_attempts"] = copier.copy(
            "hub_deliveryattempt",
            ["delivery_id", "number", "started_at", "outcome"],
            ((pk, 1, now - timedelta(seconds=rnd.randrange(3 * 86400)), "dead") for pk in dead),
        )
    with connection.cursor() as django_cursor:
        django_cursor.execute("VACUUM ANALYZE")  # visibility map for index-only scans, and statistics
    return counts




def master_data_extend(*, suppliers: int, plants: int) -> dict[str, int]:
    """Add plants (``P0013``...) and live suppliers (``SUP00301``...) up to the totals, in bulk, idempotently.

    Each new supplier serves two plants and has a partner profile, like the demo ones.
    """
    from hub.demo import COUNTRIES, INBOUND, supplier_number
    from hub.models import Plant
    from suppliers.models import PartnerProfile, Supplier

    have_plants = Plant.objects.count()
    Plant.objects.bulk_create(
        [Plant(code=f"P{n:04d}", name=f"Plant {n}", timezone="Europe/Berlin") for n in range(have_plants + 1, plants + 1)], ignore_conflicts=True
    )
    have = Supplier.objects.count()
    Supplier.objects.bulk_create(
        [
            Supplier(
                number=supplier_number(n), name=f"Supplier {n} GmbH", country=COUNTRIES[n % len(COUNTRIES)], duns=f"{300000000 + n:09d}",
                city="Wolfsburg", email=f"edi@supplier{n}.example", status=Supplier.Status.LIVE,
            )
            for n in range(have + 1, suppliers + 1)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    all_plants = list(Plant.objects.order_by("pk").values_list("pk", flat=True))
    through = Supplier.plants.through
    linked = set(through.objects.values_list("supplier_id", flat=True))
    new = list(Supplier.objects.exclude(pk__in=linked).order_by("pk").values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(supplier_id=pk, plant_id=all_plants[(n + k) % len(all_plants)]) for n, pk in enumerate(new) for k in range(2)], batch_size=5000
    )
    profiled = set(PartnerProfile.objects.values_list("supplier_id", flat=True))
    PartnerProfile.objects.bulk_create(
        [PartnerProfile(supplier_id=pk, inbound_formats=INBOUND, outbound_format="EDIFACT:DELFOR") for pk in Supplier.objects.exclude(pk__in=profiled).values_list("pk", flat=True)],
        batch_size=2000,
    )
    return {"plants": Plant.objects.count(), "suppliers": Supplier.objects.count()}


def documents_clear() -> None:
    """Empty every document, file and delivery table (benchmarks' ``--reseed``); master data stays."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE hub_deliveryattempt, hub_delivery, orders_despatchline, orders_despatchadvice, orders_schedulequantity, "
            "orders_scheduleline, orders_deliveryschedule, hub_interchangeplant, hub_controlreference, hub_acknowledgement, hub_interchange CASCADE"
        )
