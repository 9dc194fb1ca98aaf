"""Formats benchmark: ``manage.py translate FILE --to json`` against pydifact and tokenizing floors.

Generates (with ``manage.py generate_sample``, into bench/tmp/) a 10,000-message DELFOR
D.96A interchange (about 10 MB) and X12 830 and VDA 4905 files of about the same size,
then, each as a subprocess under /usr/bin/time (wall, CPU, peak RSS):

- ``manage.py translate FILE --to json`` for each file (best of --runs);
- pydifact's bare parse of the DELFOR (``Interchange.from_str`` + walking its segments);
- a plain tokenizing floor per file: read, decode, cut into segments (X12: at the
  ISA-declared terminator, then elements; VDA: split into 128-column records, then
  slice every field of every record's layout), keeping one list per segment/record,
  as a plain tokenizer returns.

Writes bench/results/formats.txt. ``--big`` adds a ~200 MB DELFOR for peak memory.
The machine may be shared: wall times are best-of-N and CPU times are reported too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TMP = ROOT / "bench" / "tmp"
RESULTS = ROOT / "bench" / "results"
PY = sys.executable

PYDIFACT = """
import sys, warnings
warnings.simplefilter("ignore")
from pydifact.segmentcollection import Interchange
text = open(sys.argv[1], encoding="latin-1").read()
n = sum(1 for _ in Interchange.from_str(text).segments)
print(n)
"""

FLOOR_X12 = """
import sys
text = open(sys.argv[1], encoding="latin-1").read()
at = text.find("ISA")
element, terminator = text[at + 3], text[at + 105]
segments = [s.strip().split(element) for s in text.split(terminator)]
print(len(segments))
"""

# VDA: read, decode, split into 128-column records, slice every field of every record.
# open() in text mode turns CRLF into LF, so the records are split at "\n". (Until
# 2026-11-25 this split at CRLF, found none, and the "floor" sliced one 10 MB record:
# 0.08 s for reading the file, no tokenizing at all.)
FLOOR_VDA = """
import sys
from hub.formats.vda.layouts import LAYOUTS
cuts = {t: [(f.start - 1, f.end - 1) for f in lay.fields] for t, lay in LAYOUTS.items()}
text = open(sys.argv[1], encoding="latin-1").read()
records = [r for r in text.split("\\n") if r]
fields = [[r[a:b] for a, b in cuts[r[:3]]] for r in records]
assert len(fields) > 1
print(len(fields))
"""

FLOOR_EDIFACT = """
import sys
text = open(sys.argv[1], encoding="latin-1").read()[9:].replace("\\n", "")
segments = [s.split("+") for s in text.split("'")]
print(len(segments))
"""


def timed(cmd: list[str], stdout=subprocess.DEVNULL) -> dict:  # noqa: ANN001
    """Run ``cmd`` under /usr/bin/time: wall and CPU seconds, peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        proc = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%e %U %S %M", *cmd], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-500:]}")
        wall, user, system, rss = tf.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "mb": int(rss) / 1024}


def best(cmd: list[str], runs: int) -> dict:
    results = [timed(cmd) for _ in range(runs)]
    top = min(results, key=lambda r: r["wall"])
    return {**top, "cpu": min(r["cpu"] for r in results), "mb": max(r["mb"] for r in results)}


def generate(fmt: str, messages: int, path: Path) -> None:
    if not path.exists():
        subprocess.run(
            [PY, "manage.py", "generate_sample", "--format", fmt, "--messages", str(messages), "--seed", "1", "--output", str(path)],
            cwd=ROOT,
            check=True,
        )


