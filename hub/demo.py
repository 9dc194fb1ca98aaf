"""Demo data through the real services: plants, suppliers with profiles, logins, call-offs.

Used by ``manage.py seed_demo``; idempotent, so it can run on every ``make run``.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from hub.formats.base import RenderOptions
from hub.formats.canonical import DeliverySchedule, DespatchAdvice, DespatchLine, Party, ScheduleLine, ScheduleQuantity
from hub.formats.edifact import EdifactCodec
from hub.ingest.pipeline import interchange_process
from hub.ingest.receive import interchange_receive
from hub.models import Delivery, Interchange, Plant
from hub.parties import party_of_user
from suppliers.models import PartnerIdentifier, PartnerProfile, Supplier, User

PLANTS = [
    ("PLANT01", "Wolfsburg Body Shop", "Europe/Berlin"),
    ("PLANT02", "Zwickau Assembly", "Europe/Berlin"),
    ("PLANT03", "Mlada Boleslav Engines", "Europe/Prague"),
    ("PLANT04", "Martorell Assembly", "Europe/Madrid"),
    ("PLANT05", "Bratislava Assembly", "Europe/Bratislava"),
    ("PLANT06", "Gyor Engines", "Europe/Budapest"),
    ("PLANT07", "Poznan Vans", "Europe/Warsaw"),
    ("PLANT08", "Palmela Assembly", "Europe/Lisbon"),
    ("PLANT09", "Puebla Assembly", "America/Mexico_City"),
    ("PLANT10", "Emden Assembly", "Europe/Berlin"),
    ("PLANT11", "Kassel Components", "Europe/Berlin"),
    ("PLANT12", "Salzgitter Engines", "Europe/Berlin"),
]
SUPPLIER_COUNT = 300
COUNTRIES = ["DE", "CZ", "PL", "ES", "SK", "HU", "PT", "MX", "IT", "FR"]
INBOUND = ["EDIFACT:DELFOR", "EDIFACT:DESADV", "X12:830", "X12:856"]


def supplier_number(n: int) -> str:
    """The demo supplier number for 1-based ``n``: SUP00001..SUP00300."""
    return f"SUP{n:05d}"


@transaction.atomic
def seed_master_data(*, plant_url: str = "", password: str = "demo") -> dict[str, int]:
    """Create or update plants, suppliers with partner profiles, and the demo logins."""
    plants = {}
    for code, name, tz in PLANTS:
        plant, _ = Plant.objects.update_or_create(
            code=code, defaults={"name": name, "timezone": tz, **({"endpoint_url": plant_url.replace("{plant}", code)} if plant_url else {})}
        )
        plants[code] = plant
    # Every demo plant signs: a random secret once, kept on later runs (the simulator reads it from the plant).
    for plant in plants.values():
        if not plant.endpoint_secret:
            Plant.objects.filter(pk=plant.pk).update(endpoint_secret=secrets.token_urlsafe(32))
    existing = set(Supplier.objects.filter(number__startswith="SUP").values_list("number", flat=True))
    new = [
        Supplier(
            number=supplier_number(n),
            name=f"Demo Supplier {n} GmbH",
            country=COUNTRIES[n % len(COUNTRIES)],
            duns=f"{300000000 + n:09d}",
            city="Wolfsburg",
            email=f"edi@supplier{n}.example",
            status=Supplier.Status.LIVE,
        )
        for n in range(1, SUPPLIER_COUNT + 1)
        if supplier_number(n) not in existing
    ]
    Supplier.objects.bulk_create(new)
    suppliers = {s.number: s for s in Supplier.objects.filter(number__startswith="SUP")}
    through = Supplier.plants.through
    have = set(through.objects.values_list("supplier_id", "plant_id"))
    links = []
    for n in range(1, SUPPLIER_COUNT + 1):
        s = suppliers[supplier_number(n)]
        for k in range(2):  # DESIGN.md: SUPn supplies PLANT((n-1) mod 12 + 1) and the plant after it
            p = plants[PLANTS[(n - 1 + k) % len(PLANTS)][0]]
            if (s.pk, p.pk) not in have:
                links.append(through(supplier_id=s.pk, plant_id=p.pk))
                have.add((s.pk, p.pk))
    through.objects.bulk_create(links)
    with_profile = set(PartnerProfile.objects.values_list("supplier_id", flat=True))
    PartnerProfile.objects.bulk_create(
        [PartnerProfile(supplier=s, inbound_formats=INBOUND, outbound_format="EDIFACT:DELFOR") for s in suppliers.values() if s.pk not in with_profile]
    )
    profiles = {p.supplier_id: p for p in PartnerProfile.objects.filter(supplier__in=suppliers.values())}
    # Compared by normalised key: EDIFACT ZZ (UNB) and 92 (NAD) are one id (suppliers/identifiers.py).
    have_ids = set(PartnerIdentifier.objects.values_list("scheme", "family", "key"))
    idents = []
    for s in suppliers.values():
        for scheme, qualifier in (("edifact", "ZZ"), ("x12", "ZZ")):
            ident = PartnerIdentifier(
                profile=profiles[s.pk], scheme=scheme, qualifier=qualifier, value=s.number, status=PartnerIdentifier.Status.VERIFIED
            ).fill_key()
            if (ident.scheme, ident.family, ident.key) not in have_ids:
                idents.append(ident)
    PartnerIdentifier.objects.bulk_create(idents)  # master data from the hub itself: verified
    _user("admin", password, role=User.Role.ADMIN, is_staff=True, is_superuser=True)
    _user("hq", password, role=User.Role.HQ, is_staff=True)
    buyer = _user("buyer", password, role=User.Role.BUYER, is_staff=True)
    buyer.plants.set([plants["PLANT01"]])
    _user("supplier", password, role=User.Role.SUPPLIER, supplier=suppliers[supplier_number(1)])
    _user("supplier2", password, role=User.Role.SUPPLIER, supplier=suppliers[supplier_number(2)])
    return {"plants": len(plants), "suppliers": len(suppliers), "new_suppliers": len(new)}


def _user(username: str, password: str, **fields: object) -> User:
    user, _ = User.objects.update_or_create(username=username, defaults={"email": f"{username}@hub.example", **fields})
    user.set_password(password)
    user.save()
    return user


def demo_call_offs(today: dt.date | None = None) -> list[DeliverySchedule]:
    """A handful of call-offs from the plants for the demo suppliers 1 and 2."""
    today = today or dt.date.today()
    docs = []
    for n, (supplier, plant) in enumerate([(1, "PLANT01"), (1, "PLANT02"), (2, "PLANT01"), (2, "PLANT03"), (3, "PLANT01")], 1):
        lines = []
        for p in range(2):
            schedule = [
                ScheduleQuantity(
                    quantity=Decimal(200 * (k + 1) + 10 * n + p),
                    commitment="firm" if k < 2 else "forecast",
                    date=(today + dt.timedelta(days=7 * k)).isoformat(),
                )
                for k in range(6)
            ]
            lines.append(ScheduleLine(buyer_part=f"5Q0{n}{p}827", supplier_part=f"S-{n}{p}-4711", description=f"Bracket {n}{p}", order_number=f"PO{4500000 + n}", schedule=schedule))
        docs.append(
            DeliverySchedule(
                number=f"DEMO{today:%y%m%d}{n:02d}",
                issued=today.isoformat(),
                buyer=Party(id="OEM", name="OEM Group"),
                supplier=Party(id=supplier_number(supplier), name=f"Demo Supplier {supplier} GmbH"),
                ship_to=Party(id=plant, plant=plant),
                lines=lines,
            )
        )
    return docs


def seed_interchanges(*, user: User) -> Interchange | None:
    """Send today's demo call-offs through the real flow once (skipped when already there)."""
    docs = demo_call_offs()
    reference = f"DEMO{dt.date.today():%y%m%d}"
    if Interchange.objects.filter(channel=Interchange.Channel.DEMO, control_ref=reference).exists():
        return None
    data = EdifactCodec().render(docs, RenderOptions(sender_id="OEMPLANTS", receiver_id="SUPPLIERHUB", control_ref=reference))
    return _send(data, user, reference)


