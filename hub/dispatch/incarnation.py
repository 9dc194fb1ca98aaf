"""Which process holds a claim, so that a dead one's claims need not wait out their lease.

A claim's lease is long on purpose (a slow worker is not a dead one). But when the process
that holds a claim is gone, waiting is pointless: every claim records ``host:pid`` of the
process that took it, and each worker checks, on its own sweep timer, the claims held on
its own host by processes that no longer exist, and hands them back at once. A process on
another host is never judged (its pid means nothing here): its claims wait for the lease.
A pid that was reused by an unrelated process looks alive, which errs on the safe side.
"""

from __future__ import annotations

import os
import socket


def incarnation() -> str:
    """``host:pid`` of this process, recorded with every claim it takes."""
    return f"{socket.gethostname()}:{os.getpid()}"


def host_prefix() -> str:
    """The prefix of every incarnation on this host."""
    return f"{socket.gethostname()}:"


def is_dead(holder: str) -> bool:
    """True when ``holder`` is a process of this host that no longer runs."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, under another user
    return False
