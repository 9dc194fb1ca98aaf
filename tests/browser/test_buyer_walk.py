"""A PLANT01 buyer's morning in Debian's chromium, with a real Celery worker and a real plant receiver.

One walk, in the order a buyer works, clicking where a buyer clicks from ``/staff/overview/``:
drill from the late-ASN number into the late delivery; from the dead-lettered number to the
dead letter, retry it and see the plant receive it; from the failed-files number to the
refused file, reprocess it after seeing the before/after diff, and see its ASN reach the
plant; correct the late call-off and see the correction delivered to the plant and the
supplier. Then headquarters sees every plant and a PLANT01 buyer nothing of PLANT02.
Screenshots of each staff page go to ``var/screenshots/`` (``tests/browser/artifacts.py``).
"""

from __future__ import annotations

import pytest

from hub.dispatch.services import delivery_send
from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule
from tests.browser.artifacts import shot
from tests.integration.conftest import real_services, wait_until, workers  # noqa: F401 - fixtures
from tests.staff.scenario import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 180_000  # a generous bound for a busy 2-core machine; pages that follow work poll every second
PLANT_SECRET = "the-receiver-wants-signed-requests"


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


def _send_waiting(plant: bool) -> None:
    """Do what the dispatch worker does with every waiting delivery (to plants, or to suppliers), here and now."""
    recipient = Delivery.Recipient.PLANT if plant else Delivery.Recipient.SUPPLIER
    for _round in range(5):  # a delivery may wait for an earlier one of its supplier and plant
        waiting = list(Delivery.objects.filter(recipient=recipient, status=Delivery.Status.PENDING).values_list("pk", flat=True))
        if not waiting:
            return
        for pk in waiting:
            delivery_send(delivery_id=pk)


@pytest.fixture
def morning(world, settings, plant_server, real_services):  # noqa: F811 - the fixture
    """The scenario's files (a late ASN, a refused ASN naming PLANT01); the plants' deliveries dead-lettered.

    The plants' receiver (the real simulator) refused unsigned requests (401, final) while
    the hub sent the scenario's documents, so PLANT01's call-off and ASN are dead letters;
    since then the plant's receiver takes them. SUP00002's profile now lists PLANT01, so its
    refused ASN would pass: the buyer is to reprocess it.
    """
    settings.HUB_OVERVIEW_REFRESH_SECONDS = 600  # no table swapped under the buyer's click; the refresh has its own test
    for plant in Plant.objects.all():
        Plant.objects.filter(pk=plant.pk).update(endpoint_url=f"{plant_server.url}/plants/{plant.code}")
    plant_server.secret = PLANT_SECRET
    files = seed(world)
    _send_waiting(plant=True)
    _send_waiting(plant=False)
    asn = Delivery.objects.get(document_number="ASN-P1", recipient=Delivery.Recipient.PLANT)
    assert asn.status == Delivery.Status.DEAD and "401" in asn.last_error, asn.last_error
    plant_server.secret = ""
    world["suppliers"][1].plants.add(world["plants"][0])
    return {**files, "asn_delivery": asn, "plant": plant_server}


