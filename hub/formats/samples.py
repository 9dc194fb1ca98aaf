"""Sample files of any size for demos, tests and benchmarks (``manage.py generate_sample``).

Every sample is a set of random but valid canonical documents, drawn from a
``random.Random(seed)`` (so a seed gives the same file byte for byte), rendered with the
registry's own codecs. The parties are the demo hub's (``seed_demo``): the plants send
as ``OEMPLANTS`` to ``SUPPLIERHUB``, suppliers are ``SUP00001``..``SUP00300`` and plants
``PLANT01``..``PLANT12``, so generated files route in the demo hub.

EDIFACT samples are written message by message (a 200 MB DELFOR costs no more memory
than a small one); the other formats are rendered by their codec in one piece.

Pure Python, no Django import: ``manage.py generate_sample`` runs without the web stack.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import BinaryIO

from hub.formats.base import RenderOptions
from hub.formats.canonical import (
    CumulativeQuantity,
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    Document,
    OrderLine,
    OrderResponse,
    Package,
    Party,
    PartyId,
    PurchaseOrder,
    Receipt,
    ResponseLine,
    ScheduleLine,
    ScheduleQuantity,
)

SENDER = "OEMPLANTS"
RECEIVER = "SUPPLIERHUB"
SUPPLIERS = 300
PLANTS = 12
BASE_DATE = dt.date(2026, 11, 23)  # a Monday; every date in a sample counts from it
GENERATED_AT = dt.datetime(2026, 11, 23, 6, 30, tzinfo=dt.UTC)  # envelope date and time

DESCRIPTIONS = ["Bracket", "Housing", "Cable harness", "Seal ring", "Bolt M8x30", "Hinge", "Sensor", "Clip", "Cover", "Bearing"]
PACKAGES = ["KLT4314", "KLT6428", "GLT1210", "PAL0001"]
CARRIERS = ["DHL", "DB SCHENKER", "KUEHNE NAGEL", "DSV"]


class Profile:
    """What a format can carry, so that every sample parses back without errors."""

    def __init__(self, *, max_lines: int = 3, max_schedule: int = 8, receipts: bool = True, vda: bool = False) -> None:
        self.max_lines = max_lines
        self.max_schedule = max_schedule
        self.receipts = receipts
        self.vda = vda


FULL = Profile()
VDA = Profile(max_lines=1, max_schedule=12, vda=True)


def _parties(rng: random.Random) -> tuple[Party, Party, Party, str]:
    supplier = f"SUP{rng.randint(1, SUPPLIERS):05d}"
    plant_no = rng.randint(1, PLANTS)
    plant = f"PLANT{plant_no:02d}"
    buyer = Party(id=SENDER, name="OEM Plants Group")
    return (
        buyer,
        Party(id=supplier, name=f"Supplier {supplier[3:]} GmbH"),
        Party(id=plant, plant=plant, unloading_point=f"G{plant_no:02d}"),
        supplier,
    )


def _part(rng: random.Random) -> tuple[str, str, str]:
    number = rng.randint(10000, 99999)
    return f"{number}-{rng.choice('ABCDEFGH')}", f"S{number}{rng.randint(0, 9)}", rng.choice(DESCRIPTIONS)


def _day(offset: int) -> str:
    return (BASE_DATE + dt.timedelta(days=offset)).isoformat()


def delivery_schedule(rng: random.Random, index: int, kind: str = "standard", profile: Profile = FULL) -> DeliverySchedule:
    """A call-off with 1..max_lines parts, each with a cumulative, a receipt and weekly (JIT: daily) quantities."""
    buyer, supplier, ship_to, supplier_id = _parties(rng)
    if profile.vda:
        ship_to = Party(id=ship_to.id[-3:], plant=ship_to.id[-3:], unloading_point=ship_to.unloading_point)  # 512 plant: 3 characters
    doc = DeliverySchedule(
        kind=kind,
        number=f"CO{index:07d}",
        issued=_day(0),
        sender=PartyId(scheme="ZZ", id=SENDER),
        receiver=PartyId(scheme="ZZ", id=supplier_id),
        buyer=buyer,
        supplier=supplier,
        ship_to=ship_to,
        previous_number=f"CO{index - 1:07d}" if index > 1 and rng.random() < 0.5 else "",
    )
    step = 1 if kind == "jit" else 7
    for _ in range(rng.randint(1, profile.max_lines)):
        buyer_part, supplier_part, description = _part(rng)
        line = ScheduleLine(
            buyer_part=buyer_part,
            supplier_part=supplier_part,
            description="" if profile.vda else description,
            unit="C62",
            order_number=f"PO{rng.randint(100000, 999999)}",
        )
        cumulative = rng.randint(100, 99999) * 10
        if profile.receipts:
            line.cumulative_received = CumulativeQuantity(quantity=Decimal(cumulative), date=_day(-1))
            line.last_receipts.append(
                Receipt(delivery_note=f"{rng.randint(1, 99999999):08d}", date=_day(-3), quantity=Decimal(rng.randint(1, 50) * 10))
            )
        for k in range(rng.randint(2, profile.max_schedule)):
            commitment = "firm" if k < 2 else ("production" if k < 4 else "forecast")
            line.schedule.append(
                ScheduleQuantity(quantity=Decimal(rng.randint(1, 200) * 10), commitment=commitment, date=_day(1 + k * step))
            )
        doc.lines.append(line)
    return doc


def despatch_advice(rng: random.Random, index: int, profile: Profile = FULL) -> DespatchAdvice:
    """An ASN from a supplier to a plant: one to max_lines parts, packed in labelled containers."""
    buyer, supplier, ship_to, supplier_id = _parties(rng)
    if profile.vda:
        ship_to = Party(id=ship_to.id[-3:], plant=ship_to.id[-3:], unloading_point=ship_to.unloading_point)
    doc = DespatchAdvice(
        number=str(index) if profile.vda else f"DN{index:07d}",
        issued=_day(0),
        sender=PartyId(scheme="ZZ", id=supplier_id),
        receiver=PartyId(scheme="ZZ", id=RECEIVER),
        buyer=buyer,
        supplier=supplier,
        ship_to=ship_to,
        ship_date=_day(0),
        arrival_date=_day(1),
        carrier=rng.choice(CARRIERS),
        transport_id=f"B-{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')} {rng.randint(100, 9999)}",
        gross_weight=Decimal(rng.randint(50, 9000)),
    )
    order = f"PO{rng.randint(100000, 999999)}"
    for _ in range(rng.randint(1, profile.max_lines)):
        buyer_part, supplier_part, _description = _part(rng)
        count = rng.randint(1, 6)
        capacity = rng.choice((10, 20, 50, 100))
        first = rng.randint(10**8, 10**9 - 10)
        doc.packages.append(Package(type=rng.choice(PACKAGES), count=count, label_ids=[str(first + n) for n in range(count)]))
        doc.lines.append(
            DespatchLine(
                buyer_part=buyer_part,
                supplier_part=supplier_part,
                quantity=Decimal(count * capacity),
                unit="C62",
                order_number=order,
                batch=f"B{rng.randint(1000, 9999)}",
            )
        )
    return doc


def purchase_order(rng: random.Random, index: int, profile: Profile = FULL) -> PurchaseOrder:
    """An order from a plant to a supplier with priced lines."""
    buyer, supplier, ship_to, supplier_id = _parties(rng)
    doc = PurchaseOrder(
        number=f"PO{index:07d}",
        issued=_day(0),
        sender=PartyId(scheme="ZZ", id=SENDER),
        receiver=PartyId(scheme="ZZ", id=supplier_id),
        buyer=buyer,
        supplier=supplier,
        ship_to=ship_to,
        currency="EUR",
    )
    for n in range(1, rng.randint(1, profile.max_lines) + 1):
        buyer_part, supplier_part, description = _part(rng)
        doc.lines.append(
            OrderLine(
                line=str(n),
                buyer_part=buyer_part,
                supplier_part=supplier_part,
                description=description,
                quantity=Decimal(rng.randint(1, 500) * 10),
                unit="C62",
                price=Decimal(rng.randint(10, 99999)) / 100,
                requested_date=_day(7 + rng.randint(0, 30)),
            )
        )
    return doc


def order_response(rng: random.Random, index: int, profile: Profile = FULL) -> OrderResponse:
    """A supplier's answer to an order: accepted, or changed on one line."""
    buyer, supplier, ship_to, supplier_id = _parties(rng)
    changed = rng.random() < 0.3
    doc = OrderResponse(
        number=f"OR{index:07d}",
        issued=_day(1),
        sender=PartyId(scheme="ZZ", id=supplier_id),
        receiver=PartyId(scheme="ZZ", id=RECEIVER),
        buyer=buyer,
        supplier=supplier,
        ship_to=ship_to,
        order_number=f"PO{index:07d}",
        status="changed" if changed else "accepted",
    )
    for n in range(1, rng.randint(1, profile.max_lines) + 1):
        buyer_part, supplier_part, _description = _part(rng)
        status = "changed" if changed and n == 1 else "accepted"
        doc.lines.append(
            ResponseLine(
                line=str(n),
                buyer_part=buyer_part,
                supplier_part=supplier_part,
                quantity=Decimal(rng.randint(1, 500) * 10),
                unit="C62",
                status=status,
                date=_day(10),
            )
        )
    return doc


