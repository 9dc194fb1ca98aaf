"""Staff in Debian's chromium: a buyer searches a part number and opens the result; reprocesses a failed file after its diff."""

from __future__ import annotations

import pytest

from hub.ingest.pipeline import interchange_process
from hub.models import Interchange
from orders.models import DespatchAdvice
from tests.staff.scenario import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


def test_buyer_searches_a_part_number_and_opens_the_call_off(page_for, world):
    seed(world)
    page = page_for("buyer")
    problems = _watch_csp(page)
    page.fill("#staff-search-q", "p2")  # the box in the staff nav, on every page
    page.press("#staff-search-q", "Enter")
    page.wait_for_url("**/staff/search/?q=p2")
    results = page.locator("#search-results tbody")
    assert "CO-P1" in results.inner_text() and "PLANT02" not in results.inner_text()
    page.fill("#search-form input[name=q]", "P3")  # PLANT02's part: not for a PLANT01 buyer
    page.click("#search-form button[type=submit]")
    page.wait_for_url("**/staff/search/?q=P3")
    assert "Nothing found" in page.locator("#search-results").inner_text()
    page.goto(page.url.replace("q=P3", "q=P2"))
    page.click("#search-results tr[data-kind=call_off] a >> text=CO-P1")
    page.wait_for_url("**/portal/call-offs/**")
    assert "P2" in page.inner_text("main")
    assert problems == []


def test_buyer_reprocesses_a_failed_file_after_seeing_its_diff(page_for, world):
    refused = seed(world)["refused"]
    world["suppliers"][1].plants.add(world["plants"][0])  # the profile fix: SUP00002 now supplies PLANT01
    page = page_for("buyer")
    problems = _watch_csp(page)
    base = page.url.split("/portal/")[0]
    page.goto(f"{base}/admin/hub/interchange/{refused.pk}/change/")
    assert 'name="_save"' not in page.content()
    page.click("#reprocess-link")
    page.wait_for_url(f"**/admin/hub/interchange/{refused.pk}/reprocess/")
    added = page.locator('section.document-change[data-key="despatch_advice ASN-BAD"]')
    assert added.get_attribute("data-change") == "added"
    assert "ASN-BAD" in added.locator("pre.diff .diff-add").first.inner_text() or "ASN-BAD" in added.locator("pre.diff").inner_text()
    assert page.locator("#errors-after li").inner_text() in ("none", "keine")
    page.click("#reprocess-confirm input[type=submit]")
    page.wait_for_url(f"**/admin/hub/interchange/{refused.pk}/change/")
    assert "processed again" in page.inner_text("body")
    interchange_process(interchange_id=refused.pk)  # what the worker does; the worker itself is tested in integration
    page.reload()
    assert Interchange.objects.get(pk=refused.pk).status == "processed"
    assert DespatchAdvice.objects.filter(number="ASN-BAD", plant__code="PLANT01").exists()
    assert problems == []


def test_buyer_corrects_a_call_off_found_by_search(page_for, world):
    seed(world)
    page = page_for("buyer")
    problems = _watch_csp(page)
    page.fill("#staff-search-q", "CO-P1")
    page.press("#staff-search-q", "Enter")
    page.wait_for_url("**/staff/search/?q=CO-P1")
    page.click("#search-results tr[data-kind=call_off] a.correct-link")
    page.wait_for_url("**/staff/call-offs/new/?from=*")
    assert page.input_value("#id_previous_number") == "CO-P1" and page.input_value("#id_plant") == "PLANT01"
    rows = page.input_value("#id_rows")
    assert "P1;" in rows and "P2;" in rows
    page.fill("#id_number", "CO-P1-B")
    page.fill("#id_rows", rows.replace(";100;firm", ";120;firm"))
    page.click("#call-off-form button[type=submit]")
    page.wait_for_url("**/portal/interchanges/*/")
    interchange = Interchange.objects.get(filename="call-off-CO-P1-B.xml")
    interchange_process(interchange_id=interchange.pk)  # what the worker does
    page.reload()
    assert Interchange.objects.get(pk=interchange.pk).status == "processed"
    from orders.models import DeliverySchedule

    corrected = DeliverySchedule.objects.get(number="CO-P1-B")
    assert corrected.previous_number == "CO-P1" and corrected.lines.count() == 2
    assert problems == []
