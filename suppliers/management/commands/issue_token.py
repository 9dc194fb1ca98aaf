"""``manage.py issue_token USERNAME [--name NAME] [--days N] [--scope SCOPE] [--plant CODE ...]``: print a new API token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from suppliers.models import ApiToken, User
from suppliers.services import plant_system_user, token_issue


class Command(BaseCommand):
    help = "Print a new API token for USERNAME, alone on one line (only its hash is stored)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="api")
        parser.add_argument("--days", type=int, default=None, help="expire after N days (default: never)")
        parser.add_argument("--scope", default=ApiToken.Scope.WRITE, choices=ApiToken.Scope.values, help="read, write (default) or admin")
        parser.add_argument(
            "--plant",
            action="append",
            default=[],
            metavar="CODE",
            help="a plant system's token: USERNAME is (created as) a service user of role buyer bound to these plants",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] is not None and options["days"] <= 0:
            raise CommandError("--days must be a positive number")
        if options["plant"]:
            try:
                user = plant_system_user(username=options["username"], plant_codes=options["plant"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        else:
            try:
                user = User.objects.get(username=options["username"])
            except User.DoesNotExist:
                raise CommandError(f"no user called '{options['username']}'") from None
        self.stdout.write(token_issue(user=user, name=options["name"], days=options["days"], scope=options["scope"]))
