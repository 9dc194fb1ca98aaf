"""A supplier goes invited -> live in Debian's chromium: invitation link, password, profile,
test file with its report, staff approval, production file dispatched to the plant."""

from __future__ import annotations

import pytest
from django.core import mail

from hub.dispatch.services import delivery_send
from hub.ingest.pipeline import interchange_process
from hub.models import Delivery, Interchange
from suppliers.invitations import invitation_create, invitation_send
from suppliers.models import Supplier
from tests.documents import asn, edifact
from tests.factories import SupplierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _process_latest(page):
    interchange = Interchange.objects.order_by("-received_at").first()
    interchange_process(interchange_id=interchange.pk)  # what the worker does
    page.reload()
    return Interchange.objects.get(pk=interchange.pk)


def test_supplier_goes_from_invited_to_live(browser, live_server, world, plant_server, settings, tmp_path, page_for):
    settings.HUB_PUBLIC_URL = live_server.url
    plant = world["plants"][0]
    plant.endpoint_url = f"{plant_server.url}/plants/PLANT01"
    plant.save()
    supplier = SupplierFactory(number="SUP00042", status=Supplier.Status.INVITED, email="edi@sup42.example", profile=None)
    supplier.plants.set([plant])
    supplier.profile.identifiers.all().delete()  # a fresh supplier: the wizard fills in its ids
    invitation_send(invitation_id=invitation_create(supplier=supplier, by=world["users"]["buyer"]).pk)
    link = next(w for w in mail.outbox[-1].body.split() if "/portal/invitation/" in w)

    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en-US"})
    page = context.new_page()
    page.goto(link)
    page.fill("input[name=username]", "sup42")
    page.fill("input[name=password1]", "a-Long-pass-123")
    page.fill("input[name=password2]", "a-Long-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/profile/")
    assert page.inner_text("#onboarding-state") == "registered"

    sample = tmp_path / "sample.edi"
    sample.write_bytes(edifact([asn("SAMPLE1", supplier="SUP00042")], sender="SUP00042", ref="SAMPLE"))  # suppliers send ASNs
    page.set_input_files("input[name=sample]", str(sample))
    page.click("#sample-form button")
    page.wait_for_selector("#proposal")
    assert "EDIFACT D96A" in page.inner_text("#proposal")
    assert page.input_value("select[name=format]") == "EDIFACT" and page.input_value("input[name=message_types]") == "DESADV"
    page.click("#format-form button")
    page.wait_for_url("**/portal/profile/identifiers/")
    assert page.input_value("input[name=ids-0-value]") == "SUP00042"
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/profile/channel/")
    page.check("input[value=portal]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/profile/done/")
    assert page.inner_text("#onboarding-state") == "profile complete"
    page.click("#start-testing")
    page.wait_for_selector("text=You are in the test phase")
    assert page.inner_text("#onboarding-state") == "testing"

    test_file = tmp_path / "test.edi"
    test_file.write_bytes(edifact([asn("TEST-DN1", supplier="SUP00042")], sender="SUP00042", ref="T0001"))
    page.goto(f"{live_server.url}/portal/upload/")
    page.set_input_files("input[type=file]", str(test_file))
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/interchanges/**")
    assert _process_latest(page).test_run
    report = page.inner_text("#test-run")
    assert "clean" in page.inner_text("#test-verdict") and "TEST-DN1" in report and "4711-A" in report and "120" in report
    assert not Delivery.objects.exclude(document_type="acknowledgement").exists()  # only its CONTRL goes back

    staff = page_for("buyer")
    staff.goto(f"{live_server.url}/staff/onboarding/")
    staff.click("text=SUP00042")
    staff.click("#to-live")
    staff.wait_for_selector("text=is now live")
    assert staff.inner_text("#state") == "live"

    prod_file = tmp_path / "prod.edi"
    prod_file.write_bytes(edifact([asn("PROD-DN1", supplier="SUP00042")], sender="SUP00042", ref="P0001"))
    page.goto(f"{live_server.url}/portal/upload/")
    page.set_input_files("input[type=file]", str(prod_file))
    page.click("main button[type=submit]")
    page.wait_for_url("**/portal/interchanges/**")
    interchange = _process_latest(page)
    assert not interchange.test_run and interchange.status == "processed"
    assert "Despatch advice PROD-DN1" in page.inner_text("main")
    delivery = Delivery.objects.get(document_number="PROD-DN1", recipient="plant")
    assert delivery_send(delivery_id=delivery.pk) == "delivered"
    assert [line["applied"] for line in plant_server.lines()] == [True]
    context.close()
