"""The admin made pleasant: branding, readable payloads, no Save on read-only records, scoped pickers."""

from __future__ import annotations

import json

import pytest

from hub.admin import DeliveryAdmin, InterchangeAdmin
from hub.models import Delivery
from orders.admin import DeliveryScheduleAdmin, DespatchAdviceAdmin
from orders.models import DeliverySchedule
from suppliers.models import PartnerIdentifier
from tests.staff.scenario import seed

pytestmark = pytest.mark.django_db


def test_the_hub_brands_its_admin_in_english_and_german(world, client):
    client.force_login(world["users"]["admin"])
    page = client.get("/admin/").content.decode()
    assert "Supplier hub administration" in page and "Django administration" not in page
    german = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Verwaltung des Lieferanten-Hubs" in german


def test_a_stored_document_reads_as_a_document_and_has_no_save_button(world, client):
    seed(world)
    call_off = DeliverySchedule.objects.get(number="CO-P1")
    call_off.document = {**call_off.document, "lines": [{**call_off.document["lines"][0], "description": "<script>alert(1)</script>"}]}
    call_off.save()
    client.force_login(world["users"]["admin"])
    page = client.get(f"/admin/orders/deliveryschedule/{call_off.pk}/change/").content.decode()
    assert '<pre class="payload">' in page and '  &quot;number&quot;: &quot;CO-P1&quot;' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    delivery = Delivery.objects.filter(document_number="CO-P1").first()
    page = client.get(f"/admin/hub/delivery/{delivery.pk}/change/").content.decode()
    assert '<pre class="payload">' in page and 'name="_save"' not in page
    assert json.loads(delivery.payload)  # the stored payload itself is untouched
    interchange = call_off.interchange
    page = client.get(f"/admin/hub/interchange/{interchange.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    # A record that can be edited keeps its buttons.
    assert 'name="_save"' in client.get(f"/admin/hub/plant/{world['plants'][0].pk}/change/").content.decode()


def test_big_tables_are_not_counted_in_full():
    for model_admin in (InterchangeAdmin, DeliveryAdmin, DeliveryScheduleAdmin, DespatchAdviceAdmin):
        assert model_admin.show_full_result_count is False


def test_a_plant01_buyer_is_offered_plant01_only_in_filters_and_pickers(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    listing = client.get("/admin/orders/deliveryschedule/").content.decode()
    assert "PLANT01" in listing and "PLANT02" not in listing and "PLANT03" not in listing
    params = {"app_label": "suppliers", "model_name": "partneridentifier", "field_name": "plant", "term": "PLANT"}
    found = client.get("/admin/autocomplete/", params).json()["results"]
    assert [r["text"].split()[0] for r in found] == ["PLANT01"]
    params = {"app_label": "suppliers", "model_name": "partnerprofile", "field_name": "supplier", "term": "SUP"}
    found = client.get("/admin/autocomplete/", params).json()["results"]
    assert sorted(r["text"].split()[0] for r in found) == ["SUP00001"]  # SUP00001 supplies PLANT01; SUP00002/3 do not
    client.force_login(world["users"]["hq"])
    found = client.get("/admin/autocomplete/", {**params, "model_name": "partneridentifier", "field_name": "plant", "term": "PLANT"}).json()["results"]
    assert len(found) == 3


def test_the_identifier_form_offers_pickers_that_search(world, client):
    client.force_login(world["users"]["admin"])
    page = client.get("/admin/suppliers/partneridentifier/add/").content.decode()
    assert "admin-autocomplete" in page
    assert PartnerIdentifier._meta.get_field("plant").related_model.__name__ == "Plant"
