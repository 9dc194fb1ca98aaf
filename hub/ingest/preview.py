"""Before reprocessing a stored interchange: what it holds now, and what it would yield today.

"Before" is the canonical JSON of the documents stored from the interchange (superseded
ones included). "After" reads the stored raw bytes again through the pipeline's own
parse path (``hub.ingest.parse.open_stream``, the sender profile's tolerance) and routes
them with the pipeline's ``Router``, with the current mappings, profiles and partner
data. Nothing is written: staff look at the difference, then confirm, and the
interchange is reprocessed by ``hub.ingest.receive.interchange_reprocess``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from hub.formats import tolerance
from hub.formats.canonical import to_json
from hub.formats.errors import FormatError, MessageResult
from hub.ingest.parse import open_stream
from hub.ingest.pipeline import _sender_profile as sender_profile
from hub.ingest.route import Router
from hub.models import Interchange
from hub.readable import pretty_json
from hub.scope import PLANT_DOCUMENTS
from suppliers.models import PartnerProfile

# A preview is read in one request: beyond this many messages the rest is only counted.
MAX_MESSAGES = 2000


@dataclass
class DocumentChange:
    """One document before and after, as pretty JSON, with the unified diff between them."""

    key: str
    change: str  # added | removed | changed | same
    before: str
    after: str
    diff: list[tuple[str, str]]  # (add | del | hunk | same, line)


@dataclass
class ReprocessPreview:
    """What reprocessing would change: the documents side by side and the errors before and after."""

    documents: list[DocumentChange] = field(default_factory=list)
    errors_before: list[dict[str, Any]] = field(default_factory=list)
    errors_after: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    truncated: bool = False

    @property
    def changed(self) -> bool:
        """True when the documents or the errors would differ."""
        return any(d.change != "same" for d in self.documents) or self.errors_before != self.errors_after


def _key(document: dict[str, Any]) -> str:
    return f"{document.get('type', '')} {document.get('number', '')}".strip()


def stored_documents(*, interchange: Interchange) -> list[dict[str, Any]]:
    """The canonical JSON of every document stored from ``interchange``, in the order they were stored."""
    found: list[tuple[Any, dict[str, Any]]] = []
    for relation in PLANT_DOCUMENTS:
        found += [
            (created, doc) for created, doc in getattr(interchange, relation).order_by("created_at").values_list("created_at", "document")
        ]
    return [doc for _created, doc in sorted(found, key=lambda pair: pair[0])]


def parsed_documents(*, interchange: Interchange) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int, bool]:
    """Parse and route the stored bytes as the pipeline would, storing nothing.

    Returns the documents that would be stored (canonical JSON), the positioned errors
    (parse, envelope, sender and routing), the number of messages read, and whether the
    preview stopped at ``MAX_MESSAGES``.
    """
    documents: list[dict[str, Any]] = []
    errors: list[FormatError] = []
    messages: list[MessageResult] = []
    truncated = False
    with interchange.raw.open("rb") as fh:
        _detection, stream = open_stream(interchange=interchange, fh=fh)
        profile = sender_profile(interchange)
        if profile is not None and profile.tolerate_count_mismatch:
            stream = tolerance.relaxed(stream)
        for message in stream:
            if len(messages) >= MAX_MESSAGES:
                truncated = True
                break
            messages.append(message)
        router = Router(interchange=interchange, fmt=stream.format)
        refusal = router.party_refusal(test_run=interchange.test_run) or router.sender_refusal(stream.envelopes)
    errors += stream.errors
    if refusal is not None:
        errors.append(refusal)
    for message in messages:
        errors += message.errors
    if refusal is None:
        for verdict in router.route(messages):
            errors += verdict.refusals
            documents += [to_json(r.document) for r in verdict.routed if r.document.type != "acknowledgement"]
    # As the pipeline concludes: a refused sender, a faulty envelope or a reject_all policy
    # with faulty messages leaves nothing of the file stored.
    reject_all = profile is not None and profile.failure_policy == PartnerProfile.FailurePolicy.REJECT_ALL
    if stream.errors or (errors and documents and reject_all):
        documents = []
    return documents, [e.as_dict() for e in errors], len(messages), truncated


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", n=2, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        kind = "hunk" if line.startswith("@@") else "add" if line.startswith("+") else "del" if line.startswith("-") else "same"
        lines.append((kind, line))
    return lines


def reprocess_preview(*, interchange: Interchange) -> ReprocessPreview:
    """Compare the documents stored from ``interchange`` with those its raw bytes would yield now."""
    before = stored_documents(interchange=interchange)
    after, errors_after, count, truncated = parsed_documents(interchange=interchange)
    preview = ReprocessPreview(errors_before=list(interchange.errors or []), errors_after=errors_after, messages=count, truncated=truncated)
    old = {_key(d): d for d in before}
    new = {_key(d): d for d in after}
    for key in list(old) + [k for k in new if k not in old]:
        was, will = pretty_json(old[key], sort_keys=True) if key in old else "", pretty_json(new[key], sort_keys=True) if key in new else ""
        change = "added" if key not in old else "removed" if key not in new else "same" if was == will else "changed"
        preview.documents.append(DocumentChange(key=key, change=change, before=was, after=will, diff=_diff(was, will)))
    return preview
