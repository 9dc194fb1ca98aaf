"""Every X12 file of the shared corpus parses; MANIFEST.tsv says what each one must give.

The corpus lives outside the repository ($HUB_CORPUS_DIR, default ../shared/corpus
from the repository root); without it these tests skip with the reason. A file may
fail only with 'unsupported' errors for sets the hub does not carry (810), plus the
envelope faults a file really has (listed below with the reason).
"""

from __future__ import annotations

import ast
import csv
import os
import re
from pathlib import Path

import pytest

from hub.formats import registry
from hub.formats.x12 import X12Codec

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("HUB_CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
X12_DIR = CORPUS / "x12"
FILES = sorted(X12_DIR.glob("*.x12")) if X12_DIR.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"no X12 corpus at {X12_DIR} (set HUB_CORPUS_DIR to the corpus directory)")

# Faults the files really have: the hub must report them, not hide them.
KNOWN_ENVELOPE_FAULTS = {
    "gozer_856_004060_lf_terminator.x12": ["IEA control number '000000049' does not match ISA control number '000003438'"],
}
_SEPS = re.compile(r"seps elem=('(?:[^'\\]|\\.)*') comp=('(?:[^'\\]|\\.)*') term=('(?:[^'\\]|\\.)*')")


def _manifest() -> dict[str, dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row["file"].startswith("x12/")}


MANIFEST = _manifest()
CODEC = X12Codec()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_parses(path: Path):
    data = path.read_bytes()
    assert registry.detect(data[: registry.HEAD_BYTES]).codec == "x12"
    result = CODEC.parse(data)
    unsupported = [e for e in result.all_errors if e.code == "unsupported"]
    assert all(m.type == "810" for m in result.messages if any(e.code == "unsupported" for e in m.errors))
    others = [e.text for e in result.all_errors if e.code != "unsupported"]
    assert others == KNOWN_ENVELOPE_FAULTS.get(path.name, [])
    supported = [m for m in result.messages if m.type != "810"]
    assert all(m.ok and m.documents for m in supported), [str(e) for m in supported for e in m.errors]
    assert len(unsupported) == sum(1 for m in result.messages if m.type == "810")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_matches_manifest(path: Path):
    row = MANIFEST.get(f"x12/{path.name}")
    if row is None:
        pytest.skip(f"{path.name} is not in MANIFEST.tsv")
    result = CODEC.parse(path.read_bytes())
    assert len(result.messages) == int(row["messages"])
    assert sorted({m.type for m in result.messages}) == sorted(row["message_types"].split(";"))
    seps = _SEPS.search(row["notes"])
    if seps:
        elem, comp, term = (ast.literal_eval(s) for s in seps.groups())
        for env in result.envelopes:
            assert (env.separators["element"], env.separators["component"], env.separators["segment"]) == (elem, comp, term)
    ids = re.search(r"ids (\S+);", row["notes"])
    if ids:
        wanted = [tuple(item.split(":", 1)) for item in ids.group(1).split(",")]
        got = []
        for doc in result.documents:
            if doc.type == "purchase_order":
                got.append(("BEG", doc.number))
            elif doc.type == "despatch_advice":
                got.append(("BSN", doc.number))
            elif doc.type == "order_response":
                got.append(("BAK", doc.order_number))
            elif doc.type == "acknowledgement" and doc.acknowledges.group_ref:
                got.append(("AK1", doc.acknowledges.group_ref))
        expected = [w for w in wanted if w[0] != "BIG"]
        assert got[: len(expected)] == expected  # the manifest lists at most the first few ids


def test_corpus_summary(capsys):
    files = sets = documents = unsupported = 0
    for path in FILES:
        result = CODEC.parse(path.read_bytes())
        files += 1
        sets += len(result.messages)
        documents += len(result.documents)
        unsupported += sum(1 for e in result.all_errors if e.code == "unsupported")
    with capsys.disabled():
        print(f"\nX12 corpus: {files} files, {sets} transaction sets, {documents} documents, {unsupported} unsupported (810)")
    assert files == len([k for k in MANIFEST if k.endswith(".x12")]) or not MANIFEST
    assert documents + unsupported == sets
