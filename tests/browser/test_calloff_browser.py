"""A supplier's dispatcher in Debian's chromium: a changed call-off with its changes highlighted, acknowledged once.

Screenshots go to ``var/screenshots/`` (``tests/browser/artifacts.py``), never committed.
"""

from __future__ import annotations

import pytest

from hub.models import Delivery
from orders.models import DeliverySchedule
from tests.browser.artifacts import shot
from tests.calloff_versions import two_versions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplier_sees_the_changes_and_acknowledges_the_call_off(page_for, world, receive_and_process):
    old, new = two_versions(receive_and_process, world["users"]["admin"])
    page = page_for("supplier")
    base = page.url.split("/portal/")[0]
    page.goto(f"{base}/portal/call-offs/")
    page.get_by_role("link", name="NEW", exact=True).click()
    grid = page.locator("#call-off-grid")
    assert grid.locator("td[data-change=up]").count() == 1
    assert grid.locator("td[data-change=new]").count() == 2
    assert grid.locator("td[data-change=dropped]").count() == 1
    up = grid.locator("td[data-change=up]")
    assert "150" in up.inner_text() and "100" in up.inner_text()
    # highlighted: the stylesheet gives changed cells their own background
    assert up.evaluate("el => getComputedStyle(el).backgroundColor") != grid.locator("td.c-forecast:not([data-change])").first.evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    shot(page, "call-off-changes")

    page.click("#acknowledge")
    page.wait_for_selector(".messages")
    assert "acknowledged" in page.inner_text(".messages")
    assert page.locator("#acknowledge").count() == 0 and page.inner_text("#acknowledged") != "not yet"
    shot(page, "call-off-acknowledged")
    assert Delivery.objects.filter(document_type="acknowledgement", document_id=new.pk, recipient="plant").count() == 1
    assert DeliverySchedule.objects.get(pk=new.pk).acknowledged_at is not None

    page.click("#previous-call-off")
    assert page.inner_text("#call-off-status") == "superseded"
    assert page.locator("#superseded-notice a").get_attribute("href") == f"/portal/call-offs/{new.pk}/"


def test_german_dispatcher_reads_german_dates_and_units(page_for, world, receive_and_process):
    two_versions(receive_and_process, world["users"]["admin"])
    page = page_for("supplier", locale="de-DE")
    page.goto(page.url.split("/portal/")[0] + "/portal/call-offs/")
    page.get_by_role("link", name="NEW", exact=True).click()
    text = page.inner_text("main")
    assert "Abruf bestätigen" in text and "30.11.2026" in text and "Stk" in text and "Prognose" in text
