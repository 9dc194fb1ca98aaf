"""Code lists as data: one JSON file per format family, each list with its source named.

A list maps a family's codes (units, product-identifier qualifiers, party roles,
status codes, date formats) into the canonical vocabulary: UN/ECE Rec 20 units,
canonical identifier schemes, party roles and statuses. The codecs read their codes
through ``hub.formats.codes``, which builds its tables from these lists, and
``python -m hub.formats.codelists.docs`` writes the tables of ``docs/formats/codes-*.md``
from the same files, so the documentation cannot drift from what the code does.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent
FAMILIES = ("rec20", "x12", "edifact", "vda", "ubl", "cxml", "idoc", "tabular")


@dataclass(frozen=True)
class Code:
    """One code of a list: the code as the family writes it, its name, and its canonical value."""

    code: str
    name: str
    canonical: str


@dataclass(frozen=True)
class CodeList:
    """One code list of one family (e.g. X12 element 355) and what each code means canonically."""

    family: str
    id: str
    kind: str  # unit | identifier | party | status | date_format
    name: str
    source: str
    target: str
    note: str
    rec20: bool  # units: every Rec 20 code the hub knows is also read as itself
    codes: tuple[Code, ...]

    @functools.cached_property
    def _by_code(self) -> dict[str, str]:
        return {c.code: c.canonical for c in self.codes}

    @functools.cached_property
    def _first_code(self) -> dict[str, str]:
        first: dict[str, str] = {}
        for c in self.codes:
            first.setdefault(c.canonical, c.code)
        return first

    def lookup(self, code: str) -> str | None:
        """The canonical value of ``code``, or None when the list does not have it."""
        return self._by_code.get(code)

    def code_for(self, canonical: str) -> str | None:
        """The code the hub writes for ``canonical``: the first one in the list that means it."""
        return self._first_code.get(canonical)

    def codes_for(self, *canonical: str) -> tuple[str, ...]:
        """Every code meaning one of ``canonical``, in list order."""
        return tuple(c.code for c in self.codes if c.canonical in canonical)


@dataclass(frozen=True)
class Family:
    """A family's code lists, in the order its file gives them."""

    family: str
    title: str
    lists: tuple[CodeList, ...]


@functools.cache
def family(name: str) -> Family:
    """Load the code lists of one family from ``<name>.json`` (read once per process)."""
    data = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    lists = tuple(
        CodeList(
            family=name,
            id=item["id"],
            kind=item["kind"],
            name=item["name"],
            source=item["source"],
            target=item["target"],
            note=item.get("note", ""),
            rec20=bool(item.get("rec20", False)),
            codes=tuple(Code(code, label, canonical) for code, label, canonical in item["codes"]),
        )
        for item in data["lists"]
    )
    return Family(family=name, title=data["title"], lists=lists)


@functools.cache
def code_list(family_name: str, list_id: str) -> CodeList:
    """One list by family and id, e.g. ``code_list("x12", "355")``; KeyError when there is none."""
    for found in family(family_name).lists:
        if found.id == list_id:
            return found
    raise KeyError(f"{family_name} has no code list {list_id!r}")


@functools.cache
def unit_list(family_name: str) -> CodeList:
    """The unit list of a family (each family has exactly one)."""
    return next(found for found in family(family_name).lists if found.kind == "unit")