Builder = Callable[[random.Random, int], Document]


def _calloffs(kind: str, profile: Profile = FULL) -> Builder:
    return lambda rng, index: delivery_schedule(rng, index, kind, profile)


def _with(builder: Callable[..., Document], profile: Profile = FULL) -> Builder:
    return lambda rng, index: builder(rng, index, profile)


# format name -> (codec, document builder, RenderOptions.version)
SAMPLES: dict[str, tuple[str, Builder, str]] = {
    "edifact-delfor": ("edifact", _calloffs("standard"), "DELFOR D:96A"),
    "edifact-deljit": ("edifact", _calloffs("jit"), "DELJIT D:96A"),
    "edifact-desadv": ("edifact", _with(despatch_advice), "D:96A"),
    "edifact-orders": ("edifact", _with(purchase_order), "D:96A"),
    "edifact-ordrsp": ("edifact", _with(order_response), "D:96A"),
    "x12-830": ("x12", _calloffs("standard"), "004010"),
    "x12-862": ("x12", _calloffs("jit"), "004010"),
    "x12-856": ("x12", _with(despatch_advice), "004010"),
    "x12-850": ("x12", _with(purchase_order), "004010"),
    "x12-855": ("x12", _with(order_response), "004010"),
    "vda-4905": ("vda", _calloffs("standard", VDA), ""),
    "vda-4915": ("vda", _calloffs("jit", VDA), ""),
    "vda-4913": ("vda", _with(despatch_advice, VDA), ""),
    "xml": ("xml", _calloffs("standard"), ""),
    "ubl-order": ("ubl", _with(purchase_order), ""),
    "ubl-orderresponse": ("ubl", _with(order_response), ""),
    "ubl-despatchadvice": ("ubl", _with(despatch_advice), ""),
    "cxml-orderrequest": ("cxml", _with(purchase_order), ""),
    "cxml-shipnoticerequest": ("cxml", _with(despatch_advice), ""),
    "idoc-orders": ("idoc", _with(purchase_order), "ORDERS05"),
    "idoc-delfor": ("idoc", _calloffs("standard"), "DELFOR02"),
    "idoc-desadv": ("idoc", _with(despatch_advice), "DELVRY03"),
    "idoc-xml-orders": ("idoc-xml", _with(purchase_order), "ORDERS05"),
    "idoc-xml-delfor": ("idoc-xml", _calloffs("standard"), "DELFOR02"),
    "idoc-xml-desadv": ("idoc-xml", _with(despatch_advice), "DELVRY03"),
    "csv": ("csv", _calloffs("standard"), ""),
    "xlsx": ("xlsx", _calloffs("standard"), ""),
}
# Formats whose files hold exactly one document.
SINGLE_DOCUMENT = ("ubl", "cxml")
ALIASES = {
    "edifact": "edifact-delfor",
    "x12": "x12-830",
    "vda": "vda-4905",
    "hub-xml": "xml",
    "hubxml": "xml",
    "ubl": "ubl-order",
    "cxml": "cxml-orderrequest",
    "idoc": "idoc-orders",
    "idoc-xml": "idoc-xml-orders",
    "csv-delivery_schedule": "csv",
    "xlsx-delivery_schedule": "xlsx",
}


