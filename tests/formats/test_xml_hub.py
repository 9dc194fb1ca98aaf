"""The hub's canonical XML: XSD published and generated from the model, validation with lines, round trips."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats import canonical
from hub.formats.base import RenderOptions
from hub.formats.canonical import DeliverySchedule, DespatchAdvice, DespatchLine, ScheduleLine, ScheduleQuantity
from hub.formats.xml import XmlCodec, hubxml, model, safe
from tests.formats.strategies import documents

CODEC = XmlCodec()

SAMPLE = """<?xml version="1.0" encoding="UTF-8"?>
<documents xmlns="urn:supplierhub:canonical:1" version="1">
  <deliverySchedule>
    <number>CO-4711</number>
    <issued>2026-11-02</issued>
    <sender><scheme>ZZ</scheme><id>OEMPLANTS</id></sender>
    <supplier><id>SUP00001</id><name>Acme Stanzteile</name></supplier>
    <shipTo><id>PLANT01</id><plant>PLANT01</plant><unloadingPoint>G12</unloadingPoint></shipTo>
    <kind>standard</kind>
    <lines>
      <line>
        <buyerPart>A-100</buyerPart>
        <unit>C62</unit>
        <cumulativeReceived><quantity>1200</quantity><date>2026-01-01</date></cumulativeReceived>
        <schedule>
          <entry><quantity>500</quantity><commitment>firm</commitment><date>2026-11-10</date></entry>
          <entry><quantity>1500.5</quantity><commitment>forecast</commitment><from>2026-12-01</from><to>2026-12-31</to></entry>
        </schedule>
      </line>
    </lines>
  </deliverySchedule>
  <despatchAdvice>
    <number>DN-1</number>
    <grossWeight>12.5</grossWeight>
    <packages><package><type>BLC</type><count>2</count><labelIds><labelId>S1</labelId><labelId>S2</labelId></labelIds></package></packages>
    <lines><line><buyerPart>A-100</buyerPart><quantity>500</quantity><orderNumber>CO-4711</orderNumber></line></lines>
  </despatchAdvice>
