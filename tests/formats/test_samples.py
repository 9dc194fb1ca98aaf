"""generate_sample: every format's sample parses back to N documents, seeds are reproducible."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hub.formats import registry, samples
from hub.formats.canonical import to_json

ROOT = Path(__file__).resolve().parents[2]
N = 7


def parse_back(paths: list[str]) -> list[dict]:
    docs = []
    for path in paths:
        _detection, result = registry.parse(Path(path).read_bytes())
        assert not result.all_errors, [str(e) for e in result.all_errors]
        docs += [to_json(d) for d in result.documents]
    return docs


@pytest.mark.parametrize("fmt", sorted(samples.SAMPLES))
def test_every_sample_parses_back_to_n_documents(fmt, tmp_path):
    paths = samples.write_files(fmt, N, str(tmp_path / "sample.dat"), seed=3)
    docs = parse_back(paths)
    assert len(docs) == N
    assert len({d["number"] for d in docs}) == N


@pytest.mark.parametrize("fmt", sorted(samples.SAMPLES))
def test_same_seed_same_documents_other_seed_other_documents(fmt, tmp_path):
    one = parse_back(samples.write_files(fmt, 3, str(tmp_path / "a.dat"), seed=5))
    two = parse_back(samples.write_files(fmt, 3, str(tmp_path / "b.dat"), seed=5))
    other = parse_back(samples.write_files(fmt, 3, str(tmp_path / "c.dat"), seed=6))
    assert one == two and one != other


@pytest.mark.parametrize("fmt", ["edifact-delfor", "x12-830", "vda-4905", "xml", "csv"])
def test_same_seed_same_bytes(fmt):
    a, b = io.BytesIO(), io.BytesIO()
    samples.write(fmt, 4, a, seed=9)
    samples.write(fmt, 4, b, seed=9)
    assert a.getvalue() == b.getvalue()


def test_demo_parties_route_in_the_demo_hub():
    docs = list(samples.documents("edifact-delfor", 50, seed=1))
    assert all(d.sender.id == "OEMPLANTS" for d in docs)
    assert {d.supplier.id[:3] for d in docs} == {"SUP"} and all(1 <= int(d.supplier.id[3:]) <= 300 for d in docs)
    assert all(d.ship_to.id in {f"PLANT{n:02d}" for n in range(1, 13)} for d in docs)


def test_family_names_and_unknown_format():
    assert samples.resolve("EDIFACT-DELFOR") == "edifact-delfor" and samples.resolve("x12") == "x12-830"
    with pytest.raises(ValueError):
        samples.resolve("edifact-invoic")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, env=env, timeout=120)


def test_command_writes_a_file_translate_reads(tmp_path):
    out = tmp_path / "delfor.edi"
    made = run("generate_sample", "--format", "edifact-delfor", "--messages", "25", "--seed", "2", "--output", str(out))
    assert made.returncode == 0, made.stderr
    translated = run("translate", str(out))
    assert translated.returncode == 0, translated.stderr
    assert len(json.loads(translated.stdout)) == 25
    to_stdout = run("generate_sample", "--format", "edifact-delfor", "--messages", "25", "--seed", "2")
    assert to_stdout.stdout == out.read_bytes()


def test_command_refuses_bad_arguments_with_exit_2():
    bad = run("generate_sample", "--format", "nonsense", "--messages", "3")
    assert bad.returncode == 2 and b"unknown sample format" in bad.stderr and b"Traceback" not in bad.stderr
