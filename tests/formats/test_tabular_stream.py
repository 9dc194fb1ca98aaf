"""CSV/XLSX tables as message streams; a cell the database cannot store refuses its document."""

from __future__ import annotations

import io

from hub.formats.tabular import CsvCodec
from tests.formats.test_tabular_csv_xlsx import CALL_OFFS, _line

CSV = CsvCodec()


def test_the_stream_holds_one_message_per_document_as_parse_does():
    stream = CSV.stream(io.BytesIO(CALL_OFFS.encode()))
    messages = list(stream)
    assert [m.ref for m in messages] == ["CO-1", "CO-2"]
    assert [d for m in messages for d in m.documents] == CSV.parse(CALL_OFFS.encode()).documents


def test_a_nul_in_a_cell_refuses_that_document_with_line_and_column():
    text = CALL_OFFS.replace("CO-2;2026-11-02;SUP00002;PLANT02;A-100", "CO-2;2026-11-02;SUP00002;PLANT02;A-\x00100")
    result = CSV.parse(text.encode())
    first, second = result.messages
    assert first.ok and first.documents
    assert not second.ok and not second.documents
    (error,) = second.errors
    assert error.position.line == _line(text, "CO-2")
    assert str(error) == (
        f"line {_line(text, 'CO-2')}, column 'buyer_part': the cell holds a NUL character (or a lone surrogate), "
        "which cannot be stored; remove it and send the file again"
    )
