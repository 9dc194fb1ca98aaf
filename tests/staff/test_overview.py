"""The live overview's figures against known data, its scope per role, and its drill-downs."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hub.models import Delivery, DeliveryAttempt, Interchange
from hub.overview import API_FIGURES, overview
from tests.staff.scenario import seed

pytestmark = pytest.mark.django_db

EXPECTED = {
    "PLANT01": {
        "firm_due_today": 2, "asn_for_today": 1, "firm_due_week": 3, "asn_for_week": 1, "asn_missing": 1, "despatch_advices_late": 1,
        "call_offs_current": 1, "call_offs_unacknowledged": 1, "interchanges_failed_24h": 1, "suppliers_live": 1,
    },
    "PLANT02": {
        "firm_due_today": 1, "asn_for_today": 0, "firm_due_week": 1, "asn_for_week": 0, "asn_missing": 1, "despatch_advices_late": 0,
        "call_offs_current": 1, "call_offs_unacknowledged": 0, "interchanges_failed_24h": 0, "suppliers_live": 2,
    },
    "PLANT03": {
        "firm_due_today": 0, "asn_for_today": 0, "firm_due_week": 0, "asn_for_week": 0, "asn_missing": 0, "despatch_advices_late": 0,
        "call_offs_current": 0, "call_offs_unacknowledged": 0, "interchanges_failed_24h": 0, "suppliers_live": 2,
    },
}  # fmt: skip


def _dead_letter(plant_code: str) -> Delivery:
    delivery = Delivery.objects.filter(plant__code=plant_code, recipient="plant").first()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DEAD, attempts=1, last_error="attempt 1: HTTP 400")
    DeliveryAttempt.objects.create(delivery=delivery, number=1, started_at=timezone.now(), outcome="dead", status_code=400)
    return delivery


def test_figures_match_the_known_scenario(world):
    seed(world)
    _dead_letter("PLANT01")
    data = {p["code"]: p for p in overview(user=world["users"]["hq"])["plants"]}
    assert sorted(data) == ["PLANT01", "PLANT02", "PLANT03"]
    for code, expected in EXPECTED.items():
        assert {k: data[code][k] for k in expected} == expected, code
    waiting = ("pending", "sending", "held")
    for code in data:
        assert data[code]["deliveries_pending"] == Delivery.objects.filter(plant__code=code, status__in=waiting).count()
    assert data["PLANT01"]["deliveries_pending"] > 0
    assert (data["PLANT01"]["deliveries_dead"], data["PLANT01"]["deliveries_dead_24h"]) == (1, 1)
    assert (data["PLANT02"]["deliveries_dead"], data["PLANT02"]["deliveries_dead_24h"]) == (0, 0)


def test_an_acknowledged_call_off_is_no_longer_overdue(world):
    seed(world)
    from orders.models import DeliverySchedule

    DeliverySchedule.objects.filter(number="CO-P1").update(acknowledged_at=timezone.now())
    data = {p["code"]: p for p in overview(user=world["users"]["hq"])["plants"]}
    assert data["PLANT01"]["call_offs_unacknowledged"] == 0


@pytest.mark.parametrize(("days_early", "covered"), [(0, True), (3, True), (4, False)])
def test_an_asn_covers_a_firm_date_when_it_arrives_on_it_or_up_to_the_match_days_before(world, settings, days_early, covered):
    import datetime as dt

    from tests.documents import asn, edifact
    from tests.staff.scenario import send

    settings.HUB_ASN_MATCH_DAYS = 3
    seed(world)  # P2 at PLANT01 is due today with no ASN; P1's ASN arrives today
    early = (timezone.localdate() - dt.timedelta(days=days_early)).isoformat()
    shipment = asn("ASN-P2", plant="PLANT01", part="P2", quantity="10")
    shipment.arrival_date = shipment.ship_date = early
    assert send(edifact([shipment], sender="SUP00001", ref="SREF9"), world["users"]["supplier"]).status == "processed"
    plant01 = {p["code"]: p for p in overview(user=world["users"]["hq"])["plants"]}["PLANT01"]
    assert (plant01["asn_for_today"], plant01["asn_missing"]) == ((2, 0) if covered else (1, 1))


def test_a_new_version_of_a_call_off_replaces_its_figures_and_drill_down(world, client):
    from orders.models import DeliverySchedule
    from tests.staff.scenario import call_off, plant_file, send

    seed(world)
    # CO-P1b replaces P1 of CO-P1 (P2 stays with CO-P1): P1 now only 40 today and 30 in five days (too far for the ASN arriving today).
    newer = call_off("CO-P1b", "PLANT01", {"P1": [(0, "40", "firm"), (5, "30", "firm")]})
    assert send(plant_file([newer], "PREF9"), world["users"]["admin"]).status == "processed"
    data = {p["code"]: p for p in overview(user=world["users"]["hq"])["plants"]}
    # Today P1 (new, ASN arriving today) and P2 (old, no ASN); this week also P1 in five days; the late P1 is gone.
    assert {k: data["PLANT01"][k] for k in ("firm_due_today", "asn_for_today", "firm_due_week", "asn_for_week", "despatch_advices_late")} == {
        "firm_due_today": 2, "asn_for_today": 1, "firm_due_week": 3, "asn_for_week": 1, "despatch_advices_late": 0,
    }  # fmt: skip
    assert data["PLANT02"]["firm_due_today"] == 1
    assert DeliverySchedule.objects.get(number="CO-P1").status == DeliverySchedule.Status.CURRENT  # P2 still in force
    client.force_login(world["users"]["buyer"])
    week = client.get("/staff/overview/firm_due_week/?plant=PLANT01").content.decode()
    assert "CO-P1b" in week and week.count("CO-P1b") >= 2 and ">50<" not in week


def test_the_page_cache_serves_one_scope_for_its_interval_and_never_another_scope(world, settings, django_assert_num_queries):
    from django.core.cache import cache

    from hub import overview as figures
    from orders.models import DeliverySchedule

    seed(world)
    settings.HUB_OVERVIEW_CACHE_SECONDS = 3600  # long enough that no clock runs out during the test
    users = world["users"]
    first, drawn = overview(user=users["hq"]), figures.charts(user=users["hq"])
    assert first["plants"][0]["call_offs_unacknowledged"] == 1
    DeliverySchedule.objects.filter(number="CO-P1").update(acknowledged_at=timezone.now())
    with django_assert_num_queries(0):  # headquarters and admins share one entry (all plants), taken before the change
        assert overview(user=users["admin"]) == first and figures.charts(user=users["admin"]) == drawn
    buyer = overview(user=users["buyer"])  # another scope: computed, and only its plant
    assert [p["code"] for p in buyer["plants"]] == ["PLANT01"] and buyer["plants"][0]["call_offs_unacknowledged"] == 0
    assert overview(user=users["hq"], moment=figures.Moment.at())["plants"][0]["call_offs_unacknowledged"] == 0  # own moment: live
    cache.clear()  # the interval over
    assert overview(user=users["hq"])["plants"][0]["call_offs_unacknowledged"] == 0


@pytest.mark.django_db(transaction=True)  # the refresh runs in a thread, on a connection of its own
def test_an_entry_past_its_interval_is_answered_at_once_and_recomputed_in_the_background(world, settings, django_assert_num_queries):
    import time

    from django.core.cache import cache

    from hub import overview as figures
    from orders.models import DeliverySchedule

    seed(world)
    settings.HUB_OVERVIEW_CACHE_SECONDS = 3600
    hq = world["users"]["hq"]
    first = overview(user=hq)
    assert first["plants"][0]["call_offs_unacknowledged"] == 1
    DeliverySchedule.objects.filter(number="CO-P1").update(acknowledged_at=timezone.now())
    key = figures.cache_key("figures:all", hq)
    entry = cache.get(key)
    entry["at"] -= 3600  # as if taken an interval ago
    cache.set(key, entry, 3600)
    with django_assert_num_queries(0):  # the poll does not wait for the computation
        assert overview(user=hq) == first
    deadline = time.monotonic() + 120  # waits on the refresh, not on a clock: generous for a loaded machine
    while cache.get(key)["data"] == first and time.monotonic() < deadline:
        time.sleep(0.05)
    refreshed = overview(user=hq)
    assert refreshed["plants"][0]["call_offs_unacknowledged"] == 0
    assert refreshed["generated_at"] > first["generated_at"]
    assert cache.get(f"{key}:refreshing") is None  # the next interval may refresh again
    cache.delete(key)  # gone (nobody asked for six intervals): the request computes while it waits
    DeliverySchedule.objects.filter(number="CO-P1").update(acknowledged_at=None)
    assert overview(user=hq)["plants"][0]["call_offs_unacknowledged"] == 1


def test_a_plant_taken_from_a_buyer_is_gone_from_its_next_overview_however_long_the_cache(world, settings):
    seed(world)
    settings.HUB_OVERVIEW_CACHE_SECONDS = 3600
    buyer = world["users"]["buyer"]
    assert [p["code"] for p in overview(user=buyer)["plants"]] == ["PLANT01"]
    buyer.plants.set([world["plants"][1]])  # an administrator moves the buyer to PLANT02
    assert [p["code"] for p in overview(user=buyer)["plants"]] == ["PLANT02"]


def test_api_gives_the_contract_per_plant_and_hq_sees_every_plant(world, client):
    seed(world)
    client.force_login(world["users"]["hq"])
    body = client.get("/api/v1/overview/").json()
    assert set(body) == {"generated_at", "plants"}
    assert [p["code"] for p in body["plants"]] == ["PLANT01", "PLANT02", "PLANT03"]
    for plant in body["plants"]:
        assert set(plant) == {"code", *API_FIGURES}
        assert all(isinstance(plant[k], int) for k in API_FIGURES)
    p1 = body["plants"][0]
    assert (p1["despatch_advices_late"], p1["call_offs_unacknowledged"], p1["interchanges_failed_24h"]) == (1, 1, 1)


def test_buyer_of_plant01_sees_nothing_of_plant02_in_api_and_pages(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    body = client.get("/api/v1/overview/").json()
    assert [p["code"] for p in body["plants"]] == ["PLANT01"]
    page = client.get("/staff/overview/").content.decode()
    assert "PLANT01" in page and "PLANT02" not in page and "PLANT03" not in page
    assert client.get("/staff/overview/asn_missing/?plant=PLANT02").status_code == 404
    rows = client.get("/staff/overview/asn_missing/").content.decode()
    assert "P2" in rows and "P3" not in rows  # PLANT02's missing ASN is for part P3
    home = client.get("/staff/").content.decode()
    assert "PLANT02" not in home


@pytest.mark.parametrize("role", ["supplier", "supplier2"])
def test_suppliers_get_404_everywhere_on_the_overview(world, client, role):
    seed(world)
    client.force_login(world["users"][role])
    for url in ("/api/v1/overview/", "/staff/", "/staff/overview/", "/staff/overview/asn_missing/?plant=PLANT01"):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login_or_refused(world, client):
    assert client.get("/staff/overview/").status_code == 302
    assert client.get("/api/v1/overview/").status_code in (401, 403)


def test_each_number_drills_down_to_the_rows_behind_it(world, client):
    seed(world)
    client.force_login(world["users"]["buyer"])
    late = client.get("/staff/overview/despatch_advices_late/?plant=PLANT01").content.decode()
    assert "CO-P1" in late and "P1" in late
    unack = client.get("/staff/overview/call_offs_unacknowledged/?plant=PLANT01").content.decode()
    assert "CO-P1" in unack
    failed = client.get("/staff/overview/interchanges_failed_24h/?plant=PLANT01").content.decode()
    assert "SUP00002" in failed
    assert client.get("/staff/overview/no-such-figure/").status_code == 404
    page = client.get("/staff/overview/").content.decode()
    assert "/staff/overview/despatch_advices_late/?plant=PLANT01" in page


def test_a_refused_file_naming_plant01_reaches_plant01s_buyer_only(world, client):
    files = seed(world)
    refused = files["refused"]
    assert refused.named_plants.filter(plant__code="PLANT01").exists()
    client.force_login(world["users"]["buyer"])
    assert client.get(f"/api/v1/interchanges/{refused.pk}/").status_code == 200
    assert client.get(f"/portal/interchanges/{refused.pk}/").status_code == 200
    other = world["users"]["buyer"].__class__.objects.create(username="buyer3", role="buyer", is_staff=True)
    other.plants.set([world["plants"][2]])  # PLANT03: SUP00002 supplies it, so its files are shown there too
    client.force_login(other)
    assert client.get(f"/api/v1/interchanges/{refused.pk}/").status_code == 200
    lonely = world["users"]["buyer"].__class__.objects.create(username="buyer4", role="buyer", is_staff=True)
    plant4 = world["plants"][0].__class__.objects.create(code="PLANT04", name="Four")
    lonely.plants.set([plant4])
    client.force_login(lonely)
    assert client.get(f"/api/v1/interchanges/{refused.pk}/").status_code == 404
    assert Interchange.objects.get(pk=refused.pk).status == "failed"


def test_an_unreadable_file_concerns_the_plants_its_supplier_supplies(world):
    from tests.documents import asn, edifact
    from tests.staff.scenario import send

    data = edifact([asn("BROKEN", plant="PLANT01")], sender="SUP00001", ref="SREF7").replace(b"QTY+12:120", b"QTY+12:12x")
    assert b"12x" in data
    broken = send(data, world["users"]["supplier"])
    assert broken.status == "failed"
    assert sorted(broken.named_plants.values_list("plant__code", flat=True)) == ["PLANT01", "PLANT02"]
