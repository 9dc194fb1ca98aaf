"""The record layouts of flat IDocs, as tables: the EDI_DC40 control record, the EDI_DD40
data record header, and the SDATA field layout of every segment the mappings read.

Each segment table lists ``(field, length)`` from the first column of SDATA; fields after
the last one listed are read past (SDATA is 1000 characters, the rest is filler to the
hub). The same tables give the element names of XML IDocs and the maximum length the
renderer allows for each field.

Sources and assumptions (kept here, in one place):

- EDI_DC40 and EDI_DD40: SAP's published record types (control record 524 characters,
  data record 63 + 1000). Checked against the three real ORDERS01 files of the corpus.
- E1EDK01, E1EDK14, E1EDK03, E1EDKA1, E1EDK02, E1EDP01, E1EDP19, E1EDP20 (ORDERS):
  SAP's segment definitions as listed by public SAP table browsers; the offsets are
  checked against the corpus files.
- E1EDL20, E1EDL24, E1EDT13, E1ADRM1, E1EDL41 (DELVRY): public segment field lists;
  not checked against a real file (the corpus has none). E1EDL37 (handling unit) is
  ASSUMED past EXIDV: the position of VHILM follows the SAP field order as remembered,
  public lists are thin.
- E1EDK09, E1EDP10, E1EDP16 (DELFOR02 DELINS/DELJIT): public layouts are thin; these
  three tables are ASSUMED. Field names follow SAP's where known (LABNK, ABRDT, IDNKD,
  ARKTX, VRKME, ETTYP, PRGRS, EDATUV, EZEIT, EDATUB, WMENG); the cumulative and
  last-receipt fields of E1EDP10 are the hub's arrangement. A partner whose DELFOR02
  differs needs only these rows changed.
- E1STATS (SYSTAT01, message STATUS): SAP's field list of the status record (EDIDS) as
  public table browsers show it; ASSUMED for the offsets (no real status IDoc in the corpus).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTROL_LENGTH = 524
SEGNAM_LENGTH = 30
HEADER_LENGTH = 63  # SEGNAM 30, MANDT 3, DOCNUM 16, SEGNUM 6, PSGNUM 6, HLEVEL 2
SDATA_LENGTH = 1000
DATA_LENGTH = HEADER_LENGTH + SDATA_LENGTH


@dataclass(frozen=True)
class Layout:
    """The fields of one record or segment: ``(name, length)`` rows from its first column."""

    name: str
    rows: tuple[tuple[str, int], ...]
    offsets: dict[str, tuple[int, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        offsets: dict[str, tuple[int, int]] = {}
        at = 0
        for name, length in self.rows:
            if name in offsets:
                raise ValueError(f"layout {self.name}: field {name} twice")
            offsets[name] = (at, at + length)
            at += length
        if at > SDATA_LENGTH and self.name != "EDI_DC40":
            raise ValueError(f"layout {self.name}: {at} characters, SDATA holds {SDATA_LENGTH}")
        object.__setattr__(self, "offsets", offsets)

    @property
    def width(self) -> int:
        """Characters the listed fields cover."""
        return sum(length for _, length in self.rows)

    def length(self, name: str) -> int:
        """The field's length."""
        start, end = self.offsets[name]
        return end - start


def _layout(name: str, *rows: tuple[str, int]) -> Layout:
    return Layout(name, tuple(rows))


CONTROL = _layout(
    "EDI_DC40",
    ("TABNAM", 10), ("MANDT", 3), ("DOCNUM", 16), ("DOCREL", 4), ("STATUS", 2), ("DIRECT", 1), ("OUTMOD", 1),
    ("EXPRSS", 1), ("TEST", 1), ("IDOCTYP", 30), ("CIMTYP", 30), ("MESTYP", 30), ("MESCOD", 3), ("MESFCT", 3),
    ("STD", 1), ("STDVRS", 6), ("STDMES", 6), ("SNDPOR", 10), ("SNDPRT", 2), ("SNDPFC", 2), ("SNDPRN", 10),
    ("SNDSAD", 21), ("SNDLAD", 70), ("RCVPOR", 10), ("RCVPRT", 2), ("RCVPFC", 2), ("RCVPRN", 10), ("RCVSAD", 21),
    ("RCVLAD", 70), ("CREDAT", 8), ("CRETIM", 6), ("REFINT", 14), ("REFGRP", 14), ("REFMES", 14), ("ARCKEY", 70),
    ("SERIAL", 20),
)  # fmt: skip
DATA_HEADER = _layout("EDI_DD40", ("SEGNAM", 30), ("MANDT", 3), ("DOCNUM", 16), ("SEGNUM", 6), ("PSGNUM", 6), ("HLEVEL", 2))

