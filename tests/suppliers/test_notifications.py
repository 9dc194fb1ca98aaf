"""E-mails to a supplier's users: on a new or changed call-off, a rejected file, an ASN the plant never got."""

from __future__ import annotations

import pytest

from hub.models import Delivery
from suppliers.models import Notification, User
from suppliers.tasks import notify_sweep
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    User.objects.filter(username="supplier").update(email="disponent@sup1.example")
    quiet = UserFactory(username="quiet", role="supplier", supplier=world["suppliers"][0], email="quiet@sup1.example", notify_call_offs=False, notify_rejected_files=False)
    german = UserFactory(username="deutsch", role="supplier", supplier=world["suppliers"][0], email="de@sup1.example", language="de", supplier_role="read_only")
    User.objects.filter(username="supplier2").update(email="other@sup2.example")
    return {"quiet": quiet, "german": german}


def sent_to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def test_a_new_call_off_mails_each_user_who_wants_it_once(world, people, receive_and_process, mailoutbox):
    receive_and_process(delfor([message("1", "CO-NEW")]), world["users"]["admin"])
    assert notify_sweep.apply().get() == 2
    mine = sent_to(mailoutbox, "disponent@sup1.example")
    assert len(mine) == 1 and mine[0].subject == "New call-off CO-NEW from PLANT01" and "/portal/call-offs/" in mine[0].body
    assert sent_to(mailoutbox, "de@sup1.example")[0].subject == "Neuer Abruf CO-NEW von PLANT01"
    assert not sent_to(mailoutbox, "quiet@sup1.example") and not sent_to(mailoutbox, "other@sup2.example")
    assert notify_sweep.apply().get() == 0 and len(mailoutbox) == 2  # idempotent


def test_a_changed_call_off_says_changed(world, people, receive_and_process, mailoutbox):
    receive_and_process(delfor([message("1", "CO-2", extra_header=["RFF+AIF:CO-1"])]), world["users"]["admin"])
    notify_sweep.apply()
    assert sent_to(mailoutbox, "disponent@sup1.example")[0].subject.startswith("Changed call-off CO-2")


def test_a_rejected_file_mails_with_its_first_error(world, people, receive_and_process, mailoutbox):
    interchange = receive_and_process(b"this is no EDI at all", world["users"]["supplier"])
    assert interchange.status == "failed"
    notify_sweep.apply()
    mail = sent_to(mailoutbox, "disponent@sup1.example")
    assert len(mail) == 1 and "was rejected" in mail[0].subject and "format is not recognised" in mail[0].body
    assert not sent_to(mailoutbox, "quiet@sup1.example")


def test_a_dead_lettered_despatch_advice_mails_why(world, people, receive_and_process, mailoutbox):
    receive_and_process(edifact([asn("ASN-LOST")]), world["users"]["supplier"])
    Delivery.objects.filter(recipient="plant", document_number="ASN-LOST").update(status="dead", last_error="HTTP 422: unknown part 4711-A")
    notify_sweep.apply()
    quiet = sent_to(mailoutbox, "quiet@sup1.example")  # wants these
    assert len(quiet) == 1 and quiet[0].subject == "Despatch advice ASN-LOST did not reach PLANT01" and "unknown part" in quiet[0].body
    assert Notification.objects.filter(kind="dead_despatch_advice", sent_at__isnull=False).count() == 3


def test_a_mail_that_failed_is_sent_again_by_the_next_sweep(world, people, receive_and_process, mailoutbox, monkeypatch):
    receive_and_process(edifact([asn("ASN-RETRY")]), world["users"]["supplier"])
    Delivery.objects.filter(recipient="plant", document_number="ASN-RETRY").update(status="dead", last_error="refused")
    import suppliers.notifications as notifications

    def broken(*args, **kwargs):
        raise OSError("SMTP server down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with pytest.raises(OSError):
        notifications.notifications_send()
    monkeypatch.undo()
    assert notifications.notifications_send() == 3
