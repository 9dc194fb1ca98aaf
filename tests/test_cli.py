"""``manage.py translate`` and ``formats``: no database, JSON out, exit 2 with one positioned line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.delfor_builder import delfor, message

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    # No DATABASE_URL that works: translate must not touch a database.
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)


def test_translate_prints_canonical_json(tmp_path):
    path = tmp_path / "calloff.edi"
    path.write_bytes(delfor([message("1", "CO1"), message("2", "CO2")]))
    result = run("translate", str(path))
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    assert [d["number"] for d in docs] == ["CO1", "CO2"] and docs[0]["type"] == "delivery_schedule"


def test_translate_renders_back_to_edifact(tmp_path):
    path = tmp_path / "calloff.edi"
    path.write_bytes(delfor([message("1", "CO1")]))
    result = run("translate", str(path), "--to", "edifact")
    assert result.returncode == 0 and "BGM+241+CO1+5'" in result.stdout and result.stdout.startswith("UNA")


def test_bad_input_exits_2_with_one_positioned_line(tmp_path):
    segs = message("1", "CO1")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    path = tmp_path / "bad.edi"
    path.write_bytes(delfor([segs]))
    result = run("translate", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"{path}: segment 14 (QTY), element 1, component 2: '12,5x' is not a number [message 1]"]


def test_unknown_format_and_missing_file_exit_2_without_traceback(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_text("Dear supplier,\nplease deliver.\n")
    result = run("translate", str(path))
    assert result.returncode == 2 and "format is not recognised" in result.stderr and "Traceback" not in result.stderr
    missing = run("translate", str(tmp_path / "nope.edi"))
    assert missing.returncode == 2 and "cannot read the file" in missing.stderr


def test_formats_lists_delfor():
    result = run("formats")
    assert result.returncode == 0 and "DELFOR" in result.stdout and "D:96A" in result.stdout


def test_translate_between_families_keeps_a_valid_control_number(tmp_path):
    path = tmp_path / "calloff.edi"
    path.write_bytes(delfor([message("1", "CO1")], ref="S00000042"))
    result = run("translate", str(path), "--to", "x12")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ISA*") and "*000000042*" in result.stdout


def test_translate_streams_x12_and_vda_to_the_codecs_json(tmp_path):
    import io

    from hub.formats import registry, samples
    from hub.formats.canonical import to_json

    for fmt in ("x12-830", "x12-862", "x12-856", "vda-4905", "vda-4915", "vda-4913"):
        out = io.BytesIO()
        samples.write(fmt, 5, out, 7)
        path = tmp_path / f"{fmt}.dat"
        path.write_bytes(out.getvalue())
        result = run("translate", str(path))
        assert result.returncode == 0, result.stderr
        _, parsed = registry.parse(out.getvalue())
        assert json.loads(result.stdout) == [to_json(d) for d in parsed.documents]


def test_bad_x12_and_vda_exit_2_with_the_codecs_positioned_line(tmp_path):
    from tests.formats.vda_builders import calloff_4905, header, join, transmission
    from tests.formats.x12_samples import BODY_830, interchange

    path = tmp_path / "bad.x12"
    path.write_text(interchange([("830", BODY_830)]).replace("FST*120*C*D*20260302", "FST*12,0*C*D*20260302"))
    result = run("translate", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"{path}: segment 15 (FST), element 1: '12,0' is not a number [message 0001]"]
    path = tmp_path / "bad.vda"
    path.write_bytes(join(transmission(header(), calloff_4905(slots=[("261340", 5)]), "519")))
    result = run("translate", str(path), "--from", "vda")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"{path}: record 3 (513), column 48: '261340' is not a date (YYMMDD, JJ00WW or JJMM00) [message 187]"
    ]


def test_translate_reads_another_generators_layout_as_the_codec_does(tmp_path):
    from hub.formats import registry
    from hub.formats.canonical import to_json
    from tests.formats.edifact_shapes import other_generator

    path = tmp_path / "other.edi"
    path.write_bytes(other_generator())
    result = run("translate", str(path))
    assert result.returncode == 0, result.stderr
    _, parsed = registry.parse(other_generator())
    docs = json.loads(result.stdout)
    assert docs == [to_json(d) for d in parsed.documents] and [d["number"] for d in docs] == ["CO*1", "CO2", "CO3"]
    assert docs[0]["supplier"]["name"] == "Lieferant * Söhne = Töchter ~ Ωmega ?"


def test_an_envelope_fault_after_good_messages_prints_nothing_on_stdout(tmp_path):
    path = tmp_path / "count.edi"
    path.write_bytes(delfor([message("1", "CO1"), message("2", "CO2")], count=3))
    result = run("translate", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"{path}: segment 45 (UNZ), element 1: UNZ counts 3 messages but the interchange has 2"]
