"""The code lists over the shared corpus: every unit is Rec 20 or named in a warning, nothing is lost.

For each real file the hub reads into documents, every line's unit is either a Rec 20
code the hub knows (or a Rec 21 package code) or kept as sent with a warning of its
document; every order response line has a canonical status; an unknown product-id
qualifier is kept (``<family>:<code>``) and warned about. The counts are printed.
"""

from __future__ import annotations

import csv
from collections import Counter

from hub.formats import codes, registry
from hub.formats.canonical import to_json
from hub.formats.errors import FormatError


def _known(unit: str) -> bool:
    return bool(codes.REC20.lookup(unit)) or (len(unit) == 3 and unit.startswith("X"))


def test_units_identifiers_and_statuses_over_the_corpus(corpus_dir):
    rows = list(csv.DictReader((corpus_dir / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for row in rows:
        try:
            _, result = registry.parse((corpus_dir / row["file"]).read_bytes())
        except FormatError:
            counts["files refused"] += 1
            continue
        for doc in result.documents:
            body = to_json(doc)
            warnings = " ".join(body.get("warnings", []))
            for line in body.get("lines", []):
                counts["lines"] += 1
                unit = line["unit"]
                if _known(unit):
                    counts["units Rec 20"] += 1
                elif f"unit '{unit}' is not in" in warnings:
                    counts["units kept as sent, warned"] += 1
                else:
                    wrong.append(f"{row['file']}: unit {unit!r} passed off as Rec 20")
                for ident in line.get("identifiers", []):
                    counts["identifiers kept"] += 1
                    if ":" in ident["scheme"]:
                        counts["identifiers with unknown qualifier, warned"] += 1
                        if f"'{ident['scheme'].split(':', 1)[1]}' is not in" not in warnings:
                            wrong.append(f"{row['file']}: {ident['scheme']} kept without a warning")
                if "status" in line:
                    counts[f"response lines {line['status']}"] += 1
                if line.get("identifiers") and not (line.get("buyer_part") or line.get("supplier_part")):
                    wrong.append(f"{row['file']}: a line with identifiers has no part number")
    print("\ncode lists over the corpus:", dict(sorted(counts.items())))
    assert not wrong, wrong
    assert counts["lines"] > 0
