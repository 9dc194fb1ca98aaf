"""Trust findings 5, 6, 7, 13 and 14, each replayed as the attack it was, and refused.

Headquarters writing through admin actions, a buyer reaching other plants through shared
suppliers and drop directories, raw files leaking documents of other plants, stored
secrets shown again, and ``?format=`` swallowed by the renderer switch.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from hub.dispatch import services
from hub.models import Delivery, Interchange, Plant
from orders.models import DeliverySchedule
from suppliers.models import PartnerProfile, Supplier
from tests.delfor_builder import delfor, message
from tests.factories import UserFactory
from tests.trust.conftest import api

pytestmark = pytest.mark.django_db


def as_user(client, world, role):
    client.force_login(world["users"][role])
    return client


def run_action(client, model: str, action: str, *pks) -> object:
    return client.post(f"/admin/{model}/", {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks]})


def form_data(response) -> dict:
    """The admin change form's current values, as the browser would post them back."""
    data: dict = {"_save": "Save"}

    def put(form, name):
        if form.fields[name].widget.input_type == "password" if hasattr(form.fields[name].widget, "input_type") else False:
            return  # a browser posts write-only fields empty
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            return
        data[key] = [str(v) for v in value] if isinstance(value, list | tuple) else ("on" if value is True else str(value))

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.add_prefix(name)] = formset.management_form[name].value()
        for f in formset.forms:
            for name in f.fields:
                put(f, name)
    return data


@pytest.fixture
def plant_file(shared, receive_and_process):
    """A file from the plant systems with call-offs of SUP00001 for PLANT01 and for PLANT02."""
    return receive_and_process(
        delfor([message("1", "FORPLANT01"), message("2", "FORPLANT02", plant="PLANT02")], ref="MULTI1"), shared["users"]["admin"]
    )


# 5. Headquarters writes ----------------------------------------------------------------


def test_hq_cannot_pause_a_plant_through_the_admin_action(client, shared):
    plant = shared["plants"][0]
    response = run_action(as_user(client, shared, "hq"), "hub/plant", "pause", plant.pk)
    assert response.status_code == 403 and "read-only" in response.content.decode()
    assert not Plant.objects.get(pk=plant.pk).paused


def test_hq_cannot_replay_a_delivery_so_the_plant_applies_it_twice(client, shared, plant_file):
    before = Delivery.objects.count()
    delivery = Delivery.objects.get(plant__code="PLANT01", recipient="plant")
    assert run_action(as_user(client, shared, "hq"), "hub/delivery", "replay", delivery.pk).status_code == 403
    assert Delivery.objects.count() == before and not Delivery.objects.filter(replay_of=delivery).exists()


def test_hq_cannot_retry_a_dead_delivery(client, shared, plant_file):
    delivery = Delivery.objects.get(plant__code="PLANT01", recipient="plant")
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DEAD)
    assert run_action(as_user(client, shared, "hq"), "hub/delivery", "retry", delivery.pk).status_code == 403
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DEAD


def test_hq_cannot_reprocess_a_failed_file(client, shared, receive_and_process):
    failed = receive_and_process(b"UNB+garbage", shared["users"]["admin"])
    assert failed.status == Interchange.Status.FAILED
    assert run_action(as_user(client, shared, "hq"), "hub/interchange", "reprocess", failed.pk).status_code == 403
    assert Interchange.objects.get(pk=failed.pk).status == Interchange.Status.FAILED


def test_hq_cannot_change_a_plant_through_the_admin_form(client, shared):
    plant = shared["plants"][0]
    client = as_user(client, shared, "hq")
    assert client.get(f"/admin/hub/plant/{plant.pk}/change/").status_code == 200  # it may look
    response = client.post(f"/admin/hub/plant/{plant.pk}/change/", {"code": plant.code, "name": "renamed by hq", "paused": "on"})
    assert response.status_code == 403
    assert Plant.objects.get(pk=plant.pk).name == plant.name


def test_hq_cannot_confirm_a_delivery_receipt_through_the_api(shared, plant_file):
    delivery = Delivery.objects.get(plant__code="PLANT01", recipient="plant")
    response = api(shared["users"]["hq"]).post(f"/api/v1/deliveries/{delivery.pk}/receipt")
    assert response.status_code == 403 and "read-only" in response.json()["detail"]


def test_hq_sees_no_write_buttons_and_its_staff_posts_are_refused(client, shared):
    client = as_user(client, shared, "hq")
    assert 'href="/portal/upload/"' not in client.get("/portal/call-offs/").content.decode()
    assert client.get("/staff/onboarding/import/").content.decode().count('type="submit"') <= 1  # only the language/logout forms' buttons
    assert client.post("/staff/onboarding/import/", {}).status_code == 403
    assert client.post("/portal/upload/", {}).status_code == 403


