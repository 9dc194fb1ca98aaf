"""The file-drop connector: write atomically into a directory per plant, for plants that poll a share.

The file appears under its final name only when complete (write to a temporary name in
the same directory, fsync, rename), so a polling plant never reads half a document.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hub.dispatch.connectors import Result


def send(*, directory: str, filename: str, body: bytes) -> Result:
    """Write ``body`` as ``directory/filename`` atomically; an existing file of the same name is kept."""
    target = Path(directory) / filename
    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
        if target.exists():
            # Same idempotency key -> same name: the plant already has this document.
            return Result(status_code=200, excerpt="already in the drop directory", url=str(target))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incoming-", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        return Result(status_code=None, excerpt=f"cannot write {target}: {exc.strerror}", url=str(target))
    return Result(status_code=200, excerpt="written", url=str(target))
