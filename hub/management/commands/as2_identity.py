"""python manage.py as2_identity: the hub's AS2 id on the first line, then its certificate in PEM."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hub.channels.as2.peers import hub_identity


class Command(BaseCommand):
    help = "Print the hub's AS2 id, then its certificate (PEM) for partners; made self-signed on first use."

    def handle(self, *args: Any, **options: Any) -> None:
        identity = hub_identity()
        self.stdout.write(identity.as2_id)
        self.stdout.write(identity.certificate.strip())
