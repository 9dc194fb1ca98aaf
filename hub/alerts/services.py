"""Send grouped alerts: per kind and interval, one e-mail per recipient, and one webhook call.

Each worker sends the sweep every HUB_SWEEP_INTERVAL_SECONDS (``hub.dispatch.worker``);
the sweep claims each ended interval of each kind once (``AlertWindow``'s unique key), so
several workers sweeping send nothing twice. Events of an interval go to the contacts of
the plants they concern (``Plant.alert_emails``, else the plant's buyers) and to the
supplier they concern; a burst of a thousand failures is one e-mail to each of them,
naming the first few and linking to the list behind them.

Each e-mail is written in its recipient's language: the ``language`` of the active user
account with that address (staff and supplier users choose it in their account), else the
hub's ``LANGUAGE_CODE``; an address shared by accounts of different languages gets the
first one's by username. The webhook is for machines and is always English.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hub.alerts.events import KINDS, Event, Kind
from hub.dispatch.connectors import http
from hub.models import AlertSent, AlertWindow, Plant
from suppliers.models import Supplier, User

log = logging.getLogger(__name__)
SHOWN = 20  # events named in one e-mail; the link shows them all
DAY = 86400


@dataclass
class Digest:
    """What one recipient gets about one kind in one interval."""

    recipient: str
    events: list[Event] = field(default_factory=list)
    plants: set[int] = field(default_factory=set)
    supplier_id: Any = None
    staff: bool = False


def window_of(now: dt.datetime, seconds: int) -> tuple[dt.datetime, dt.datetime]:
    """The last interval of ``seconds`` that has ended at ``now``: (start, end), aligned to the epoch."""
    end_ts = int(now.timestamp()) // seconds * seconds
    end = dt.datetime.fromtimestamp(end_ts, tz=dt.UTC)
    return end - dt.timedelta(seconds=seconds), end


def alerts_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every kind's digest for its last ended interval, once; returns e-mails sent per kind."""
    now = now or timezone.now()
    sent: dict[str, int] = {}
    for kind in KINDS.values():
        start, end = window_of(now, DAY if kind.daily else max(60, settings.HUB_ALERT_INTERVAL_SECONDS))
        window = _claim(kind.key, end)
        if window is None:
            continue
        try:
            sent[kind.key] = alert_send(kind=kind, window=window, events=kind.events(start, end), start=start)
        except Exception:  # one kind's fault must not keep the others from going out
            log.exception("alerts: %s for the interval ending %s failed", kind.key, end)
    return sent


def _claim(kind: str, end: dt.datetime) -> AlertWindow | None:
    if AlertWindow.objects.filter(kind=kind, window_end=end).exists():
        return None  # the common case: swept already (every worker sweeps every few seconds)
    try:
        with transaction.atomic():
            return AlertWindow.objects.create(kind=kind, window_end=end)
    except IntegrityError:
        return None  # another worker has it


def alert_send(*, kind: Kind, window: AlertWindow, events: list[Event], start: dt.datetime) -> int:
    """Group ``events`` per recipient and send one e-mail to each (and the webhook once); the number of e-mails."""
    if not events:
        return 0
    digests = _digests(events)
    base = settings.HUB_PUBLIC_URL.rstrip("/")
    plants = {p.pk: p for p in Plant.objects.filter(pk__in={pk for e in events for pk in e.plant_ids})}
    languages = recipient_languages(set(digests))
    for digest in digests.values():
        link = _link(kind, digest, plants, base)
        with translation.override(languages.get(digest.recipient.lower(), settings.LANGUAGE_CODE)):
            subject, body = _message(kind, digest, start, window.window_end, link)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [digest.recipient])
        plant_id = next(iter(digest.plants)) if len(digest.plants) == 1 else None
        AlertSent.objects.create(
            window=window, kind=kind.key, recipient=digest.recipient, plant_id=plant_id, supplier_id=digest.supplier_id,
            events=len(digest.events), subject=subject[:300], link=link[:500],
        )  # fmt: skip
    if settings.HUB_ALERT_WEBHOOK_URL:
        _webhook(kind, window, events, plants, start)
    return len(digests)


