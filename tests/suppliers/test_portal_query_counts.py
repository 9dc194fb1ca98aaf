"""Every portal page makes as many queries for a supplier with 30 parts as for one with 3.

Issue #12: a supplier with 5,000 parts and two years of call-offs gets every page in under
300 ms. The time is measured on group-size data (bench/portal_pages.py); what a test can
hold is the shape: no page's round trips grow with parts, call-offs, versions, ASNs, files
or inbox documents. Each page is counted once on a small supplier, then again after the
same supplier got ten times the parts and more of everything.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub.dispatch.services import delivery_send
from hub.models import Delivery, Interchange
from orders.calloffs import call_off_versions
from orders.models import DeliverySchedule, DespatchAdvice
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact

pytestmark = pytest.mark.django_db


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).strftime("%Y%m%d")


def grow(receive_and_process, world, *, prefix: str, parts: int, versions: int, asns: int) -> None:
    """``versions`` call-offs of ``parts`` parts for SUP00001 at PLANT01 (each naming the one before), ASNs, a rejected file, inbox documents."""
    admin, supplier = world["users"]["admin"], world["users"]["supplier"]
    previous = ""
    for v in range(versions):
        number = f"{prefix}CO{v}"
        lines = [(f"{prefix}{i:04d}", ((str(10 + v + i), "1", day(2)), (str(100 + i), "4", day(20)))) for i in range(parts)]
        extra = [f"RFF+AIF:{previous}"] if previous else []
        receive_and_process(
            delfor([message("1", number, parts=lines, issued=day(-10 + v), extra_header=extra)], ref=f"{prefix}R{v}"), admin
        )
        previous = number
    for n in range(asns):
        receive_and_process(edifact([asn(f"{prefix}DN{n}", part=f"{prefix}{n:04d}")], ref=f"{prefix}S{n}"), supplier)
    receive_and_process(f"UNB+broken {prefix}".encode(), supplier)
    for d in Delivery.objects.filter(recipient="supplier", status="pending"):
        delivery_send(delivery_id=d.pk)


def _newest(qs):
    return qs.order_by("-created_at").first()


def _pages(world) -> dict[str, str]:
    """Every portal page of SUP00001, on its newest call-off, ASN, file and inbox document."""
    mine = DeliverySchedule.objects.filter(supplier__number="SUP00001")
    current = _newest(mine.filter(status="current"))
    oldest = call_off_versions(schedule=current).last()
    part = current.lines.order_by("position").first().buyer_part
    advice = _newest(DespatchAdvice.objects.filter(supplier__number="SUP00001"))
    files = Interchange.objects.filter(sender_supplier__number="SUP00001")
    good = files.filter(status="processed").order_by("-received_at").first()
    bad = files.filter(status="failed").order_by("-received_at").first()
    inbox = (
        Delivery.objects.filter(supplier__number="SUP00001", recipient="supplier", connector="portal", status="delivered")
        .order_by("-pk")
        .first()
    )
    plant = current.plant_id
    return {
        "dashboard": "/portal/",
        "call-off list": "/portal/call-offs/",
        "call-off list, all": "/portal/call-offs/?status=all",
        "call-off list, filtered": f"/portal/call-offs/?status=all&plant={plant}&part={part}&q={part[-3:]}&issued_from=2020-01-01",
        "call-off grid": f"/portal/call-offs/{current.pk}/",
        "call-off grid, search": f"/portal/call-offs/{current.pk}/?q={part}",
        "call-off grid vs oldest": f"/portal/call-offs/{current.pk}/?from={oldest.pk}",
        "superseded call-off": f"/portal/call-offs/{oldest.pk}/",
        "plant grid": f"/portal/call-offs/plant/?plant={plant}",
        "export csv": f"/portal/call-offs/{current.pk}/export.csv",
        "export xlsx": f"/portal/call-offs/{current.pk}/export.xlsx",
        "export pdf": f"/portal/call-offs/{current.pk}/export.pdf",
        "plant grid export": f"/portal/call-offs/plant/export.csv?plant={plant}",
        "ASN list": "/portal/despatch-advices/",
        "ASN form from call-off": f"/portal/despatch-advices/new/?call_off={current.pk}",
        "ASN form copy": f"/portal/despatch-advices/new/?copy={advice.pk}",
        "ASN detail": f"/portal/despatch-advices/{advice.pk}/",
        "inbox": "/portal/inbox/",
        "inbox, unread": "/portal/inbox/?state=unread",
        "inbox download": f"/portal/inbox/{inbox.pk}/download",
        "files": "/portal/interchanges/",
        "file accepted": f"/portal/interchanges/{good.pk}/",
        "file rejected": f"/portal/interchanges/{bad.pk}/",
        "account": "/portal/account/",
        "tokens": "/portal/tokens/",
    }


def _counts(client, pages: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(ctx.captured_queries)
    return counts


def test_no_portal_page_makes_more_queries_for_more_parts_call_offs_and_files(client, world, receive_and_process):
    grow(receive_and_process, world, prefix="S", parts=3, versions=2, asns=1)
    client.force_login(world["users"]["supplier"])
    small = _counts(client, _pages(world))
    grow(receive_and_process, world, prefix="L", parts=30, versions=4, asns=6)
    large = _counts(client, _pages(world))
    assert {name: (small[name], large[name]) for name in small if small[name] != large[name]} == {}


def test_the_api_call_off_list_and_detail_make_as_many_queries_for_30_parts_as_for_3(client, world, receive_and_process):
    from suppliers.services import token_issue

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=world['users']['supplier'])}"}

    def counts() -> list[int]:
        current = _newest(DeliverySchedule.objects.filter(supplier__number="SUP00001", status="current"))
        found = []
        for url in ("/api/v1/call-offs/?status=current", "/api/v1/call-offs/", f"/api/v1/call-offs/{current.pk}/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, **bearer).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    grow(receive_and_process, world, prefix="S", parts=3, versions=2, asns=0)
    client.get("/api/v1/call-offs/", **bearer)  # the token's first use records it (once, not per page)
    small = counts()
    grow(receive_and_process, world, prefix="L", parts=30, versions=4, asns=0)
    assert counts() == small


def test_the_staff_supplier_search_shows_no_full_table_count(client, world):
    client.force_login(world["users"]["admin"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/admin/suppliers/supplier/?q=SUP00001")
    assert page.status_code == 200 and "SUP00001" in page.content.decode()
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIKE" in counts[0].upper()  # the matches counted, never the whole table
