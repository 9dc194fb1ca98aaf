"""The test phase: files of a supplier in testing are checked and reported, never stored or dispatched."""

from __future__ import annotations

import pytest

from hub.models import ControlReference, Delivery, Interchange
from orders.models import DespatchAdvice
from suppliers.models import Supplier
from suppliers.onboarding import onboarding_transition
from tests.documents import asn, edifact
from tests.factories import SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Supplier.Status


@pytest.fixture
def tester(world):
    s = SupplierFactory(number="SUP00042", status=S.TESTING)
    s.plants.set([world["plants"][0]])
    s.profile.inbound_formats = ["EDIFACT:DESADV"]
    s.profile.save()
    return s, UserFactory(username="tester", role="supplier", supplier=s)


def test_a_test_file_is_reported_but_nothing_is_persisted_or_dispatched(tester, receive_and_process):
    supplier, user = tester
    interchange = receive_and_process(edifact([asn("TEST-CO1", supplier="SUP00042")], sender="SUP00042"), user)
    assert interchange.test_run and interchange.status == "processed" and interchange.errors == []
    assert interchange.test_report[0]["number"] == "TEST-CO1" and interchange.test_report[0]["plant"] == "PLANT01"
    assert interchange.test_report[0]["lines"][0]["total"] == "120"
    assert not DespatchAdvice.objects.exists() and not Delivery.objects.exclude(document_type="acknowledgement").exists() and not ControlReference.objects.exists()


def test_a_bad_test_file_shows_its_errors(tester, receive_and_process):
    supplier, user = tester
    interchange = receive_and_process(edifact([asn("TEST-CO2", supplier="SUP00042", plant="NOPLANT")], sender="SUP00042"), user)
    assert interchange.test_run and interchange.status == "failed"
    assert "not a plant of the group" in interchange.errors[0]["text"]


def test_auto_go_live_after_n_clean_files_per_message_type(tester, receive_and_process, settings):
    settings.HUB_ONBOARDING_CLEAN_FILES = 2
    supplier, user = tester
    receive_and_process(edifact([asn("T1", supplier="SUP00042")], sender="SUP00042", ref="R1"), user)
    receive_and_process(edifact([asn("T2", supplier="SUP00042", plant="NOPLANT")], sender="SUP00042", ref="R2"), user)
    assert Supplier.objects.get(pk=supplier.pk).status == S.TESTING
    receive_and_process(edifact([asn("T3", supplier="SUP00042")], sender="SUP00042", ref="R3"), user)
    supplier.refresh_from_db()
    assert supplier.status == S.LIVE
    assert supplier.transitions.last().note.startswith("automatic")


def test_after_go_live_the_same_file_is_processed_and_dispatched(tester, receive_and_process):
    supplier, user = tester
    data = edifact([asn("CO-REAL", supplier="SUP00042")], sender="SUP00042")
    assert receive_and_process(data, user).test_run
    onboarding_transition(supplier=supplier, to=S.LIVE)
    user.refresh_from_db()
    interchange = receive_and_process(data, user)
    assert not interchange.test_run and interchange.status == "processed"
    assert DespatchAdvice.objects.filter(number="CO-REAL").count() == 1
    assert Delivery.objects.filter(document_number="CO-REAL", recipient="plant").count() == 1
    assert Interchange.objects.count() == 2