</documents>
"""


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_published_schemas_are_generated_from_the_model():
    """The committed XSD (package and docs copy) and JSON Schema equal what the model generates."""
    xsd = model.generate_xsd()
    assert model.XSD_PATH.read_text(encoding="utf-8") == xsd, "run python -m hub.formats.xml.model"
    assert model.XSD_DOC_PATH.read_text(encoding="utf-8") == xsd
    assert model.JSON_SCHEMA_PATH.read_text(encoding="utf-8") == model.json_schema_text()


def test_xsd_is_compiled_once():
    assert hubxml.schema() is hubxml.schema()
    assert safe.load_schema.cache_info().currsize >= 1


def test_parse_sample():
    data = SAMPLE.encode()
    detection = CODEC.detect(data)
    assert detection.family == "XML" and detection.version == "hub 1"
    assert detection.message_types == ["deliverySchedule", "despatchAdvice"]
    result = CODEC.parse(data)
    assert not result.all_errors
    schedule, despatch = result.documents
    assert isinstance(schedule, DeliverySchedule)
    assert schedule.ship_to.unloading_point == "G12"
    line = schedule.lines[0]
    assert line.cumulative_received.quantity == Decimal(1200)
    assert line.schedule[1] == ScheduleQuantity(quantity=Decimal("1500.5"), commitment="forecast", from_="2026-12-01", to="2026-12-31")
    assert isinstance(despatch, DespatchAdvice)
    assert despatch.packages[0].label_ids == ["S1", "S2"]
    assert despatch.gross_weight == Decimal("12.5")


def test_schema_errors_carry_line_numbers():
    bad = SAMPLE.replace("<quantity>500</quantity><commitment>", "<quantity>12,5x</quantity><commitment>").replace(
        "<grossWeight>12.5</grossWeight>", "<grossWeight>12.5</grossWeight><colour>red</colour>"
    )
    result = CODEC.parse(bad.encode())
    assert not result.documents
    errors = result.all_errors
    assert [e.position.line for e in errors] == [_line(bad, "12,5x"), _line(bad, "<colour>")]
    assert all(e.code == "schema" for e in errors)
    assert "'12,5x' is not a valid value" in errors[0].text
    assert "colour" in errors[1].text
    assert str(errors[0]).startswith(f"line {_line(bad, '12,5x')}: ")


def test_wrong_enum_and_missing_quantity_are_refused():
    bad = SAMPLE.replace("<commitment>firm</commitment>", "<commitment>maybe</commitment>").replace("<quantity>1200</quantity>", "")
    errors = CODEC.parse(bad.encode()).all_errors
    assert {e.position.line for e in errors} == {_line(bad, "<cumulativeReceived>"), _line(bad, "maybe")}


def test_not_well_formed_is_positioned():
    errors = CODEC.parse(b'<documents xmlns="urn:supplierhub:canonical:1">\n<deliverySchedule>\n</documents>').all_errors
    assert errors and errors[0].position.line == 3 and "not well-formed" in errors[0].text


def test_render_is_schema_valid_and_round_trips_sample():
    docs = CODEC.parse(SAMPLE.encode()).documents
    out = CODEC.render(docs, RenderOptions())
    assert hubxml.schema().validate(safe.parse_bytes(out)[0].getroottree())
    assert CODEC.parse(out).documents == docs


def test_empty_strings_with_non_empty_defaults_survive():
    doc = DespatchAdvice(number="X", lines=[DespatchLine(unit="", quantity=Decimal(0))])
    again = CODEC.parse(hubxml.render([doc])).documents
    assert again == [doc]


def test_documents_stream_one_by_one_and_a_bad_one_is_refused_alone():
    docs = [
        DeliverySchedule(number=f"CO-{i}", lines=[ScheduleLine(buyer_part="P", schedule=[ScheduleQuantity(Decimal(i))])]) for i in range(50)
    ]
    assert CODEC.parse(hubxml.render(docs)).documents == docs
    bad = hubxml.render(docs).replace(b"<number>CO-7</number>", b"<number>CO-7</number><bogus/>")
    result = CODEC.parse(bad)
    assert result.documents == docs[:7] + docs[8:]  # the others stand, as in every format
    (refused,) = [m for m in result.messages if m.errors]
    assert refused.ref == "8" and not refused.documents
    error = refused.errors[0]
    assert error.code == "schema" and error.position.line == _line(bad.decode(), "<bogus/>") and "bogus" in error.text


def test_documents_before_a_break_in_the_file_are_yielded_and_the_break_positioned():
    docs = [DeliverySchedule(number=f"CO-{i}", lines=[ScheduleLine(buyer_part="P")]) for i in range(3)]
    data = hubxml.render(docs)
    cut = data.index(b"<number>CO-2</number>")
    stream = CODEC.stream(io.BytesIO(data[:cut]))  # the rest of the file is missing
    first = next(iter(stream))
    assert first.documents == docs[:1]
    rest = list(stream)
    assert [m.documents for m in rest] == [docs[1:2]]
    assert stream.errors and "not well-formed" in stream.errors[0].text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st_docs=st.lists(documents(), min_size=1, max_size=3))
def test_round_trip_any_document(st_docs):
    """render + parse gives back exactly the canonical document (and the output is XSD-valid)."""
    out = CODEC.render(st_docs, RenderOptions())
    result = CODEC.parse(out)
    assert not result.all_errors, [str(e) for e in result.all_errors]
    assert result.documents == st_docs
    assert [canonical.to_json(d) for d in result.documents] == [canonical.to_json(d) for d in st_docs]


def test_field_specs_cover_every_dataclass_field():
    for cls in [*canonical.DOCUMENT_TYPES.values(), *model.nested_classes()]:
        assert [s.attr for s in model.fields_of(cls)] == [f.name for f in dataclasses.fields(cls)]


def test_a_nul_is_refused_with_its_line_never_stored():
    for nul in (b"&#0;", b"\x00"):
        data = SAMPLE.encode().replace(b"<number>", b"<number>X" + nul, 1)
        result = CODEC.parse(data)
        assert not result.documents
        (error,) = result.all_errors
        assert error.position.line == _line(SAMPLE, "<number>") and "not well-formed" in error.text
