"""Celery tasks for onboarding: thin, idempotent, id in and service out."""

from __future__ import annotations

import smtplib

from celery import shared_task

from suppliers.invitations import invitation_send


@shared_task(name="suppliers.tasks.send_invitation", autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_invitation(invitation_id: int) -> bool:
    """E-mail one invitation's link (a link already mailed is not mailed twice)."""
    return invitation_send(invitation_id=invitation_id)


@shared_task(name="suppliers.tasks.commit_import")
def commit_import(batch_id: int, user_id: int | None) -> str:
    """Import a large staff upload in the background (the import is claimed before it is queued)."""
    from suppliers.imports import import_commit
    from suppliers.models import User

    by = User.objects.filter(pk=user_id).first() if user_id else None
    return import_commit(batch_id=batch_id, by=by).status


@shared_task(name="suppliers.tasks.send_user_invitation", autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_user_invitation(user_id: int) -> bool:
    """E-mail a supplier's new user the link to set a password."""
    from suppliers.team import supplier_user_invitation_send

    return supplier_user_invitation_send(user_id=user_id)


@shared_task(name="suppliers.tasks.notify_sweep", autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, retry_jitter=True, max_retries=3)
def notify_sweep() -> int:
    """Mail supplier users about recent call-offs, rejected files and lost ASNs (idempotent; the worker schedules it)."""
    from suppliers.notifications import notifications_send

    return notifications_send()
