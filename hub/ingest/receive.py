"""Receive a file from any channel: store its bytes first, recognise a resend, queue it.

Every channel (portal upload, REST API, and later AS2 and SFTP) calls
``interchange_receive`` with the party that sent the file. The bytes are written to
storage and the row committed before anything parses them; processing is queued only
when that transaction commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from hub.lifecycle import INTERCHANGE, transition
from hub.models import Interchange, raw_upload_path
from hub.parties import Party
from suppliers.models import Supplier

CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The upload is larger than HUB_MAX_INTERCHANGE_BYTES."""


class EmptyUpload(Exception):
    """The upload has no bytes."""


def interchange_receive(
    *,
    stream: IO[bytes] | Iterable[bytes],
    channel: str,
    party: Party,
    filename: str = "",
    content_type: str = "",
) -> Interchange:
    """Store a received file and queue it for processing; returns the new Interchange.

    ``party`` is who sent it (``hub.parties.party_of_user`` for portal and API uploads,
    ``party_of_supplier`` for channels without a user). A file whose bytes were already
    received (and not failed) is recorded as a ``duplicate`` of the first and not
    processed again.
    """
    spool, size, sha = _spool(stream)
    supplier = party.supplier if party.role == "supplier" else None
    # Onboarding test phase: what a supplier in ``testing`` sends is checked and reported,
    # never stored as documents or dispatched.
    test_run = supplier is not None and supplier.status == Supplier.Status.TESTING
    interchange = _stored(
        spool, size=size, sha=sha, channel=channel, party=party, filename=filename, content_type=content_type, test_run=test_run
    )
    with transaction.atomic():
        original = (
            # Same bytes from the same party only: another party's copy must not swallow this one.
            Interchange.objects.filter(sha256=sha, test_run=test_run, sender_supplier=supplier)  # a test file may later be sent for real
            .exclude(status__in=[Interchange.Status.FAILED, Interchange.Status.DUPLICATE])
            .order_by("received_at")
            .first()
        )
        if original is not None:
            interchange.status = Interchange.Status.DUPLICATE
            interchange.duplicate_of = original
            interchange.errors = [
                {"position": "", "code": "duplicate", "text": f"the same bytes were received before as interchange {original.id}"}
            ]
            interchange.processed_at = timezone.now()
            interchange.save()
            return interchange
        interchange.enqueued_at = timezone.now()
        interchange.save()
        interchange_enqueue(interchange_id=interchange.pk, received_at=interchange.received_at)
    return interchange


def _spool(stream: IO[bytes] | Iterable[bytes]) -> tuple[IO[bytes], int, str]:
    """Read the stream into a spooled file, counting and hashing; refuses an empty or oversized one."""
    limit = settings.HUB_MAX_INTERCHANGE_BYTES
    digest = hashlib.sha256()
    size = 0
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115 - closed by the caller, or here on refusal
    chunks = iter(lambda: stream.read(CHUNK), b"") if hasattr(stream, "read") else iter(stream)
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            spool.close()
            raise TooLarge(f"the file is larger than the limit of {limit} bytes")
        digest.update(chunk)
        spool.write(chunk)
    if size == 0:
        spool.close()
        raise EmptyUpload("the file is empty")
    spool.seek(0)
    return spool, size, digest.hexdigest()


def _stored(
    spool: IO[bytes], *, size: int, sha: str, channel: str, party: Party, filename: str, content_type: str, test_run: bool
) -> Interchange:
    """An unsaved Interchange whose raw file is already written to storage (the spool is closed)."""
    interchange = Interchange(
        test_run=test_run,
        received_at=timezone.now(),
        channel=channel,
        uploaded_by=party.user,
        sender_supplier=party.supplier if party.role == "supplier" else None,
        filename=(filename or "")[:255],
        content_type=(content_type or "")[:200],
        size=size,
        sha256=sha,
    )
    name = raw_upload_path(interchange, "")
    if interchange.raw.storage.exists(name):
        interchange.raw.name = name  # these bytes are stored already (content-addressed)
    else:
        interchange.raw.save("raw.bin", File(spool), save=False)
    spool.close()
    return interchange


def interchange_refuse(
    *,
    stream: IO[bytes] | Iterable[bytes],
    channel: str,
    party: Party,
    reason: str,
    code: str = "refused",
    duplicate_of: Interchange | None = None,
    filename: str = "",
    content_type: str = "",
) -> Interchange:
    """Store bytes a channel received but cannot take in, never to be processed; returns the Interchange.

    An AS2 message that fails its signature or decryption is kept as ``failed`` with
    ``reason``; a replayed one as ``duplicate`` of ``duplicate_of``. Either way the bytes
    that came in are on record, as for every other file.
    """
    spool, size, sha = _spool(stream)
    interchange = _stored(
        spool, size=size, sha=sha, channel=channel, party=party, filename=filename, content_type=content_type, test_run=False
    )
    interchange.status = Interchange.Status.DUPLICATE if code == "duplicate" else Interchange.Status.FAILED
    interchange.duplicate_of = duplicate_of
    interchange.errors = [{"position": "", "code": code, "text": reason}]
    interchange.processed_at = timezone.now()
    interchange.save()
    return interchange


def interchange_enqueue(*, interchange_id: Any, received_at: dt.datetime | None = None, countdown: float | None = None) -> None:
    """Queue processing of a stored interchange once the current transaction commits.

    The task carries ``received_at`` (ISO string) beside the id where the caller knows it:
    the partition key of ``hub_interchange``, so the worker's claim reads one month.
    """
    from hub.ingest.tasks import process_interchange

    args = (str(interchange_id), received_at.isoformat()) if received_at is not None else (str(interchange_id),)
    transaction.on_commit(lambda: process_interchange.apply_async(args, countdown=countdown or None))


@transaction.atomic
def interchange_reprocess(*, interchange: Interchange) -> Interchange:
    """Queue a failed interchange for processing again (after a mapping or profile fix)."""
    moved = transition(
        INTERCHANGE, Interchange.objects.filter(pk=interchange.pk), source=Interchange.Status.FAILED, target=Interchange.Status.RECEIVED,
        errors=[], enqueued_at=timezone.now(), attempts=0, messages_done=0, claim_token=None, heartbeat_at=None,
    )  # fmt: skip
    if not moved:
        raise ValueError("only failed interchanges can be processed again")
    interchange_enqueue(interchange_id=interchange.pk, received_at=interchange.received_at)
    interchange.refresh_from_db()
    return interchange
