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
    assert "AK2*810*0002~AK5*R*1~" in ack.replace("\n", "") and "AK9*P*2*2*1~" in ack  # AK201 names the set's own type


def test_reject_all_profile_refuses_the_mixed_file(world, receive_and_process):
    PartnerProfile.objects.filter(supplier__number="SUP00001").update(failure_policy="reject_all")
    text = x12([asn("DN-T7")]).decode()
    at = text.index("GE*")
    mixed = text[:at] + SET_810 + text[at:].replace("GE*1*", "GE*2*", 1)
    interchange = receive_and_process(mixed.encode(), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert not StoredAdvice.objects.exists()


# -- acknowledgements per standard: UBL, IDoc, cXML, VDA/CSV ------------------------------

from hub.formats.idoc import IdocXmlCodec  # noqa: E402 - the section's own imports
from hub.formats.vda import VdaCodec  # noqa: E402
from hub.formats.xml import UblCodec  # noqa: E402
from hub.models import Delivery  # noqa: E402
from tests.ingest.test_routing import order  # noqa: E402

UBL = UblCodec()


def test_ubl_despatch_advice_gets_an_application_response(world, receive_and_process):
    data = UBL.render([asn("DN-U1")], RenderOptions())
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    ack, text = ack_text(interchange)
    assert (ack.kind, ack.extension, ack.status) == ("ApplicationResponse", "xml", "accepted")
    assert "<cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:mlr:3</cbc:CustomizationID>" in text
    assert "<cbc:ResponseCode>AP</cbc:ResponseCode>" in text and "<cbc:ID>DN-U1</cbc:ID>" in text


def test_ubl_without_its_id_gets_a_rejecting_application_response(world, receive_and_process):
    data = UBL.render([asn("DN-U2")], RenderOptions()).replace(b"<cbc:ID>DN-U2</cbc:ID>", b"<cbc:ID></cbc:ID>", 1)
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    ack, text = ack_text(interchange)
    assert ack.status == "rejected" and "<cbc:ResponseCode>RE</cbc:ResponseCode>" in text
    assert "cbc:ID (document identifier) is empty" in text


def test_inbound_application_response_is_matched_by_the_document_it_names(world, receive_and_process):
    receive_and_process(edifact([order("PO-U3")], sender="OEMPLANTS"), world["users"]["admin"])
    delivery = Delivery.objects.get(document_type="purchase_order")
    mlr = f"""<?xml version="1.0" encoding="UTF-8"?>
<ApplicationResponse xmlns="urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:mlr:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:mlr:3</cbc:ProfileID>
  <cbc:ID>MLR-1</cbc:ID><cbc:IssueDate>2026-11-25</cbc:IssueDate>
  <cac:SenderParty><cbc:EndpointID schemeID="0088">SUP00001</cbc:EndpointID></cac:SenderParty>
  <cac:ReceiverParty><cbc:EndpointID schemeID="0088">SUPPLIERHUB</cbc:EndpointID></cac:ReceiverParty>
  <cac:DocumentResponse>
    <cac:Response><cbc:ResponseCode>RE</cbc:ResponseCode></cac:Response>
    <cac:DocumentReference><cbc:ID>{delivery.document_number}</cbc:ID></cac:DocumentReference>
    <cac:LineResponse><cac:LineReference><cbc:LineID>1</cbc:LineID></cac:LineReference>
      <cac:Response><cbc:ResponseCode>RE</cbc:ResponseCode><cbc:Description>unknown part 4711-A</cbc:Description>
        <cac:Status><cbc:StatusReasonCode listID="SVC">BV</cbc:StatusReasonCode></cac:Status></cac:Response></cac:LineResponse>
  </cac:DocumentResponse>
</ApplicationResponse>""".encode()
    interchange = receive_and_process(mlr, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    delivery.refresh_from_db()
    assert delivery.acknowledgement_status == "rejected" and "unknown part 4711-A" in delivery.last_error
    assert not Acknowledgement.objects.filter(interchange=interchange).exists()  # an MLR is never answered


def test_inbound_status_idoc_is_matched_by_the_idoc_numbers_it_names(world, receive_and_process):
    receive_and_process(edifact([order("PO-I1")], sender="OEMPLANTS"), world["users"]["admin"])
    delivery = Delivery.objects.get(document_type="purchase_order")
    status = f"""<?xml version="1.0" encoding="UTF-8"?>
<SYSTAT01><IDOC BEGIN="1">
  <EDI_DC40 SEGMENT="1"><TABNAM>EDI_DC40</TABNAM><DOCNUM>0000000000000777</DOCNUM><IDOCTYP>SYSTAT01</IDOCTYP><MESTYP>STATUS</MESTYP>
    <SNDPRT>LS</SNDPRT><SNDPRN>SUP00001</SNDPRN><RCVPRT>LS</RCVPRT><RCVPRN>SUPPLIERHU</RCVPRN></EDI_DC40>
  <E1STATS SEGMENT="1"><TABNAM>EDI_DS</TABNAM><DOCNUM>{delivery.pk:016d}</DOCNUM><LOGDAT>20261125</LOGDAT><LOGTIM>080000</LOGTIM>
    <STATUS>53</STATUS><STATXT>Application document posted</STATXT></E1STATS>
</IDOC></SYSTAT01>""".encode()
    interchange = receive_and_process(status, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None and delivery.acknowledgement_status == "accepted"


def test_idoc_despatch_advice_gets_a_status_idoc(world, receive_and_process):
    data = IdocXmlCodec().render([asn("DN-I2")], RenderOptions(sender_id="SUP00001", sender_qualifier="LS", receiver_id="SUPPLIERHUB", control_ref="41"))
    interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.PROCESSED, interchange.errors
    ack, text = ack_text(interchange)
    assert ack.kind == "STATUS" and "<IDOCTYP>SYSTAT01</IDOCTYP>" in text
    assert "<DOCNUM>0000000000000041</DOCNUM>" in text and "<STATUS>53</STATUS>" in text


def test_vda_sender_gets_a_status_report_on_the_portal_and_by_mail(world, receive_and_process, mailoutbox, django_capture_on_commit_callbacks):
    world["suppliers"][0].email = "edi@sup00001.example"
    world["suppliers"][0].save()
    # VDA 4913 names its plant in 3 characters: 'P09' is no plant of the group, so the note is refused.
    data = VdaCodec().render([asn("47110001", plant="P09")], RenderOptions(sender_id="SUP00001", receiver_id="OEMPLANTS", control_ref="12"))
    with django_capture_on_commit_callbacks(execute=True):
        interchange = receive_and_process(data, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    ack, text = ack_text(interchange)
    assert (ack.kind, ack.extension, ack.status) == ("STATUS", "txt", "rejected") and text.startswith("status: rejected")
    assert "ship-to 'P09' is not a plant of the group" in text
    mails = [m for m in mailoutbox if "edi@sup00001.example" in m.to]
    assert len(mails) == 1 and "rejected" in mails[0].subject and "messages: 1, accepted: 0, refused: 1" in mails[0].body
    assert not Delivery.objects.filter(document_type="acknowledgement").exists()  # the report goes by mail, not the outbox