def test_buyer_may_pause_its_own_plant_but_not_another_plant(client, shared):
    p1, p2, _p3 = shared["plants"]
    response = run_action(as_user(client, shared, "buyer"), "hub/plant", "pause", p1.pk, p2.pk)
    assert response.status_code == 302
    assert Plant.objects.get(pk=p1.pk).paused and not Plant.objects.get(pk=p2.pk).paused


# 6. Buyers reach other plants -------------------------------------------------------------


@pytest.mark.parametrize("directory", ["/etc/cron.d", "../PLANT02", "/tmp/elsewhere"])
def test_buyer_cannot_point_its_file_drop_at_any_path(client, shared, settings, tmp_path, directory):
    settings.HUB_FILEDROP_ROOT = tmp_path
    plant = shared["plants"][0]
    client = as_user(client, shared, "buyer")
    data = form_data(client.get(f"/admin/hub/plant/{plant.pk}/change/"))
    data.update(connector="filedrop", drop_directory=directory)
    response = client.post(f"/admin/hub/plant/{plant.pk}/change/", data)
    assert response.status_code == 200 and "must lie inside" in response.content.decode()
    assert Plant.objects.get(pk=plant.pk).drop_directory == ""
    data["drop_directory"] = "inbound"  # inside its own folder: fine
    assert client.post(f"/admin/hub/plant/{plant.pk}/change/", data).status_code == 302
    assert Plant.objects.get(pk=plant.pk).drop_directory == "inbound"


def test_file_drop_outside_the_root_is_refused_again_at_send_time(shared, plant_file, settings, tmp_path):
    settings.HUB_FILEDROP_ROOT = tmp_path / "root"
    outside = tmp_path / "outside"
    Plant.objects.filter(code="PLANT01").update(connector="filedrop", drop_directory=str(outside))  # behind the form's back
    delivery = Delivery.objects.get(plant__code="PLANT01", recipient="plant")
    Delivery.objects.filter(pk=delivery.pk).update(connector="filedrop")
    assert services.delivery_send(delivery_id=delivery.pk) == Delivery.Status.DEAD
    assert "HUB_FILEDROP_ROOT" in Delivery.objects.get(pk=delivery.pk).last_error
    assert not outside.exists()


def test_buyer_cannot_redirect_a_shared_suppliers_endpoint_to_its_own_url(client, shared):
    profile = PartnerProfile.objects.get(supplier__number="SUP00001")  # also serves PLANT02
    client = as_user(client, shared, "buyer")
    page = client.get(f"/admin/suppliers/partnerprofile/{profile.pk}/change/")
    assert page.status_code == 200 and 'name="endpoint_url"' not in page.content.decode()  # shown read-only
    response = client.post(f"/admin/suppliers/partnerprofile/{profile.pk}/change/", {"endpoint_url": "https://buyer.example/steal", "channel": "portal"})
    assert response.status_code == 403 and "outside your scope" in response.content.decode()
    assert PartnerProfile.objects.get(pk=profile.pk).endpoint_url == ""


def test_buyer_may_change_the_profile_of_a_supplier_only_its_plants_use(client, shared):
    profile = PartnerProfile.objects.get(supplier__number="SUP00004")
    client = as_user(client, shared, "buyer")
    data = form_data(client.get(f"/admin/suppliers/partnerprofile/{profile.pk}/change/"))
    data["endpoint_url"] = "http://127.0.0.1:9443/in"  # validated on save: it must resolve to an address the hub may reach
    assert client.post(f"/admin/suppliers/partnerprofile/{profile.pk}/change/", data).status_code == 302
    assert PartnerProfile.objects.get(pk=profile.pk).endpoint_url == "http://127.0.0.1:9443/in"


def test_buyer_cannot_remove_another_plant_from_a_shared_supplier(client, shared):
    supplier = shared["suppliers"][0]
    p1, p2, p3 = shared["plants"]
    client = as_user(client, shared, "buyer")
    page = client.get(f"/admin/suppliers/supplier/{supplier.pk}/change/")
    assert page.status_code == 200 and set(page.context["adminform"].form.fields) == {"plants"}  # its own plants' part, nothing else
    response = client.post(f"/admin/suppliers/supplier/{supplier.pk}/change/", {"plants": [str(p1.pk)], "name": "renamed", "_save": "Save"})
    assert response.status_code == 302
    supplier = Supplier.objects.get(pk=supplier.pk)
    assert set(supplier.plants.values_list("code", flat=True)) == {"PLANT01", "PLANT02"} and supplier.name == "Supplier SUP00001"
    response = client.post(f"/admin/suppliers/supplier/{supplier.pk}/change/", {"plants": [str(p1.pk), str(p3.pk)], "_save": "Save"})
    assert response.status_code == 200 and "PLANT03" not in set(supplier.plants.values_list("code", flat=True))
    # Dropping its own plant leaves the others' links alone.
    assert client.post(f"/admin/suppliers/supplier/{supplier.pk}/change/", {"_save": "Save"}).status_code == 302
    assert set(supplier.plants.values_list("code", flat=True)) == {"PLANT02"}


