"""Services for the persisted documents: call-offs (store, supersede), despatch advices,
purchase orders and order responses; each stores what was routed and hands it to the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from hub.formats.canonical import DeliverySchedule as CanonicalSchedule
from hub.formats.canonical import DespatchAdvice as CanonicalDespatch
from hub.formats.canonical import OrderResponse as CanonicalResponse
from hub.formats.canonical import PurchaseOrder as CanonicalOrder
from hub.formats.canonical import to_json
from orders.models import (
    DeliverySchedule,
    DespatchAdvice,
    DespatchLine,
    OrderLine,
    OrderResponse,
    PurchaseOrder,
    ScheduleLine,
    ScheduleQuantity,
)

if TYPE_CHECKING:
    from hub.ingest.services import Routed
    from hub.models import Interchange


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(value[:10])


def _stored(interchange: Interchange, item: Routed) -> dict:
    """The fields every stored document takes from its interchange and routing."""
    doc = item.document
    return {
        "interchange": interchange,
        "supplier": item.supplier,
        "plant": item.plant,
        "issued": _date(doc.issued),
        "message_ref": item.message_ref[:40],
        "document": to_json(doc),
    }


@transaction.atomic
def schedules_apply(*, interchange: Interchange, routed: Sequence[Routed]) -> list[DeliverySchedule]:
    """Store routed call-offs, supersede older ones per supplier/plant/part, add outbox rows.

    One transaction with the caller's: either every call-off of the interchange is
    stored with its deliveries, or none is. A call-off older (by issue date) than the
    current one for a part arrives already superseded for that part.
    """
    from hub.dispatch.services import deliveries_supersede, outbox_add

    schedules: list[DeliverySchedule] = []
    lines: list[ScheduleLine] = []
    quantities: list[tuple[ScheduleLine, list[ScheduleQuantity]]] = []
    for item in routed:
        doc = item.document
        assert isinstance(doc, CanonicalSchedule)
        schedule = DeliverySchedule(
            number=doc.number[:80],
            kind=doc.kind,
            previous_number=doc.previous_number[:80],
            **_stored(interchange, item),
        )
        schedules.append(schedule)
        for position, line in enumerate(doc.lines, 1):
            row = ScheduleLine(
                schedule=schedule,
                position=position,
                buyer_part=(line.buyer_part or line.supplier_part)[:80],
                supplier_part=line.supplier_part[:80],
                description=line.description[:200],
                unit=line.unit[:8],
                order_number=line.order_number[:80],
                unloading_point=line.unloading_point[:40],
                cumulative_received=line.cumulative_received.quantity if line.cumulative_received else None,
                cumulative_received_date=_date(line.cumulative_received.date) if line.cumulative_received else None,
            )
            lines.append(row)
            quantities.append(
                (
                    row,
                    [
                        ScheduleQuantity(
                            quantity=q.quantity, commitment=q.commitment, date=_date(q.date), date_from=_date(q.from_), date_to=_date(q.to)
                        )
                        for q in line.schedule
                    ],
                )
            )
    DeliverySchedule.objects.bulk_create(schedules)
    ScheduleLine.objects.bulk_create(lines)
    batch: list[ScheduleQuantity] = []
    for row, items in quantities:
        for q in items:
            q.line = row
            batch.append(q)
    ScheduleQuantity.objects.bulk_create(batch, batch_size=2000)
    parts: dict = {}
    for row in lines:
        parts.setdefault(row.schedule.pk, []).append(row.buyer_part)
    superseded = _supersede(schedules, parts)
    outbox_add(documents=[s for s in schedules if s.pk not in superseded])
    if superseded:
        deliveries_supersede(document_ids=superseded)
    return schedules


def _supersede(new: list[DeliverySchedule], parts_of: dict) -> set:
    """Mark older lines for the same supplier/plant/part superseded; return fully superseded schedule ids."""
    touched: set = set()
    new_ids = {s.pk for s in new}
    for schedule in sorted(new, key=lambda s: (s.issued or dt.date.min, s.created_at or timezone.now())):
        parts = parts_of.get(schedule.pk, [])
        older = (
            ScheduleLine.objects.filter(
                schedule__supplier=schedule.supplier,
                schedule__plant=schedule.plant,
                buyer_part__in=parts,
                superseded_by__isnull=True,
            )
            .exclude(schedule=schedule)
            .select_related("schedule")
        )
        for line in older:
            other = line.schedule
            newer_other = (other.issued or dt.date.min) > (schedule.issued or dt.date.min)
            if newer_other and other.pk not in new_ids:
                # The one we hold is newer: the arriving line is the stale one.
                ScheduleLine.objects.filter(schedule=schedule, buyer_part=line.buyer_part).update(superseded_by=other)
                touched.add(schedule.pk)
            else:
                ScheduleLine.objects.filter(pk=line.pk).update(superseded_by=schedule)
                touched.add(other.pk)
    done = set()
    for pk in touched:
        if not ScheduleLine.objects.filter(schedule_id=pk, superseded_by__isnull=True).exists():
            done.add(pk)
    if done:
        DeliverySchedule.objects.filter(pk__in=done).update(status=DeliverySchedule.Status.SUPERSEDED)
    return done


@transaction.atomic
def despatch_advices_apply(*, interchange: Interchange, routed: Sequence[Routed]) -> list[DespatchAdvice]:
    """Store routed ASNs with their lines and add one delivery each, to the plant they ship to."""
    from hub.dispatch.services import outbox_add

    advices: list[DespatchAdvice] = []
    lines: list[DespatchLine] = []
    for item in routed:
        doc = item.document
        assert isinstance(doc, CanonicalDespatch)
        advice = DespatchAdvice(
            number=doc.number[:80],
            ship_date=_date(doc.ship_date),
            arrival_date=_date(doc.arrival_date),
            **_stored(interchange, item),
        )
        advices.append(advice)
        lines += [
            DespatchLine(
                despatch_advice=advice,
                position=position,
                buyer_part=(line.buyer_part or line.supplier_part)[:80],
                supplier_part=line.supplier_part[:80],
                quantity=line.quantity,
                unit=line.unit[:8],
                order_number=line.order_number[:80],
                batch=line.batch[:80],
            )
            for position, line in enumerate(doc.lines, 1)
        ]
    DespatchAdvice.objects.bulk_create(advices)
    DespatchLine.objects.bulk_create(lines, batch_size=2000)
    outbox_add(documents=advices)
    return advices


@transaction.atomic
def purchase_orders_apply(*, interchange: Interchange, routed: Sequence[Routed]) -> list[PurchaseOrder]:
    """Store routed purchase orders with their lines and add one delivery each, to the supplier."""
    from hub.dispatch.services import outbox_add

    orders: list[PurchaseOrder] = []
    lines: list[OrderLine] = []
    for item in routed:
        doc = item.document
        assert isinstance(doc, CanonicalOrder)
        order = PurchaseOrder(
            number=doc.number[:80],
            currency=doc.currency[:3],
            **_stored(interchange, item),
        )
        orders.append(order)
        lines += [
            OrderLine(
                order=order,
                position=position,
                line=line.line[:20],
                buyer_part=(line.buyer_part or line.supplier_part)[:80],
                supplier_part=line.supplier_part[:80],
                quantity=line.quantity,
                unit=line.unit[:8],
                price=line.price,
                requested_date=_date(line.requested_date),
            )
            for position, line in enumerate(doc.lines, 1)
        ]
    PurchaseOrder.objects.bulk_create(orders)
    OrderLine.objects.bulk_create(lines, batch_size=2000)
    outbox_add(documents=orders)
    return orders


@transaction.atomic
def order_responses_apply(*, interchange: Interchange, routed: Sequence[Routed]) -> list[OrderResponse]:
    """Store routed order responses, linked to the order they answer, and send each to its plant."""
    from hub.dispatch.services import outbox_add
    from orders.selectors import purchase_orders_by_number

    docs = [item.document for item in routed]
    known = purchase_orders_by_number(numbers={d.order_number for d in docs if isinstance(d, CanonicalResponse)})
    responses: list[OrderResponse] = []
    for item in routed:
        doc = item.document
        assert isinstance(doc, CanonicalResponse)
        order = known.get((doc.order_number, item.supplier.pk))
        responses.append(
            OrderResponse(
                number=(doc.number or doc.order_number)[:80],
                order_number=doc.order_number[:80],
                order=order,
                status=doc.status if doc.status in OrderResponse.Status.values else OrderResponse.Status.CHANGED,
                **_stored(interchange, item),
            )
        )
    OrderResponse.objects.bulk_create(responses)
    outbox_add(documents=responses)
    return responses
