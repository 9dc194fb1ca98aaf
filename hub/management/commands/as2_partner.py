"""python manage.py as2_partner SUPPLIER_NUMBER --as2-id ID --cert PEM [--url URL]: register an AS2 partner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hub.channels.certificates import BadCertificate
from hub.channels.services import as2_partner_register
from suppliers.models import Supplier


class Command(BaseCommand):
    help = "Register a supplier's AS2 id and certificate (its signatures are verified with it, the hub encrypts to it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("supplier_number")
        parser.add_argument("--as2-id", required=True, help="the partner's AS2 name")
        parser.add_argument("--cert", required=True, help="file with the partner's certificate in PEM")
        parser.add_argument("--url", default="", help="the partner's AS2 URL: documents for it then go out over AS2")
        parser.add_argument("--mdn", choices=["SYNC", "ASYNC"], default="SYNC", help="MDN the partner asks for (informational)")
        parser.add_argument("--no-sign", action="store_true", help="do not require signed messages")
        parser.add_argument("--no-encrypt", action="store_true", help="do not require encrypted messages")
        parser.add_argument("--compress", action="store_true", help="compress messages to the partner")

    def handle(self, *args: Any, **options: Any) -> None:
        supplier = Supplier.objects.filter(number=options["supplier_number"]).first()
        if supplier is None:
            raise CommandError(f"no supplier {options['supplier_number']}")
        try:
            pem = Path(options["cert"]).read_text()
        except OSError as exc:
            raise CommandError(f"cannot read {options['cert']}: {exc.strerror}")
        try:
            channels = as2_partner_register(
                supplier=supplier, as2_id=options["as2_id"], certificate_pem=pem, url=options["url"], mdn_mode=options["mdn"],
                sign=not options["no_sign"], encrypt=not options["no_encrypt"], compress=options["compress"],
            )  # fmt: skip
        except BadCertificate as exc:
            raise CommandError(f"{options['cert']}: {exc}")
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        self.stdout.write(
            f"{supplier.number}: AS2 id {channels.as2_id}, inbound {channels.inbound}, outbound {channels.outbound}, "
            f"certificate valid until {channels.as2_certificate_expires:%Y-%m-%d}"
        )
