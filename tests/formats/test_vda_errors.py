"""Positioned errors: bad fields, record order, trailer counts; one bad call-off does not reject the others."""

from __future__ import annotations

from hub.formats.vda import VdaCodec
from tests.formats.vda_builders import calloff_4905, header, join, rec, transmission

codec = VdaCodec()


def put(record: str, column: int, text: str) -> str:
    """Overwrite ``record`` at 1-based ``column``."""
    return record[: column - 1] + text + record[column - 1 + len(text) :]


def test_bad_number_in_514_is_positioned_and_only_rejects_its_calloff() -> None:
    slots = [(f"2601{d:02d}", d) for d in range(5, 14)]  # 9 slots: 513 + one 514
    good = calloff_4905(number="187", slots=slots)
    bad = calloff_4905(number="188", slots=slots)
    bad[2] = put(bad[2], 27, "00001A000")  # 514 slot 2 quantity, column 27
    records = transmission(header(), good + bad, "519")
    assert records[6][:3] == "514"  # record 7
    result = codec.parse(join(records))
    assert result.errors == []
    ok, failed = result.messages
    assert ok.ok and ok.ref == "187" and failed.ref == "188"
    [error] = failed.errors
    assert str(error).startswith("record 7 (514), column 27: '00001A000' is not a number")
    assert (error.position.segment, error.position.tag, error.position.column, error.position.element) == (7, "514", 27, None)
    assert error.position.message_ref == "188"
    assert [d.number for d in result.documents] == ["187"]


def test_bad_date_is_positioned() -> None:
    calloff = calloff_4905()
    calloff[0] = put(calloff[0], 18, "261332")  # 512 date new
    result = codec.parse(join(transmission(header(), calloff, "519")))
    first, second = result.all_errors
    assert str(first).startswith("record 2 (512), column 18: '261332' is not a date")
    assert str(second).startswith("record 3 (513), column 48: '444444' (immediate) needs the call-off date")
    assert result.documents == []


def test_bad_slot_date_is_positioned() -> None:
    calloff = calloff_4905(slots=[("260112", 1), ("26AB01", 2)])
    result = codec.parse(join(transmission(header(), calloff, "519")))
    [error] = result.all_errors
    assert str(error).startswith("record 3 (513), column 63: '26AB01' is not a date")


def test_trailer_count_mismatch() -> None:
    records = transmission(header(), calloff_4905() + calloff_4905(number="188"), "519", **{"512": 3})
    result = codec.parse(join(records))
    [error] = result.errors
    assert error.code == "envelope"
    assert str(error) == "record 6 (519), column 13: the trailer counts 3 records 512, the transmission holds 2"
    assert len(result.documents) == 2  # counts are an envelope fault: the call-offs themselves are fine


def test_trailer_counts_of_4913_and_4915() -> None:
    body = [rec("712", carrier="X"), rec("713", note=1), rec("714", customer_part="A", qty1=1000, unit1="ST")]
    result = codec.parse(join(transmission(header("711"), body, "719", **{"714": 2, "717": 1})))
    assert [str(e) for e in result.errors] == [
        "record 5 (719), column 27: the trailer counts 2 records 714, the transmission holds 1",
        "record 5 (719), column 62: the trailer counts 1 records 717, the transmission holds 0",
    ]
    body = [rec("552", calloff="1", date="260105", customer_part="A"), rec("553"), rec("554", slot1_date="260105", slot1_qty=1)]
    result = codec.parse(join(transmission(header("551"), body, "559", **{"559": 0})))
    assert [str(e) for e in result.errors] == ["record 5 (559), column 55: the trailer counts 0 records 559, the transmission holds 1"]


def test_missing_trailer() -> None:
    records = [header(), *calloff_4905()]
    result = codec.parse(join(records))
    [error] = result.errors
    assert "has no trailer 519" in str(error) and error.position.segment == 3
    assert len(result.documents) == 1


def test_new_header_before_trailer() -> None:
    records = [header(), *calloff_4905(), *transmission(header(new=43), calloff_4905(number="2"), "519")]
    result = codec.parse(join(records))
    [error] = result.errors
    assert str(error).startswith("record 4 (511), column 1: a new transmission starts, but the one that starts in record 1 (511)")
    assert [d.number for d in result.documents] == ["187", "2"]


def test_record_order() -> None:
    calloff = calloff_4905()
    records = transmission(header(), [calloff[0], calloff[1], rec("515"), rec("514", slot1_date="260101", slot1_qty=1)], "519")
    result = codec.parse(join(records))
    [error] = result.all_errors
    assert str(error).startswith("record 5 (514), column 1: record 514 cannot follow record 515 here")
    assert error.code == "order"


def test_513_missing() -> None:
    calloff = calloff_4905()
    result = codec.parse(join(transmission(header(), [calloff[0], rec("514", slot1_date="260112", slot1_qty=1)], "519")))
    [error] = result.all_errors
    assert "record 514 cannot follow record 512 here (expected 513)" in str(error)


def test_record_before_header_and_unknown_record_type() -> None:
    records = [rec("512", calloff_new="1", customer_part="A"), *transmission(header(), calloff_4905(), "519")]
    result = codec.parse(join(records))
    assert [str(e) for e in result.errors] == ["record 1 (512), column 1: record 512 comes before any transmission header (511, 551, 711)"]
    records = transmission(header(), calloff_4905() + ["99901" + " " * 123], "519")
    result = codec.parse(join(records))
    [error] = result.all_errors
    assert str(error).startswith("record 4 (999), column 1: '999' is not a VDA record type")


def test_record_of_another_family() -> None:
    records = transmission(header(), calloff_4905() + [rec("714", customer_part="A")], "519")
    result = codec.parse(join(records))
    assert any("record 714 does not belong to a VDA 4905 transmission" in str(e) for e in result.all_errors)


def test_bad_header_field() -> None:
    records = transmission(header(), calloff_4905(), "519")
    records[0] = put(records[0], 29, "00O42")
    result = codec.parse(join(records))
    [error] = result.errors
    assert str(error) == "record 1 (511), column 29: '00O42' is not a number"


def test_version_not_digits() -> None:
    records = transmission(header(), calloff_4905(), "519")
    records[2] = put(records[2], 4, "X1")
    result = codec.parse(join(records))
    [error] = result.all_errors
    assert str(error).startswith("record 3 (513), column 4: 'X1' is not a record version")


def test_empty_file() -> None:
    result = codec.parse(b"\r\n  \r\n")
    [error] = result.errors
    assert "no VDA record" in str(error)


def test_4913_transport_error_goes_to_each_note() -> None:
    body = [
        put(rec("712", carrier="X"), 41, "12A4567"),
        rec("713", note=1),
        rec("714", customer_part="A", qty1=1000, unit1="ST"),
        rec("713", note=2),
        rec("714", customer_part="B", qty1=1000, unit1="ST"),
    ]
    result = codec.parse(join(transmission(header("711"), body, "719")))
    assert [m.ref for m in result.messages] == ["1", "2"]
    for message in result.messages:
        [error] = message.errors
        assert str(error) == f"record 2 (712), column 41: '12A4567' is not a number [message {message.ref}]"


def test_4913_quantity_not_a_number() -> None:
    body = [rec("712"), rec("713", note=1), put(rec("714", customer_part="A", unit1="KG"), 53, "00000001,5000")]
    result = codec.parse(join(transmission(header("711"), body, "719")))
    [error] = result.all_errors
    assert str(error).startswith("record 4 (714), column 53: '00000001,5000' is not a number")
