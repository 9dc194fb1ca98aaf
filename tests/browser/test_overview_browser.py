"""The live overview in Debian's chromium: a buyer sees its plant only, the page refreshes itself, numbers drill down."""

from __future__ import annotations

import pytest

from tests.browser.artifacts import shot
from tests.staff.scenario import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


def test_buyer_walks_the_overview_and_drills_into_a_late_delivery(page_for, world, settings):
    settings.HUB_OVERVIEW_REFRESH_SECONDS = 5
    seed(world)
    page = page_for("buyer")
    problems = _watch_csp(page)
    base = page.url.split("/portal/")[0]
    page.goto(f"{base}/staff/overview/")
    table = page.locator("#overview-table")
    assert table.locator("tbody tr[data-plant]").count() == 1
    assert "PLANT01" in table.inner_text() and "PLANT02" not in page.inner_text("main")
    late = table.locator("tr[data-plant=PLANT01] td[data-figure=despatch_advices_late] a").first
    assert late.inner_text() == "1"
    # The charts are drawn by Chart.js from the page's JSON, under the CSP.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-volume')) !== undefined", timeout=30_000)
    # The figures refresh by themselves (htmx polling): the time stamp moves on.
    stamp = page.locator("#generated-at").get_attribute("datetime")
    page.wait_for_function(f"() => document.getElementById('generated-at').getAttribute('datetime') !== {stamp!r}", timeout=60_000)
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-format')) !== undefined", timeout=30_000)
    shot(page, "staff-overview-live")
    table.locator("tr[data-plant=PLANT01] td[data-figure=despatch_advices_late] a").first.click()
    page.wait_for_url("**/staff/overview/despatch_advices_late/?plant=PLANT01")
    rows = page.locator("#figure-rows tbody").inner_text()
    assert "CO-P1" in rows and "P1" in rows
    page.click("text=CO-P1")
    page.wait_for_url("**/portal/call-offs/**")
    assert "P1" in page.inner_text("main")
    assert problems == []


def test_headquarters_sees_every_plant_and_the_home_lands_on_what_needs_action(page_for, world):
    seed(world)
    page = page_for("hq")
    problems = _watch_csp(page)
    base = page.url.split("/portal/")[0]
    page.goto(f"{base}/staff/overview/")
    codes = page.locator("#overview-table tbody tr[data-plant]").evaluate_all("rows => rows.map(r => r.dataset.plant)")
    assert codes == ["PLANT01", "PLANT02", "PLANT03"]
    page.goto(f"{base}/staff/")
    assert page.locator("#actions a[data-figure=interchanges_failed_24h] .tile-n").inner_text() == "1"
    page.click("#actions a[data-figure=interchanges_failed_24h]")
    page.wait_for_url("**/staff/overview/interchanges_failed_24h/")
    assert "SUP00002" in page.locator("#figure-rows").inner_text()
    assert problems == []