_PARTNER_K = (
    ("PARVW", 3), ("PARTN", 17), ("LIFNR", 17), ("NAME1", 35), ("NAME2", 35), ("NAME3", 35), ("NAME4", 35),
    ("STRAS", 35), ("STRS2", 35), ("PFACH", 35), ("ORT01", 35), ("COUNC", 9), ("PSTLZ", 9), ("PSTL2", 9),
    ("LAND1", 3), ("ABLAD", 35),
)  # fmt: skip

SEGMENTS: dict[str, Layout] = {
    lay.name: lay
    for lay in (
        # ---- ORDERS01..05 ------------------------------------------------------------
        _layout(
            "E1EDK01",
            ("ACTION", 3), ("KZABS", 1), ("CURCY", 3), ("HWAER", 3), ("WKURS", 12), ("ZTERM", 17), ("KUNDEUINR", 20),
            ("EIGENUINR", 20), ("BSART", 4), ("BELNR", 35), ("NTGEW", 18), ("BRGEW", 18), ("GEWEI", 3),
        ),
        _layout("E1EDK14", ("QUALF", 3), ("ORGID", 35)),
        _layout("E1EDK03", ("IDDAT", 3), ("DATUM", 8), ("UZEIT", 6)),
        _layout("E1EDKA1", *_PARTNER_K),
        _layout("E1EDK02", ("QUALF", 3), ("BELNR", 35), ("POSNR", 6), ("DATUM", 8), ("UZEIT", 6)),
        _layout(
            "E1EDP01",
            ("POSEX", 6), ("ACTION", 3), ("PSTYP", 1), ("KZABS", 1), ("MENGE", 15), ("MENEE", 3), ("BMNG2", 15),
            ("PMENE", 3), ("ABFTZ", 7), ("VPREI", 15), ("PEINH", 9), ("NETWR", 18), ("ANETW", 18), ("SKFBP", 18),
            ("NTGEW", 18), ("GEWEI", 3), ("EINKZ", 1), ("CURCY", 3), ("PREIS", 18), ("MATKL", 9),
        ),
        _layout("E1EDP03", ("IDDAT", 3), ("DATUM", 8), ("UZEIT", 6)),
        _layout("E1EDP20", ("WMENG", 15), ("AMENG", 15), ("EDATU", 8), ("EZEIT", 6), ("EDATU_OLD", 8), ("EZEIT_OLD", 6)),
        _layout("E1EDP19", ("QUALF", 3), ("IDTNR", 35), ("KTEXT", 70)),
        # ---- DELFOR01/02 (DELINS, DELJIT): ASSUMED, see the module docstring ------------
        _layout("E1EDK09", ("VTRNR", 35), ("BSTDK", 8), ("LABNK", 35), ("ABRDT", 8), ("ABHOR", 8), ("ABNRA", 35), ("ABNRD", 8)),
        _layout(
            "E1EDP10",
            ("IDNKD", 35), ("IDNLF", 35), ("ARKTX", 40), ("VRKME", 3), ("ABLAD", 25), ("BSTNR", 35),
            ("FZEMP", 15), ("FZDAT", 8), ("LFSNR", 35), ("LFDAT", 8), ("LFIMG", 15),
        ),
        _layout("E1EDP16", ("ETTYP", 1), ("PRGRS", 1), ("EDATUV", 8), ("EZEIT", 6), ("EDATUB", 8), ("WMENG", 15)),
        # ---- DELVRY01..07 / DESADV ------------------------------------------------------
        _layout(
            "E1EDL20",
            ("VBELN", 10), ("VSTEL", 4), ("VKORG", 4), ("LSTEL", 2), ("VKBUR", 4), ("LGNUM", 3), ("ABLAD", 25),
            ("INCO1", 3), ("INCO2", 28), ("ROUTE", 6), ("VSBED", 2), ("BTGEW", 17), ("NTGEW", 15), ("GEWEI", 3),
            ("VOLUM", 15), ("VOLEH", 3), ("ANZPK", 5), ("BOLNR", 35), ("TRATY", 4), ("TRAID", 20), ("XABLN", 10),
            ("LIFEX", 35),
        ),
        _layout(
            "E1ADRM1",
            ("PARTNER_Q", 3), ("ADDRESS_T", 1), ("PARTNER_ID", 17), ("JURISDIC", 17), ("LANGUAGE", 2),
            ("FORMOFADDR", 15), ("NAME1", 40), ("NAME2", 40),
        ),
        _layout(
            "E1EDT13",
            ("QUALF", 3), ("VSTZW", 4), ("VSTZW_BEZ", 20), ("NTANF", 8), ("NTANZ", 6), ("NTEND", 8), ("NTENZ", 6),
            ("TZONE_BEG", 6), ("ISDD", 8), ("ISDZ", 6), ("IEDD", 8), ("IEDZ", 6),
        ),
        _layout(
            "E1EDL24",
            ("POSNR", 6), ("MATNR", 18), ("MATWA", 18), ("ARKTX", 40), ("ORKTX", 40), ("SUGRD", 4), ("SUDRU", 1),
            ("MATKL", 9), ("WERKS", 4), ("LGORT", 4), ("CHARG", 10), ("KDMAT", 22), ("LFIMG", 15), ("VRKME", 3),
            ("LGMNG", 15), ("MEINS", 3),
        ),
        _layout("E1EDL41", ("QUALI", 3), ("BSTNR", 35), ("BSTDT", 8), ("BSARK", 4), ("IHREZ", 12), ("POSEX", 6)),
        # ---- SYSTAT01 (message STATUS) -------------------------------------------------
        _layout(
            "E1STATS",
            ("TABNAM", 10), ("MANDT", 3), ("DOCNUM", 16), ("LOGDAT", 8), ("LOGTIM", 6), ("STATUS", 2), ("UNAME", 12),
            ("REPID", 30), ("ROUTID", 30), ("STACOD", 8), ("STATXT", 70), ("SEGNUM", 6), ("SEGFLD", 30), ("REFINT", 14),
            ("REFGRP", 14), ("REFTYP", 1), ("ARCKEY", 70), ("STAMID", 20), ("STAMNO", 3), ("STAPA1", 50), ("STAPA2", 50),
            ("STAPA3", 50), ("STAPA4", 50), ("STATYP", 1),
        ),
        _layout(
            "E1EDL37",
            ("EXIDV", 20), ("TARAG", 15), ("GWEIT", 3), ("BRGEW", 15), ("NTGEW", 15), ("MAGEW", 15), ("GWEIM", 3),
            ("BTVOL", 15), ("NTVOL", 15), ("MAVOL", 15), ("VOLEM", 3), ("TAVOL", 15), ("VOLET", 3), ("VEGR2", 5),
            ("VEGR1", 5), ("VEGR3", 5), ("VHILM", 18),
        ),
    )
}  # fmt: skip


def segment_type(name: str) -> str:
    """The segment type of a segment name: ``E2EDK01003`` -> ``E1EDK01``, ``E2EDK14`` -> ``E1EDK14``.

    Flat files name the segment definition (E2..., with a 3-digit version for later
    versions of the segment); XML IDocs and the mappings use the segment type (E1...).
    """
    name = name.strip().upper()
    if name.startswith("E2"):
        if len(name) >= 10 and name[-3:].isdigit():
            name = name[:-3]
        name = "E1" + name[2:]
    return name
