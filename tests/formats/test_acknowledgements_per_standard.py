"""Acknowledgements per standard, as pure functions: 997/999 detail, TA1, CONTRL with tolerated counts, UBL MLR, IDoc status, cXML Response.

Fixtures are written from the standards (X12 004010/005010X231, ISO 9735 CONTRL, PEPPOL
BIS MLR 3.0, SAP SYSTAT01, cXML 1.2 Status) through the test builders; nothing from the corpus.
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats import registry, tolerance
from hub.formats.canonical import AckError, Acknowledged, Acknowledgement
from hub.formats.edifact import acknowledge as edifact_ack
from hub.formats.idoc import status as idoc_status
from hub.formats.x12.acknowledge import functional_acknowledgements
from hub.formats.xml import cxml_response, mlr
from tests.delfor_builder import delfor, message
from tests.formats.test_fidelity_envelopes import UBL_ORDER
from tests.formats.x12_samples import BODY_850, interchange
from tests.test_cli_mixed import BODY_810

BAD_850 = [s.replace("PO1*10*100", "PO1*10*1x0") if s.startswith("PO1") else s for s in BODY_850]


def x12_lines(body: bytes) -> list[str]:
    return [seg.strip() for seg in body.decode().split("~") if seg.strip()]


def test_997_names_the_segment_and_element_of_each_error():
    _, result = registry.parse(interchange([("850", BODY_850), ("850", BAD_850), ("810", BODY_810)], functional_id="PO").encode())
    kind, _, body, docs = functional_acknowledgements(result, "900000001")
    lines = x12_lines(body)
    assert kind == "997"
    start = lines.index("AK1*PO*7")
    assert lines[start:start + 11] == [
        "AK1*PO*7", "AK2*850*0001", "AK5*A",
        "AK2*850*0002", "AK3*PO1*7**8", "AK4*2**6", "AK5*R*5",
        "AK2*810*0003", "AK5*R*1",
        "AK9*P*3*3*1",
    ] + [lines[start + 10]]  # fmt: skip


def test_999_uses_ik3_ik4_ik5_and_the_implementation_guide():
    _, result = registry.parse(interchange([("850", BAD_850)], functional_id="PO").encode())
    kind, _, body, _ = functional_acknowledgements(result, "900000002", "999")
    lines = x12_lines(body)
    assert kind == "999" and "ST*999*0001*005010X231" in lines and "AK1*PO*7*005010" in lines
    assert "IK3*PO1*7**8" in lines and "IK4*2**6" in lines and "IK5*R*5" in lines


def test_an_envelope_fault_gets_a_rejecting_ta1_with_its_note():
    text = interchange([("850", BODY_850)], functional_id="PO")
    for changed, note in ((text.replace("IEA*1*", "IEA*2*"), "021"), (text.replace("IEA*1*000000101", "IEA*1*000000999"), "001")):
        _, result = registry.parse(changed.encode())
        kind, _, body, _ = functional_acknowledgements(result, "900000003")
        ta1 = [line for line in x12_lines(body) if line.startswith("TA1")]
        assert kind == "997+TA1" and ta1[0].endswith(f"*R*{note}")
    cut = text[: text.index("GE*")]
    _, result = registry.parse(cut.encode())
    _, _, body, _ = functional_acknowledgements(result, "900000004")
    assert [line for line in x12_lines(body) if line.startswith("TA1")][0].endswith("*R*023")


def test_tolerated_counts_are_reported_but_accept():
    text = interchange([("850", BODY_850)], functional_id="PO").replace("SE*", "SE*9", 1).replace("GE*1*", "GE*3*").replace("IEA*1*", "IEA*4*")
    result = tolerance.relaxed(registry.stream(io.BytesIO(text.encode()))[1]).collect()
    assert not result.errors and len(result.documents) == 1 and len(result.tolerated) == 3
    _, _, body, docs = functional_acknowledgements(result, "900000005")
    lines = x12_lines(body)
    assert [line for line in lines if line.startswith("TA1")][0].endswith("*E*021")
    assert "AK5*E*4" in lines and "AK9*E*1*1*1*5" in lines


def test_contrl_reports_a_tolerated_unt_count_with_ucs_and_accepts_the_message():
    data = delfor([message("1", "CO1")]).replace(b"UNT+21+1", b"UNT+22+1")
    result = tolerance.relaxed(registry.stream(io.BytesIO(data))[1]).collect()
    text = edifact_ack.contrl(result, 0, control_ref="900000006").decode()
    assert "UCI+ICR0001+OEMPLANTS:ZZ+SUPPLIERHUB:ZZ+7'" in text
    assert "UCM+1+DELFOR:D:96A:UN+7'" in text and "UCS+21'" in text and "UCD+29+1'" in text


def test_mlr_accepts_and_rejects_naming_the_document():
    _, good = registry.parse(UBL_ORDER.encode())
    kind, extension, body, _ = mlr.acknowledgements(good, "900000007")
    _, back = registry.parse(body)
    ack = back.documents[0]
    assert (kind, extension) == ("ApplicationResponse", "xml")
    assert ack.status == "accepted" and ack.acknowledges.number == "PO-77" and ack.source.version.startswith("ApplicationResponse")


def test_inbound_mlr_with_an_unknown_response_code_is_refused_with_its_position():
    body = mlr.render(Acknowledgement(number="M1", acknowledges=Acknowledged(number="PO-1"), status="rejected")).replace(b">RE<", b">XX<")
    _, result = registry.parse(body)
    assert "response code 'XX' is none of AB, AP, CA, RE" in str(result.all_errors[0])


ACKS = st.builds(
    Acknowledgement,
    number=st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True),
    acknowledges=st.builds(Acknowledged, number=st.from_regex(r"[A-Z0-9-]{1,20}", fullmatch=True)),
    status=st.sampled_from(["accepted", "rejected"]),
    errors=st.lists(
        st.builds(AckError, position=st.just(""), code=st.sampled_from(["SV", "BV"]), text=st.from_regex(r"[a-z]([a-z ]{0,28}[a-z])?", fullmatch=True)),
        max_size=3,
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACKS)
def test_mlr_round_trip(doc):
    _, result = registry.parse(mlr.render(doc))
    back = result.documents[0]
    assert (back.number, back.status, back.acknowledges.number) == (doc.number, doc.status, doc.acknowledges.number)
    assert [(e.code, e.text) for e in back.errors] == [(e.code, e.text) for e in doc.errors]


def test_status_idoc_round_trip_names_each_idoc():
    doc = Acknowledgement(
        acknowledges=Acknowledged(interchange_ref="41", message_refs=["41", "42"]),
        status="partially_accepted",
        errors=[AckError(position="IDoc 42", code="mandatory", text="BELNR (document number) is empty")],
    )
    from hub.formats.base import RenderOptions
    from hub.formats.idoc import IdocXmlCodec

    body = IdocXmlCodec().render([doc], RenderOptions(sender_id="SUPPLIERHUB", receiver_id="SUP00001", control_ref="7"))
    _, result = registry.parse(body)
    back = result.documents[0]
    assert back.acknowledges.message_refs == ["41", "42"] and back.status == "partially_accepted"
    assert back.errors[0].code == idoc_status.NOT_POSTED and "BELNR" in back.errors[0].text


def test_cxml_response_status_codes():
    _, good = registry.parse(UBL_ORDER.encode())
    assert b'<Status code="200" text="OK">' in cxml_response.acknowledgements(good, "1")[2]
    _, bad = registry.parse(UBL_ORDER.replace("<cbc:ID>PO-77</cbc:ID>", "<cbc:ID/>").encode())
    body = cxml_response.acknowledgements(bad, "2")[2]
    assert b'<Status code="406" text="Not Acceptable: cbc:ID (document identifier) is empty' in body
    _, unreadable = registry.parse(b"<cXML><Request><Nope/></Request></cXML>")
    assert b'code="400"' in cxml_response.acknowledgements(unreadable, "3")[2]
