"""Every IDoc file of the shared corpus parses; MANIFEST.tsv says how many messages each holds.

The corpus lives outside the repository ($HUB_CORPUS_DIR, default ../shared/corpus from
the repository root); without it these tests skip with the reason. The three real
ORDERS01 files are odd in ways the codec must take: a customer message type
(MESTYP ZZORDERS) on basic type ORDERS01, segment definition names with versions
(E2EDK01003, E2EDKA1002, E2EDP19001), trailing blanks trimmed from every record, and a
ship-to party with a name but no number.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from hub.formats import registry
from hub.formats.idoc import IdocCodec

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("HUB_CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
IDOC_DIR = CORPUS / "idoc"
FILES = sorted(p for p in IDOC_DIR.glob("*") if p.is_file()) if IDOC_DIR.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"no IDoc corpus at {IDOC_DIR} (set HUB_CORPUS_DIR to the corpus directory)")
CODEC = IdocCodec()


def _manifest() -> dict[str, dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row["file"].startswith("idoc/")}


MANIFEST = _manifest()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_parses(path: Path):
    data = path.read_bytes()
    detection = registry.detect(data[: registry.HEAD_BYTES])
    assert detection.codec == "idoc" and detection.family == "IDoc"
    result = CODEC.parse(data)
    assert result.all_errors == [], [str(e) for e in result.all_errors]
    assert result.documents and all(m.ok and m.documents for m in result.messages)
    for doc in result.documents:
        assert doc.type == "purchase_order" and doc.number and doc.lines
        assert all(line.quantity > 0 and (line.buyer_part or line.supplier_part) for line in doc.lines)
        assert doc.source.version == detection.version


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_matches_manifest(path: Path):
    row = MANIFEST.get(f"idoc/{path.name}")
    if row is None:
        pytest.skip(f"{path.name} is not in MANIFEST.tsv")
    result = CODEC.parse(path.read_bytes())
    assert len(result.messages) == int(row["messages"])
    assert {m.version for m in result.messages} == {row["version"].split()[0]}
    assert {doc.type for doc in result.documents} == {"purchase_order"} == {"purchase_order" for _ in row["message_types"].split(";")}


def test_corpus_count(capsys):
    parsed = sum(1 for p in FILES if not CODEC.parse(p.read_bytes()).all_errors)
    with capsys.disabled():
        print(f"\nIDoc corpus: {len(FILES)} files, {parsed} parsed without error")
    assert parsed == len(FILES)


def test_corpus_renders_back_to_the_same_documents():
    """Parse a real IDoc, render it flat and as XML, parse again: the same canonical documents."""
    from hub.formats.base import RenderOptions
    from hub.formats.canonical import to_json
    from hub.formats.idoc import IdocXmlCodec

    for path in FILES:
        docs = CODEC.parse(path.read_bytes()).documents
        for codec in (CODEC, IdocXmlCodec()):
            back = codec.parse(codec.render(docs, RenderOptions(receiver_id="SUP00001", version="ORDERS01"))).documents
            strip = lambda d: {k: v for k, v in to_json(d).items() if k not in ("sender", "receiver", "source")}  # noqa: E731
            assert [strip(d) for d in back] == [strip(d) for d in docs], path.name