# -- life: what the overview and the staff home show on a fresh `make run` --------------------

LIFE_PARTS = {"late": "5Q0LIFE01", "short": "5Q0LIFE02"}


def life_call_offs(today: dt.date) -> list[DeliverySchedule]:
    """Call-offs with firm dates already passed (late ASNs), due today and tomorrow (missing or short ASNs)."""

    def line(part: str, days_and_quantities: list[tuple[int, int]]) -> ScheduleLine:
        schedule = [
            ScheduleQuantity(quantity=Decimal(q), commitment="firm", date=(today + dt.timedelta(days=d)).isoformat())
            for d, q in days_and_quantities
        ]
        return ScheduleLine(
            buyer_part=part, supplier_part=f"S-{part}", description="Door hinge", order_number="PO4500900", schedule=schedule
        )

    return [
        DeliverySchedule(
            number=f"LIFE{today:%y%m%d}{n:02d}",
            issued=(today - dt.timedelta(days=2)).isoformat(),
            buyer=Party(id="OEM", name="OEM Group"),
            supplier=Party(id=supplier_number(supplier), name=f"Demo Supplier {supplier} GmbH"),
            ship_to=Party(id=plant, plant=plant),
            lines=[line(LIFE_PARTS["late"], [(-2, 300), (-1, 300), (1, 300)]), line(LIFE_PARTS["short"], [(0, 120), (3, 120)])],
        )
        for n, (supplier, plant) in enumerate([(1, "PLANT01"), (2, "PLANT02"), (4, "PLANT04")], 1)
    ]


