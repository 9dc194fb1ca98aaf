"""The record layouts of VDA 4905, 4915 and 4913, as tables (source: /work/shared/specs/vda.md).

Each row is ``(field name, 1-based start, length, N|AN)``; columns 1-5 (record type and
version) are added by ``layout``. Field names are the ones the mappings read. Blank
filler fields are named ``blank…`` and never read. Layouts marked ASSUMED are thin in
the public sources (see the spec); the codec reads them but says so in its docstring.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from hub.formats.vda.records import Layout, layout


def _pairs(prefix: str, starts: list[int], *parts: tuple[str, int, str]) -> list[tuple[str, int, int, str]]:
    """Rows for a repeated group: ``prefix{n}_{part}`` for each start column."""
    rows: list[tuple[str, int, int, str]] = []
    for n, start in enumerate(starts, 1):
        column = start
        for name, length, kind in parts:
            rows.append((f"{prefix}{n}_{name}", column, length, kind))
            column += length
    return rows


def _texts(type_: str, version: str, title: str) -> Layout:
    return layout(type_, version, title, ("text1", 6, 40, "AN"), ("text2", 46, 40, "AN"), ("text3", 86, 40, "AN"), ("blank", 126, 3, "AN"))


def _packaging(type_: str, version: str) -> Layout:
    return layout(
        type_, version, "packaging",
        ("customer_packaging", 6, 22, "AN"), ("supplier_packaging", 28, 22, "AN"), ("capacity", 50, 7, "N"), ("blank", 57, 72, "AN"),
    )  # fmt: skip


def _header(type_: str) -> Layout:
    return layout(
        type_, "02", "transmission header",
        ("customer", 6, 9, "AN"), ("supplier", 15, 9, "AN"), ("transmission_old", 24, 5, "N"), ("transmission_new", 29, 5, "N"),
        ("transmission_date", 34, 6, "N"), ("second_date", 40, 6, "N"), ("blank", 46, 83, "AN"),
    )  # fmt: skip


def _counters(type_: str, version: str, counted: list[str]) -> Layout:
    rows = [(f"count_{t}", 6 + 7 * i, 7, "N") for i, t in enumerate(counted)]
    end = 6 + 7 * len(counted)
    return layout(type_, version, "transmission trailer", *rows, ("blank", end, 129 - end, "AN"))


# ---- VDA 4905 delivery call-off (Lieferabruf) ---------------------------------------------
R511 = _header("511")
R512 = layout(
    "512", "01", "call-off",
    ("plant", 6, 3, "AN"), ("calloff_new", 9, 9, "AN"), ("date_new", 18, 6, "N"), ("calloff_old", 24, 9, "AN"),
    ("date_old", 33, 6, "N"), ("customer_part", 39, 22, "AN"), ("supplier_part", 61, 22, "AN"), ("order_number", 83, 12, "AN"),
    ("unloading_point", 95, 5, "AN"), ("clerk", 100, 4, "AN"), ("unit", 104, 2, "AN"), ("interval", 106, 1, "AN"),
    ("production_release_code", 107, 1, "AN"), ("material_release_code", 108, 1, "AN"), ("usage_code", 109, 1, "AN"),
    ("account_key", 110, 7, "AN"), ("storage_location", 117, 7, "AN"), ("blank", 124, 5, "AN"),
)  # fmt: skip
SLOT = (("date", 6, "N"), ("qty", 9, "N"))
R513 = layout(
    "513", "01", "receipts and schedule",
    ("receipt_date", 6, 6, "N"), ("receipt_note", 12, 8, "AN"), ("receipt_despatch_date", 20, 6, "N"), ("receipt_qty", 26, 12, "N"),
    ("cumulative", 38, 10, "N"), *_pairs("slot", [48, 63, 78, 93, 108], *SLOT), ("blank", 123, 6, "AN"),
)  # fmt: skip
R514 = layout("514", "01", "schedule continued", *_pairs("slot", [6, 21, 36, 51, 66, 81, 96, 111], *SLOT), ("blank", 126, 3, "AN"))
R515 = layout(
    "515", "01", "releases",
    ("production_from", 6, 6, "N"), ("production_to", 12, 6, "N"), ("production_cumulative", 18, 10, "N"),
    ("material_from", 28, 6, "N"), ("material_to", 34, 6, "N"), ("material_cumulative", 40, 10, "N"),
    ("additional_part", 50, 22, "AN"), ("intermediate_supplier", 72, 9, "AN"), ("horizon", 81, 6, "N"),
    ("point_of_use", 87, 14, "AN"), ("cumulative_before_reset", 101, 10, "N"), ("blank", 111, 18, "AN"),
)  # fmt: skip
R517 = _packaging("517", "01")
R518 = _texts("518", "01", "texts")
R519 = _counters("519", "02", ["511", "512", "513", "514", "517", "518", "519", "515"])

# ---- VDA 4915 JIT call-off (Feinabruf) ------------------------------------------------------
R551 = _header("551")
R552 = layout(
    "552", "01", "JIT call-off",
    ("plant", 6, 3, "AN"), ("calloff", 9, 9, "AN"), ("date", 18, 6, "N"), ("customer_part", 24, 22, "AN"),
    ("supplier_part", 46, 22, "AN"), ("unloading_point", 68, 5, "AN"), ("storage_location", 73, 7, "AN"),
    ("critical", 80, 1, "AN"), ("requirement_code", 81, 1, "AN"), ("horizon_date", 82, 6, "N"), ("receipt_code", 88, 1, "AN"),
    ("order_number", 89, 12, "AN"), ("over_delivery", 101, 10, "N"), ("point_of_use", 111, 14, "AN"), ("blank", 125, 4, "AN"),
)  # fmt: skip
R553 = layout(
    "553", "01", "cumulative and receipts",
    ("cumulative", 6, 10, "N"),
    *_pairs("receipt", [16, 49, 82], ("date", 6, "N"), ("note", 8, "AN"), ("note_date", 6, "N"), ("qty", 12, "N"), ("status", 1, "AN")),
    ("blank", 115, 14, "AN"),
)  # fmt: skip
R554 = layout(
    "554", "01", "JIT schedule",
    *_pairs("slot", [6, 26, 46, 66, 86, 106], ("date", 6, "N"), ("time", 4, "N"), ("qty", 9, "N"), ("code", 1, "AN")),
    ("blank", 126, 3, "AN"),
)  # fmt: skip
R555 = layout(
    "555", "01", "additional data",
    ("intermediate_supplier", 6, 9, "AN"), ("additional_part", 15, 22, "AN"), ("cumulative_before_reset", 37, 10, "N"),
    ("blank", 47, 82, "AN"),
)  # fmt: skip
R556 = _packaging("556", "01")
R557 = _texts("557", "01", "texts (ASSUMED layout)")
R559 = _counters("559", "02", ["551", "552", "553", "554", "555", "556", "557", "559"])

# ---- VDA 4913 despatch advice (Lieferschein- und Transportdaten) ----------------------------
R711 = layout(
    "711", "03", "transmission header",
    ("customer", 6, 9, "AN"), ("supplier", 15, 9, "AN"), ("transmission_old", 24, 5, "N"), ("transmission_new", 29, 5, "N"),
    ("transmission_date", 34, 6, "N"), ("sub_supplier", 40, 9, "AN"), ("carrier_id", 49, 9, "AN"), ("stock_list_key", 58, 1, "AN"),
    ("delivery_code", 59, 1, "AN"), ("blank", 60, 69, "AN"),
)  # fmt: skip
R712 = layout(
    "712", "03", "transport",
    ("shipment", 6, 8, "N"), ("supplier_plant", 14, 3, "AN"), ("carrier", 17, 14, "AN"), ("handover_date", 31, 6, "N"),
    ("handover_time", 37, 4, "N"), ("gross_weight", 41, 7, "N"), ("net_weight", 48, 7, "N"), ("freight_key", 55, 2, "AN"),
    ("carrier_key", 57, 1, "AN"), ("packages", 58, 4, "N"), ("transport_partner", 62, 14, "AN"), ("transport_key", 76, 2, "AN"),
    ("transport_no", 78, 25, "AN"), ("code", 103, 1, "AN"), ("content", 104, 8, "AN"), ("arrival_date", 112, 6, "N"),
    ("arrival_time", 118, 4, "N"), ("loading_metres", 122, 3, "N"), ("lorry_type", 125, 1, "AN"), ("blank", 126, 3, "AN"),
)  # fmt: skip
R713 = layout(
    "713", "03", "delivery note",
    ("note", 6, 8, "N"), ("despatch_date", 14, 6, "N"), ("unloading_point", 20, 5, "AN"), ("despatch_type", 25, 2, "AN"),
    ("customer_ref", 27, 4, "AN"), ("order_number", 31, 12, "AN"), ("process_code", 43, 2, "AN"), ("blank1", 45, 4, "AN"),
    ("plant", 49, 3, "AN"), ("consignment", 52, 8, "AN"), ("goods_receiver", 60, 9, "AN"), ("blank2", 69, 1, "AN"),
    ("storage_location", 70, 7, "AN"), ("supplier", 77, 9, "AN"), ("point_of_assembly", 86, 14, "AN"), ("release_no", 100, 4, "AN"),
    ("customer_ref2", 104, 6, "AN"), ("customer_ref3", 110, 14, "AN"), ("blank3", 124, 5, "AN"),
)  # fmt: skip
R714 = layout(
    "714", "03", "delivery note item",
    ("customer_part", 6, 22, "AN"), ("supplier_part", 28, 22, "AN"), ("origin", 50, 3, "AN"), ("qty1", 53, 13, "N"),
    ("unit1", 66, 2, "AN"), ("qty2", 68, 13, "N"), ("unit2", 81, 2, "AN"), ("vat", 83, 3, "AN"), ("blank1", 86, 1, "AN"),
    ("line_no", 87, 3, "N"), ("release_key", 90, 1, "AN"), ("batch", 91, 15, "AN"), ("code", 106, 1, "AN"),
    ("dangerous_goods", 107, 8, "AN"), ("preference", 115, 1, "AN"), ("dutiable", 116, 1, "AN"), ("blank2", 117, 1, "AN"),
    ("stock_status", 118, 1, "AN"), ("change_code", 119, 2, "AN"), ("original_note", 121, 8, "AN"),
)  # fmt: skip
R715 = layout(
    "715", "03", "packaging",
    ("customer_packaging", 6, 22, "AN"), ("supplier_packaging", 28, 22, "AN"), ("count", 50, 13, "N"), ("line_no", 63, 3, "N"),
    ("capacity", 66, 13, "N"), ("label_from", 79, 9, "AN"), ("label_to", 88, 9, "AN"), ("dimensions", 97, 12, "AN"),
    ("stacking", 109, 1, "AN"), ("warehouse_schedule", 110, 15, "AN"), ("label_code", 125, 1, "AN"), ("packaging_code", 126, 1, "AN"),
    ("property", 127, 1, "AN"), ("blank", 128, 1, "AN"),
)  # fmt: skip
R716 = _texts("716", "03", "texts")
R719 = _counters("719", "02", ["711", "712", "713", "714", "715", "716", "718", "719", "717"])

LAYOUTS: dict[str, Layout] = {
    lay.type: lay
    for lay in (
        R511, R512, R513, R514, R515, R517, R518, R519,
        R551, R552, R553, R554, R555, R556, R557, R559,
        R711, R712, R713, R714, R715, R716, R719,
    )
}  # fmt: skip

# Record types that exist but whose layout is unknown: read past (and counted), never mapped.
UNKNOWN_LAYOUT = {"717", "718"}


@dataclass(frozen=True)
class Family:
    """One VDA message family: its header, trailer, the record opening a message, and the record order.

    ``follows[t]`` lists the record types allowed right after a record of type ``t``
    inside a transmission (after the trailer comes the next header or the end of file).
    """

    name: str  # 4905 | 4915 | 4913
    title: str
    header: str
    trailer: str
    opens: str  # the record that starts one canonical document: 512, 552, 713
    follows: dict[str, frozenset[str]]

    @functools.cached_property
    def types(self) -> frozenset[str]:
        """Every record type of the family."""
        return frozenset(self.follows) | {self.trailer}


def _follows(**rows: str) -> dict[str, frozenset[str]]:
    return {k.lstrip("r"): frozenset(v.split()) for k, v in rows.items()}


# 4905: 511 { 512 513 514* 515? 517* 518* }+ 519
F4905 = Family(
    "4905", "delivery call-off (Lieferabruf)", "511", "519", "512",
    _follows(
        r511="512", r512="513", r513="514 515 517 518 512 519", r514="514 515 517 518 512 519",
        r515="517 518 512 519", r517="517 518 512 519", r518="518 512 519",
    ),
)  # fmt: skip
# 4915: 551 { 552 553 554+ 555? 556? 557* }+ 559 (several 556 are accepted: one per packaging)
F4915 = Family(
    "4915", "JIT call-off (Feinabruf)", "551", "559", "552",
    _follows(
        r551="552", r552="553", r553="554", r554="554 555 556 557 552 559", r555="556 557 552 559",
        r556="556 557 552 559", r557="557 552 559",
    ),
)  # fmt: skip
# 4913: 711 { 712 { 713 { 714 715* }+ 716* }+ }+ 719; 717/718 (no public layout) may follow any item record.
F4913 = Family(
    "4913", "despatch advice (Lieferschein- und Transportdaten)", "711", "719", "713",
    _follows(
        r711="712", r712="713", r713="714", r714="714 715 716 717 718 713 712 719", r715="714 715 716 717 718 713 712 719",
        r716="716 717 718 713 712 719", r717="714 715 716 717 718 713 712 719", r718="714 715 716 717 718 713 712 719",
    ),
)  # fmt: skip
FAMILIES: dict[str, Family] = {f.header: f for f in (F4905, F4915, F4913)}
BY_NAME: dict[str, Family] = {f.name: f for f in (F4905, F4915, F4913)}
