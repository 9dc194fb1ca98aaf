"""Claims record the process that holds them; only a process of this host that is gone is judged dead."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from hub.dispatch.incarnation import incarnation, is_dead


def test_this_process_is_alive_and_an_exited_one_is_dead():
    assert not is_dead(incarnation())
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert is_dead(f"{socket.gethostname()}:{proc.pid}")


def test_a_process_of_another_host_is_never_judged():
    assert not is_dead(f"another-host.example:{os.getpid() + 100000}")
    assert not is_dead("garbage")
