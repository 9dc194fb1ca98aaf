"""Formats benchmark: ``manage.py translate FILE --to json`` against pydifact and tokenizing floors.

Generates into bench/tmp/ (``manage.py generate_sample``, and for EDIFACT also a writer
of its own here) and runs each as a subprocess under /usr/bin/time (wall, CPU, peak RSS):

- EDIFACT (``bench_edifact``), several shapes of about 10 MB each: the sample DELFOR
  with one segment per line and without line breaks; another generator's layout
  (``edifact_other_shape``: no line breaks, several interchanges with their own UNA,
  syntax 4 UTF-8 next to syntax 3 Latin-1, release characters in free text); the
  acceptance suite's make_delfor.py when it is there; a DESADV of about 10^6 segments.
  Each: translate (best of --runs), its tokenizing floor and pydifact's bare parse
  (``Interchange.from_str`` and a walk over its segments) in the same run, with the ratios against the
  targets (translate within 1.5x the floor, at least 10x faster than pydifact; cpu).
- X12 830 and VDA 4905 files of the DELFOR's size: translate and a plain tokenizing
  floor (X12: cut at the ISA-declared terminator, then elements; VDA: split into
  128-column records, then slice every field of every record's layout).

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

# EDIFACT: per interchange (cut at each UNA) read its separators, decode (UTF-8 when UNB
# says UNOW/UNOY, else Latin-1), drop line breaks, cut into segments honouring the
# release character (a regular expression only where a released terminator occurs),
# then split every segment into elements (honouring the release character where one
# occurs): what a plain tokenizer must do, one list per segment, no envelope, no mapping.
FLOOR_EDIFACT = """
import re, sys
data = open(sys.argv[1], "rb").read()
n = 0
for part in re.split(rb"(?=UNA[^A-Za-z0-9\\s])", data):
    if not part.strip():
        continue
    head = part[:60]
    text = part.decode("utf-8" if b"UNOW" in head or b"UNOY" in head else "latin-1")
    c, e, r, t = ":", "+", "?", "'"
    if text.startswith("UNA"):
        c, e, _, r, _, t = text[3:9]
        text = text[9:]
    text = text.replace("\\r", "").replace("\\n", "")
    if r + t in text:
        segments = re.findall(f"(?:[^{re.escape(r + t)}]|{re.escape(r)}.)*?{re.escape(t)}", text)
    else:
        segments = text.split(t)
    split = re.compile(f"(?<!{re.escape(r)}){re.escape(e)}").split
    n += len([split(s) if r in s else s.split(e) for s in segments])
print(n)
"""

# pydifact's bare parse, as recorded since the first run: ``Interchange.from_str`` and a walk
# over its segments. It reads one UNA per text, so a file with several interchanges is
# handed to it interchange by interchange (each decoded in its own charset).
PYDIFACT = """
import re, sys, warnings
warnings.simplefilter("ignore")
from pydifact.segmentcollection import Interchange
data = open(sys.argv[1], "rb").read()
n = 0
for part in re.split(rb"(?=UNA[^A-Za-z0-9\\s])", data):
    if part.strip():
        head = part[:60]
        text = part.decode("utf-8" if b"UNOW" in head or b"UNOY" in head else "latin-1")
        n += sum(1 for _ in Interchange.from_str(text).segments)
