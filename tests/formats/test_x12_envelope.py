"""X12 envelope checks: counts and control numbers, positioned errors, one bad set among good ones."""

from __future__ import annotations

from hub.formats.x12 import X12Codec
from tests.formats.x12_samples import BODY_830, interchange, isa, raw

CODEC = X12Codec()
GS = "GS*PS*OEMPLANTS*SUP00001*20260301*0815*7*X*004010"
SET = ["ST*830*0001", "BFR*00**S1*DL*A*20260302*20260302*20260301", "LIN**BP*P1", "FST*10*C*D*20260302", "SE*5*0001"]


def messages(result) -> list[str]:
    return [str(e) for e in result.all_errors]


def test_a_clean_envelope_has_no_errors():
    result = CODEC.parse(raw(isa(), GS, *SET, "GE*1*7", "IEA*1*000000101"))
    assert messages(result) == []
    assert len(result.documents) == 1


def test_se_count_is_checked_in_the_set():
    bad = [*SET[:-1], "SE*9*0001"]
    result = CODEC.parse(raw(isa(), GS, *bad, "GE*1*7", "IEA*1*000000101"))
    assert messages(result) == ["segment 5 (SE), element 1: SE counts 9 segments but there are 5 [message 0001]"]
    assert result.documents == []


def test_se_control_number_must_match_st():
    bad = [*SET[:-1], "SE*5*0002"]
    result = CODEC.parse(raw(isa(), GS, *bad, "GE*1*7", "IEA*1*000000101"))
    expected = "segment 5 (SE), element 2: SE control number '0002' does not match ST control number '0001' [message 0001]"
    assert messages(result) == [expected]


def test_ge_count_and_number():
    result = CODEC.parse(raw(isa(), GS, *SET, "GE*2*8", "IEA*1*000000101"))
    assert messages(result) == [
        "segment 8 (GE), element 1: GE counts 2 transaction sets but there are 1",
        "segment 8 (GE), element 2: GE control number '8' does not match GS control number '7'",
    ]
    assert len(result.documents) == 1  # group faults do not cost the set its document


def test_iea_count_and_number():
    result = CODEC.parse(raw(isa(), GS, *SET, "GE*1*7", "IEA*2*000000999"))
    assert messages(result) == [
        "segment 9 (IEA), element 1: IEA counts 2 functional groups but there are 1",
        "segment 9 (IEA), element 2: IEA control number '000000999' does not match ISA control number '000000101'",
    ]


def test_missing_se_ge_iea_truncated_file():
    result = CODEC.parse(raw(isa(), GS, *SET[:-1]))
    # The last complete segment and the byte where it ends (the whole file: 249 bytes).
    assert messages(result) == [
        "segment 6 (FST), byte 249: functional group 7 ends without GE after segment 6 (FST): the file ends there (truncated?)",
        "segment 6 (FST), byte 249: the interchange ends without IEA after segment 6 (FST): the file ends there (truncated?)",
        "segment 4 (FST), byte 249: the transaction set ends without SE after its segment 4 (FST): the file ends there (truncated?) [message 0001]",
    ]


def test_a_file_cut_inside_a_segment_names_the_last_complete_segment_and_its_byte():
    data = raw(isa(), GS, *SET[:-1])
    cut = data[: data.index(b"FST") + 6]  # 'FST*10': the segment is cut off
    result = CODEC.parse(cut)
    end = data.index(b"FST") - 1  # just after the LIN's terminator (the line break after it is layout)
    assert messages(result)[1] == (
        f"segment 5 (LIN), byte {end}: the interchange ends without IEA after segment 5 (LIN): the file ends there in the middle of a segment (truncated?)"
    )


def test_missing_se_before_next_st():
    second = ["ST*830*0002", *SET[1:-1], "SE*5*0002"]
    result = CODEC.parse(raw(isa(), GS, *SET[:-1], *second, "GE*2*7", "IEA*1*000000101"))
    assert "segment 4 (830): the transaction set has no SE before the next ST [message 0001]" in messages(result)
    assert len(result.documents) == 1  # the second set is fine


def test_bad_number_is_positioned_in_words():
    body = list(BODY_830)
    body[13] = "FST*12,5x*C*D*20260302"
    result = CODEC.parse(interchange([("830", BODY_830), ("830", body), ("830", BODY_830)]).encode())
    assert messages(result) == ["segment 15 (FST), element 1: '12,5x' is not a number [message 0002]"]
    assert len(result.documents) == 2  # one bad set does not reject the others
    assert [m.ok for m in result.messages] == [True, False, True]
    error = result.messages[1].errors[0]
    assert (error.position.segment, error.position.tag, error.position.element, error.position.message_ref) == (15, "FST", 1, "0002")
    assert error.as_dict()["position"] == "segment 15 (FST), element 1"


def test_bad_date_and_bad_commitment():
    body = ["BFR*00**S1*DL*A*20260302*20260302*20261341", "LIN**BP*P1", "FST*1*Q*D*20260302"]
    result = CODEC.parse(interchange([("830", body)]).encode())
    assert messages(result) == ["segment 2 (BFR), element 8: '20261341' is not a date CCYYMMDD [message 0001]"]
    body[0] = "BFR*00**S1*DL*A*20260302*20260302*20260301"
    result = CODEC.parse(interchange([("830", body)]).encode())
    assert messages(result) == [
        "segment 4 (FST), element 2: 'Q' is not a forecast qualifier the hub knows (C firm, D planning, A, B or Z) [message 0001]"
    ]


def test_component_position_in_error():
    body = ["BFR*00**S1*DL*A*20260302*20260302*20260301", "LIN**BP*P1", "FST*1*C*D*20260302", "SHP*01*x>1*050*20260301"]
    result = CODEC.parse(interchange([("830", body)]).encode())
    assert messages(result) == ["segment 5 (SHP), element 2, component 1: 'x' is not a number [message 0001]"]


def test_junk_segment_inside_a_set_is_reported_there():
    body = [*BODY_830[:5], "this is no segment", *BODY_830[5:]]
    result = CODEC.parse(interchange([("830", body), ("830", BODY_830)]).encode())
    assert messages(result) == ["segment 7: 'this is no segment' does not start with a segment tag [message 0001]"]
    assert len(result.documents) == 1


def test_segment_outside_a_set():
    result = CODEC.parse(raw(isa(), GS, *SET, "BFR*00", "GE*1*7", "IEA*1*000000101"))
    assert messages(result) == ["segment 8 (BFR): BFR segment outside a transaction set (between SE and ST)"]


def test_missing_schedule_number_is_named():
    body = ["BFR*00***DL*A*20260302*20260302", "LIN**BP*P1", "FST*1*C*D*20260302"]
    result = CODEC.parse(interchange([("830", body)]).encode())
    assert messages(result) == ["BFR: the schedule has no number (BFR03/BFR02 or BSS02) [message 0001]"]
