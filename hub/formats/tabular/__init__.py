"""CSV and XLSX for suppliers without EDI, through per-partner column mappings."""

from hub.formats.tabular.codec import CsvCodec, XlsxCodec, render_csv, render_xlsx
from hub.formats.tabular.mapping import DEFAULT_DESPATCH_MAPPING, DEFAULT_MAPPINGS, DEFAULT_SCHEDULE_MAPPING, ColumnMapping

__all__ = [
    "DEFAULT_DESPATCH_MAPPING",
    "DEFAULT_MAPPINGS",
    "DEFAULT_SCHEDULE_MAPPING",
    "ColumnMapping",
    "CsvCodec",
    "XlsxCodec",
    "render_csv",
    "render_xlsx",
]