def test_buyer_admin_choices_and_filters_offer_only_its_plants_and_suppliers(client, shared):
    client = as_user(client, shared, "buyer")
    own = shared["own"]
    form = client.get(f"/admin/suppliers/supplier/{own.pk}/change/").context["adminform"].form
    assert list(form.fields["plants"].queryset.values_list("code", flat=True)) == ["PLANT01"]
    identifier = own.profile.identifiers.first()
    form = client.get(f"/admin/suppliers/partneridentifier/{identifier.pk}/change/").context["adminform"].form
    assert set(form.fields["profile"].queryset.values_list("supplier__number", flat=True)) == {"SUP00001", "SUP00004"}
    assert list(form.fields["plant"].queryset.values_list("code", flat=True)) == ["PLANT01"]
    shared["users"]["buyer"].plants.add(shared["plants"][2])  # two plants, so the plant filter shows
    for url in ("/admin/suppliers/supplier/", "/admin/hub/delivery/", "/admin/orders/deliveryschedule/"):
        page = client.get(url)
        (plants,) = [spec for spec in page.context["cl"].filter_specs if spec.field_path in ("plant", "plants")]
        assert [label.split()[0] for _pk, label in plants.lookup_choices] == ["PLANT01", "PLANT03"], url
        assert "PLANT02" not in page.content.decode(), url


def test_buyer_cannot_suspend_a_shared_supplier_from_the_staff_pages(client, shared):
    supplier = shared["suppliers"][0]
    response = as_user(client, shared, "buyer").post(f"/staff/onboarding/suppliers/{supplier.pk}/action/", {"action": "suspended"})
    assert response.status_code == 403 and "outside your scope" in response.content.decode()
    assert Supplier.objects.get(pk=supplier.pk).status == Supplier.Status.LIVE


# 7. Cross-plant leak through files -------------------------------------------------------


def test_buyer_cannot_download_a_multi_plant_files_bytes_or_acknowledgement(client, shared, plant_file):
    buyer = shared["users"]["buyer"]
    assert plant_file.status == Interchange.Status.PROCESSED and hasattr(plant_file, "acknowledgement")
    mine = DeliverySchedule.objects.get(number="FORPLANT01")
    theirs = DeliverySchedule.objects.get(number="FORPLANT02")
    rest = api(buyer)
    assert rest.get(f"/api/v1/call-offs/{mine.pk}/").status_code == 200
    assert rest.get(f"/api/v1/call-offs/{theirs.pk}/").status_code == 404
    assert rest.get(f"/api/v1/interchanges/{plant_file.pk}/").status_code == 200
    assert rest.get(f"/api/v1/interchanges/{plant_file.pk}/raw").status_code == 404
    assert rest.get(f"/api/v1/interchanges/{plant_file.pk}/ack").status_code == 404
    client.force_login(buyer)
    assert client.get(f"/portal/interchanges/{plant_file.pk}/raw").status_code == 404
    assert client.get(f"/portal/interchanges/{plant_file.pk}/ack").status_code == 404
    page = client.get(f"/portal/interchanges/{plant_file.pk}/").content.decode()
    assert "FORPLANT01" in page and "FORPLANT02" not in page and "/raw" not in page and "ack-download" not in page
    admin_page = client.get(f"/admin/hub/interchange/{plant_file.pk}/change/").content.decode()
    assert "/raw" not in admin_page
    # Headquarters and the hub admin read the whole file.
    assert api(shared["users"]["hq"]).get(f"/api/v1/interchanges/{plant_file.pk}/raw").status_code == 200


def test_buyer_downloads_a_file_whose_every_document_is_for_its_plants(shared, receive_and_process):
    single = receive_and_process(delfor([message("1", "ONLYPLANT01")], ref="SINGLE1"), shared["users"]["admin"])
    rest = api(shared["users"]["buyer"])
    raw = rest.get(f"/api/v1/interchanges/{single.pk}/raw")
    assert raw.status_code == 200 and b"ONLYPLANT01" in b"".join(raw.streaming_content)
    assert rest.get(f"/api/v1/interchanges/{single.pk}/ack").status_code == 200


