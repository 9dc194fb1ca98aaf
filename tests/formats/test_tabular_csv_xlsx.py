"""CSV and XLSX: mappings, sniffing, decimal comma, positioned errors, detection order, round trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import string
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats import canonical, registry
from hub.formats.canonical import DeliverySchedule, DespatchAdvice, Source
from hub.formats.errors import FormatError
from hub.formats.tabular import DEFAULT_DESPATCH_MAPPING, DEFAULT_SCHEDULE_MAPPING, ColumnMapping, CsvCodec, XlsxCodec
from hub.formats.tabular.table import CellError, to_date, to_decimal
from tests.formats import strategies as s

CSV, XLSX = CsvCodec(), XlsxCodec()

CALL_OFFS = """call_off_number;issued;supplier_number;plant;buyer_part;unit;date;quantity;commitment
CO-1;02.11.2026;SUP00001;PLANT01;A-100;PCE;2026-11-10;500;firm
CO-1;02.11.2026;SUP00001;PLANT01;A-100;PCE;2026-11-17;1.250,5;forecast
CO-1;;SUP00001;PLANT01;B-200;KG;20261110;12,5;
CO-2;2026-11-02;SUP00002;PLANT02;A-100;PCE;2026-11-10;7;
"""

DESPATCH = """Delivery Note,Supplier Number,Ship Date,Carrier,Gross Weight KG,Buyer Part,Quantity,Unit,Order Number,Batch
DN-1,SUP00001,2026-11-09,Spedition Maier,"1.234,5",A-100,500,PCE,CO-1,L1
DN-1,SUP00001,2026-11-09,Spedition Maier,"1.234,5",B-200,12.5,KGM,CO-1,
DN-2,SUP00001,2026-11-10,,,A-100,7,PCE,CO-2,
"""


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_call_offs_group_by_number_and_line():
    result = CSV.parse(CALL_OFFS.encode())
    assert not result.all_errors and not result.warnings
    first, second = result.documents
    assert isinstance(first, DeliverySchedule) and first.number == "CO-1" and first.issued == "2026-11-02"
    assert first.supplier.id == "SUP00001" and first.ship_to.plant == "PLANT01"
    a100, b200 = first.lines
    assert [q.quantity for q in a100.schedule] == [Decimal(500), Decimal("1250.5")]
    assert [q.commitment for q in a100.schedule] == ["firm", "forecast"]
    assert a100.unit == "C62" and b200.unit == "KGM"
    assert b200.schedule[0].date == "2026-11-10" and b200.schedule[0].quantity == Decimal("12.5")
    assert second.number == "CO-2" and second.supplier.id == "SUP00002"
    assert first.source.format == "CSV"


def test_despatch_advice_with_loose_headers_and_comma_delimiter():
    detection = registry.detect(DESPATCH.encode())
    assert (detection.codec, detection.version, detection.message_types) == ("csv", "comma", ["despatch_advice"])
    result = CSV.parse(DESPATCH.encode())
    assert not result.all_errors
    dn1, dn2 = result.documents
    assert isinstance(dn1, DespatchAdvice) and dn1.gross_weight == Decimal("1234.5") and dn1.carrier == "Spedition Maier"
    assert [(line.buyer_part, line.quantity, line.unit, line.batch) for line in dn1.lines] == [
        ("A-100", Decimal(500), "C62", "L1"),
        ("B-200", Decimal("12.5"), "KGM", ""),
    ]
    assert dn2.ship_date == "2026-11-10" and dn2.lines[0].order_number == "CO-2"


def test_errors_name_line_and_column():
    bad = CALL_OFFS.replace(";7;", ";12,5x;").replace("2026-11-17", "31.02.2026").replace(";firm", ";maybe")
    result = CSV.parse(bad.encode())
    messages = [str(e) for e in result.all_errors]
    assert f"line {_line(bad, '12,5x')}, column 'quantity': '12,5x' is not a number" in messages
    assert any(m.startswith(f"line {_line(bad, '31.02.2026')}, column 'date': '31.02.2026' is not a date") for m in messages)
    assert any(m.startswith(f"line {_line(bad, 'maybe')}, column 'commitment': 'maybe' is not a commitment") for m in messages)
    assert not result.documents  # both documents had a bad row
    error = result.all_errors[0]
    assert error.position.column_name and error.as_dict()["line"] == error.position.line


def test_conflicting_header_value_and_missing_number():
    bad = CALL_OFFS.replace("CO-1;;SUP00001", "CO-1;03.11.2026;SUP00001") + ";2026-11-02;SUP00002;PLANT02;A-100;PCE;2026-11-10;7;\n"
    result = CSV.parse(bad.encode())
    messages = [str(e) for e in result.all_errors]
    assert any("'2026-11-03' differs from '2026-11-02' given in line 2 for document CO-1" in m for m in messages)
    assert any(m.endswith("column 'call_off_number': the document number is missing") for m in messages)
    assert [d.number for d in result.documents] == ["CO-2"]


def test_despatch_row_needs_a_quantity():
    bad = DESPATCH.replace(",7,PCE", ",,PCE")
    (error,) = CSV.parse(bad.encode()).all_errors
    assert str(error) == f"line {_line(bad, ',,PCE')}, column 'Quantity': a quantity is required"


def test_cp1252_fallback_warns_and_reads_umlauts():
    data = CALL_OFFS.replace("A-100", "Bügel-100").encode("cp1252")
    result = CSV.parse(data)
    assert result.warnings and "Windows-1252" in result.warnings[0]
    assert result.documents[0].lines[0].buyer_part == "Bügel-100"


def test_utf8_bom_and_tab_delimiter():
    data = b"\xef\xbb\xbf" + CALL_OFFS.replace(";", "\t").encode("utf-8")
    result = CSV.parse(data)
    assert not result.warnings and not result.all_errors and len(result.documents) == 2


def test_quoted_cells_spanning_lines_keep_physical_line_numbers():
    data = 'delivery_note,buyer_part,quantity,carrier\nDN-1,A-1,5,"two\nlines"\nDN-1,A-2,x,\n'
    (error,) = CSV.parse(data.encode()).all_errors
    assert error.position.line == 4


def test_custom_partner_mapping():
    mapping = ColumnMapping.from_dict(
        "delivery_schedule",
        {
            "number": "Abrufnummer",
            "line.buyer_part": "Sachnummer",
            "schedule.date": "Liefertermin",
            "schedule.quantity": "Menge",
            "ship_to.plant": "Werk",
        },
    )
    data = "Abrufnummer;Werk;Sachnummer;Liefertermin;Menge\n4711;PLANT03;A-100;10.11.2026;1.500\n".encode("cp1252")
    assert CSV.detect(data) is None  # the default mappings do not know these headers
    result = CSV.parse(data, mapping=mapping)
    (doc,) = result.documents
    assert doc.ship_to.plant == "PLANT03" and doc.lines[0].schedule[0].quantity == Decimal("1.5")
    assert CsvCodec([mapping]).detect(data).message_types == ["delivery_schedule"]
    out = CSV.render([doc], mapping=mapping)
    assert out.decode("utf-8-sig").splitlines()[0] == "Abrufnummer;Sachnummer;Liefertermin;Menge;Werk"


def test_mapping_validation():
    with pytest.raises(ValueError, match="unknown field"):
        ColumnMapping.from_dict("despatch_advice", {"number": "a", "line.quantity": "b", "line.buyer_part": "c", "colour": "d"})
    with pytest.raises(ValueError, match="needs a column for 'line.quantity'"):
        ColumnMapping.from_dict("despatch_advice", {"number": "a", "line.buyer_part": "c"})
    with pytest.raises(ValueError, match="same column"):
        ColumnMapping.from_dict("despatch_advice", {"number": "a", "line.quantity": "b", "line.buyer_part": "A"})
    with pytest.raises(ValueError, match="not 'invoice'"):
        ColumnMapping.from_dict("invoice", {})


def test_unknown_header_is_reported_not_guessed():
    result = CSV.parse(b"foo;bar\n1;2\n")
    (error,) = result.all_errors
    assert "matches no column mapping" in error.text and error.position.line == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", "12.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1.234.567", "1234567"),
        ("-3", "-3"),
        (" 7 ", "7"),
        (2.5, "2.5"),
        (3, "3"),
    ],
)
def test_numbers(text, expected):
    assert to_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["12,5x", "1,2,3.4.5", "abc", "--1", "1e5", "NaN"])
def test_not_numbers(text):
    with pytest.raises(CellError, match="is not a number"):
        to_decimal(text)


def test_dates():
    assert to_date("31.12.2026") == to_date("20261231") == to_date("2026-12-31") == "2026-12-31"
    assert to_date("2026-12-31 10:30") == "2026-12-31T10:30"
    assert to_date(dt.datetime(2026, 12, 31)) == "2026-12-31" and to_date(dt.datetime(2026, 12, 31, 6, 5)) == "2026-12-31T06:05"
    with pytest.raises(CellError):
        to_date("2026-13-01")


# --------------------------------------------------------------------------- detection order


EDIFACT = b"UNA:+.? 'UNB+UNOC:3+OEMPLANTS:ZZ+SUPPLIERHUB:ZZ+261102:1200+1'UNH+1+DELFOR:D:96A:UN'BGM+241+CO-1+9'UNT+3+1'UNZ+1+1'"
X12 = (
    b"ISA*00*          *00*          *ZZ*OEMPLANTS      *ZZ*SUPPLIERHUB    *261102*1200*U*00401*000000001*0*P*>~"
    b"GS*SS*A*B*20261102*1200*1*X*004010~"
)
VDA = (
    b"51101OEMPLANTS SUPPLIERHUB00001000022611020000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\n"
)
CSV_LOOKALIKE = b"call_off_number;quantity\nUNB+UNOC:3+X'\n"


@pytest.mark.parametrize("data", [EDIFACT, X12, VDA, b"<documents/>", b'{"type": "despatch_advice"}', CSV_LOOKALIKE])
def test_csv_never_claims_other_formats(data):
    assert CSV.detect(data) is None


def test_tabular_codecs_are_asked_last():
    names = list(registry.CODECS)
    assert names[-2:] == ["xlsx", "csv"]
    assert registry.detect(EDIFACT).codec == "edifact"
    assert registry.detect(CALL_OFFS.encode()).codec == "csv"


def test_xlsx_detection_and_reading_a_hand_made_workbook():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Notes"])  # a sheet that is not the table
    table = book.create_sheet("ASN")
    table.append(["delivery_note", "ship_date", "buyer_part", "quantity", "unit"])
    table.append(["DN-1", dt.datetime(2026, 11, 9), 4711, 12.5, "PCE"])
    table.append(["DN-1", dt.datetime(2026, 11, 9), "A-2", "1,5", "KGM"])
    table.append(["DN-2", "09.11.2026", "A-3", "x", "PCE"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    assert registry.detect(data).codec == "xlsx"
    result = XLSX.parse(data)
    dn1 = result.documents[0]
    assert dn1.ship_date == "2026-11-09" and dn1.lines[0].buyer_part == "4711" and dn1.lines[0].quantity == Decimal("12.5")
    assert dn1.lines[1].quantity == Decimal("1.5")
    (error,) = result.all_errors
    assert str(error) == "line 4, column 'quantity': 'x' is not a number"
    assert "read worksheet 'ASN'" in result.warnings


def test_xlsx_text_is_never_a_formula():
    doc = DespatchAdvice(number='=HYPERLINK("http://x")', lines=[canonical.DespatchLine(buyer_part="+1", quantity=Decimal(1))])
    data = XLSX.render([doc])
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert XLSX.parse(data).documents[0].number == doc.number


def test_not_a_workbook():
    (error,) = XLSX.parse(b"PK\x03\x04xl/garbage").all_errors
    assert "not a readable XLSX workbook" in error.text


def test_render_refuses_mixed_types():
    with pytest.raises(FormatError, match="one document type"):
        CSV.render([DeliverySchedule(number="1"), DespatchAdvice(number="2")])


# --------------------------------------------------------------------------- round trips

cells = st.text(string.ascii_letters + string.digits + "äöüß -/.,;\"'=+\n", min_size=1, max_size=10).map(str.strip).filter(bool)
opt_cells = st.one_of(st.just(""), cells)
parties = st.builds(canonical.Party, id=opt_cells, plant=opt_cells, unloading_point=opt_cells)


def _unique_lines(lines, key):
    seen, out = set(), []
    for line in lines:
        if key(line) not in seen:
            seen.add(key(line))
            out.append(line)
    return out


schedule_docs = st.builds(
    DeliverySchedule,
    number=cells,
    issued=st.one_of(st.none(), s.iso_dates),
    previous_number=opt_cells,
    kind=st.sampled_from(["standard", "jit"]),
    buyer=st.builds(canonical.Party, id=opt_cells, name=opt_cells),
    supplier=st.builds(canonical.Party, id=opt_cells, name=opt_cells),
    ship_to=parties,
    lines=st.lists(
        st.builds(
            canonical.ScheduleLine,
            buyer_part=cells,
            supplier_part=opt_cells,
            description=opt_cells,
            unit=s.units,
            order_number=opt_cells,
            cumulative_received=st.one_of(
                st.none(), st.builds(canonical.CumulativeQuantity, quantity=s.quantities, date=st.one_of(st.none(), s.days))
            ),
            schedule=st.lists(
                st.builds(
                    canonical.ScheduleQuantity,
                    quantity=s.quantities,
                    commitment=st.sampled_from(["firm", "production", "material", "forecast"]),
                    date=st.one_of(st.none(), s.iso_dates),
                    from_=st.one_of(st.none(), s.days),
                    to=st.one_of(st.none(), s.days),
                ),
                max_size=3,
            ),
        ),
        max_size=3,
    ).map(lambda lines: _unique_lines(lines, lambda x: (x.buyer_part, x.supplier_part, x.order_number))),
)

despatch_docs = st.builds(
    DespatchAdvice,
    number=cells,
    issued=st.one_of(st.none(), s.iso_dates),
    buyer=st.builds(canonical.Party, id=opt_cells),
    supplier=st.builds(canonical.Party, id=opt_cells, name=opt_cells),
    ship_to=parties,
    ship_date=st.one_of(st.none(), s.iso_dates),
    arrival_date=st.one_of(st.none(), s.iso_dates),
    carrier=opt_cells,
    transport_id=opt_cells,
    gross_weight=st.one_of(st.none(), s.quantities),
    lines=st.lists(
        st.builds(
            canonical.DespatchLine,
            buyer_part=cells,
            supplier_part=opt_cells,
            quantity=s.quantities,
            unit=s.units,
            order_number=opt_cells,
            batch=opt_cells,
        ),
        max_size=3,
    ),
)


def _unique_numbers(docs):
    return _unique_lines(docs, lambda d: d.number)


def _strip_source(docs):
    return [dataclasses.replace(d, source=Source()) for d in docs]


ROUND = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND
@given(
    docs=st.one_of(st.lists(schedule_docs, min_size=1, max_size=3), st.lists(despatch_docs, min_size=1, max_size=3)).map(_unique_numbers)
)
def test_csv_round_trip(docs):
    result = CSV.parse(CSV.render(docs))
    assert not result.all_errors, [str(e) for e in result.all_errors]
    assert _strip_source(result.documents) == docs


@ROUND
@given(
    docs=st.lists(schedule_docs, min_size=1, max_size=2).map(_unique_numbers),
    comma=st.booleans(),
    delimiter=st.sampled_from([";", "\t", "|"]),
)
def test_csv_round_trip_decimal_comma_and_other_delimiters(docs, comma, delimiter):
    from hub.formats.tabular import render_csv

    data = render_csv(docs, DEFAULT_SCHEDULE_MAPPING, delimiter=delimiter, decimal_comma=comma, bom=False)
    result = CSV.parse(data)
    assert not result.all_errors, [str(e) for e in result.all_errors]
    assert _strip_source(result.documents) == docs


@ROUND
@given(
    docs=st.one_of(st.lists(schedule_docs, min_size=1, max_size=2), st.lists(despatch_docs, min_size=1, max_size=2)).map(_unique_numbers)
)
def test_xlsx_round_trip(docs):
    result = XLSX.parse(XLSX.render(docs))
    assert not result.all_errors, [str(e) for e in result.all_errors]
    assert _strip_source(result.documents) == docs


def test_default_mappings_cover_what_they_say():
    assert DEFAULT_SCHEDULE_MAPPING.columns["schedule.quantity"] == "quantity"
    assert DEFAULT_DESPATCH_MAPPING.columns["number"] == "delivery_note"
