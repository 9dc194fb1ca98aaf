"""Where each supplier's SFTP files live, and which names count as still being written.

``HUB_SFTP_ROOT/<supplier number>/home`` is what the supplier sees as ``/``: ``inbox/``
(with ``processed/`` and ``failed/``) and ``outbox/``. Files handed to ingest wait in
``HUB_SFTP_ROOT/<supplier number>/pending/<interchange id>/``, outside the supplier's
view, until their interchange has ended.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

INBOX, OUTBOX, PROCESSED, FAILED = "inbox", "outbox", "processed", "failed"
# Names clients write under before renaming to the final name (WinSCP, FileZilla, our docs).
TEMPORARY_SUFFIXES = (".tmp", ".part", ".filepart", ".partial", ".upload")
SAFE_NUMBER = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


def _supplier_root(number: str) -> Path:
    if not SAFE_NUMBER.match(number) or number in (".", ".."):
        raise ValueError(f"'{number}' cannot name an SFTP home")
    return Path(settings.HUB_SFTP_ROOT) / number


def home_of(number: str) -> Path:
    """The supplier's SFTP root (made with its folders on first use)."""
    home = _supplier_root(number) / "home"
    for sub in (Path(INBOX) / PROCESSED, Path(INBOX) / FAILED, Path(OUTBOX)):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return home


def outbox_of(number: str) -> Path:
    """The folder the hub writes the supplier's documents to."""
    return home_of(number) / OUTBOX


def pending_of(number: str) -> Path:
    """Where files taken into ingest wait for their interchange to end, outside the supplier's view."""
    path = _supplier_root(number) / "pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_temporary(name: str) -> bool:
    """True for a name a client writes under before renaming it (dot files and the usual suffixes)."""
    return name.startswith(".") or name.lower().endswith(TEMPORARY_SUFFIXES)