def seed_life(*, plant_user: User, supplier_user: User, other_supplier_user: User) -> bool:
    """Send today's demo activity through the real flow once: late and short ASNs, a refused file, a dead letter.

    - call-offs of PLANT01, PLANT02 and PLANT04 with firm dates already passed and no ASN
      (late), due tomorrow (missing), and one the supplier has not acknowledged for two days;
    - an ASN of SUP00001 for today that ships less than the call-off asks;
    - a file SUP00002 sends for PLANT01, which it does not supply: refused, and shown to
      PLANT01's buyer;
    - the delivery of PLANT01's call-off, refused by the plant (HTTP 400): a dead letter.

    Returns False when today's activity is there already.
    """
    from hub.dispatch import services as dispatch
    from hub.dispatch.connectors import Result
    from orders.models import DeliverySchedule as StoredSchedule

    today = dt.date.today()
    reference = f"LIFE{today:%y%m%d}"
    if Interchange.objects.filter(channel=Interchange.Channel.DEMO, control_ref=reference).exists():
        return False
    call_offs = life_call_offs(today)
    _send(
        EdifactCodec().render(call_offs, RenderOptions(sender_id="OEMPLANTS", receiver_id="SUPPLIERHUB", control_ref=reference)),
        plant_user,
        reference,
    )
    # The hub stamps a call-off when it arrives; the demo's first one arrived two days ago,
    # so it is overdue for the supplier's acknowledgement.
    StoredSchedule.objects.filter(number=call_offs[0].number, acknowledged_at__isnull=True).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    short = DespatchAdvice(
        number=f"DN{today:%y%m%d}01", issued=today.isoformat(), supplier=Party(id=supplier_number(1)), ship_to=Party(id="PLANT01", plant="PLANT01"),
        ship_date=today.isoformat(), arrival_date=today.isoformat(),
        lines=[DespatchLine(buyer_part=LIFE_PARTS["short"], quantity=Decimal(100), unit="C62", order_number="PO4500900")],
    )  # fmt: skip
    _send(
        EdifactCodec().render([short], RenderOptions(sender_id=supplier_number(1), receiver_id="SUPPLIERHUB", control_ref=f"A{reference}")),
        supplier_user,
        f"A{reference}",
    )
    stray = DespatchAdvice(
        number=f"DN{today:%y%m%d}02", issued=today.isoformat(), supplier=Party(id=supplier_number(2)), ship_to=Party(id="PLANT01", plant="PLANT01"),
        ship_date=today.isoformat(), arrival_date=today.isoformat(), lines=[DespatchLine(buyer_part="5Q0999999", quantity=Decimal(10), unit="C62")],
    )  # fmt: skip
    _send(
        EdifactCodec().render([stray], RenderOptions(sender_id=supplier_number(2), receiver_id="SUPPLIERHUB", control_ref=f"B{reference}")),
        other_supplier_user,
        f"B{reference}",
    )
    delivery = Delivery.objects.filter(document_number=call_offs[0].number, recipient=Delivery.Recipient.PLANT).first()
    claimed = dispatch._claim(delivery.pk) if delivery is not None else None
    if claimed is not None:
        refused = Result(
            status_code=400, excerpt="demo: the plant refused the document (seeded by seed_demo)", url=claimed.plant.endpoint_url
        )
        dispatch._record(claimed, refused, 1, timezone.now(), 0)
    return True


def _send(data: bytes, user: User, name: str) -> Interchange:
    """Receive ``data`` as ``user`` sent it (channel demo) and process it here and now."""
    interchange = interchange_receive(
        stream=io.BytesIO(data), channel=Interchange.Channel.DEMO, party=party_of_user(user), filename=f"{name}.edi"
    )
    interchange_process(interchange_id=interchange.pk)
    interchange.refresh_from_db()
    return interchange
