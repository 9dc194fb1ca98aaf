"""Celery tasks for onboarding: thin, idempotent, id in and service out."""

from __future__ import annotations

import smtplib

from celery import shared_task

from suppliers.invitations import invitation_send


@shared_task(name="suppliers.tasks.send_invitation", autoretry_for=(OSError, smtplib.SMTPException), retry_backoff=True, retry_jitter=True, max_retries=8)
def send_invitation(invitation_id: int) -> bool:
    """E-mail one invitation's link (a link already mailed is not mailed twice)."""
    return invitation_send(invitation_id=invitation_id)
