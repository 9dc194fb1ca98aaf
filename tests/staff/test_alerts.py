"""Alerts: grouped per kind and interval, one e-mail per recipient for a burst, each linking to its list."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from hub.alerts.services import alerts_sweep, window_of
from hub.models import AlertSent, Delivery, DeliveryAttempt, Interchange, InterchangePlant
from tests.documents import asn, edifact
from tests.staff.scenario import seed, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(world, settings):
    settings.HUB_ALERT_INTERVAL_SECONDS = 900
    settings.HUB_PUBLIC_URL = "https://hub.example"
    plant01 = world["plants"][0]
    plant01.alert_emails = "plant01-logistics@oem.example"
    plant01.save()
    supplier = world["suppliers"][0]
    supplier.email = "edi@sup00001.example"
    supplier.save()
    return world


def _in_last_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start, end = window_of(now, 900)
    return start, end


def _mails_to(mailoutbox, address: str, kind_words: str) -> list:
    return [m for m in mailoutbox if address in m.to and kind_words in m.subject]


def test_a_burst_of_a_thousand_dead_letters_is_one_email_per_recipient(contacts, mailoutbox):
    world = contacts
    now = timezone.now()
    start, _end = _in_last_window(now)
    plant, supplier = world["plants"][0], world["suppliers"][0]
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(document_type="despatch_advice", document_id=uuid.uuid4(), document_number=f"DN{n}", plant=plant, supplier=supplier, payload="{}",
                     sequence_key=f"s{n}", status=Delivery.Status.DEAD, attempts=1, last_error="attempt 1: HTTP 400")
            for n in range(1000)
        ]
    )  # fmt: skip
    DeliveryAttempt.objects.bulk_create(
        [DeliveryAttempt(delivery=d, number=1, started_at=start + dt.timedelta(seconds=n % 800), outcome="dead", status_code=400) for n, d in enumerate(deliveries)]
    )
    sent = alerts_sweep(now=now)
    assert sent["dead_letter"] == 2  # the plant's contact and the supplier
    to_plant = _mails_to(mailoutbox, "plant01-logistics@oem.example", "dead-lettered")
    assert len(to_plant) == 1
    body = to_plant[0].body
    assert ": 1000." in body and "... and 980 more." in body
    assert "https://hub.example/staff/overview/deliveries_dead/?plant=PLANT01" in body
    to_supplier = _mails_to(mailoutbox, "edi@sup00001.example", "dead-lettered")
    assert len(to_supplier) == 1 and "https://hub.example/portal/inbox/" in to_supplier[0].body
    assert AlertSent.objects.get(kind="dead_letter", recipient="plant01-logistics@oem.example").events == 1000
    # Swept again (every worker sweeps): nothing goes out twice.
    count = len(mailoutbox)
    alerts_sweep(now=now + dt.timedelta(seconds=5))
    assert len(mailoutbox) == count


def test_files_that_keep_failing_are_one_email_to_the_plant_and_the_supplier(contacts, mailoutbox):
    world = contacts
    now = timezone.now()
    start, _end = _in_last_window(now)
    supplier, plant = world["suppliers"][0], world["plants"][0]
    files = Interchange.objects.bulk_create(
        [Interchange(received_at=start + dt.timedelta(seconds=n % 800), channel="api", sender_supplier=supplier, raw="x", size=1, sha256=f"{n:064d}",
                     status=Interchange.Status.FAILED) for n in range(1000)]
    )  # fmt: skip
    InterchangePlant.objects.bulk_create([InterchangePlant(interchange=i, plant=plant) for i in files])
    alerts_sweep(now=now)
    to_plant = _mails_to(mailoutbox, "plant01-logistics@oem.example", "keep failing")
    assert len(to_plant) == 1 and "SUP00001" in to_plant[0].body and "1000 files failed" in to_plant[0].body
    assert "/staff/overview/interchanges_failed_24h/?plant=PLANT01" in to_plant[0].body
    assert len(_mails_to(mailoutbox, "edi@sup00001.example", "keep failing")) == 1


def test_plants_without_contacts_alert_their_buyers(world, mailoutbox, settings):
    buyer = world["users"]["buyer"]
    buyer.email = "buyer@plant01.example"
    buyer.save()
    seed(world)  # PLANT01's part P2 is due today with no ASN
    sent = alerts_sweep(now=timezone.now())
    assert "asn_missing" in sent
    missing = _mails_to(mailoutbox, "buyer@plant01.example", "ASNs missing")
    assert len(missing) == 1 and "P2" in missing[0].body and "P3" not in missing[0].body  # P3 is PLANT02's


def test_each_recipient_gets_the_alert_in_the_language_of_its_account(world, mailoutbox, settings):
    from tests.factories import UserFactory

    settings.HUB_PUBLIC_URL = "https://hub.example"
    buyer = world["users"]["buyer"]
    buyer.email, buyer.language = "Buyer@Plant01.example", "de"  # the address as the account has it; case does not matter
    buyer.save()
    colleague = UserFactory(username="colleague", role="buyer", email="colleague@plant01.example", language="")
    colleague.plants.set([world["plants"][0]])
    seed(world)  # PLANT01's part P2 is due today with no ASN
    alerts_sweep(now=timezone.now())
    german = [m for m in mailoutbox if "Buyer@Plant01.example" in m.to]
    english = [m for m in mailoutbox if "colleague@plant01.example" in m.to]
    assert len(german) == 1 and len(english) == 1
    assert german[0].subject.startswith("[Lieferanten-Hub] Lieferavise fehlen für feste Liefermengen: ")
    assert "Lieferabruf" in german[0].body and "Alle: https://hub.example/staff/overview/asn_missing/" in german[0].body
    assert "P2" in german[0].body and "call-off" not in german[0].body
    assert english[0].subject.startswith("[Supplier hub] ASNs missing for firm deliveries: ")  # no language chosen: the hub's
    assert "(call-off " in english[0].body and "All of them: " in english[0].body


def test_an_asn_whose_quantity_differs_from_the_call_off_is_reported(contacts, mailoutbox):
    world = contacts
    seed(world)
    shipment = asn("ASN-SHORT", plant="PLANT01", part="P2", quantity="7")  # the call-off asks 10 today
    shipment.arrival_date = shipment.ship_date = timezone.localdate().isoformat()
    assert send(edifact([shipment], sender="SUP00001", ref="SREF9"), world["users"]["supplier"]).status == "processed"
    later = timezone.now() + dt.timedelta(seconds=900)
    alerts_sweep(now=later)
    mismatch = _mails_to(mailoutbox, "plant01-logistics@oem.example", "quantities differ")
    assert len(mismatch) == 1
    assert "ASN-SHORT ships 7 of P2; the call-off asks 10" in mismatch[0].body
    assert "ASN-P1" not in mismatch[0].body  # shipped exactly what was called off


def test_a_partner_silent_longer_than_its_rhythm_is_reported_once_a_day(contacts, mailoutbox):
    world = contacts
    supplier = world["suppliers"][0]
    now = timezone.now()
    _start, end = window_of(now, 86400)  # the daily sweep judges silence at the end of the day that ended, not now
    Interchange.objects.bulk_create(
        [Interchange(received_at=end - dt.timedelta(hours=30 - n), channel="api", sender_supplier=supplier, raw="x", size=1, sha256=f"{n:064d}",
                     status=Interchange.Status.PROCESSED) for n in range(10)]
    )  # hourly files, the last one 21 h before the day's end  # fmt: skip
    alerts_sweep(now=now)
    silent = _mails_to(mailoutbox, "plant01-logistics@oem.example", "silent")
    assert len(silent) == 1 and "SUP00001" in silent[0].body
    alerts_sweep(now=end + dt.timedelta(hours=1))  # the same day again (every worker sweeps)
    assert len(_mails_to(mailoutbox, "plant01-logistics@oem.example", "silent")) == 1


def test_plant_alert_contacts_are_checked_one_by_one(world):
    from django.core.exceptions import ValidationError

    from hub.models import validate_email_list

    validate_email_list("a@oem.example, b@oem.example;c@oem.example")
    with pytest.raises(ValidationError, match="'not-an-address' is not an e-mail address"):
        validate_email_list("a@oem.example, not-an-address")
