"""The portal's despatch-advice form, list, detail and labels: prefilled, checked on the spot, scoped."""

from __future__ import annotations

import pytest

from hub.ingest.pipeline import interchange_process
from hub.models import Interchange
from orders.models import DespatchAdvice
from tests.asn_world import call_off, day

pytestmark = pytest.mark.django_db


def form_data(number: str = "DN-100", *, quantity: str = "100", ship_date=None, part: str = "4711-A") -> dict[str, str]:
    """What the browser posts: the header, one part line and one package row (management forms included)."""
    return {
        "number": number, "plant": "PLANT01", "unloading_point": "GATE3",
        "ship_date": (ship_date or day(1)).isoformat(), "arrival_date": day(3).isoformat(),
        "carrier": "Spedition Muster", "transport_id": "KA-XY-1", "gross_weight": "120",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "99",
        "lines-0-buyer_part": part, "lines-0-supplier_part": "S-4711", "lines-0-quantity": quantity, "lines-0-unit": "C62",
        "lines-0-order_number": "CO-1", "lines-0-batch": "B7", "lines-1-unit": "C62", "lines-2-unit": "C62",  # blank rows keep their initial unit
        "packages-TOTAL_FORMS": "2", "packages-INITIAL_FORMS": "0", "packages-MIN_NUM_FORMS": "0", "packages-MAX_NUM_FORMS": "99",
        "packages-0-type": "KLT", "packages-0-count": "2", "packages-0-label_ids": "",
    }  # fmt: skip


@pytest.fixture
def supplier_client(client, world):
    client.force_login(world["users"]["supplier"])
    return client


def test_the_form_is_prefilled_from_the_call_off(supplier_client, world, receive_and_process):
    schedule = call_off(receive_and_process, world["users"]["admin"])
    page = supplier_client.get(f"/portal/despatch-advices/new/?call_off={schedule.pk}")
    assert page.status_code == 200
    form, lines = page.context["form"], page.context["line_set"]
    assert form.initial["plant"] == "PLANT01" and form.initial["unloading_point"] == "GATE3" and form.initial["arrival_date"] == day(3)
    assert lines.initial == [{"buyer_part": "4711-A", "supplier_part": "S-4711-A", "quantity": "100", "unit": "C62", "order_number": "CO-1"}]
    assert "Prefilled from call-off CO-1" in page.content.decode()
    assert [(d["date"], d["quantity"], d["commitment"]) for d in page.context["due"]] == [(day(3), 100, "firm"), (day(10), 250, "forecast")]
    call_off_page = supplier_client.get(f"/portal/call-offs/{schedule.pk}/").content.decode()
    assert f'href="/portal/despatch-advices/new/?call_off={schedule.pk}"' in call_off_page


