"""In Debian's chromium: a supplier creates a despatch advice from a call-off and prints its labels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hub.models import Interchange
from orders.models import DespatchAdvice
from tests.asn_world import call_off
from tests.browser.artifacts import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supplier_creates_an_asn_from_a_call_off_and_prints_its_labels(page_for, world, receive_and_process):
    from pypdf import PdfReader

    from hub.ingest.pipeline import interchange_process

    call_off(receive_and_process, world["users"]["admin"])
    page = page_for("supplier")
    base = page.url.split("/portal/")[0]
    page.goto(base + "/portal/call-offs/")
    page.click("text=CO-1")
    page.click("#asn-from-call-off")
    page.wait_for_url("**/portal/despatch-advices/new/**")
    assert page.input_value("input[name=lines-0-buyer_part]") == "4711-A"
    assert page.input_value("input[name=lines-0-quantity]") == "100"
    assert page.input_value("select[name=plant]") == "PLANT01"
    page.fill("input[name=number]", "DN-B1")
    page.fill("input[name=lines-0-batch]", "CH-42")
    page.fill("input[name=packages-0-type]", "KLT 6280")
    page.fill("input[name=packages-0-count]", "2")
    shot(page, "asn-form")
    page.click("#asn-submit")
    page.wait_for_url("**/portal/interchanges/**")
    assert "Despatch advice DN-B1 received" in page.inner_text("main")
    interchange = Interchange.objects.get(filename="despatch-advice-DN-B1.xml")
    interchange_process(interchange_id=interchange.pk)  # what the worker does; the worker itself is tested in integration
    page.reload()
    assert "processed" in page.inner_text("#status")

    page.goto(base + "/portal/despatch-advices/")
    page.click("text=DN-B1")
    page.wait_for_url("**/portal/despatch-advices/*/")
    shot(page, "asn-detail")
    pdf = page.request.get(base + page.get_attribute("#labels-pdf", "href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.body())).pages
    assert len(pages) == 2 and "CH-42" in pages[0].extract_text() and "DN-B1" in pages[1].extract_text()
    with page.expect_download() as download:
        page.click("#labels-zpl")
    zpl = Path(download.value.path()).read_text()
    assert zpl.count("^XA") == 2 and "^FDP4711-A^FS" in zpl and "^FDHCH-42^FS" in zpl
    assert DespatchAdvice.objects.get(number="DN-B1").document["lines"][0]["batch"] == "CH-42"