def _message(kind: Kind, digest: Digest, start: dt.datetime, end: dt.datetime, link: str) -> tuple[str, str]:
    """Subject and body of one digest, in the active language."""
    params = {"subject": kind.subject, "count": len(digest.events)}
    subject = _("[Supplier hub] %(subject)s: %(count)d") % params
    span = {"start": f"{start:%Y-%m-%d %H:%M}", "end": f"{end:%Y-%m-%d %H:%M}"}
    lines = [_("%(subject)s between %(start)s and %(end)s UTC: %(count)d.") % {**params, **span}, ""]
    lines += [f"- {e.text}" for e in digest.events[:SHOWN]]
    if len(digest.events) > SHOWN:
        lines.append(_("... and %(more)d more.") % {"more": len(digest.events) - SHOWN})
    lines += ["", _("All of them: %(link)s") % {"link": link}]
    return subject, "\n".join(lines)


def recipient_languages(addresses: set[str]) -> dict[str, str]:
    """Lower-cased address -> the language its user account chose, for the addresses that have one."""
    found: dict[str, str] = {}
    users = (
        User.objects.annotate(address=Lower("email"))
        .filter(address__in={a.lower() for a in addresses}, is_active=True)
        .exclude(language="")
        .order_by("username")
    )
    for address, language in users.values_list("address", "language"):
        found.setdefault(address, language)
    return found


def _digests(events: list[Event]) -> dict[str, Digest]:
    plant_ids = {pk for e in events for pk in e.plant_ids}
    contacts = plant_contacts(plant_ids)
    supplier_ids = {e.supplier_id for e in events if e.supplier_id}
    supplier_mail = dict(Supplier.objects.filter(pk__in=supplier_ids).exclude(email="").values_list("pk", "email"))
    digests: dict[str, Digest] = {}
    for event in events:
        for pk in event.plant_ids:
            for address in contacts.get(pk, ()):
                digest = digests.setdefault(address, Digest(address, staff=True))
                digest.plants.add(pk)
                if not digest.events or digest.events[-1] is not event:
                    digest.events.append(event)
        address = supplier_mail.get(event.supplier_id)
        if address:
            digest = digests.setdefault(address, Digest(address, supplier_id=event.supplier_id))
            if not digest.staff and (not digest.events or digest.events[-1] is not event):
                digest.events.append(event)
    return digests


def plant_contacts(plant_ids: set[int]) -> dict[int, list[str]]:
    """The alert addresses per plant: its configured contacts, else the e-mail of each of its buyers."""
    found: dict[int, list[str]] = defaultdict(list)
    for pk, emails in Plant.objects.filter(pk__in=plant_ids).values_list("pk", "alert_emails"):
        found[pk] = [a.strip() for a in emails.replace(";", ",").split(",") if a.strip()]
    buyers = User.objects.filter(role=User.Role.BUYER, is_active=True, plants__in=[pk for pk in plant_ids if not found[pk]]).exclude(
        email=""
    )
    for pk, email in buyers.values_list("plants", "email"):
        if email not in found[pk]:
            found[pk].append(email)
    return found


def _link(kind: Kind, digest: Digest, plants: dict[int, Plant], base: str) -> str:
    if not digest.staff:
        return base + kind.portal
    url = f"{base}/staff/overview/{kind.figure}/"
    if len(digest.plants) == 1:
        url += f"?plant={plants[next(iter(digest.plants))].code}"
    return url


def _webhook(kind: Kind, window: AlertWindow, events: list[Event], plants: dict[int, Plant], start: dt.datetime) -> None:
    with translation.override("en"):
        _webhook_send(kind, window, events, plants, start)


def _webhook_send(kind: Kind, window: AlertWindow, events: list[Event], plants: dict[int, Plant], start: dt.datetime) -> None:
    body = {
        "kind": kind.key, "subject": str(kind.subject), "from": start.isoformat(), "to": window.window_end.isoformat(), "events": len(events),
        "plants": sorted({plants[pk].code for e in events for pk in e.plant_ids if pk in plants}),
        "link": f"{settings.HUB_PUBLIC_URL.rstrip('/')}/staff/overview/{kind.figure}/",
        "items": [e.text for e in events[:SHOWN]],
    }  # fmt: skip
    key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"hub-alert:{kind.key}:{window.window_end.isoformat()}"))
    result = http.send(
        url=settings.HUB_ALERT_WEBHOOK_URL, body=json.dumps(body).encode(), content_type="application/json", idempotency_key=key
    )
    if not result.status_code or result.status_code >= 300:
        log.warning("alerts: webhook for %s answered %s: %s", kind.key, result.status_code, result.excerpt[:200])
