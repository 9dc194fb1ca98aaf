"""SFTP intake: a completely written inbox file becomes an interchange, and later lands in processed/ or failed/.

``sftp_take`` stores the file through ``interchange_receive`` (channel ``sftp``, sent by
the logged-in user) and moves it out of the supplier's sight into ``pending/``;
``sftp_settle`` files every pending file whose interchange has ended, with a report
beside it when there is something to say. ``sftp_pickup`` records a supplier's deletion
of an outbox file as its pick-up receipt.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from django.db import close_old_connections
from django.utils import timezone

from hub.channels.sftp import homes
from hub.ingest.receive import EmptyUpload, TooLarge, interchange_receive
from hub.models import Delivery, Interchange
from hub.parties import party_of_user

ENDED = (Interchange.Status.PROCESSED, Interchange.Status.FAILED, Interchange.Status.DUPLICATE)


def sftp_take(*, user: Any, path: Path) -> Interchange | None:
    """Take the completed inbox file ``path`` into ingest as ``user``; returns its interchange (None if refused at once).

    A file that cannot even be stored (empty, too large) goes straight to ``failed/`` with its report.
    """
    close_old_connections()
    number = user.supplier.number
    try:
        with path.open("rb") as fh:
            interchange = interchange_receive(stream=fh, channel=Interchange.Channel.SFTP, party=party_of_user(user), filename=path.name)
    except (EmptyUpload, TooLarge) as exc:
        _file(path, homes.FAILED, number, report=f"{path.name}: {exc}\n")
        return None
    target = homes.pending_of(number) / str(interchange.pk)
    target.mkdir(parents=True, exist_ok=True)
    os.replace(path, target / path.name)
    return interchange


def sftp_settle(*, number: str) -> int:
    """File the supplier's pending files whose interchanges have ended; returns how many were filed."""
    close_old_connections()
    pending = homes.pending_of(number)
    waiting = {p.name: p for p in pending.iterdir() if p.is_dir()}
    if not waiting:
        return 0
    ids = []
    for name in waiting:
        try:
            ids.append(uuid.UUID(name))
        except ValueError:
            continue
    done = 0
    for interchange in Interchange.objects.filter(pk__in=ids, status__in=ENDED):
        folder = waiting[str(interchange.pk)]
        for file in folder.iterdir():
            failed = interchange.status == Interchange.Status.FAILED
            _file(file, homes.FAILED if failed else homes.PROCESSED, number, report=_report(interchange))
            done += 1
        folder.rmdir()
    return done


def _report(interchange: Interchange) -> str:
    """What the supplier should know about the file: its fate and each positioned error; '' when all went well."""
    if interchange.status == Interchange.Status.PROCESSED and not interchange.errors:
        return ""
    lines = [f"interchange {interchange.pk}: {interchange.status}"]
    for error in interchange.errors or []:
        where = f"{error.get('position')}: " if error.get("position") else ""
        lines.append(f"{where}{error.get('text', '')}")
    return "\n".join(lines) + "\n"


def _file(path: Path, folder: str, number: str, *, report: str) -> Path:
    """Move ``path`` into inbox/<folder>/ (never over an earlier file of the same name), the report beside it."""
    target_dir = homes.home_of(number) / homes.INBOX / folder
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{timezone.now():%Y%m%dT%H%M%S%f}-{path.name}"
    if report:
        tmp = target_dir / f".{target.name}.errors.txt.tmp"
        tmp.write_text(report, encoding="utf-8")
        os.replace(tmp, target_dir / f"{target.name}.errors.txt")
    shutil.move(str(path), target)
    return target


def sftp_pickup(*, user: Any, name: str) -> int:
    """Record that the supplier took (deleted) outbox file ``name``: its delivery is acknowledged as picked up."""
    close_old_connections()
    key = name.rsplit(".", 1)[0][-36:]  # <type>-<number>-<idempotency key>.<ext>, as dispatch names it
    try:
        found = Delivery.objects.filter(supplier_id=user.supplier_id, connector="sftp", idempotency_key=uuid.UUID(key))
    except ValueError:
        return 0  # not a file the hub put there
    return found.filter(acknowledged_at__isnull=True).update(acknowledged_at=timezone.now(), acknowledgement_status="picked_up")
