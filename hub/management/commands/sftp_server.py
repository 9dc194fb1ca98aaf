"""python manage.py sftp_server --port P: the SFTP channel (docs/channels.md)."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hub.channels.sftp.server import serve


class Command(BaseCommand):
    help = "Run the SFTP server: suppliers log in with their portal user name and password (or a registered key)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8022, help="port to listen on (0: any free port, printed)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--host-key", default=str(settings.HUB_SFTP_HOST_KEY), help="server host key file (made on first start)")

    def handle(self, *args: Any, **options: Any) -> None:
        def ready(port: int) -> None:
            self.stdout.write(f"SFTP server listening on {options['host']}:{port}, homes in {settings.HUB_SFTP_ROOT}")
            self.stdout.flush()

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(host=options["host"], port=options["port"], key_path=Path(options["host_key"]), ready=ready))