def test_a_sent_form_becomes_an_interchange_and_an_asn_with_labels(supplier_client, world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    answer = supplier_client.post("/portal/despatch-advices/new/", form_data())
    assert answer.status_code == 302
    interchange = Interchange.objects.get(channel="portal", filename="despatch-advice-DN-100.xml")
    assert answer["Location"] == f"/portal/interchanges/{interchange.pk}/"
    status_page = supplier_client.get(answer["Location"]).content.decode()
    assert "Despatch advice DN-100 received" in status_page and 'id="status"' in status_page
    interchange_process(interchange_id=interchange.pk)
    advice = DespatchAdvice.objects.get(number="DN-100")
    assert advice.document["lines"][0]["batch"] == "B7" and advice.document["transport_id"] == "KA-XY-1"
    assert f'href="/portal/despatch-advices/{advice.pk}/">Despatch advice DN-100</a>' in supplier_client.get(answer["Location"]).content.decode()
    detail = supplier_client.get(f"/portal/despatch-advices/{advice.pk}/").content.decode()
    assert "000100001, 000100002" in detail and 'id="labels-pdf"' in detail and "pending" in detail
    assert "DN-100" in supplier_client.get("/portal/despatch-advices/").content.decode()
    pdf = supplier_client.get(f"/portal/despatch-advices/{advice.pk}/labels.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert supplier_client.get(f"/portal/despatch-advices/{advice.pk}/labels.zpl").content.count(b"^XA") == 2


def test_mistakes_are_shown_at_their_fields_and_nothing_is_stored(supplier_client, world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    page = supplier_client.post("/portal/despatch-advices/new/", form_data(quantity="5000", ship_date=day(-3)))
    assert page.status_code == 200
    assert page.context["form"].errors["ship_date"] == [f"The ship date {day(-3).isoformat()} is in the past."]
    assert page.context["line_set"].forms[0].errors["quantity"] == ["5000 is far above the 350 the open call-off asks for part 4711-A."]
    unknown = supplier_client.post("/portal/despatch-advices/new/", form_data(part="9999"))
    assert unknown.context["line_set"].forms[0].errors["buyer_part"] == [
        "Part 9999 is not called off or ordered from you for plant PLANT01."
    ]
    assert not Interchange.objects.filter(channel="portal").exists()


def test_a_second_asn_with_the_same_delivery_note_is_refused_even_before_the_first_is_processed(
    supplier_client, world, receive_and_process
):
    call_off(receive_and_process, world["users"]["admin"])
    assert supplier_client.post("/portal/despatch-advices/new/", form_data()).status_code == 302
    page = supplier_client.post("/portal/despatch-advices/new/", form_data())
    assert page.context["form"].errors["number"] == ["Delivery note DN-100 was already sent; use a new number."]


def test_copy_takes_parts_packages_and_transport_but_not_number_or_label_ids(supplier_client, world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    supplier_client.post("/portal/despatch-advices/new/", form_data())
    interchange_process(interchange_id=Interchange.objects.get(channel="portal").pk)
    advice = DespatchAdvice.objects.get(number="DN-100")
    page = supplier_client.get(f"/portal/despatch-advices/new/?copy={advice.pk}")
    assert "number" not in page.context["form"].initial and page.context["form"].initial["transport_id"] == "KA-XY-1"
    assert page.context["line_set"].initial[0]["quantity"] == "100" and page.context["package_set"].initial == [{"type": "KLT", "count": 2}]


def test_another_suppliers_call_off_and_asn_answer_404(client, world, receive_and_process):
    schedule = call_off(receive_and_process, world["users"]["admin"])
    client.force_login(world["users"]["supplier"])
    client.post("/portal/despatch-advices/new/", form_data())
    interchange_process(interchange_id=Interchange.objects.get(channel="portal").pk)
    advice = DespatchAdvice.objects.get(number="DN-100")
    client.force_login(world["users"]["supplier2"])
    for path in (
        f"/portal/despatch-advices/new/?call_off={schedule.pk}", f"/portal/despatch-advices/new/?copy={advice.pk}",
        f"/portal/despatch-advices/{advice.pk}/", f"/portal/despatch-advices/{advice.pk}/labels.pdf", f"/portal/despatch-advices/{advice.pk}/labels.zpl",
    ):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert f"/portal/despatch-advices/{advice.pk}/" not in client.get("/portal/despatch-advices/").content.decode()
    refused = client.post("/portal/despatch-advices/new/", {**form_data("DN-200"), "plant": "PLANT01"})
    assert refused.status_code == 200 and "plant" in refused.context["form"].errors  # PLANT01 is not among SUP00002's choices


def test_headquarters_and_plant_staff_get_no_form(client, world):
    for role in ("hq", "buyer"):
        client.force_login(world["users"][role])
        assert client.get("/portal/despatch-advices/new/").status_code == 403
        assert client.post("/portal/despatch-advices/new/", form_data()).status_code == 403
        assert client.get("/portal/despatch-advices/").status_code == 200


def test_the_form_and_its_errors_speak_german_to_a_german_browser(supplier_client, world, receive_and_process):
    call_off(receive_and_process, world["users"]["admin"])
    page = supplier_client.post("/portal/despatch-advices/new/", form_data(quantity="5000"), HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()
    assert "Neues Lieferavis" in text and "Lieferscheinnummer" in text and "Sachnummer Kunde" in text
    schedule = world["suppliers"][0].call_offs.get()
    due = supplier_client.get(f"/portal/despatch-advices/new/?call_off={schedule.pk}", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "In diesem Abruf noch offen" in due and "<td>fest</td>" in due and "<td>Vorschau</td>" in due
    assert "5000 liegt weit über den 350, die der offene Abruf für Teil 4711-A verlangt." in text


def test_a_call_off_of_many_parts_prefills_the_parts_due_first(supplier_client, world, receive_and_process, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from suppliers import portal_asn
    from tests.delfor_builder import delfor, message

    monkeypatch.setattr(portal_asn, "PREFILL_PARTS", 3)
    soon = lambda days: (timezone.localdate() + dt.timedelta(days=days)).strftime("%Y%m%d")  # noqa: E731
    parts = [(f"M{i}", (("10", "1", soon(9 - i)),)) for i in range(5)]  # M4 is due first, M0 last
    receive_and_process(delfor([message("1", "MANY", parts=parts)], ref="RM"), world["users"]["admin"])
    schedule = world["suppliers"][0].call_offs.get(number="MANY")
    page = supplier_client.get(f"/portal/despatch-advices/new/?call_off={schedule.pk}")
    assert [line["buyer_part"] for line in page.context["line_set"].initial] == ["M4", "M3", "M2"]
    assert {d["part"] for d in page.context["due"]} == {"M4", "M3", "M2"}
    assert 'id="asn-prefill-cut"' in page.content.decode() and "3 parts due first of its 5" in page.content.decode()