print(n)
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
    parser.add_argument("--x12-vda", action="store_true", help="only the X12, VDA and CSV shapes (formats_x12_vda.txt)")
    args = parser.parse_args()
    if args.x12_vda:
        return x12_vda_main(args)
    if args.quick:
        args.messages, args.runs = 1_000, 1
    TMP.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)

    delfor = TMP / f"delfor-{args.messages}.edi"
    generate("edifact-delfor", args.messages, delfor)
    size = delfor.stat().st_size
    files: dict[str, tuple[Path, int, str]] = {}
    for fmt, label, floor in (("x12-830", "X12 830 004010", FLOOR_X12), ("vda-4905", "VDA 4905", FLOOR_VDA)):
        n = messages_for(fmt, size)
        path = TMP / f"{fmt}-{n}.dat"
        generate(fmt, n, path)
        files[label] = (path, n, floor)

    lines = [
        f"formats benchmark, {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {platform.node()}, nproc {os.cpu_count()}, Python {platform.python_version()} ({platform.machine()}), load {os.getloadavg()[0]:.2f}",
        f"wall = best of {args.runs} runs (pydifact: {args.pydifact_runs}); cpu = user+sys; peak = max RSS of the process",
        "EDIFACT: translate / floor and pydifact / translate are judged on cpu time (the machine is shared).",
        "floors: read + decode + split into segments/records + split every element (X12, EDIFACT) or slice every field",
        "  of every record (VDA), one list per segment/record. The VDA floor before 2026-11-25 (0.08 s) split at CRLF",
        "  after text mode had turned CRLF into LF, so it sliced one 10 MB line: it measured reading the file only.",
        "",
    ]
    print("\n".join(lines), flush=True)
    report: list[str] = bench_edifact(args)
    for label, (path, n, floor_code) in files.items():
        mb = path.stat().st_size / 1e6
        result = best([PY, "manage.py", "translate", str(path), "--to", "json"], args.runs)
        floor = best([PY, "-c", floor_code, str(path)], args.runs)
        rows = [
            f"{label}: {path.name}, {mb:.1f} MB, {n} messages",
            f"  translate --to json : {result['wall']:.2f} s wall, {result['cpu']:.2f} s cpu, {n / result['wall']:,.0f} msgs/s, peak {result['mb']:.0f} MB",
            f"  tokenizing floor    : {floor['wall']:.2f} s wall, {floor['cpu']:.2f} s cpu, peak {floor['mb']:.0f} MB"
            f"  -> translate / floor = {result['wall'] / floor['wall']:.2f}x wall, {result['cpu'] / floor['cpu']:.2f}x cpu",
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


# --- EDIFACT: several shapes, each against its floor and pydifact ---------------------

EDIFACT_FLOOR_TARGET = 1.5  # translate within 1.5x the tokenizing floor (cpu)
EDIFACT_PYDIFACT_TARGET = 10.0  # and at least 10x faster than pydifact's bare parse


def edifact_other_shape(path: Path, messages: int, seed: int = 1, interchanges: int = 10) -> None:
    """Write DELFORs as another generator lays them out, unlike ``generate_sample``.

    No line breaks; several interchanges in one file, each with its own UNA: the default
    separators (UNOC, syntax 3, Latin-1) alternating with ``UNA=*,?#~`` (UNOW, syntax 4,
    UTF-8, decimal comma, a repetition separator); names and free texts with umlauts and
    with every service character released (``?+ ?: ?'`` and their counterparts).
    """
    import random

    rnd = random.Random(seed)
    out = bytearray()
    per = max(1, messages // interchanges)
    written = 0
    for k in range(interchanges):
        count = per if k < interchanges - 1 else messages - written
        if count <= 0:
            break
        utf8 = k % 2 == 1
        c, e, d, r, rep, t = ("=", "*", ",", "?", "#", "~") if utf8 else (":", "+", ".", "?", " ", "'")
        specials = {c, e, r, t} | ({rep} if rep.strip() else set())

        def esc(text: str, specials: set[str] = specials, r: str = r) -> str:
            return "".join(r + ch if ch in specials else ch for ch in text)

        def seg(*elements: object, c: str = c, e: str = e, t: str = t) -> str:
            return e.join(c.join(x) if isinstance(x, tuple) else x for x in elements) + t

        ref = f"IC{seed:03d}{k:04d}"
        text = [f"UNA{c}{e}{d}{r}{rep}{t}"]
        text.append(seg("UNB", ("UNOW", "4") if utf8 else ("UNOC", "3"), ("OEMPLANTS", "ZZ"), ("SUPPLIERHUB", "ZZ"),
                        ("20261124" if utf8 else "261124", "0930"), ref))  # fmt: skip
        for m in range(1, count + 1):
            number = f"CO{k:03d}{m:06d}"
            supplier = rnd.randint(1, 300)
            body = [
                seg("UNH", str(m), ("DELFOR", "D", "96A", "UN", "A01051")),
                seg("BGM", "241", number, "5"),
                seg("DTM", ("137", "20261124", "102")),
                seg("NAD", "BY", ("OEM", "", "92"), "", esc("Werk Süd: Halle 3 + Tor 'B'")),
                seg("NAD", "SE", (f"SUP{supplier:05d}", "", "92"), "", esc(f"Müller & Söhne {supplier} GmbH + Co. KG: 'Zulieferer'")),
                seg("FTX", "AAI", "", "", esc("Bitte beachten: Anlieferung nur werktags + nach Voranmeldung (Tel. 0711/123'45)")),
                seg("UNS", "D"),
                seg("NAD", "ST", (f"PLANT{supplier % 12 + 1:02d}", "", "92")),
                seg("LOC", "11", f"G{rnd.randint(1, 9)}"),
            ]
            for p in range(rnd.randint(1, 4)):
                part = f"{rnd.randint(10000, 99999)}-{p}"
                body += [
                    seg("LIN", "", "", (part, "IN")),
                    seg("PIA", "1", (f"S{part}", "SA")),
                    seg("IMD", "F", "", ("", "", "", esc(f"Halter links/rechts: {p}+{p} Stück 'Serie'"))),
                    seg("RFF", ("ON", f"PO{rnd.randint(0, 999999):06d}")),
                    seg("QTY", ("70", str(rnd.randint(1000, 90000)), "PCE")),
                    seg("DTM", ("51", "20261122", "102")),
                ]
                for w in range(rnd.randint(3, 10)):
                    quantity = f"{rnd.randint(1, 5000)}{d}5" if w % 3 == 0 else str(rnd.randint(1, 5000))
                    body += [
                        seg("QTY", ("1", quantity, "PCE")),
                        seg("SCC", "1" if w < 2 else "4"),
                        seg("DTM", ("2", f"202612{w + 1:02d}", "102")),
                    ]
            body.append(seg("UNS", "S"))
            body.append(seg("UNT", str(len(body) + 1), str(m)))
            text += body
        text.append(seg("UNZ", str(count), ref))
        out += "".join(text).encode("utf-8" if utf8 else "latin-1")
        written += count
    path.write_bytes(bytes(out))


def edifact_files(args: argparse.Namespace) -> list[tuple[str, Path, int]]:
    """The EDIFACT shapes: (label, file, messages)."""
    n = args.messages
    delfor = TMP / f"delfor-{n}.edi"
    generate("edifact-delfor", n, delfor)
    flat = TMP / f"delfor-{n}-flat.edi"
    if not flat.exists():
        flat.write_bytes(delfor.read_bytes().replace(b"\n", b""))
    other = TMP / f"delfor-{n}-other.edi"
    if not other.exists():
        edifact_other_shape(other, n)
    desadv_messages = 36_000 if not args.quick else 3_600  # about 10^6 segments (28 per message)
    desadv = TMP / f"desadv-{desadv_messages}.edi"
    generate("edifact-desadv", desadv_messages, desadv)
    files = [
        ("EDIFACT DELFOR generate_sample, one segment per line", delfor, n),
        ("EDIFACT DELFOR generate_sample, no line breaks", flat, n),
        ("EDIFACT DELFOR another generator's shape (bench/formats.py edifact_other_shape)", other, n),
    ]
    outside = Path("/work/shared/acceptance/lib/make_delfor.py")
    if outside.is_file():
        path = TMP / f"delfor-{n}-make_delfor.edi"
        if not path.exists():
            subprocess.run([PY, str(outside), str(path), "--messages", str(n), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        files.append(("EDIFACT DELFOR acceptance make_delfor.py (UNOB, no line breaks)", path, n))
    files.append((f"EDIFACT DESADV generate_sample, {desadv_messages} messages", desadv, desadv_messages))
    return files


def bench_edifact(args: argparse.Namespace) -> list[str]:
    """Translate every EDIFACT shape; each against its floor and pydifact in the same run."""
    report: list[str] = []
    for label, path, n in edifact_files(args):
        segments = _segments(path)
        mb = path.stat().st_size / 1e6
        result = best([PY, "manage.py", "translate", str(path), "--to", "json"], args.runs)
        floor = best([PY, "-c", FLOOR_EDIFACT, str(path)], args.runs)
        pyd = best([PY, "-c", PYDIFACT, str(path)], args.pydifact_runs)
        to_floor = result["cpu"] / floor["cpu"]
        vs_pyd = pyd["cpu"] / result["cpu"]
        rows = [
            f"{label}: {path.name}, {mb:.1f} MB, {n} messages, {segments:,} segments",
            f"  translate --to json : {result['wall']:.2f} s wall, {result['cpu']:.2f} s cpu, {n / result['wall']:,.0f} msgs/s, peak {result['mb']:.0f} MB",
            f"  tokenizing floor    : {floor['wall']:.2f} s wall, {floor['cpu']:.2f} s cpu, peak {floor['mb']:.0f} MB"
            f"  -> translate / floor = {result['wall'] / floor['wall']:.2f}x wall, {to_floor:.2f}x cpu"
            f" (target <= {EDIFACT_FLOOR_TARGET}x: {'met' if to_floor <= EDIFACT_FLOOR_TARGET else 'NOT met'})",
            f"  pydifact {_pydifact_version()} bare parse: {pyd['wall']:.2f} s wall, {pyd['cpu']:.2f} s cpu, peak {pyd['mb']:.0f} MB"
            f"  -> translate is {pyd['wall'] / result['wall']:.1f}x faster (wall), {vs_pyd:.1f}x (cpu)"
            f" (target >= {EDIFACT_PYDIFACT_TARGET:.0f}x: {'met' if vs_pyd >= EDIFACT_PYDIFACT_TARGET else 'NOT met'})",
        ]
        report += rows
        print("\n".join(rows), flush=True)
    return report


def _segments(path: Path) -> int:
    """The number of segments in an EDIFACT file (for the report), read the hub's way."""
    sys.path.insert(0, str(ROOT))
    from hub.formats.edifact.reader import Reader

    with path.open("rb") as fh:
        return sum(len(item[0]) if isinstance(item, tuple) else 1 for item in Reader(fh))


def _pydifact_version() -> str:
    try:
        from importlib.metadata import version

        return version("pydifact")
    except Exception:  # noqa: BLE001
        return "?"



# --------------------------------------------------------------------------- X12, VDA and CSV shapes
# The codecs' own streaming parse (``registry.stream``: the path ingest and translate
# share) on each shape a valid file of a family comes in, against a tokenizing floor of
# the same shape. ``python bench/formats.py --x12-vda`` writes bench/results/formats_x12_vda.txt.

# Iterate the codec's MessageStream over the file, as ingest does: documents built, not serialised.
X12_VDA_PARSE = """
import sys, time
from hub.formats import registry
start = time.process_time()
with open(sys.argv[1], "rb") as fh:
    _, stream = registry.stream(fh, sys.argv[2])
    documents = sum(len(m.documents) for m in stream if m.ok)
    assert not stream.errors, [str(e) for e in stream.errors[:3]]
print(time.process_time() - start, documents)
"""

# X12 floor of any shape: read, decode (cp037 for EBCDIC), drop line breaks (layout), split at
# the ISA's terminator, strip, split every element.
X12_SHAPE_FLOOR = """
import sys, time
start = time.process_time()
data = open(sys.argv[1], "rb").read()
text = data.decode("cp037" if data[:3] == b"\\xc9\\xe2\\xc1" else "latin-1")
text = text.replace("\\r", "").replace("\\n", "")
at = text.find("ISA")
element, terminator = text[at + 3], text[at + 105]
segments = [s.strip().split(element) for s in text.split(terminator)]
print(time.process_time() - start, len(segments))
"""

# VDA floor of any shape: read, decode, cut into 128-column records (at line breaks or by
# length), slice every field of every record's layout.
VDA_SHAPE_FLOOR = """
import sys, time
from hub.formats.vda.layouts import LAYOUTS
start = time.process_time()
cuts = {t: [(f.start - 1, f.end - 1) for f in lay.fields] for t, lay in LAYOUTS.items()}
text = open(sys.argv[1], encoding="latin-1", newline="").read()
if "\\n" in text:
    records = [r for r in text.replace("\\r\\n", "\\n").split("\\n") if r]
else:
    records = [text[i : i + 128] for i in range(0, len(text), 128)]
fields = [[r[a:b] for a, b in cuts[r[:3]]] for r in records]
print(time.process_time() - start, len(fields))
"""

# The same floors read chunk by chunk (1 MB, cut after the last terminator / line), nothing kept:
# what a streaming tokenizer costs without the garbage collector walking millions of live lists.
X12_STREAM_FLOOR = """
import sys, time
start = time.process_time()
fh = open(sys.argv[1], "rb")
head = fh.read(1 << 20)
ebcdic = head[:3] == b"\\xc9\\xe2\\xc1"
first = head.decode("cp037" if ebcdic else "latin-1").replace("\\r", "").replace("\\n", "")
at = first.find("ISA")
element, terminator = first[at + 3], first[at + 105]
rest, count, block = "", 0, head
while block:
    text = rest + block.decode("cp037" if ebcdic else "latin-1").replace("\\r", "").replace("\\n", "")
    cut = text.rfind(terminator) + 1
    rest = text[cut:]
    count += len([s.strip().split(element) for s in text[:cut].split(terminator)])
    block = fh.read(1 << 20)
print(time.process_time() - start, count)
"""

VDA_STREAM_FLOOR = """
import sys, time
from hub.formats.vda.layouts import LAYOUTS
start = time.process_time()
cuts = {t: [(f.start - 1, f.end - 1) for f in lay.fields] for t, lay in LAYOUTS.items()}
fh = open(sys.argv[1], "rb")
rest, count = "", 0
while block := fh.read(1 << 20):
    text = rest + block.decode("latin-1")
    if "\\n" in text:
        cut = text.rfind("\\n") + 1
        records = [r for r in text[:cut].replace("\\r\\n", "\\n").split("\\n") if r]
    else:
        cut = len(text) // 128 * 128
        records = [text[i : i + 128] for i in range(0, cut, 128)]
    rest = text[cut:]
    count += len([[r[a:b] for a, b in cuts[r[:3]]] for r in records])
print(time.process_time() - start, count)
"""

STREAM_FLOORS = {"x12": X12_STREAM_FLOOR, "vda": VDA_STREAM_FLOOR}

CSV_FLOOR = """
import csv, io, sys, time
start = time.process_time()
text = open(sys.argv[1], encoding="utf-8-sig").read()
rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
print(time.process_time() - start, len(rows))
"""


def work(cmd: list[str], runs: int) -> dict:
    """Best of ``runs``: the CPU seconds the script itself reports (imports and start-up left out), and peak RSS."""
    results = []
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            proc = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%M", *cmd], cwd=ROOT, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"{' '.join(cmd[:3])} failed: {proc.stderr[-500:]}")
            results.append((float(proc.stdout.split()[0]), int(tf.read().split()[-1]) / 1024))
    return {"cpu": min(r[0] for r in results), "mb": max(r[1] for r in results)}


def _x12_shapes(path: Path) -> dict[str, tuple[Path, str]]:
    """The shapes of one X12 file: as written (a segment per line), flat, CRLF, 80 columns, EBCDIC."""
    text = path.read_bytes().decode("latin-1")
    flat = text.replace("\n", "")
    variants = {
        "one segment per line": text,
        "no line breaks": flat,
        "CRLF": text.replace("\n", "\r\n"),
        "80-column wrapped": "\n".join(flat[i : i + 80] for i in range(0, len(flat), 80)) + "\n",
    }
    out = {}
    for label, body in variants.items():
        target = path.with_name(f"{path.stem}-{label.split()[0].lower()}{path.suffix}")
        if not target.exists():
            target.write_bytes(body.encode("latin-1"))
        out[label] = (target, "x12")
    return out


def _x12_interchanges(fmt: str, interchanges: int, per: int) -> Path:
    """Several interchanges in one file (``interchanges`` generated files of ``per`` sets, concatenated)."""
    target = TMP / f"{fmt}-{interchanges}x{per}.dat"
    if not target.exists():
        with target.open("wb") as out:
            for seed in range(1, interchanges + 1):
                part = TMP / f"{fmt}-{per}-seed{seed}.dat"
                if not part.exists():
                    subprocess.run(
                        [PY, "manage.py", "generate_sample", "--format", fmt, "--messages", str(per), "--seed", str(seed), "--output", str(part)],
                        cwd=ROOT,
                        check=True,
                    )
                out.write(part.read_bytes())
                part.unlink()
    return target


def x12_vda_shapes(size: int) -> list[tuple[str, Path, str, str]]:
    """(label, file, codec, floor script) for every X12, VDA and CSV shape, each about ``size`` bytes."""
    rows: list[tuple[str, Path, str, str]] = []
    for fmt, label in (("x12-830", "X12 830"), ("x12-856", "X12 856")):
        n = messages_for(fmt, size)
        path = TMP / f"{fmt}-{n}.dat"
        generate(fmt, n, path)
        shapes = _x12_shapes(path)
        if fmt == "x12-856":
            shapes = {k: v for k, v in shapes.items() if k in ("one segment per line", "no line breaks")}
        rows += [(f"{label}, {shape}", file, codec, X12_SHAPE_FLOOR) for shape, (file, codec) in shapes.items()]
        if fmt == "x12-830":
            ebcdic = path.with_name(f"{path.stem}-ebcdic{path.suffix}")
            if not ebcdic.exists():
                ebcdic.write_bytes(path.read_bytes().decode("latin-1").replace("~\n", "\x85").encode("cp037"))
            rows.append((f"{label}, EBCDIC (cp037, NEL terminator)", ebcdic, "x12", X12_SHAPE_FLOOR))
            rows.append((f"{label}, 50 interchanges", _x12_interchanges(fmt, 50, max(1, n // 50)), "x12", X12_SHAPE_FLOOR))
    for fmt, label in (("vda-4905", "VDA 4905"), ("vda-4913", "VDA 4913")):
        n = messages_for(fmt, size)
        path = TMP / f"{fmt}-{n}.dat"
        generate(fmt, n, path)
        rows.append((f"{label}, CRLF records", path, "vda", VDA_SHAPE_FLOOR))
        if fmt == "vda-4905":
            flat = path.with_name(f"{path.stem}-flat{path.suffix}")
            if not flat.exists():
                flat.write_bytes(path.read_bytes().replace(b"\r\n", b""))
            rows.append((f"{label}, no line breaks", flat, "vda", VDA_SHAPE_FLOOR))
    n = messages_for("csv", size // 4)
    path = TMP / f"csv-{n}.csv"
    generate("csv", n, path)
    rows.append(("CSV delivery schedules (read whole, by design)", path, "csv", CSV_FLOOR))
    return rows


def x12_vda_main(args: argparse.Namespace) -> int:
    """Benchmark every X12, VDA and CSV shape; write bench/results/formats_x12_vda.txt."""
    TMP.mkdir(parents=True, exist_ok=True)
    size = 1_000_000 if args.quick else 10_000_000
    lines = [
        f"formats benchmark (X12, VDA, CSV shapes), {dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {platform.node()}, nproc {os.cpu_count()}, Python {platform.python_version()} ({platform.machine()}), load {os.getloadavg()[0]:.2f}",
        "parse = registry.stream(file) iterated to the end, documents built (the path ingest and translate share);",
        "floor = read + decode + cut into segments/records + split every element / slice every field, whole file in memory;",
        f"times = CPU seconds of the work itself (interpreter start and imports left out), best of {args.runs} runs;",
        "peak = max RSS of the process. Target: parse within 1.5x its floor.",
        "",
    ]
    print("\n".join(lines), flush=True)
    report: list[str] = []
    for label, path, codec, floor_code in x12_vda_shapes(size):
        parse = work([PY, "-c", X12_VDA_PARSE, str(path), codec], args.runs)
        floor = work([PY, "-c", floor_code, str(path)], args.runs)
        ratio = parse["cpu"] / floor["cpu"]
        mb = path.stat().st_size / 1e6
        rows = [
            f"{label}: {path.name}, {mb:.1f} MB",
            f"  parse {parse['cpu']:.2f} s ({mb / parse['cpu']:.1f} MB/s), peak {parse['mb']:.0f} MB"
            f" | floor {floor['cpu']:.2f} s, peak {floor['mb']:.0f} MB"
            f" | parse/floor {ratio:.2f}x {'(within 1.5x)' if ratio <= 1.5 else '(OVER 1.5x)'}",
        ]
        if codec in STREAM_FLOORS:
            chunked = work([PY, "-c", STREAM_FLOORS[codec], str(path)], args.runs)
            rows.append(f"  chunked floor {chunked['cpu']:.2f} s, peak {chunked['mb']:.0f} MB | parse/chunked floor {parse['cpu'] / chunked['cpu']:.2f}x")
        report += rows
        print("\n".join(rows), flush=True)
    if args.big:
        # Bounded memory: ten copies of a 10 MB file in one (ten interchanges / transmissions, ~100 MB).
        for label, name, codec in (("X12 830", "x12-830", "x12"), ("VDA 4905", "vda-4905", "vda")):
            one = TMP / f"{name}-{messages_for(name, size)}.dat"
            big = TMP / f"{name}-big.dat"
            if not big.exists():
                with big.open("wb") as out:
                    for _ in range(10):
                        out.write(one.read_bytes())
            parse = work([PY, "-c", X12_VDA_PARSE, str(big), codec], 1)
            rows = [f"{label} big file: {big.name}, {big.stat().st_size / 1e6:.0f} MB: parse {parse['cpu']:.2f} s, peak {parse['mb']:.0f} MB"]
            report += rows
            print("\n".join(rows), flush=True)
    if not args.quick:
        (RESULTS / "formats_x12_vda.txt").write_text("\n".join(lines + report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