def resolve(fmt: str) -> str:
    """The sample name for ``fmt`` (``edifact-delfor``, ``EDIFACT-DELFOR``, ``x12`` ...); ValueError if unknown."""
    name = fmt.strip().lower().replace("_", "-").replace(" ", "-")
    name = ALIASES.get(name, name)
    if name not in SAMPLES:
        raise ValueError(f"unknown sample format '{fmt}'; known: {', '.join(sorted(SAMPLES))}")
    return name


def documents(fmt: str, messages: int, seed: int = 1) -> Iterator[Document]:
    """The ``messages`` canonical documents of a sample, one by one."""
    _codec, builder, _version = SAMPLES[resolve(fmt)]
    rng = random.Random(f"{resolve(fmt)}:{seed}")
    for index in range(1, messages + 1):
        yield builder(rng, index)


def options(fmt: str, seed: int = 1) -> RenderOptions:
    """Envelope values of a sample: OEMPLANTS -> SUPPLIERHUB (suppliers' messages the other way round)."""
    name = resolve(fmt)
    _codec, builder, version = SAMPLES[name]
    inbound = name.endswith(("desadv", "ordrsp", "856", "855", "4913", "despatchadvice", "orderresponse", "shipnoticerequest"))
    sender, receiver = ("SUP00001", RECEIVER) if inbound else (SENDER, RECEIVER)
    return RenderOptions(sender_id=sender, receiver_id=receiver, control_ref=str(seed % 100_000 or 1), version=version, now=GENERATED_AT)


