"""Transport labels (VDA 4902 / Odette GTL): what the PDF and the ZPL say about each package."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from hub.ingest.pipeline import interchange_process
from hub.models import Interchange
from orders import submit
from orders.labels import _split, labels_of, labels_pdf, labels_zpl
from orders.models import DespatchAdvice
from tests.asn_world import asn_json, call_off, day

pytestmark = pytest.mark.django_db


def shipped(world, receive_and_process, **extra) -> DespatchAdvice:
    call_off(receive_and_process, world["users"]["admin"])
    document = submit.document_from_json(asn_json("DN-77", quantity="130", **extra), kind="despatch_advice")
    interchange = submit.despatch_advice_submit(user=world["users"]["supplier"], document=document, channel=Interchange.Channel.PORTAL)
    interchange_process(interchange_id=interchange.pk)
    return DespatchAdvice.objects.select_related("supplier", "plant").get(number="DN-77")


def test_one_label_per_package_with_the_quantity_spread_and_the_remainder_on_the_last(world, receive_and_process):
    advice = shipped(world, receive_and_process, packages=[{"type": "KLT", "count": 3, "label_ids": ["L1"]}])
    labels = labels_of(advice=advice)
    assert [(x.package_id, x.quantity, x.packages) for x in labels] == [
        ("L1", "43", "1/3"),
        ("000100001", "43", "2/3"),
        ("000100002", "44", "3/3"),
    ]
    first = labels[0]
    assert (first.receiver, first.unloading_point, first.delivery_note, first.part, first.supplier_part, first.batch) == (
        "PLANT01 Plant PLANT01",
        "GATE3",
        "DN-77",
        "4711-A",
        "S-4711",
        "B1",
    )
    assert first.supplier_number == "SUP00001" and first.date == day(1).isoformat() and first.gross_weight == "412.5"
    assert first.data_matrix() == "[)>\x1e06\x1dP4711-A\x1dQ43\x1dVSUP00001\x1dNDN-77\x1dSL1\x1dHB1\x1e\x04"


def test_the_pdf_has_one_a5_page_per_label_with_every_field_readable(world, receive_and_process):
    from pypdf import PdfReader

    advice = shipped(world, receive_and_process)
    pdf = PdfReader(io.BytesIO(labels_pdf(labels_of(advice=advice))))
    assert len(pdf.pages) == 2
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 148)
    text = pdf.pages[1].extract_text()
    for shown in ("DN-77", "4711-A", "65 C62", "SUP00001", "000100002", "B1", "S-4711", "GATE3", "Warenempfänger", "Packstück-Nr.", "2/2"):
        assert shown in text, shown


def test_the_zpl_has_a_code_128_per_data_identifier_and_a_datamatrix(world, receive_and_process):
    advice = shipped(world, receive_and_process)
    zpl = labels_zpl(labels_of(advice=advice))
    first = zpl.split("^XZ")[0]
    assert first.startswith("^XA\n^CI28")
    for code in ("NDN-77", "P4711-A", "Q65", "VSUP00001", "S000100001", "HB1"):
        assert f"^BCN,70,N,N,N^FH^FD{code}^FS" in first, code
    assert "^BXN,8,200^FH^FD[)>_1E06_1DP4711-A_1DQ65_1DVSUP00001_1DNDN-77_1DS000100001_1DHB1_1E_04^FS" in first
    assert "^FH^FD(1) Warenempf_C3_A4nger / Receiver^FS" in first  # non-ASCII as UTF-8 hex under ^FH (^CI28)


def test_a_quantity_is_spread_in_whole_shares_with_the_remainder_last():
    assert _split(Decimal(10), 1) == [Decimal(10)]
    assert _split(Decimal("7.5"), 2) == [Decimal(3), Decimal("4.5")]
