"""DELFOR D.96A to the canonical delivery schedule and back, with positioned errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import DeliverySchedule, Party, ScheduleLine, ScheduleQuantity, from_json, to_json
from hub.formats.edifact import EdifactCodec
from tests.delfor_builder import delfor, message


def parse(data: bytes):
    detection, result = registry.parse(data)
    return detection, result


def test_detects_edifact_delfor_and_its_directory():
    detection, _ = parse(delfor([message("1", "CO1")]))
    assert (detection.family, detection.version, detection.message_types) == ("EDIFACT", "D96A", ["DELFOR"])


def test_maps_header_parties_lines_and_schedule():
    _, result = parse(delfor([message("1", "CO1", supplier="SUP00042", plant="PLANT07", extra_header=["RFF+AIF:CO0"])]))
    assert result.all_errors == []
    (doc,) = result.documents
    assert isinstance(doc, DeliverySchedule)
    assert (doc.number, doc.issued, doc.previous_number) == ("CO1", "2026-11-24", "CO0")
    assert (doc.supplier.id, doc.supplier.name, doc.ship_to.plant, doc.ship_to.unloading_point) == ("SUP00042", "Lieferant GmbH", "PLANT07", "GATE3")
    assert (doc.sender.id, doc.sender.scheme, doc.source.interchange_ref, doc.source.message_ref) == ("OEMPLANTS", "ZZ", "ICR0001", "1")
    (line,) = doc.lines
    assert (line.buyer_part, line.supplier_part, line.order_number, line.unit) == ("4711-A", "S-4711-A", "PO4711", "C62")
    assert line.cumulative_received.quantity == Decimal(5000) and line.cumulative_received.date == "2026-01-01"
    assert [(q.quantity, q.commitment, q.date) for q in line.schedule] == [
        (Decimal(100), "firm", "2026-11-30"),
        (Decimal(250), "forecast", "2026-12-07"),
    ]


def test_scc_before_qty_applies_to_the_quantities_after_it():
    segs = message("1", "CO1")
    at = segs.index("QTY+1:100:PCE")
    segs[at:at + 3] = ["SCC+4", "QTY+1:100:PCE", "DTM+2:20261130:102"]
    segs[-1] = f"UNT+{len(segs)}+1"
    _, result = parse(delfor([segs]))
    assert [q.commitment for q in result.documents[0].lines[0].schedule] == ["forecast", "forecast"]


def test_week_and_period_dates_become_from_to():
    segs = message("1", "CO1", parts=(("P", (("10", "4", "20261130"),)),))
    segs[segs.index("DTM+2:20261130:102")] = "DTM+2:202650:616"
    _, result = parse(delfor([segs]))
    entry = result.documents[0].lines[0].schedule[0]
    assert (entry.date, entry.from_, entry.to) == (None, "2026-12-07", "2026-12-13")


def test_a_bad_quantity_names_segment_element_component_and_message():
    good = message("1", "CO1")
    bad = message("2", "CO2")
    bad[bad.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    _, result = parse(delfor([good, bad]))
    assert [d.number for d in result.documents] == ["CO1"]
    (error,) = result.all_errors
    # UNH is segment 1 of its message: the bad QTY is the message's 14th segment.
    assert str(error) == "segment 14 (QTY), element 1, component 2: '12,5x' is not a number [message 2]"


def test_unt_count_mismatch_rejects_that_message_only():
    bad = message("2", "CO2")
    bad[-1] = "UNT+99+2"
    _, result = parse(delfor([message("1", "CO1"), bad, message("3", "CO3")]))
    assert [d.number for d in result.documents] == ["CO1", "CO3"]
    assert "UNT counts 99 segments but the message has" in str(result.all_errors[0])


def test_unz_count_mismatch_is_an_interchange_error():
    _, result = parse(delfor([message("1", "CO1")], count=3))
    assert "UNZ counts 3 messages but the interchange has 1" in str(result.errors[0])


def test_truncated_file_says_unz_is_missing():
    data = delfor([message("1", "CO1")])
    _, result = parse(data[: data.rindex(b"UNZ")])
    assert any("without UNZ" in str(e) for e in result.errors)


def test_a_message_type_the_hub_does_not_carry_is_named():
    inv = ["UNH+1+INVOIC:D:96A:UN", "BGM+380+INV1+9", "UNT+3+1"]
    _, result = parse(delfor([inv]))
    (error,) = result.all_errors
    assert error.code == "unsupported" and "INVOIC is not carried" in str(error)


def test_missing_date_for_a_quantity_is_reported():
    segs = message("1", "CO1", parts=(("P", (("10", "1", "20261130"),)),))
    segs.remove("DTM+2:20261130:102")
    segs[-1] = f"UNT+{len(segs)}+1"
    _, result = parse(delfor([segs]))
    assert "has no date" in str(result.all_errors[0])


def test_charset_lie_still_parses_with_a_warning():
    data = delfor([message("1", "CO1")]).replace(b"UNOC", b"UNOA").replace(b"Lieferant", "Lieferänt".encode())
    _, result = parse(data)
    assert result.documents and "declares UNOA" in result.warnings[0]
    assert result.documents[0].supplier.name == "Lieferänt GmbH"


def test_bom_and_junk_before_the_interchange_are_skipped():
    _, result = parse(b"\xef\xbb\xbfjunk line\r\n" + delfor([message("1", "CO1")]))
    assert [d.number for d in result.documents] == ["CO1"]


text = st.text(alphabet=st.sampled_from("ABCXYZ0189 -+:'?./"), min_size=1, max_size=12).map(str.strip).filter(bool)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)).map(dt.date.isoformat)
quantities = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def schedules(draw):
    lines = [
        ScheduleLine(
            buyer_part=draw(text),
            supplier_part=draw(text),
            order_number=draw(st.sampled_from(["", "PO1", "45?00+1"])),
            schedule=[
                ScheduleQuantity(quantity=draw(quantities), commitment=draw(st.sampled_from(["firm", "production", "material", "forecast"])), date=draw(days))
                for _ in range(draw(st.integers(1, 4)))
            ],
        )
        for _ in range(draw(st.integers(1, 3)))
    ]
    return DeliverySchedule(
        number=draw(text),
        issued=draw(days),
        supplier=Party(id=draw(text), name=draw(st.sampled_from(["", "Müller+Söhne: 'AG'"]))),
        ship_to=Party(id="PLANT01", plant="PLANT01"),
        lines=lines,
    )


@settings(max_examples=60, deadline=None)
@given(schedules())
def test_render_then_parse_gives_the_same_document(doc):
    data = EdifactCodec().render([doc], RenderOptions(sender_id="OEMPLANTS", receiver_id="SUPPLIERHUB", control_ref="42"))
    _, result = parse(data)
    assert result.all_errors == []
    (back,) = result.documents
    assert [line.schedule for line in back.lines] == [line.schedule for line in doc.lines]
    assert [(ln.buyer_part, ln.supplier_part, ln.order_number) for ln in back.lines] == [(ln.buyer_part, ln.supplier_part, ln.order_number) for ln in doc.lines]
    assert (back.number, back.issued, back.supplier.id, back.supplier.name) == (doc.number, doc.issued, doc.supplier.id, doc.supplier.name)


def test_canonical_json_round_trips():
    _, result = parse(delfor([message("1", "CO1")]))
    doc = result.documents[0]
    assert from_json(to_json(doc)) == doc
    assert to_json(doc)["lines"][0]["schedule"][0] == {"quantity": "100", "commitment": "firm", "date": "2026-11-30"}


def test_corpus_delfor_files_parse(corpus_dir):
    """Every DELFOR in the shared corpus parses without errors (the corpus has none yet: skip says so)."""
    manifest = (corpus_dir / "MANIFEST.tsv").read_text().splitlines()
    header = manifest[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=False)) for line in manifest[1:]]
    delfor_files = [corpus_dir / r["file"] for r in rows if "DELFOR" in r.get("message_types", "")]
    if not delfor_files:
        import pytest

        pytest.skip(f"no DELFOR file in {corpus_dir} (no public one under a usable licence); our fixtures are written from the standard")
    for path in delfor_files:
        _, result = parse(path.read_bytes())
        assert result.all_errors == [], f"{path.name}: {result.all_errors[0]}"
        assert result.documents
