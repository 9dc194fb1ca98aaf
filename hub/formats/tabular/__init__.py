"""CSV and XLSX for suppliers without EDI, through per-partner column mappings."""

from hub.formats.tabular.codec import CsvCodec, XlsxCodec, render_csv, render_xlsx
from hub.formats.tabular.mapping import DEFAULT_DESPATCH_MAPPING, DEFAULT_MAPPINGS, DEFAULT_SCHEDULE_MAPPING, ColumnMapping
from hub.formats.tabular.neutral import neutralise, neutralise_row, restore

__all__ = [
    "DEFAULT_DESPATCH_MAPPING",
    "DEFAULT_MAPPINGS",
    "DEFAULT_SCHEDULE_MAPPING",
    "ColumnMapping",
    "CsvCodec",
    "XlsxCodec",
    "neutralise",
    "neutralise_row",
    "render_csv",
    "render_xlsx",
    "restore",
]
