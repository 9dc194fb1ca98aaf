"""Bulk import of supplier master data: validation with row and column, idempotency, all-or-nothing."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suppliers.imports import ImportFileError, suppliers_import
from suppliers.models import OnboardingTransition, PartnerIdentifier, Supplier

pytestmark = pytest.mark.django_db

HEADER = "supplier_number,name,duns,vat_id,country,street,city,postcode,email,plants,edi_format,edi_id,edi_qualifier\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def good_row(n: int, **over: str) -> str:
    values = {
        "supplier_number": f"NEW{n:05d}", "name": f"Neu {n} GmbH", "duns": f"{400000000 + n}", "vat_id": f"DE{n:09d}", "country": "DE",
        "street": "Hauptstr. 1", "city": "Kassel", "postcode": "34117", "email": f"edi@neu{n}.example", "plants": "PLANT01;PLANT02",
        "edi_format": "EDIFACT", "edi_id": f"NEW{n:05d}", "edi_qualifier": "ZZ",
    }  # fmt: skip
    values.update(over)
    return ",".join(values[c] for c in HEADER.strip().split(","))


def test_import_creates_suppliers_with_plants_profile_identifier_and_timeline(world):
    result = suppliers_import(data=csv_bytes(good_row(1), good_row(2, edi_format="X12")))
    assert (result.created, result.updated, result.bad_rows, result.committed) == (2, 0, 0, True)
    s = Supplier.objects.get(number="NEW00001")
    assert s.status == "invited" and s.country == "DE" and s.duns == "400000001"
    assert sorted(s.plants.values_list("code", flat=True)) == ["PLANT01", "PLANT02"]
    assert PartnerIdentifier.objects.get(value="NEW00002").scheme == "x12"
    assert s.profile.format == "EDIFACT"
    assert OnboardingTransition.objects.filter(supplier=s, to_status="invited").count() == 1
    assert s.history.count() == 1  # created with history, who/when kept


def test_reimport_updates_and_never_duplicates(world):
    suppliers_import(data=csv_bytes(good_row(1), good_row(2)))
    result = suppliers_import(data=csv_bytes(good_row(1, name="Renamed GmbH", plants="PLANT03"), good_row(2)))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Supplier.objects.filter(number__startswith="NEW").count() == 2
    s = Supplier.objects.get(number="NEW00001")
    assert s.name == "Renamed GmbH" and list(s.plants.values_list("code", flat=True)) == ["PLANT03"]
    assert PartnerIdentifier.objects.filter(value="NEW00001").count() == 1
    assert s.history.count() == 2


def test_bad_values_are_named_by_row_line_and_column_and_good_rows_imported(world):
    data = csv_bytes(
        good_row(1),
        good_row(2, country="XX1"),
        good_row(3, duns="12345"),
        good_row(4, email="not-an-email"),
        good_row(5, plants="PLANT01;PLANT99"),
        good_row(6, supplier_number=""),
        good_row(7, edi_format="EDIFAKT"),
        good_row(1, name="again"),
    )
    result = suppliers_import(data=data)
    texts = [str(e) for e in result.errors]
    assert "row 2 (line 3, supplier NEW00002), column 'country': 'XX1' is not an ISO 3166 country code" in texts
    assert any(t.startswith("row 3 (line 4") and "column 'duns'" in t for t in texts)
    assert any(t.startswith("row 4 (line 5") and "column 'email'" in t for t in texts)
    assert any(t.startswith("row 5 (line 6") and "'PLANT99' is not a plant of the group" in t for t in texts)
    assert any(t.startswith("row 6 (line 7") and "column 'supplier_number': a value is required" in t for t in texts)
    assert any(t.startswith("row 7 (line 8") and "column 'edi_format'" in t for t in texts)
    assert any(t.startswith("row 8 (line 9") and "appears already in row 1" in t for t in texts)
    assert result.bad_rows == 7 and result.created == 1
    assert list(Supplier.objects.filter(number__startswith="NEW").values_list("number", flat=True)) == ["NEW00001"]


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(world):
    result = suppliers_import(data=csv_bytes(good_row(1), good_row(2, country="ZZ")), all_or_nothing=True)
    assert result.bad_rows == 1 and not result.committed
    assert not Supplier.objects.filter(number__startswith="NEW").exists()


def test_dry_run_counts_without_writing(world):
    result = suppliers_import(data=csv_bytes(good_row(1)), dry_run=True)
    assert result.created == 1 and not result.committed and not Supplier.objects.filter(number="NEW00001").exists()


def test_an_edi_id_of_another_supplier_is_a_bad_row(world):
    result = suppliers_import(data=csv_bytes(good_row(1, edi_id="SUP00002", edi_qualifier="92")))
    assert [e.column for e in result.errors] == ["edi_id"] and result.created == 0


def test_columns_in_any_order_semicolons_and_xlsx(world):
    data = b"country;name;supplier_number\nde;Semi GmbH;SEMI1\n"
    assert suppliers_import(data=data, filename="x.csv").created == 1
    assert Supplier.objects.get(number="SEMI1").country == "DE"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "supplier_number", "country", "duns", "plants"])
    sheet.append(["Xlsx GmbH", "XL1", "CZ", 123456789, "PLANT03"])
    sheet.append(["Bad", "XL2", "Q9", None, None])
    buf = io.BytesIO()
    book.save(buf)
    result = suppliers_import(data=buf.getvalue(), filename="m.xlsx")
    assert result.created == 1 and Supplier.objects.get(number="XL1").duns == "123456789"
    assert str(result.errors[0]).startswith("row 2 (line 3, supplier XL2), column 'country'")


def test_a_missing_required_column_is_a_file_error(world):
    with pytest.raises(ImportFileError, match="country"):
        suppliers_import(data=b"supplier_number,name\nA,B\n")


def test_buyer_imports_only_for_own_plants(world):
    buyer = world["users"]["buyer"]  # PLANT01
    result = suppliers_import(data=csv_bytes(good_row(1, plants="PLANT01"), good_row(2, plants="PLANT02"), good_row(3, supplier_number="SUP00003", plants="PLANT01")), by=buyer)
    assert result.created == 1
    cols = {(e.row, e.column) for e in result.errors}
    assert (2, "plants") in cols and (3, "supplier_number") in cols
    assert Supplier.objects.get(number="SUP00003").name == "Supplier SUP00003"


def test_query_count_does_not_grow_with_rows(world):
    def queries(n: int) -> int:
        data = csv_bytes(*[good_row(i) for i in range(1, n + 1)])
        Supplier.objects.filter(number__startswith="NEW").delete()
        with CaptureQueriesContext(connection) as ctx:
            suppliers_import(data=data)
        return len(ctx.captured_queries)

    assert queries(300) == queries(30)


def test_command_exits_2_naming_every_bad_row(world, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes(good_row(1), good_row(2, country="XX1"), good_row(3, email="x@")))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_suppliers", str(path), "--no-progress")
    assert exit_info.value.code == 2
    out = capsys.readouterr()
    assert "row 2 (line 3, supplier NEW00002), column 'country'" in out.err and "row 3 (line 4" in out.err
    assert "1 new" in out.out and Supplier.objects.filter(number="NEW00001").exists()


def test_command_all_or_nothing_and_dry_run(world, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_bytes(csv_bytes(good_row(1), good_row(2, country="XX1")))
    with pytest.raises(SystemExit):
        call_command("import_suppliers", str(path), "--all-or-nothing", "--no-progress")
    path.write_bytes(csv_bytes(good_row(1)))
    call_command("import_suppliers", str(path), "--dry-run", "--no-progress")
    assert not Supplier.objects.filter(number="NEW00001").exists()
    assert "nothing imported" in capsys.readouterr().out


def test_command_in_a_subprocess_prints_no_traceback(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"name\nx\n")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "manage.py", "import_suppliers", str(path)], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "supplier_number" in proc.stderr