def test_a_buyer_walks_from_the_overview_through_every_repair(page_for, morning, workers, live_server):  # noqa: F811 - the fixture
    workers.start(concurrency=1)
    plant = morning["plant"]
    page = page_for("buyer")
    problems = _watch_csp(page)
    page.goto(f"{live_server.url}/staff/overview/")
    table = page.locator("#overview-table")
    assert table.locator("tbody tr[data-plant]").evaluate_all("rows => rows.map(r => r.dataset.plant)") == ["PLANT01"]
    row = table.locator("tr[data-plant=PLANT01]")
    assert row.locator("td[data-figure=despatch_advices_late] a").first.inner_text() == "1"
    assert row.locator("td[data-figure=deliveries_dead_24h] a").first.inner_text() == "2"  # the call-off and the ASN
    assert row.locator("td[data-figure=interchanges_failed_24h] a").first.inner_text() == "1"
    shot(page, "staff-overview")

    # 1. The late delivery: the number, the list behind it, the call-off with its part.
    row.locator("td[data-figure=despatch_advices_late] a").first.click()
    page.wait_for_url("**/staff/overview/despatch_advices_late/?plant=PLANT01")
    late = page.locator("#figure-rows tbody tr")
    assert late.count() == 1 and "P1" in late.inner_text() and "70" in late.inner_text()
    shot(page, "staff-late-asns")
    late.locator("a", has_text="CO-P1").click()
    page.wait_for_url("**/portal/call-offs/*/?q=P1")
    grid = page.inner_text("#call-off-grid")
    assert "P1" in grid and "P2" not in grid and "70" in grid  # the part alone, its overdue quantity among its dates
    shot(page, "staff-late-call-off")

    # 2. The dead letter: retried from its page, received by the plant under its first key.
    page.click("#site-nav a[href='/staff/overview/']")
    page.wait_for_url("**/staff/overview/")
    page.locator("#overview-table tr[data-plant=PLANT01] td[data-figure=deliveries_dead_24h] a").first.click()
    page.wait_for_url("**/staff/overview/deliveries_dead_24h/?plant=PLANT01")
    assert "ASN-P1" in page.inner_text("#figure-rows") and "401" in page.inner_text("#figure-rows")
    shot(page, "staff-dead-letters")
    page.locator("#figure-rows a", has_text="ASN-P1").click()
    delivery = morning["asn_delivery"]
    page.wait_for_url(f"**/admin/hub/delivery/{delivery.pk}/change/")
    assert page.inner_text(".field-status .readonly") == "dead-lettered"
    shot(page, "staff-dead-letter")
    page.click("#retry-button")
    page.wait_for_url(f"**/admin/hub/delivery/{delivery.pk}/change/")
    assert "queued again" in page.inner_text(".messagelist")

    def shown_delivered() -> bool:
        page.reload()
        return page.inner_text(".field-status .readonly") == "delivered"

    wait_until(shown_delivered, stall=180, what="the retried delivery shown as delivered")
    assert page.locator("#retry-button").count() == 0  # nothing left to retry
    received = [line for line in plant.lines() if line["idempotency_key"] == str(delivery.idempotency_key)]
    assert len(received) == 1 and received[0]["applied"] is True
    shot(page, "staff-dead-letter-delivered")

    # 3. The refused file: from the number to the diff, confirmed, processed, its ASN at the plant.
    page.click("#admin-overview-link")
    page.wait_for_url("**/staff/overview/")
    page.locator("#overview-table tr[data-plant=PLANT01] td[data-figure=interchanges_failed_24h] a").first.click()
    page.wait_for_url("**/staff/overview/interchanges_failed_24h/?plant=PLANT01")
    refused = morning["refused"]
    page.click(f"#figure-rows tr[data-interchange='{refused.pk}'] a.reprocess-link")
    page.wait_for_url(f"**/admin/hub/interchange/{refused.pk}/reprocess/")
    added = page.locator('section.document-change[data-key="despatch_advice ASN-BAD"]')
    assert added.get_attribute("data-change") == "added" and "ASN-BAD" in added.locator("pre.diff").inner_text()
    assert "PLANT01" in page.inner_text("#errors-before") and page.locator("#errors-after li").inner_text() == "none"
    shot(page, "staff-reprocess-diff")
    page.click("#reprocess-confirm input[type=submit]")
    page.wait_for_url(f"**/admin/hub/interchange/{refused.pk}/change/")
    assert "processed again" in page.inner_text(".messagelist")
    page.click("#file-page-link")
    page.wait_for_url(f"**/portal/interchanges/{refused.pk}/")
    page.wait_for_selector('#interchange-state[data-status="processed"]', timeout=WAIT_MS)
    page.wait_for_selector('#plant-outcomes tr[data-outcome="delivered"]', timeout=WAIT_MS)
    assert "ASN-BAD" in page.inner_text("#plant-outcomes") and "delivered to the plant" in page.inner_text("#plant-outcomes")
    shot(page, "staff-reprocessed-file")

    # 4. The call-off correction: from the late call-off, through the prefilled form, to the plant and the supplier.
    page.click("#site-nav a[href='/staff/overview/']")
    page.wait_for_url("**/staff/overview/")
    page.locator("#overview-table tr[data-plant=PLANT01] td[data-figure=despatch_advices_late] a").first.click()
    page.wait_for_url("**/staff/overview/despatch_advices_late/?plant=PLANT01")
    page.locator("#figure-rows a", has_text="CO-P1").click()
    page.wait_for_url("**/portal/call-offs/*/?q=P1")
    page.click("#correct-call-off")
    page.wait_for_url("**/staff/call-offs/new/?from=*")
    assert page.input_value("#id_previous_number") == "CO-P1" and page.input_value("#id_plant") == "PLANT01"
    rows = page.input_value("#id_rows")
    assert "P1;" in rows and "P2;" in rows
    page.fill("#id_number", "CO-P1-B")
    page.fill("#id_rows", rows.replace(";100;firm", ";120;firm"))
    shot(page, "staff-call-off-correction")
    page.click("#call-off-form button[type=submit]")
    page.wait_for_url("**/portal/interchanges/*/")
    page.wait_for_selector('#interchange-state[data-status="processed"]', timeout=WAIT_MS)
    page.wait_for_selector('#plant-outcomes tr[data-outcome="delivered"]', timeout=WAIT_MS)
    assert "CO-P1-B" in page.inner_text("#plant-outcomes")
    shot(page, "staff-call-off-corrected")
    corrected = DeliverySchedule.objects.get(number="CO-P1-B")
    assert corrected.previous_number == "CO-P1" and corrected.plant.code == "PLANT01"
    to_plant = Delivery.objects.get(document_number="CO-P1-B", recipient=Delivery.Recipient.PLANT, replay_of__isnull=True)
    assert [line["applied"] for line in plant.lines() if line["idempotency_key"] == str(to_plant.idempotency_key)] == [True]
    wait_until(
        lambda: Delivery.objects.filter(document_number="CO-P1-B", recipient="supplier", status=Delivery.Status.DELIVERED).exists(),
        stall=180,
        what="the correction delivered to the supplier",
    )
    assert Interchange.objects.get(pk=refused.pk).status == "processed"
    assert problems == []