def write(fmt: str, messages: int, out: BinaryIO, seed: int = 1) -> int:
    """Write a sample of ``messages`` documents to ``out``; return the bytes written."""
    name = resolve(fmt)
    if messages < 1:
        raise ValueError("a sample needs at least one message")
    codec_name = SAMPLES[name][0]
    if codec_name == "edifact":
        return _write_edifact(name, messages, out, seed)
    if codec_name in SINGLE_DOCUMENT and messages > 1:
        raise ValueError(f"{codec_name.upper()} carries one document per file: use write_files() for {messages} documents")
    from hub.formats import registry

    data = registry.get(codec_name).render(list(documents(name, messages, seed)), options(name, seed))
    out.write(data)
    return len(data)


def write_files(fmt: str, messages: int, path: str, seed: int = 1) -> list[str]:
    """Write a sample to ``path``; formats with one document per file (UBL, cXML) get
    ``messages`` files named ``stem-00001.ext`` .. instead. Returns the paths written."""
    import os

    name = resolve(fmt)
    if SAMPLES[name][0] not in SINGLE_DOCUMENT or messages == 1:
        with open(path, "wb") as fh:
            write(name, messages, fh, seed)
        return [path]
    from hub.formats import registry

    codec = registry.get(SAMPLES[name][0])
    stem, ext = os.path.splitext(path)
    paths = []
    for index, doc in enumerate(documents(name, messages, seed), 1):
        target = f"{stem}-{index:05d}{ext or '.xml'}"
        with open(target, "wb") as fh:
            fh.write(codec.render([doc], options(name, seed)))
        paths.append(target)
    return paths


def _write_edifact(name: str, messages: int, out: BinaryIO, seed: int) -> int:
    """One UNOC interchange written message by message: memory stays flat for any size."""
    from hub.formats.edifact.codec import render_choice
    from hub.formats.edifact.messages import MESSAGE_RENDERERS, message_type_for
    from hub.formats.edifact.messages.common import write_segment
    from hub.formats.edifact.render import unb_date
    from hub.formats.edifact.syntax import DEFAULT

    opts = options(name, seed)
    preferred, directory = render_choice(opts.version)
    seps = DEFAULT
    control = f"S{seed:08d}"[-14:]
    unb = write_segment(
        seps, "UNB", ["UNOC", "3"], [opts.sender_id, "ZZ"], [opts.receiver_id, "ZZ"], unb_date(GENERATED_AT, "3"), [control]
    )
    written = 0
    batch: list[str] = [seps.as_una(), unb]
    for index, doc in enumerate(documents(name, messages, seed), 1):
        msg_type = message_type_for(doc, preferred)
        batch.extend(MESSAGE_RENDERERS[msg_type](doc, str(index), seps, directory or "D:96A:UN"))
        if len(batch) > 2000:
            written += out.write(("\n".join(batch) + "\n").encode("iso8859_1"))
            batch = []
    batch.append(write_segment(seps, "UNZ", str(messages), [control]))
    written += out.write(("\n".join(batch) + "\n").encode("iso8859_1"))
    return written
