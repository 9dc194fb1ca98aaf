"""``manage.py issue_token USERNAME [--name NAME] [--days N]``: print a new API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from suppliers.models import User
from suppliers.services import token_issue


class Command(BaseCommand):
    help = "Print a new API token for USERNAME, alone on one line (only its hash is stored)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api")
        parser.add_argument("--days", type=int, default=None, help="expire after N days (default: never)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user called '{options['username']}'") from None
        if options["days"] is not None and options["days"] <= 0:
            raise CommandError("--days must be a positive number")
        self.stdout.write(token_issue(user=user, name=options["name"], days=options["days"]))