def test_buyer_cannot_download_a_shared_suppliers_failed_file(shared, receive_and_process):
    supplier_user = shared["users"]["supplier"]  # SUP00001: PLANT01 and PLANT02
    failed = receive_and_process(b"UNB+UNOC:3+SUP00001:ZZ+SUPPLIERHUB:ZZ+261124:0930+X1'NAD+ST+PLANT02::92'", supplier_user)
    own_user = UserFactory(username="sup4", role="supplier", supplier=shared["own"])
    own_failed = receive_and_process(b"UNB+UNOC:3+SUP00004:ZZ+SUPPLIERHUB:ZZ+261124:0930+X2'garbage", own_user)
    rest = api(shared["users"]["buyer"])
    assert rest.get(f"/api/v1/interchanges/{failed.pk}/").status_code == 200  # the buyer sees it failed
    assert rest.get(f"/api/v1/interchanges/{failed.pk}/raw").status_code == 404
    assert rest.get(f"/api/v1/interchanges/{own_failed.pk}/raw").status_code == 200
    assert api(supplier_user).get(f"/api/v1/interchanges/{failed.pk}/raw").status_code == 200  # its own bytes


def test_deciding_many_files_at_once_answers_as_each_file_alone(shared, plant_file, receive_and_process):
    from hub.permissions import files_allowed, may

    single = receive_and_process(delfor([message("1", "ONLYPLANT01b")], ref="SINGLE2"), shared["users"]["admin"])
    failed = receive_and_process(b"UNB+UNOC:3+SUP00001:ZZ+SUPPLIERHUB:ZZ+261124:0930+X3'NAD+ST+PLANT02::92'", shared["users"]["supplier"])
    own_user = UserFactory(username="sup4b", role="supplier", supplier=shared["own"])
    own_failed = receive_and_process(b"UNB+UNOC:3+SUP00004:ZZ+SUPPLIERHUB:ZZ+261124:0930+X4'garbage", own_user)
    uploaded = receive_and_process(
        delfor([message("1", "BUYERS1"), message("2", "BUYERS2", plant="PLANT02")], ref="BYBUYER"), shared["users"]["buyer"]
    )
    files = list(Interchange.objects.all())
    assert {plant_file.pk, single.pk, failed.pk, own_failed.pk, uploaded.pk} <= {i.pk for i in files}
    for role in ("buyer", "supplier", "hq", "admin"):
        user = shared["users"][role]
        one_by_one = {i.pk for i in files if may(user, "interchange.file", i)}
        assert files_allowed(user, files) == one_by_one, role
    buyer = files_allowed(shared["users"]["buyer"], files)
    assert single.pk in buyer and own_failed.pk in buyer and plant_file.pk not in buyer and failed.pk not in buyer


# 13 (part). Secrets are write-only once saved ------------------------------------------


@pytest.mark.parametrize("role", ["admin", "hq", "buyer"])
def test_no_role_reads_a_stored_plant_secret_in_the_admin(client, shared, role):
    Plant.objects.filter(code="PLANT01").update(endpoint_secret="s3cret-do-not-show")
    page = as_user(client, shared, role).get(f"/admin/hub/plant/{shared['plants'][0].pk}/change/").content.decode()
    assert "s3cret-do-not-show" not in page
    assert "signing secret: set" in page


def test_admin_replaces_a_secret_and_an_empty_field_keeps_it(client, shared):
    plant = shared["plants"][0]
    Plant.objects.filter(pk=plant.pk).update(endpoint_secret="old-secret")
    client = as_user(client, shared, "admin")
    url = f"/admin/hub/plant/{plant.pk}/change/"
    page = client.get(url)
    assert "old-secret" not in page.content.decode()  # the form never carries the stored value
    data = form_data(page)
    assert client.post(url, {**data, "name": "kept"}).status_code == 302
    assert Plant.objects.get(pk=plant.pk).endpoint_secret == "old-secret"
    assert client.post(url, {**data, "endpoint_secret": "new-secret"}).status_code == 302
    assert Plant.objects.get(pk=plant.pk).endpoint_secret == "new-secret"


def test_admin_never_shows_an_api_tokens_digest(client, shared):
    from suppliers.models import ApiToken
    from suppliers.services import token_issue

    token_issue(user=shared["users"]["supplier"])
    token = ApiToken.objects.get()
    page = as_user(client, shared, "admin").get(f"/admin/suppliers/apitoken/{token.pk}/change/").content.decode()
    assert token.digest not in page