def messages_for(fmt: str, target_bytes: int) -> int:
    """How many messages make a file of about ``target_bytes`` in ``fmt``."""
    probe = TMP / f"probe-{fmt}.dat"
    generate(fmt, 300, probe)
    per = probe.stat().st_size / 300
    return max(1, round(target_bytes / per))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pydifact-runs", type=int, default=1)
    parser.add_argument("--big", action="store_true", help="also translate a ~200 MB DELFOR (peak memory)")
    parser.add_argument("--quick", action="store_true", help="1,000 messages, one run (a smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.runs = 1_000, 1
    TMP.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)

    delfor = TMP / f"delfor-{args.messages}.edi"
    generate("edifact-delfor", args.messages, delfor)
    size = delfor.stat().st_size
    files = {"EDIFACT DELFOR D.96A": (delfor, args.messages, FLOOR_EDIFACT)}
    for fmt, label, floor in (("x12-830", "X12 830 004010", FLOOR_X12), ("vda-4905", "VDA 4905", FLOOR_VDA)):
        n = messages_for(fmt, size)
        path = TMP / f"{fmt}-{n}.dat"
        generate(fmt, n, path)
        files[label] = (path, n, floor)

    lines = [
        f"formats benchmark, {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {platform.node()}, nproc {os.cpu_count()}, Python {platform.python_version()} ({platform.machine()}), load {os.getloadavg()[0]:.2f}",
        f"wall = best of {args.runs} runs (pydifact: {args.pydifact_runs}); cpu = user+sys; peak = max RSS of the process",
        "floors: read + decode + split into segments/records + split every element (X12, EDIFACT) or slice every field",
        "  of every record (VDA), one list per segment/record. The VDA floor before 2026-11-25 (0.08 s) split at CRLF",
        "  after text mode had turned CRLF into LF, so it sliced one 10 MB line: it measured reading the file only.",
        "",
    ]
    print("\n".join(lines), flush=True)
    report: list[str] = []
    delfor_translate = None
    for label, (path, n, floor_code) in files.items():
        mb = path.stat().st_size / 1e6
        result = best([PY, "manage.py", "translate", str(path), "--to", "json"], args.runs)
        floor = best([PY, "-c", floor_code, str(path)], args.runs)
        if delfor_translate is None:
            delfor_translate = result
        rows = [
            f"{label}: {path.name}, {mb:.1f} MB, {n} messages",
            f"  translate --to json : {result['wall']:.2f} s wall, {result['cpu']:.2f} s cpu, {n / result['wall']:,.0f} msgs/s, peak {result['mb']:.0f} MB",
            f"  tokenizing floor    : {floor['wall']:.2f} s wall, {floor['cpu']:.2f} s cpu, peak {floor['mb']:.0f} MB"
            f"  -> translate / floor = {result['wall'] / floor['wall']:.2f}x wall, {result['cpu'] / floor['cpu']:.2f}x cpu",
        ]
        report += rows
        print("\n".join(rows), flush=True)
    pyd = best([PY, "-c", PYDIFACT, str(delfor)], args.pydifact_runs)
    assert delfor_translate is not None
    rows = [
        f"pydifact {_pydifact_version()} Interchange.from_str on the DELFOR: {pyd['wall']:.2f} s wall, {pyd['cpu']:.2f} s cpu, peak {pyd['mb']:.0f} MB",
        f"  -> translate (whole command, to JSON) is {pyd['wall'] / delfor_translate['wall']:.1f}x faster than pydifact's bare parse (wall),"
        f" {pyd['cpu'] / delfor_translate['cpu']:.1f}x (cpu)",
    ]
    report += rows
    print("\n".join(rows), flush=True)
    if args.big:
        # Peak memory must not grow with the file: a ~200 MB DELFOR, ~100 MB X12 830 and VDA 4905.
        bigs = [("edifact-delfor", "EDIFACT DELFOR", args.messages * 20, "edi")]
        bigs += [(fmt, label, n * 10, "dat") for fmt, label, n in (("x12-830", "X12 830", files["X12 830 004010"][1]), ("vda-4905", "VDA 4905", files["VDA 4905"][1]))]
        for fmt, label, n, ext in bigs:
            big = TMP / f"{fmt.removeprefix('edifact-')}-{n}.{ext}"
            generate(fmt, n, big)
            result = timed([PY, "manage.py", "translate", str(big), "--to", "json"])
            rows = [
                f"{label} big file: {big.name}, {big.stat().st_size / 1e6:.0f} MB, {n} messages",
                f"  translate --to json : {result['wall']:.2f} s wall, {result['cpu']:.2f} s cpu, {n / result['wall']:,.0f} msgs/s, peak {result['mb']:.0f} MB",
            ]
            report += rows
            print("\n".join(rows), flush=True)
    if not args.quick:
        (RESULTS / "formats.txt").write_text("\n".join(lines + report) + "\n")
    return 0


def _pydifact_version() -> str:
    try:
        from importlib.metadata import version

        return version("pydifact")
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    sys.exit(main())
