"""Ingest of mixed files, count tolerance per partner profile, and the X12 acknowledgement per profile.

Inputs are rendered with the codecs, then changed the way partner systems get them
wrong (a UNZ/IEA count off by one, an 810 among ASNs); nothing is copied from the corpus.
"""

from __future__ import annotations

import pytest

from hub.formats.base import RenderOptions
from hub.formats.x12 import X12Codec
from hub.models import Acknowledgement, Interchange
from orders.models import DespatchAdvice as StoredAdvice
from suppliers.models import PartnerProfile
from tests.ingest.test_routing import NOW, asn, edifact

pytestmark = pytest.mark.django_db
X12 = X12Codec()
# An X12 810 (invoice) set written from 004010: BIG, IT1, TDS.
SET_810 = "ST*810*0002~BIG*20261124*INV-1**PO-900~IT1*1*10*EA*2.5**BP*4711-A~TDS*2500~SE*5*0002~"


def x12(docs, ref: str = "4242") -> bytes:
    return X12.render(docs, RenderOptions(sender_id="SUP00001", receiver_id="SUPPLIERHUB", control_ref=ref, now=NOW))


def ack_text(interchange: Interchange) -> tuple[Acknowledgement, str]:
    ack = Acknowledgement.objects.get(interchange=interchange)
    with ack.file.open("rb") as fh:
        return ack, fh.read().decode("latin-1")


def test_a_unz_count_mismatch_is_refused_by_default(world, receive_and_process):
    data = edifact([asn("DN-T1")]).replace(b"UNZ+1+", b"UNZ+2+")
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert not StoredAdvice.objects.exists()


def test_a_tolerant_profile_accepts_the_count_mismatch_and_the_contrl_still_reports_it(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(tolerate_count_mismatch=True)
    data = edifact([asn("DN-T2")]).replace(b"UNZ+1+", b"UNZ+2+")
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    assert StoredAdvice.objects.get().number == "DN-T2"
    assert any("tolerated" in w and "UNZ counts 2 messages" in w for w in interchange.warnings)
    ack, text = ack_text(interchange)
    assert ack.status == "accepted"
    assert "+7+29+UNZ" in text  # UCI: acknowledged (7), with the count error (29) at UNZ


def test_a_tolerant_profile_accepts_an_se_count_mismatch_with_ak5_e(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(tolerate_count_mismatch=True)
    text = x12([asn("DN-T3")]).decode()
    se = text[text.index("SE*"):].split("~", 1)[0]
    interchange = receive_and_process(text.replace(se, "SE*99*" + se.split("*")[2]).encode(), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    _, ack = ack_text(interchange)
    assert "AK5*E*4~" in ack and "AK9*E*1*1*1~" in ack


def test_x12_partner_with_999_gets_a_999(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(x12_acknowledgement="999")
    interchange = receive_and_process(x12([asn("DN-T4")]), world["users"]["supplier"])
    ack, text = ack_text(interchange)
    assert ack.kind == "999" and "ST*999*0001*005010X231~" in text and "IK5*A~" in text


def test_an_iea_count_fault_gets_a_ta1(world, receive_and_process):
    data = x12([asn("DN-T5")], ref="4343").replace(b"IEA*1*", b"IEA*3*")
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    ack, text = ack_text(interchange)
    assert ack.kind == "997+TA1" and "TA1*000004343*" in text and "*R*021~" in text


def test_an_810_among_asns_rejects_only_itself_and_the_997_says_so(world, receive_and_process):
    text = x12([asn("DN-T6")]).decode()
    at = text.index("GE*")
    mixed = text[:at] + SET_810 + text[at:].replace("GE*1*", "GE*2*", 1)
    interchange = receive_and_process(mixed.encode(), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    assert StoredAdvice.objects.get().number == "DN-T6"
    _, ack = ack_text(interchange)
    assert "AK2*856*0002~AK5*R*1~" in ack.replace("\n", "") and "AK9*P*2*2*1~" in ack


def test_reject_all_profile_refuses_the_mixed_file(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(failure_policy="reject_all")
    text = x12([asn("DN-T7")]).decode()
    at = text.index("GE*")
    mixed = text[:at] + SET_810 + text[at:].replace("GE*1*", "GE*2*", 1)
    interchange = receive_and_process(mixed.encode(), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert not StoredAdvice.objects.exists()
