"""The portal in Debian's chromium: log in, see own call-offs only, upload, see the result."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.models import Interchange
from tests.browser.artifacts import shot
from tests.delfor_builder import delfor, message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def call_offs(world, receive_and_process):
    receive_and_process(delfor([message("1", "OWN-CO1"), message("2", "OTHER-CO2", supplier="SUP00002", plant="PLANT02")]), world["users"]["admin"])


def test_supplier_logs_in_and_sees_only_its_own_call_offs(page_for, call_offs):
    page = page_for("supplier")
    page.goto(page.url.split("/portal/")[0] + "/portal/call-offs/")
    body = page.inner_text("main")
    assert "OWN-CO1" in body and "OTHER-CO2" not in body
    page.click("text=OWN-CO1")
    assert "4711-A" in page.inner_text("main")
    shot(page, "call-off")


def test_german_browser_gets_german_pages(page_for, call_offs):
    page = page_for("supplier", locale="de-DE")
    page.goto(page.url.split("/portal/")[0] + "/portal/call-offs/")
    assert page.locator("h1").inner_text() == "Abrufe"
    assert page.get_attribute("html", "lang") == "de"


def test_upload_through_the_page_shows_the_file_and_its_errors(page_for, world, tmp_path):
    from hub.ingest.pipeline import interchange_process

    segs = message("1", "BROKEN")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    path = tmp_path / "broken.edi"
    path.write_bytes(delfor([segs], sender="SUP00001"))
    page = page_for("supplier")
    page.goto(page.url.split("/portal/")[0] + "/portal/upload/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/interchanges/**")
    interchange = Interchange.objects.get(filename="broken.edi")
    interchange_process(interchange_id=interchange.pk)  # what the worker does; the worker itself is tested in integration
    page.reload()
    text = page.inner_text("main")
    assert "failed" in text and "segment 14 (QTY), element 1, component 2" in text
    with page.expect_download() as download:
        page.click("text=Download raw file")
    assert Path(download.value.path()).read_bytes() == path.read_bytes()
