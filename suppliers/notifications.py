"""E-mails to a supplier's users about what needs them: call-offs, rejected files, ASNs lost at the plant.

The worker's periodic sweep calls ``notifications_send``: it looks at the recent events,
and writes one ``Notification`` row per user and event before mailing it, so a sweep
that runs twice, or on two workers at once, mails nobody twice. Nothing in the ingest or
dispatch flow has to know that anybody is notified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from hub.models import Delivery, Interchange
from orders.models import DeliverySchedule
from suppliers.models import Notification, User

WINDOW = dt.timedelta(hours=6)  # older events are history, not news (and each sweep stays small)
SETTING = {
    Notification.Kind.CALL_OFF: "notify_call_offs",
    Notification.Kind.REJECTED_FILE: "notify_rejected_files",
    Notification.Kind.DEAD_DESPATCH_ADVICE: "notify_dead_despatch_advices",
}


@dataclass(frozen=True)
class Event:
    """Something one supplier's users may want an e-mail about."""

    kind: str
    key: str
    supplier_id: Any
    subject: str  # an untranslated template, rendered in each recipient's language
    params: dict[str, Any]
    detail: str
    link: str

    def render(self) -> tuple[str, str]:
        """Subject and body in the active language."""
        subject = gettext(self.subject) % self.params
        return subject, "\n".join(x for x in (subject, self.detail, self.link) if x) + "\n"


def _events(since: dt.datetime) -> list[Event]:
    events: list[Event] = []
    base = getattr(settings, "HUB_PUBLIC_URL", "").rstrip("/")
    for s in DeliverySchedule.objects.filter(created_at__gte=since, status=DeliverySchedule.Status.CURRENT).select_related("plant").only(
        "pk", "number", "previous_number", "supplier_id", "plant__code"
    ):
        subject = _("Changed call-off %(number)s from %(plant)s") if s.previous_number else _("New call-off %(number)s from %(plant)s")
        link = f"{base}{reverse('portal:call-off', args=[s.pk])}"
        events.append(Event(Notification.Kind.CALL_OFF, str(s.pk), s.supplier_id, subject, {"number": s.number, "plant": s.plant.code}, "", link))
    failed = Interchange.objects.filter(status=Interchange.Status.FAILED, received_at__gte=since).filter(Q(sender_supplier__isnull=False) | Q(uploaded_by__supplier__isnull=False))
    for i in failed.only("pk", "filename", "errors", "sender_supplier_id", "uploaded_by__supplier_id").select_related("uploaded_by"):
        supplier_id = i.sender_supplier_id or (i.uploaded_by.supplier_id if i.uploaded_by else None)
        first = (i.errors or [{}])[0]
        detail = f"{first.get('position', '')}: {first.get('text', '')}".strip(": ")
        link = f"{base}{reverse('portal:interchange', args=[i.pk])}"
        events.append(Event(Notification.Kind.REJECTED_FILE, str(i.pk), supplier_id, _("Your file %(name)s was rejected"), {"name": i.filename or i.pk}, detail, link))
    dead = Delivery.objects.filter(
        status=Delivery.Status.DEAD, recipient=Delivery.Recipient.PLANT, document_type="despatch_advice", created_at__gte=since, supplier__isnull=False
    ).select_related("plant").only("pk", "document_number", "supplier_id", "last_error", "interchange_id", "plant__code")
    for d in dead:
        subject = _("Despatch advice %(number)s did not reach %(plant)s")
        params = {"number": d.document_number, "plant": d.plant.code if d.plant else "?"}
        link = f"{base}{reverse('portal:interchange', args=[d.interchange_id])}" if d.interchange_id else ""
        events.append(Event(Notification.Kind.DEAD_DESPATCH_ADVICE, str(d.pk), d.supplier_id, subject, params, d.last_error, link))
    return events


def notifications_send(*, now: dt.datetime | None = None) -> int:
    """Mail each supplier user who asked for it about each recent event, once; returns how many were sent."""
    now = now or timezone.now()
    events = [e for e in _events(now - WINDOW) if e.supplier_id is not None]
    if not events:
        return 0
    done = set(Notification.objects.filter(key__in=[e.key for e in events], sent_at__isnull=False).values_list("user_id", "kind", "key"))
    users: dict[Any, list[User]] = {}
    for user in User.objects.filter(supplier_id__in={e.supplier_id for e in events}, role=User.Role.SUPPLIER, is_active=True).exclude(email=""):
        users.setdefault(user.supplier_id, []).append(user)
    sent = 0
    for event in events:
        for user in users.get(event.supplier_id, []):
            if not getattr(user, SETTING[event.kind]) or (user.pk, event.kind, event.key) in done:
                continue
            sent += _send_once(user=user, event=event, now=now)
    return sent


def _send_once(*, user: User, event: Event, now: dt.datetime) -> int:
    # Claimed by a conditional UPDATE before the mail goes out, so a second sweep (or a
    # second worker) skips it; a mail that failed is unclaimed and the next sweep retries.
    try:
        row, _created = Notification.objects.get_or_create(user=user, kind=event.kind, key=event.key)
    except IntegrityError:  # another sweep created it a moment ago: it sends
        return 0
    if not Notification.objects.filter(pk=row.pk, sent_at__isnull=True).update(sent_at=now):
        return 0
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = event.render()
            send_mail(subject, body, None, [user.email])
    except Exception:
        Notification.objects.filter(pk=row.pk).update(sent_at=None)
        raise
    return 1
