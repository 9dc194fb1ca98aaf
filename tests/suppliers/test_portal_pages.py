"""The supplier portal's dashboard, inbox, live file state and account: content, scope, query counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hub.dispatch.services import delivery_send
from hub.models import Delivery, Interchange
from orders.models import DeliverySchedule
from suppliers.models import InboxRead, User
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).strftime("%Y%m%d")


def parts(n: int, prefix: str = "P") -> list:
    """``n`` parts, each firm in two days and as a forecast in twenty."""
    return [(f"{prefix}{i:05d}", (("10", "1", day(2)), ("20", "4", day(20)))) for i in range(n)]


@pytest.fixture
def call_offs(world, receive_and_process):
    """SUP00001: a call-off of 300 parts and 20 small ones; SUP00002: one. Inbox deliveries sent."""
    admin = world["users"]["admin"]
    receive_and_process(delfor([message("1", "BIG1", parts=parts(300))], ref="R1"), admin)
    receive_and_process(delfor([message(str(n), f"SMALL{n}", parts=parts(1, f"S{n}-")) for n in range(20)], ref="R2"), admin)
    receive_and_process(delfor([message("1", "THEIRS1", supplier="SUP00002", plant="PLANT02")], ref="R3"), admin)
    for d in Delivery.objects.filter(recipient="supplier"):
        delivery_send(delivery_id=d.pk)
    return {s.number: s for s in DeliverySchedule.objects.all()}


def login(client, user):
    client.force_login(user)
    return client


# The dashboard


def test_dashboard_shows_what_needs_action_today(client, world, call_offs, receive_and_process):
    receive_and_process(b"UNB+this is not EDI", world["users"]["supplier"])  # a rejected file
    page = login(client, world["users"]["supplier"]).get("/portal/").content.decode()
    assert 'id="count-unacknowledged">21<' in page  # BIG1 and SMALL0..19
    assert 'id="count-open-dates">320<' in page  # every firm date of SUP00001 is open
    assert 'id="count-rejected">1<' in page
    assert "THEIRS1" not in page and "BIG1" in page


def test_a_despatch_advice_covers_its_firm_date(client, world, call_offs, receive_and_process):
    today = timezone.localdate()
    doc = asn("ASN1", part="S0-00000")
    doc.arrival_date = (today + dt.timedelta(days=1)).isoformat()  # a day early: covers the date two days out
    doc.ship_date = today.isoformat()
    receive_and_process(edifact([doc]), world["users"]["supplier"])
    page = login(client, world["users"]["supplier"]).get("/portal/").content.decode()
    assert 'id="count-open-dates">319<' in page


def test_dashboard_query_count_does_not_grow_with_parts(client, world, call_offs, django_assert_max_num_queries):
    login(client, world["users"]["supplier"])
    with django_assert_max_num_queries(14):
        assert client.get("/portal/").status_code == 200


# The inbox


def test_inbox_shows_readable_types_links_and_unread_marks_per_user(client, world, call_offs):
    colleague = UserFactory(username="colleague", role="supplier", supplier=world["suppliers"][0])
    big = Delivery.objects.get(recipient="supplier", document_number="BIG1")
    page = login(client, world["users"]["supplier"]).get("/portal/inbox/").content.decode()
    assert "Call-off" in page and "delivery_schedule</td>" not in page
    assert f'href="/portal/call-offs/{call_offs["BIG1"].pk}/"' in page
    assert "21 unread" in page and "THEIRS1" not in page
    json_download = client.get(f"/portal/inbox/{big.pk}/json")
    assert json_download.status_code == 200 and json.loads(json_download.content)["number"] == "BIG1"
    assert InboxRead.objects.filter(user=world["users"]["supplier"], delivery=big).exists()
    assert "20 unread" in client.get("/portal/inbox/").content.decode()
    assert "21 unread" in login(client, colleague).get("/portal/inbox/").content.decode()  # read marks are per user
    client.post(f"/portal/inbox/{big.pk}/mark", {"read": "1"})
    assert "20 unread" in client.get("/portal/inbox/").content.decode()
    client.post(f"/portal/inbox/{big.pk}/mark", {"read": "0"})
    assert "21 unread" in client.get("/portal/inbox/").content.decode()


def test_inbox_filters(client, world, call_offs):
    login(client, world["users"]["supplier"])
    small = Delivery.objects.get(recipient="supplier", document_number="SMALL3")
    client.get(f"/portal/inbox/{small.pk}/download")
    assert '<tr class="read"' in client.get("/portal/inbox/?state=read").content.decode()
    page = client.get("/portal/inbox/?state=read").content.decode()
    assert "SMALL3" in page and "BIG1" not in page
    page = client.get("/portal/inbox/?state=unread").content.decode()
    assert "SMALL3" not in page and "BIG1" in page
    page = client.get("/portal/inbox/?q=big").content.decode()
    assert "BIG1" in page and "SMALL3" not in page
    assert "BIG1" not in client.get("/portal/inbox/?type=despatch_advice").content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert "BIG1" not in client.get(f"/portal/inbox/?date_from={tomorrow}").content.decode()
    assert "BIG1" in client.get("/portal/inbox/?date_from=not-a-date").content.decode()  # a bad filter filters nothing


def test_inbox_pages_fifty_newest_first_and_keeps_the_filters_in_its_links(client, world, call_offs):
    # 21 documents of SUP00001 in the inbox (BIG1 and SMALL0-19); 40 more, older than all of them.
    template = Delivery.objects.filter(recipient="supplier", document_number="SMALL0").values().get()
    oldest = Delivery.objects.filter(recipient="supplier").order_by("delivered_at").first().delivered_at
    for n in range(40):
        row = {k: v for k, v in template.items() if k not in ("id", "idempotency_key")}
        row.update(document_number=f"OLD{n:02d}", delivered_at=oldest - dt.timedelta(minutes=n + 1))
        Delivery.objects.create(**row)
    login(client, world["users"]["supplier"])
    first = client.get("/portal/inbox/").content.decode()
    assert first.count("<tr class=") == 50 and "BIG1" in first and "OLD28" in first and "OLD29" not in first
    assert "Page 1 of 2" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "61 unread" in first  # the count is over every page
    second = client.get("/portal/inbox/?page=2").content.decode()
    assert second.count("<tr class=") == 11 and "OLD29" in second and "OLD39" in second and "OLD28" not in second and "BIG1" not in second
    assert client.get("/portal/inbox/?page=99").content.decode().count("<tr class=") == 11  # past the end: the last page
    assert client.get("/portal/inbox/?page=x").content.decode().count("<tr class=") == 50  # not a number: the first
    filtered = client.get("/portal/inbox/?q=old").content.decode()
    assert "Page 1 of 1" not in filtered and 'rel="next"' not in filtered and filtered.count("<tr class=") == 40
    both = client.get("/portal/inbox/?q=l&state=unread").content.decode()  # SMALL* and OLD*: 60, unread
    assert both.count("<tr class=") == 50 and 'href="?q=l&amp;state=unread&amp;page=2"' in both


def test_inbox_answers_404_for_another_suppliers_documents(client, world, call_offs):
    theirs = Delivery.objects.get(recipient="supplier", document_number="THEIRS1")
    login(client, world["users"]["supplier"])
    assert client.get(f"/portal/inbox/{theirs.pk}/download").status_code == 404
    assert client.get(f"/portal/inbox/{theirs.pk}/json").status_code == 404
    assert client.post(f"/portal/inbox/{theirs.pk}/mark", {"read": "1"}).status_code == 404
    assert not InboxRead.objects.exists()


def test_inbox_query_count_is_bounded(client, world, call_offs, django_assert_max_num_queries):
    login(client, world["users"]["supplier"])
    with django_assert_max_num_queries(12):
        assert client.get("/portal/inbox/").status_code == 200


# Live state of a file and what became of it at the plant


def test_a_file_being_processed_polls_and_its_outcome_arrives(client, world, django_capture_on_commit_callbacks):
    login(client, world["users"]["supplier"])
    client.post("/portal/upload/", {"file": SimpleUploadedFile("up.edi", edifact([asn("LIVE1")]))})
    interchange = Interchange.objects.get()
    page = client.get(f"/portal/interchanges/{interchange.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting to be processed" in page and "· ·" not in page
    from hub.ingest.pipeline import interchange_process

    interchange_process(interchange_id=interchange.pk)
    fragment = client.get(f"/portal/interchanges/{interchange.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="interchange-state"') and "<html" not in fragment
    assert "processed" in fragment and "on its way" in fragment  # the ASN waits for its plant: still polling
    delivery = Delivery.objects.get(recipient="plant", document_number="LIVE1")
    Delivery.objects.filter(pk=delivery.pk).update(status="dead", last_error="HTTP 400 from the plant: unknown part")
    fragment = client.get(f"/portal/interchanges/{interchange.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "not delivered (dead-lettered)" in fragment and "unknown part" in fragment and "hx-trigger" not in fragment


def test_delivered_and_acknowledged_documents_say_so(client, world, receive_and_process):
    interchange = receive_and_process(edifact([asn("ACK1")]), world["users"]["supplier"])
    delivery = Delivery.objects.get(recipient="plant", document_number="ACK1")
    Delivery.objects.filter(pk=delivery.pk).update(status="delivered", delivered_at=timezone.now())
    page = login(client, world["users"]["supplier"]).get(f"/portal/interchanges/{interchange.pk}/").content.decode()
    assert "delivered to the plant" in page
    Delivery.objects.filter(pk=delivery.pk).update(acknowledged_at=timezone.now(), acknowledgement_status="accepted")
    assert "acknowledged by the plant" in client.get(f"/portal/interchanges/{interchange.pk}/").content.decode()


def test_another_suppliers_file_is_not_found(client, world, receive_and_process):
    interchange = receive_and_process(edifact([asn("X1", supplier="SUP00002", plant="PLANT02")], sender="SUP00002"), world["users"]["supplier2"])
    login(client, world["users"]["supplier"])
    assert client.get(f"/portal/interchanges/{interchange.pk}/", HTTP_HX_REQUEST="true").status_code == 404


def test_file_page_query_count_is_bounded(client, world, call_offs, receive_and_process, django_assert_max_num_queries):
    interchange = receive_and_process(edifact([asn(f"Q{n}") for n in range(30)]), world["users"]["supplier"])
    login(client, world["users"]["supplier"])
    with django_assert_max_num_queries(16):
        assert client.get(f"/portal/interchanges/{interchange.pk}/").status_code == 200


def test_errors_are_shown_in_german(client, world, receive_and_process):
    segs = message("1", "BAD1")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    interchange = receive_and_process(delfor([segs], sender="SUP00001"), world["users"]["supplier"])
    login(client, world["users"]["supplier"])
    page = client.get(f"/portal/interchanges/{interchange.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Segment 14 (QTY), Element 1, Komponente 2" in page and "ist keine Zahl" in page
    assert "Bytes" in page and " bytes" not in page


# Account: the supplier's users, roles, e-mail settings


def test_supplier_admin_invites_a_user_who_gets_a_link(client, world, mailoutbox, django_capture_on_commit_callbacks, eager_celery):
    login(client, world["users"]["supplier"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/account/", {"form": "invite", "username": "anna", "email": "anna@example.com", "supplier_role": "read_only"})
    assert response.status_code == 302
    anna = User.objects.get(username="anna")
    assert anna.supplier == world["suppliers"][0] and anna.supplier_role == "read_only" and not anna.has_usable_password()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["anna@example.com"] and "/accounts/reset/" in mailoutbox[0].body
    assert "anna" in client.get("/portal/account/").content.decode()


def test_supplier_admin_changes_role_and_deactivates_but_not_itself(client, world):
    member = UserFactory(username="bert", role="supplier", supplier=world["suppliers"][0], supplier_role="dispatcher")
    me = world["users"]["supplier"]
    login(client, me)
    client.post(f"/portal/account/users/{member.pk}/", {"supplier_role": "read_only"})
    client.post(f"/portal/account/users/{member.pk}/", {"active": "0"})
    member.refresh_from_db()
    assert member.supplier_role == "read_only" and not member.is_active
    client.post(f"/portal/account/users/{me.pk}/", {"active": "0"})
    me.refresh_from_db()
    assert me.is_active


def test_another_suppliers_user_is_not_found(client, world):
    login(client, world["users"]["supplier"])
    other = world["users"]["supplier2"]
    assert client.post(f"/portal/account/users/{other.pk}/", {"active": "0"}).status_code == 404
    other.refresh_from_db()
    assert other.is_active
    assert "supplier2" not in client.get("/portal/account/").content.decode()


def test_dispatchers_and_read_only_users_cannot_manage_users(client, world):
    member = UserFactory(username="carl", role="supplier", supplier=world["suppliers"][0], supplier_role="dispatcher")
    victim = UserFactory(username="dora", role="supplier", supplier=world["suppliers"][0], supplier_role="dispatcher")
    for role in ("dispatcher", "read_only"):
        User.objects.filter(pk=member.pk).update(supplier_role=role)
        member.refresh_from_db()
        login(client, member)
        assert 'id="team"' not in client.get("/portal/account/").content.decode()
        assert client.post("/portal/account/", {"form": "invite", "username": "eve", "email": "e@example.com", "supplier_role": "admin"}).status_code == 403
        assert client.post(f"/portal/account/users/{victim.pk}/", {"supplier_role": "admin"}).status_code == 403
    assert not User.objects.filter(username="eve").exists()
    victim.refresh_from_db()
    assert victim.supplier_role == "dispatcher"


def test_read_only_users_may_not_upload_but_may_read_and_set_their_emails(client, world, receive_and_process):
    reader = UserFactory(username="rita", role="supplier", supplier=world["suppliers"][0], supplier_role="read_only")
    interchange = receive_and_process(edifact([asn("RO1")]), world["users"]["supplier"])
    login(client, reader)
    assert client.post("/portal/upload/", {"file": SimpleUploadedFile("x.edi", edifact([asn("RO2")]))}).status_code == 403
    assert 'href="/portal/upload/"' not in client.get("/portal/").content.decode()
    assert client.get(f"/portal/interchanges/{interchange.pk}/raw").status_code == 200
    client.post("/portal/account/", {"form": "notifications", "call_offs": "on"})
    reader.refresh_from_db()
    assert reader.notify_call_offs and not reader.notify_rejected_files and not reader.notify_dead_despatch_advices


def test_account_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for n in range(30):
        UserFactory(username=f"member{n}", role="supplier", supplier=world["suppliers"][0])
    login(client, world["users"]["supplier"])
    with django_assert_max_num_queries(10):
        assert client.get("/portal/account/").status_code == 200


def test_file_list_and_upload_query_counts_are_bounded(client, world, receive_and_process, django_assert_max_num_queries):
    for n in range(25):
        receive_and_process(edifact([asn(f"L{n}")], ref=f"L{n}"), world["users"]["supplier"])
    login(client, world["users"]["supplier"])
    with django_assert_max_num_queries(8):
        assert client.get("/portal/interchanges/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/portal/upload/").status_code == 200


def test_the_language_switch_names_each_language_in_itself(client, world):
    page = login(client, world["users"]["supplier"]).get("/portal/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert ">English</option>" in page and ">Deutsch</option>" in page and "Englisch" not in page


def test_the_file_list_polls_while_a_file_is_processed(client, world, django_capture_on_commit_callbacks):
    login(client, world["users"]["supplier"])
    client.post("/portal/upload/", {"file": SimpleUploadedFile("up.edi", edifact([asn("LIST1")]))})
    assert 'hx-trigger="every 2s"' in client.get("/portal/interchanges/").content.decode()
    from hub.ingest.pipeline import interchange_process

    interchange_process(interchange_id=Interchange.objects.get().pk)
    assert "hx-trigger" not in client.get("/portal/interchanges/").content.decode()


def test_an_upload_above_the_limit_is_refused_in_german(client, world, settings):
    settings.HUB_MAX_INTERCHANGE_BYTES = 10
    login(client, world["users"]["supplier"])
    page = client.post("/portal/upload/", {"file": SimpleUploadedFile("big.edi", b"x" * 50)}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "die Datei ist größer als die Grenze von 10 Bytes" in page and not Interchange.objects.exists()


def test_an_acknowledgement_in_the_inbox_links_to_the_file_it_acknowledges(client, world, receive_and_process):
    interchange = receive_and_process(edifact([asn("ACKLINK1")]), world["users"]["supplier"])
    for d in Delivery.objects.filter(recipient="supplier", document_type="acknowledgement"):
        delivery_send(delivery_id=d.pk)
    page = login(client, world["users"]["supplier"]).get("/portal/inbox/").content.decode()
    assert "Acknowledgement" in page and f'href="/portal/interchanges/{interchange.pk}/"' in page