def test_headquarters_sees_every_plant_and_a_plant01_buyer_nothing_of_plant02(page_for, world, live_server):
    """Headquarters: every plant's row and PLANT02's drill-down. The PLANT01 buyer: PLANT02 nowhere, not even by URL."""
    seed(world)
    other = DeliverySchedule.objects.get(number="CO-P2")
    hq = page_for("hq")
    hq.goto(f"{live_server.url}/staff/overview/")
    codes = hq.locator("#overview-table tbody tr[data-plant]").evaluate_all("rows => rows.map(r => r.dataset.plant)")
    assert codes == ["PLANT01", "PLANT02", "PLANT03"]
    hq.locator("#overview-table tr[data-plant=PLANT02] td[data-figure=firm_due_today] a").first.click()
    hq.wait_for_url("**/staff/overview/firm_due_today/?plant=PLANT02")
    assert "CO-P2" in hq.inner_text("#figure-rows") and "P3" in hq.inner_text("#figure-rows")
    shot(hq, "staff-hq-plant02-due-today")
    hq.click("#figure-rows a:text-is('CO-P2')")
    hq.wait_for_url(f"**/portal/call-offs/{other.pk}/*")
    assert "P3" in hq.inner_text("main")

    buyer = page_for("buyer")
    buyer.goto(f"{live_server.url}/staff/overview/")
    assert "PLANT02" not in buyer.inner_text("main")
    for path in (
        "/staff/overview/firm_due_today/?plant=PLANT02",
        f"/portal/call-offs/{other.pk}/",
        f"/staff/call-offs/new/?from={other.pk}",
    ):
        assert buyer.goto(live_server.url + path).status == 404, path
    for key in ("firm_due_today", "call_offs_current", "interchanges_failed_24h"):
        buyer.goto(f"{live_server.url}/staff/overview/{key}/")  # all the buyer's plants
        assert "PLANT02" not in buyer.inner_text("#figure-rows") and "CO-P2" not in buyer.inner_text("#figure-rows"), key
    for q in ("CO-P2", "P3", "PLANT02"):
        buyer.goto(f"{live_server.url}/staff/search/?q={q}")
        assert "Nothing found" in buyer.inner_text("#search-results"), q
    buyer.goto(f"{live_server.url}/admin/hub/delivery/")
    assert "PLANT02" not in buyer.inner_text("#result_list") and "CO-P2" not in buyer.inner_text("#result_list")
    answer = buyer.request.get(f"{live_server.url}/api/v1/overview/", headers={"Accept": "application/json"})  # the session's cookies
    assert answer.status == 200 and [p["code"] for p in answer.json()["plants"]] == ["PLANT01"]
