"""A supplier's morning in Debian's chromium, with a real Celery worker and a real plant receiver.

Log in, read the dashboard, upload a good and a bad file and watch both outcomes (and
the plant's receipt of the good one) arrive without a reload, open the inbox, switch to
German and find no English left on those pages; on a phone the nav collapses and
nothing overflows sideways. Screenshots of each page go to ``var/screenshots/`` (or
``$HUB_SCREENSHOT_DIR``), which is not committed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db.models import F
from django.utils import timezone

from hub.dispatch.services import delivery_send
from hub.models import Delivery, Plant
from orders.models import DeliverySchedule
from tests.browser.artifacts import shot
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact, x12
from tests.integration.conftest import real_services, workers  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT_MS = 180_000  # a generous bound for a busy 2-core machine; the page polls every second

# Words that read the same in German (or are data: user, plant, supplier, file and part names).
SAME_IN_GERMAN = {
    "supplier", "english", "deutsch", "status", "format", "segment", "element", "json", "edifact", "contrl", "delfor", "desadv",
    "downloads", "hub", "plant01", "plant02", "sup00001", "good", "edi", "bad", "sref1", "icr0001", "qty", "unoc", "unb", "pce",
    "mail", "administrator", "name", "gmbh", "lieferant", "d96a", "abc", "x12", "vda", "xml", "csv", "idoc", "pdf", "xlsx",
    "dtm", "semicolon", "despatchadvice",  # a segment tag; format variants and message types as the codecs name them
}


def words(text: str) -> set[str]:
    """The words of a page as written (an untranslated word is written the same); data with digits left out."""
    tokens = (t.strip(".,:;()[]'\"…·→–") for t in text.split())
    return {t for t in tokens if len(t) > 2 and re.fullmatch(r"[A-Za-zÄÖÜäöüß-]+", t) and t.lower() not in SAME_IN_GERMAN}


# A bad file per other format: what its error says in English, and in German.
BAD_FILES = {
    "x12": ("'2026XY24' is not a date CCYYMMDD", "'2026XY24' ist kein Datum JJJJMMTT"),
    "vda": ("'26AB01' is not a date (YYMMDD)", "'26AB01' ist kein Datum (JJMMTT)"),
    "xml": ("the XML has a DOCTYPE declaration", "das XML hat eine DOCTYPE-Deklaration"),
    "csv": ("'25/11/2026' is not a date", "'25/11/2026' ist kein Datum (2026-12-31 oder 31.12.2026 verwenden)"),
}


def bad_files(folder: Path) -> dict[str, Path]:
    """The files of ``BAD_FILES``, as SUP00001 would send them, each with one mistake."""
    from hub.formats import registry
    from hub.formats.base import RenderOptions
    from tests.formats.vda_builders import calloff_4905, header, join, transmission

    options = RenderOptions(sender_id="SUP00001", receiver_id="SUPPLIERHUB", control_ref="77")
    shipment = asn("ASN-0816")
    shipment.arrival_date = "2026-11-25"
    xml = registry.get("xml").render([shipment], options).decode()
    data = {
        "x12": x12([shipment]).replace(b"DTM*017*20261125", b"DTM*017*2026XY24"),
        "vda": join(transmission(header(), calloff_4905(slots=[("260112", 1), ("26AB01", 2)]), "519")),
        "xml": xml.replace("?>", "?><!DOCTYPE documents>", 1).encode(),
        "csv": registry.get("csv").render([shipment], options).replace(b"2026-11-25", b"25/11/2026"),
    }
    paths = {}
    for name, content in data.items():
        paths[name] = folder / f"bad-{name}.txt"
        paths[name].write_bytes(content)
    return paths


@pytest.fixture
def morning(world, receive_and_process, plant_server):
    """A call-off due in two days (delivered to the supplier's inbox); PLANT01 is a real receiver."""
    Plant.objects.filter(code="PLANT01").update(endpoint_url=f"{plant_server.url}/plants/PLANT01")
    Plant.objects.update(name=F("code"))  # data words read the same in both languages; names with digits are not taken for words
    due = (timezone.localdate() + dt.timedelta(days=2)).strftime("%Y%m%d")
    receive_and_process(delfor([message("1", "CO-0900", parts=(("4711-A", (("100", "1", due), ("250", "4", "20270301"))),))]), world["users"]["admin"])
    for d in Delivery.objects.filter(recipient="supplier"):
        delivery_send(delivery_id=d.pk)
    plant_server.call_off = DeliverySchedule.objects.get(number="CO-0900")
    return plant_server


def test_a_suppliers_morning_in_the_portal(page_for, morning, workers, tmp_path):  # noqa: F811 - the fixture
    workers.start(concurrency=1)
    page = page_for("supplier")
    base = page.url.split("/portal/")[0]

    # The dashboard: the unacknowledged call-off and its firm date without an ASN.
    page.goto(f"{base}/portal/")
    assert page.inner_text("#count-unacknowledged") == "1" and page.inner_text("#count-open-dates") == "1"
    assert "CO-0900" in page.inner_text("#unacknowledged") and "4711-A" in page.inner_text("#open-dates")
    shot(page, "dashboard")

    # A good file and a bad one: both outcomes arrive while the page stays loaded.
    good, bad = tmp_path / "good.edi", tmp_path / "bad.edi"
    good.write_bytes(edifact([asn("ASN-0815")]))
    segs = message("1", "BROKEN")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    bad.write_bytes(delfor([segs], sender="SUP00001", ref="BAD1"))
    pages = {}
    for path in (good, bad):
        page.goto(f"{base}/portal/upload/")
        page.set_input_files("input[type=file]", str(path))
        page.click("main button[type=submit]")
        page.wait_for_url("**/portal/interchanges/**")
        pages[path.name] = page.url
        page.evaluate("window.__stayed = true")  # gone if the page were reloaded
        if path is good:
            page.wait_for_selector('#interchange-state[data-status="processed"]', timeout=WAIT_MS)
            page.wait_for_selector('tr[data-outcome="delivered"]', timeout=WAIT_MS)  # the plant received it
            assert "delivered to the plant" in page.inner_text("#plant-outcomes")
        else:
            page.wait_for_selector('#interchange-state[data-status="failed"]', timeout=WAIT_MS)
            assert "segment 14 (QTY), element 1, component 2: '12,5x' is not a number" in page.inner_text("#errors")
        assert page.evaluate("window.__stayed === true")
        assert "· ·" not in page.inner_text("main")
        shot(page, f"file-{path.stem}")
    assert [line["sha256"] for line in morning.lines()]  # the plant simulator recorded the ASN

    # Bad files of the other formats: each fails with its positioned error (in German below).
    for name, data in bad_files(tmp_path).items():
        page.goto(f"{base}/portal/upload/")
        page.set_input_files("input[type=file]", str(data))
        page.click("main button[type=submit]")
        page.wait_for_url("**/portal/interchanges/**")
        page.wait_for_selector('#interchange-state[data-status="failed"]', timeout=WAIT_MS)
        assert BAD_FILES[name][0] in page.inner_text("#errors"), name
        pages[name] = page.url
        shot(page, f"file-bad-{name}")

    # The inbox: the call-off, unread, readable, linked.
    page.goto(f"{base}/portal/inbox/")
    assert re.fullmatch(r"\d+ unread", page.inner_text("#unread-count"))  # the call-off and the acknowledgements of the uploads
    row = page.locator("tr.unread", has_text="CO-0900")
    assert "Call-off" in row.inner_text() and row.locator("a[href^='/portal/call-offs/']").inner_text() == "CO-0900"
    shot(page, "inbox")
    page.goto(f"{base}/portal/account/")
    shot(page, "account")

    # Every page again in German: no English word left.
    visited = {"dashboard": f"{base}/portal/", "inbox": f"{base}/portal/inbox/", "files": f"{base}/portal/interchanges/", "upload": f"{base}/portal/upload/",
               "account": f"{base}/portal/account/", "good": pages["good.edi"], "bad": pages["bad.edi"],
               "call-offs": f"{base}/portal/call-offs/", "call-off": f"{base}/portal/call-offs/{morning.call_off.pk}/",
               **{f"bad-{name}": pages[name] for name in BAD_FILES}}  # fmt: skip
    english = {}
    for name, url in visited.items():
        page.goto(url)
        english[name] = words(page.inner_text("body"))
    page.select_option("select[name=language]", "de")
    page.wait_for_function("document.documentElement.lang === 'de'", timeout=WAIT_MS)
    assert page.locator("select[name=language] option[value=en]").inner_text() == "English"
    leftovers = {}
    for name, url in visited.items():
        page.goto(url)
        text = page.inner_text("body")
        same = english[name] & words(text)
        if same:
            leftovers[name] = sorted(same)
        shot(page, f"de-{name}")
    assert not leftovers, f"English left on the German pages: {leftovers}"
    page.goto(pages["bad.edi"])
    assert "Segment 14 (QTY), Element 1, Komponente 2: '12,5x' ist keine Zahl" in page.inner_text("#errors")
    for name, (_english, german) in BAD_FILES.items():
        page.goto(pages[name])
        assert german in page.inner_text("#errors"), name


def test_on_a_phone_the_nav_collapses_and_nothing_overflows(browser, live_server, world, receive_and_process):
    receive_and_process(delfor([message("1", "CO-PHONE", parts=[(f"PART-{n:04d}-WITH-A-LONG-NAME", (("100", "1", "20261230"),)) for n in range(12)])]), world["users"]["admin"])
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-US", is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "supplier")
        page.fill("input[name=password]", "pw-for-tests-1")
        page.click("button[type=submit]")
        page.wait_for_url("**/portal/**")
        for path in ("/portal/", "/portal/inbox/", "/portal/interchanges/", "/portal/account/"):
            page.goto(live_server.url + path)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), f"{path} overflows sideways"
            assert not page.is_visible("#site-nav") and page.is_visible("button.menu-toggle")
            assert page.is_visible(".username") and page.inner_text(".username") == "supplier"
        page.goto(live_server.url + "/portal/")
        page.click("button.menu-toggle")
        assert page.is_visible("#site-nav a[href='/portal/inbox/']")
        inside = "(s) => { const e = document.querySelector(s).getBoundingClientRect(), h = document.querySelector('header').getBoundingClientRect(); return e.top >= h.top && e.bottom <= h.bottom; }"
        assert page.evaluate(inside, "#site-nav") and page.evaluate(inside, ".username")  # the header grows around them
        shot(page, "phone-dashboard-menu")
    finally:
        context.close()