# 14. ?format= on the interchange list ---------------------------------------------------


def test_format_query_filters_the_interchange_list_instead_of_answering_404(shared, plant_file):
    rest = api(shared["users"]["admin"])
    fmt = Interchange.objects.get(pk=plant_file.pk).format
    assert fmt
    response = rest.get(f"/api/v1/interchanges/?format={fmt}")
    assert response.status_code == 200 and [r["id"] for r in response.json()["results"]] == [str(plant_file.pk)]
    other = rest.get("/api/v1/interchanges/?format=NOSUCHFORMAT")
    assert other.status_code == 200 and other.json()["results"] == []



@pytest.fixture
def _language_restored():
    from django.utils import translation

    yield
    translation.deactivate()  # the locale middleware leaves German active in this thread


def test_refusals_speak_german_to_a_german_browser(client, shared, _language_restored):
    plant = shared["plants"][0]
    Plant.objects.filter(pk=plant.pk).update(endpoint_secret="x")
    client = as_user(client, shared, "hq")
    response = client.post("/admin/hub/plant/", {"action": "pause", ACTION_CHECKBOX_NAME: [str(plant.pk)]}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 403 and "nur lesen" in response.content.decode()
    page = client.get(f"/admin/hub/plant/{plant.pk}/change/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert ": gesetzt" in page


def test_buyer_cannot_rewrite_a_shared_suppliers_master_data_by_bulk_import(shared):
    from suppliers.imports import suppliers_import

    header = "supplier_number,name,country,plants,edi_format,edi_id,edi_qualifier\n"
    rows = [
        "SUP00001,Hijacked GmbH,DE,PLANT01,,,",  # shared with PLANT02: name is PLANT02's business too
        "SUP00001,Supplier SUP00001,DE,PLANT01,X12,BUYERSID,ZZ",
        "SUP00004,Own Renamed GmbH,DE,PLANT01,,,",  # its own supplier: fine
    ]
    for row in rows[:2]:
        result = suppliers_import(data=(header + row + "\n").encode(), by=shared["users"]["buyer"])
        assert [e.message for e in result.errors][0].startswith("supplier 'SUP00001' also serves plants outside your scope")
    supplier = Supplier.objects.get(number="SUP00001")
    assert supplier.name == "Supplier SUP00001" and not supplier.profile.identifiers.filter(value="BUYERSID").exists()
    assert set(supplier.plants.values_list("code", flat=True)) == {"PLANT01", "PLANT02"}
    result = suppliers_import(data=(header + rows[2] + "\n").encode(), by=shared["users"]["buyer"])
    assert not result.errors and Supplier.objects.get(number="SUP00004").name == "Own Renamed GmbH"
    # Unchanged master data of a shared supplier re-imported: no error, nothing changes.
    result = suppliers_import(data=(header + "SUP00001,Supplier SUP00001,DE,PLANT01,,,\n").encode(), by=shared["users"]["buyer"])
    assert not result.errors and result.unchanged == 1


def test_profile_history_never_keeps_an_endpoint_secret(world):
    """The history pages show every stored version of a profile: a secret must not be in any of them."""
    supplier = world["suppliers"][0]
    profile, _ = PartnerProfile.objects.get_or_create(supplier=supplier)
    profile.endpoint_secret = "s3cret-signing-key"
    profile.save()
    profile.endpoint_secret = "rotated-s3cret"
    profile.save()
    versions = list(profile.history.values())
    assert len(versions) >= 2
    assert "s3cret" not in repr(versions)


def test_buyer_cannot_shorten_retention_and_so_delete_history_early(client, shared):
    """Retention deletes files and deliveries for good: only an administrator sets it."""
    plant = shared["plants"][0]
    supplier = Supplier.objects.filter(plants=plant).first()
    buyer = as_user(client, shared, "buyer")
    page = buyer.get(f"/admin/hub/plant/{plant.pk}/change/")
    assert "retention_days" not in page.context["adminform"].form.fields
    data = form_data(page)
    data["retention_days"] = "1"
    assert buyer.post(f"/admin/hub/plant/{plant.pk}/change/", data).status_code == 302
    assert Plant.objects.get(pk=plant.pk).retention_days is None
    assert "retention_days" not in buyer.get(f"/admin/suppliers/supplier/{supplier.pk}/change/").context["adminform"].form.fields
    admin = as_user(client, shared, "admin")
    assert "retention_days" in admin.get(f"/admin/hub/plant/{plant.pk}/change/").context["adminform"].form.fields
    assert "retention_days" in admin.get(f"/admin/suppliers/supplier/{supplier.pk}/change/").context["adminform"].form.fields
