"""The curl walk-through of ``docs/api.md``, executed as written against a live server and a real worker.

Each ``<!-- walk: NAME [METHOD PATH] -->`` marks the shell block after it; every step runs,
in the document's order, and the test fails if any of them does not.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.delfor_builder import delfor, message
from tests.integration.conftest import ROOT

DOC = ROOT / "docs" / "api.md"
STEP = re.compile(r"<!-- walk: (?P<name>[\w-]+)(?: (?P<method>[A-Z]+) (?P<path>\S+))? -->\s*```sh\n(?P<script>.*?)```", re.S)


def walk_steps() -> list[dict[str, str]]:
    """The walk-through's steps, in the order the document gives them."""
    return [m.groupdict() for m in STEP.finditer(DOC.read_text(encoding="utf-8"))]


def test_the_documented_walk_through_runs(world, workers, live_server, tmp_path):
    steps = walk_steps()
    assert [s["name"] for s in steps] == ["setup", "upload", "poll", "call-offs", "asn", "acknowledge", "overview"]
    (tmp_path / "delfor.edi").write_bytes(delfor([message("1", "CO0000001", supplier="SUP00001", plant="PLANT01")], ref="WALK0001"))
    script = ["set -euo pipefail"]
    for step in steps:
        script += [f"echo '== {step['name']}'", step["script"]]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "python"  # `python manage.py ...` as written, on the project's virtualenv
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    shim.chmod(0o755)
    (tmp_path / "manage.py").symlink_to(ROOT / "manage.py")
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "H": live_server.url,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    workers.start(concurrency=1)
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    report = f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}\nworker:\n{workers.logs()[-1500:]}"
    assert done.returncode == 0, report
    assert "status processed" in done.stdout, report
    for step in steps:
        assert f"== {step['name']}" in done.stdout, report
    assert re.search(r"ASN answered 20[12]", done.stdout) and re.search(r"acknowledge answered 20[01]", done.stdout), report
    assert Path(tmp_path / "call-offs.json").exists()
