"""``manage.py seed_demo [--plant-url URL] [--password PW]``: idempotent demo data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hub.demo import seed_interchanges, seed_life, seed_master_data
from hub.dispatch.connectors.outbound import OutboundRefused, check_url
from suppliers.models import User


class Command(BaseCommand):
    help = "Create demo plants PLANT01-12, suppliers SUP00001-300, logins and sample call-offs (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--plant-url", default="", help="every plant's endpoint; {plant} becomes the plant code")
        parser.add_argument("--password", default="demo", help="password of every demo login (default: demo)")
        parser.add_argument("--no-call-offs", action="store_true", help="master data and logins only")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["plant_url"]
        if url:
            try:
                check_url(url.replace("{plant}", "PLANT01"))
            except OutboundRefused as exc:
                raise CommandError(f"--plant-url: {exc}") from None
        counts = seed_master_data(plant_url=url, password=options["password"])
        self.stdout.write(f"plants: {counts['plants']}, suppliers: {counts['suppliers']} ({counts['new_suppliers']} new)")
        if not options["no_call_offs"]:
            interchange = seed_interchanges(user=User.objects.get(username="admin"))
            if interchange is not None:
                self.stdout.write(f"demo interchange {interchange.pk}: {interchange.status}, {interchange.document_count} call-offs")
            users = {u.username: u for u in User.objects.filter(username__in=["admin", "supplier", "supplier2"])}
            if seed_life(plant_user=users["admin"], supplier_user=users["supplier"], other_supplier_user=users["supplier2"]):
                self.stdout.write("demo activity: late and short ASNs, a refused file, a dead letter, an unacknowledged call-off")
        self.stdout.write(f"logins (password: {options['password']}): admin, hq, buyer (PLANT01), supplier (SUP00001), supplier2 (SUP00002)")
