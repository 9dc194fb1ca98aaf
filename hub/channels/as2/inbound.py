"""The AS2 endpoint's service: authenticate the partner, store the payload as an interchange, answer with an MDN.

What pyas2lib could not accept (unknown partner, bad signature, failed decryption,
unsigned or unencrypted where the profile demands it) is still stored, as a ``failed``
interchange with the reason, and answered with a negative MDN; a replayed message id
is stored as a ``duplicate`` and not processed again.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from pyas2lib import as2
from pyas2lib.constants import ASYNCHRONOUS_MDN
from pyas2lib.exceptions import DuplicateDocument

from hub.channels.as2.peers import channels_by_as2_id, http_message, hub_identity, hub_organization, partner_of
from hub.channels.models import As2Message, Inbound
from hub.ingest.receive import EmptyUpload, TooLarge, interchange_receive, interchange_refuse
from hub.models import Interchange
from hub.parties import Party, party_of_supplier


@dataclass
class As2Answer:
    """The HTTP answer to an AS2 POST: a synchronous MDN, or a short text when the MDN goes later (or was not asked for)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Lookup:
    channels: Any = None
    original: As2Message | None = None


def as2_receive(*, headers: Mapping[str, str], body: bytes) -> As2Answer:
    """Take one AS2 message (HTTP headers and body) in; returns what to answer the partner.

    The payload becomes an interchange of channel ``as2`` sent by the partner's supplier,
    so the sender binding and send rules of ingest apply as for any upload.
    """
    raw = http_message(headers, body)
    identity = hub_identity()
    organization = hub_organization(identity)
    lookup = _Lookup()

    def find_org_and_partner(as2_to: str, as2_from: str) -> tuple[as2.Organization | None, as2.Partner | None]:
        org = organization if as2_to == identity.as2_id else None
        channels = channels_by_as2_id(as2_from)
        if channels is None or channels.inbound != Inbound.AS2 or not channels.as2_certificate.strip():
            # pyas2lib signs an MDN with the partner's signing algorithm and has none for an
            # unknown partner: it gets an unsigned negative MDN.
            return (hub_organization(identity, signing=False) if org else None), None
        lookup.channels = channels
        return org, partner_of(channels)

    def find_message(message_id: str, partner_id: str) -> bool:
        lookup.original = (
            As2Message.objects.filter(direction=As2Message.Direction.IN, partner_as2_id=partner_id, message_id=message_id, status=As2Message.Status.RECEIVED)
            .order_by("created_at")
            .first()
        )
        return lookup.original is not None

    message = as2.Message()
    status, (problem, _trace), mdn = message.parse(raw, find_org_partner_cb=find_org_and_partner, find_message_cb=find_message)
    supplier = lookup.channels.profile.supplier if lookup.channels is not None else None
    party = party_of_supplier(supplier) if supplier is not None else Party(role="anonymous")
    as2_from = next((v for k, v in headers.items() if k.lower() == "as2-from"), "")
    record = As2Message(
        direction=As2Message.Direction.IN, message_id=(message.message_id or "")[:255], partner=supplier, partner_as2_id=as2_from[:128],
        mic=(message.mic or b"").decode(), mdn_mode=(mdn.mdn_mode or "") if mdn else "",
    )  # fmt: skip
    filename = _filename(message) if problem is None else ""
    if problem is None:
        try:
            interchange = interchange_receive(stream=[_payload(message)], channel=Interchange.Channel.AS2, party=party, filename=filename, content_type="application/edi-consent")
            record.status = As2Message.Status.RECEIVED
        except (EmptyUpload, TooLarge) as exc:
            interchange = interchange_refuse(stream=[raw], channel=Interchange.Channel.AS2, party=party, reason=f"AS2 message {message.message_id}: {exc}")
            record.status, record.detail = As2Message.Status.REFUSED, str(exc)
            mdn = _negative_mdn(message, mdn) if mdn else None
    elif isinstance(problem, DuplicateDocument):
        original = lookup.original.interchange if lookup.original else None
        interchange = interchange_refuse(
            stream=[raw], channel=Interchange.Channel.AS2, party=party, code="duplicate", duplicate_of=original,
            reason=f"AS2 message {message.message_id} from {as2_from} was received before" + (f" as interchange {original.id}" if original else ""),
        )  # fmt: skip
        record.status, record.detail = As2Message.Status.DUPLICATE, str(problem)
    else:
        reason = f"AS2 message {message.message_id or '(no id)'} from {as2_from or '(no AS2-From)'} refused: {status}: {problem}"
        interchange = interchange_refuse(stream=[raw], channel=Interchange.Channel.AS2, party=party, reason=reason[:2000])
        record.status, record.detail = As2Message.Status.REFUSED, str(problem)[:2000]
    record.interchange = interchange
    if mdn is None:
        record.save()
        return As2Answer(status=200, body=f"{record.status}\n".encode(), headers={"Content-Type": "text/plain"})
    mdn_headers = {k: v for k, v in mdn.headers.items()}
    negative = problem is None and record.status == As2Message.Status.REFUSED  # pyas2lib accepted it, the hub could not store it
    record.mdn_status = _disposition("processed/Error" if negative else status)
    if mdn.mdn_mode == ASYNCHRONOUS_MDN and mdn.mdn_url:
        record.mdn_url, record.mdn_headers, record.mdn_body = mdn.mdn_url[:500], mdn_headers, mdn.content
        with transaction.atomic():
            record.save()
            transaction.on_commit(lambda: _queue_async_mdn(record.pk))
        return As2Answer(status=200, body=b"the MDN follows asynchronously\n", headers={"Content-Type": "text/plain"})
    record.save()
    return As2Answer(status=200, body=mdn.content, headers=mdn_headers)


def _payload(message: as2.Message) -> bytes:
    content = message.content
    return content.encode() if isinstance(content, str) else content


def _filename(message: as2.Message) -> str:
    disposition = message.payload.get("Content-Disposition", "") if message.payload is not None else ""
    name = message.payload.get_filename() if message.payload is not None and disposition else None
    return (name or f"as2-{message.message_id}")[:255]


def _negative_mdn(message: as2.Message, mdn: as2.Mdn) -> as2.Mdn:
    negative = as2.Mdn(mdn_mode=mdn.mdn_mode, mdn_url=mdn.mdn_url, digest_alg=mdn.digest_alg)
    negative.build(message=message, status="processed/Error", detailed_status="unexpected-processing-error")
    return negative


def _disposition(status: str) -> str:
    return f"{status} ({email.utils.formatdate(usegmt=True)})"[:200]


def _queue_async_mdn(record_id: Any) -> None:
    from hub.channels.tasks import send_async_mdn

    send_async_mdn.delay(str(record_id))
