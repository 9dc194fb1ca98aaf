"""`make run` (scripts/run.sh) stops on Ctrl-C: web server, worker, plant simulator and SFTP server all end.

The script runs on embedded defaults (SQLite, filesystem broker) in a temporary var
dir on free ports, in a session of its own; Ctrl-C is SIGINT to its process group, as a
terminal sends it. The test waits on progress (health answered, processes gone), with
generous bounds for a busy machine, never on the clock.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_members(sid: int) -> dict[int, str]:
    """Processes of session ``sid`` that still run (zombies do not count), with their command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.mark.timeout(600)
def test_make_run_stops_web_server_worker_and_simulator_on_ctrl_c(tmp_path):
    port, plant_port, sftp_port = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY")}
    env.update(PORT=str(port), PLANT_PORT=str(plant_port), SFTP_PORT=str(sftp_port), HUB_VAR_DIR=str(tmp_path / "var"), DEBUG="true")
    log = (tmp_path / "run.log").open("wb")
    run = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 400  # migrate + seed 300 suppliers on a busy machine
        while not _healthy(port):
            assert run.poll() is None, f"run.sh ended early: {(tmp_path / 'run.log').read_text()[-800:]}"
            assert time.monotonic() < deadline, "no /healthz within 400 s"
            time.sleep(0.5)
        members = _session_members(run.pid)
        commands = " ".join(members.values())
        assert "runserver" in commands and "celery" in commands and "plant_simulator" in commands and "sftp_server" in commands, commands

        os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in the terminal does

        deadline = time.monotonic() + 60
        while _session_members(run.pid) and time.monotonic() < deadline:
            run.poll()
            time.sleep(0.2)
        left = _session_members(run.pid)
        assert not left, f"still running after Ctrl-C: {left}"
        assert run.wait(timeout=10) == 130
        assert not _healthy(port)
        assert "did not stop" not in (tmp_path / "run.log").read_text()  # none needed SIGKILL
    finally:
        if run.poll() is None or _session_members(run.pid):
            os.killpg(run.pid, signal.SIGKILL)
        log.close()
