"""Every EDIFACT file of the shared corpus either parses into documents, or fails only
with what the file really contains: message types the hub does not carry (INVOIC,
PAORES...), or the faults MANIFEST.tsv names (missing UNZ, wrong UNT count, missing
release characters...), or faults we found by reading the file (listed below with the
evidence). The corpus stays outside the repository; the test skips when it is absent.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from hub.formats import registry

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("HUB_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
FILES = sorted((CORPUS / "edifact").glob("*.edi")) if (CORPUS / "edifact").is_dir() else []

# MANIFEST note wording -> the error text our parser gives for that fault.
MANIFEST_FAULTS = {
    "no unz": "ends without UNZ",
    "unt segment count": "UNT counts",
    "lack release characters": "components, at most",
}

# Faults the MANIFEST does not mention, each checked by hand against the file.
FOUND_BY_READING = {
    # UNT+8+1 but UNH..UNT are 7 segments
    "pydifact_aperak_d96a_accepted_syntax3.edi": "UNT counts 8 segments but the message has 7",
    # UNB 0020 is '1' ('1234567' is the application reference, UNB element 7) but UNZ+1+1234567
    "pydifact_orders_d96a_wikipedia_de.edi": "UNZ reference '1234567' does not match UNB reference '1'",
    # UNT+21+1 but UNH..UNT are 18 segments
    "staedi_orders_d96b_ean008b_ung_group.edi": "UNT counts 21 segments but the message has 18",
}

# Documents some files must yield, as a check that the mappings read real data.
EXPECTED_DOCUMENTS = {
    "bots_orders_d96a_ean008_24_interchanges_crlf.edi": 24,
    "bots_desadv_d96a_ean005_8msgs.edi": 8,
    "phpedifact_desadv_96a_book_supplier.edi": 1,
    "bots_orders_d96a_leading_garbage_lines.edi": 1,
    "phpedifact_orders_d01b_ean010_unoc_latin1.edi": 1,
    "bots_aperak_d96a.edi": 1,
}

OUTCOMES: Counter[str] = Counter()


def manifest() -> dict[str, str]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["file"].split("/")[-1]: row.get("notes", "") for row in csv.DictReader(fh, delimiter="\t")}


def allowed_faults(name: str, notes: str) -> list[str]:
    lowered = notes.lower()
    found = [text for phrase, text in MANIFEST_FAULTS.items() if phrase in lowered]
    if name in FOUND_BY_READING:
        found.append(FOUND_BY_READING[name])
    return found


@pytest.mark.skipif(not FILES, reason=f"no EDIFACT corpus at {CORPUS}/edifact (set HUB_CORPUS_DIR)")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file(path):
    notes = manifest().get(path.name, "")
    detection, result = registry.parse(path.read_bytes())
    assert detection.codec == "edifact", path.name
    allowed = allowed_faults(path.name, notes)
    unexpected = [
        str(e) for e in result.all_errors if e.code != "unsupported" and not any(text in str(e) for text in allowed)
    ]
    assert not unexpected, f"{path.name}: {unexpected} (MANIFEST: {notes[:200]})"
    for text in allowed:  # a fault the file is known to hold must be found
        assert any(text in str(e) for e in result.all_errors), f"{path.name}: expected an error with {text!r}"
    if path.name in EXPECTED_DOCUMENTS:
        assert len(result.documents) == EXPECTED_DOCUMENTS[path.name]
    if result.documents:
        OUTCOMES["parsed into documents"] += 1
    elif all(e.code == "unsupported" for e in result.all_errors):
        OUTCOMES["only unsupported message types"] += 1
    else:
        OUTCOMES["only known faults"] += 1
    OUTCOMES["documents"] += len(result.documents)
    OUTCOMES["files"] += 1


@pytest.mark.skipif(not FILES, reason=f"no EDIFACT corpus at {CORPUS}/edifact (set HUB_CORPUS_DIR)")
def test_corpus_summary(capsys):
    """Report the counts (runs after the per-file tests in file order)."""
    if OUTCOMES["files"] != len(FILES):
        pytest.skip("run with the per-file corpus tests to get the counts")
    line = ", ".join(f"{k}: {v}" for k, v in sorted(OUTCOMES.items()))
    with capsys.disabled():
        print(f"\nEDIFACT corpus ({CORPUS}/edifact): {line}")
    assert OUTCOMES["parsed into documents"] >= 10
