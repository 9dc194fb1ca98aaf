"""The shared corpus: supported XML parses to documents, the rest is refused by name; CSV without headers is not guessed.

Reads ``$HUB_CORPUS_DIR`` (default ``../shared/corpus`` from the repository root);
MANIFEST.tsv says what each file is. Nothing from the corpus is copied into the repo.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from hub.formats import registry
from hub.formats.errors import UnsupportedFormat

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("HUB_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
SUPPORTED = {"Order": "purchase_order", "OrderResponse": "order_response", "DespatchAdvice": "despatch_advice",
             "OrderRequest": "purchase_order", "ShipNoticeRequest": "despatch_advice"}  # fmt: skip

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS} (set HUB_CORPUS_DIR)")


def _manifest() -> dict[str, dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return {row[0]: {"family": row[2], "type": row[3], "version": row[4]} for row in rows if len(row) > 4 and "/" in row[0]}


def _files(folder: str, pattern: str) -> list[Path]:
    return sorted((CORPUS / folder).glob(pattern)) if CORPUS.is_dir() else []


def test_xml_corpus(capsys):
    manifest = _manifest()
    files = _files("xml", "*.xml")
    if not files:
        pytest.skip(f"no XML files in {CORPUS / 'xml'}")
    parsed = refused = 0
    for path in files:
        info = manifest.get(f"xml/{path.name}")
        assert info, f"{path.name} is not in MANIFEST.tsv"
        data = path.read_bytes()
        detection, result = registry.parse(data)
        assert detection.codec in ("ubl", "cxml", "xml"), path.name
        assert info["type"] in detection.message_types, (path.name, detection)
        if info["type"] in SUPPORTED:
            assert not result.all_errors, (path.name, [str(e) for e in result.all_errors])
            assert [d.type for d in result.documents] == [SUPPORTED[info["type"]]], path.name
            assert result.documents[0].number, path.name
            assert info["version"] in (detection.version, result.envelopes[0].version), (path.name, detection.version)
            parsed += 1
        else:
            (error,) = result.all_errors
            assert isinstance(error, UnsupportedFormat) and info["type"] in error.text, (path.name, str(error))
            assert not result.documents
            refused += 1
    with capsys.disabled():
        print(f"\nXML corpus: {len(files)} files, {parsed} parsed to documents, {refused} refused by name as unsupported")
    assert parsed >= 5 and parsed + refused == len(files)


def test_csv_corpus(capsys):
    files = _files("csv", "*.csv")
    if not files:
        pytest.skip(f"no CSV files in {CORPUS / 'csv'}")
    for path in files:
        data = path.read_bytes()
        # headerless flat files (bots orders, ERP invoice extracts) are not guessed at
        assert registry.CODECS["csv"].detect(data[: registry.HEAD_BYTES]) is None, path.name
        _, result = registry.parse(data, fmt="csv")
        (error,) = result.all_errors
        assert "matches no column mapping" in error.text and error.position.line == 1, path.name
    with capsys.disabled():
        print(f"\nCSV corpus: {len(files)} files, none claimed by CSV detection (no header row of a known mapping), all refused at line 1")


def test_other_corpus_files_are_not_claimed_by_xml_or_tabular(capsys):
    files = [p for folder in ("edifact", "x12", "idoc") for p in _files(folder, "*") if p.is_file()]
    if not files:
        pytest.skip("no EDI files in the corpus")
    for path in files:
        head = path.read_bytes()[: registry.HEAD_BYTES]
        for name in ("xml", "ubl", "cxml", "csv", "xlsx"):
            assert registry.CODECS[name].detect(head) is None, (name, path.name)
    with capsys.disabled():
        print(f"\nEDI corpus: {len(files)} EDIFACT/X12/IDoc files, none claimed by the XML or tabular codecs")
