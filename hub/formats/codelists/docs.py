"""Write the code list tables of ``docs/formats/codes-<family>.md`` from the JSON files.

Run ``python -m hub.formats.codelists.docs`` after changing a list; a test
(``tests/formats/test_codelists.py``) fails while the committed pages differ from what
this module generates, so the documentation always says what the code does.
"""

from __future__ import annotations

from pathlib import Path

from hub.formats.codelists import FAMILIES, CodeList, family

DOCS_DIR = Path(__file__).resolve().parents[3] / "docs" / "formats"


def page_path(name: str) -> Path:
    """Where the page of one family lives."""
    return DOCS_DIR / f"codes-{name}.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else "(empty)"


def _table(found: CodeList) -> list[str]:
    lines = [
        f"## {found.id}: {found.name}",
        "",
        f"- kind: {found.kind}; maps to: {found.target}",
        f"- source: {found.source}",
    ]
    if found.rec20:
        lines.append("- every Rec 20 code the hub knows (codes-rec20.md) and every Rec 21 package code X.. is also read as itself")
    if found.note:
        lines.append(f"- {found.note}")
    lines += ["", "| code | name | canonical |", "| --- | --- | --- |"]
    lines += [f"| `{_cell(c.code)}` | {_cell(c.name)} | `{c.canonical}` |" for c in found.codes]
    return [*lines, ""]


def render_page(name: str) -> str:
    """The Markdown page of one family's code lists."""
    fam = family(name)
    lines = [
        f"# Code lists: {fam.title}",
        "",
        f"GENERATED from `hub/formats/codelists/{name}.json` by `python -m hub.formats.codelists.docs`;",
        "do not edit by hand. What the codecs read and write is exactly this table: the first code",
        "of a canonical value in a list is the one the hub writes. A code a list does not have is",
        "kept as sent and reported as a warning of the document (see [canonical.md](canonical.md)).",
        "",
    ]
    for found in fam.lists:
        lines += _table(found)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_all() -> list[Path]:
    """Write every family's page; return the paths written."""
    written = []
    for name in FAMILIES:
        path = page_path(name)
        path.write_text(render_page(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
