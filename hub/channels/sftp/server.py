"""The SFTP server (asyncssh): a supplier's user logs in and sees only its own inbox/ and outbox/.

Logins: the portal user name with its password, checked by Django's ``authenticate``
with a request-like object so django-axes counts failures and locks out as on the
login page; or an OpenSSH key listed in the supplier's channel settings. Staff
accounts have no SFTP home.

What a user may do: write files directly into ``/inbox`` (taken into ingest when
closed, or when renamed from a temporary name), read anything in its home, delete
from ``/outbox`` (the pick-up receipt) and from ``/inbox/processed`` and
``/inbox/failed``. Everything else is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import posixpath
from pathlib import Path
from typing import Any

import asyncssh
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import close_old_connections
from django.http import HttpRequest

from hub.channels.models import ChannelProfile
from hub.channels.sftp import homes
from hub.channels.sftp.intake import sftp_pickup, sftp_settle, sftp_take

log = logging.getLogger(__name__)
SETTLE_SECONDS = 1.0


def _user_named(username: str) -> Any:
    close_old_connections()
    return get_user_model().objects.select_related("supplier").filter(username=username, is_active=True, supplier__isnull=False).first()


def _password_user(username: str, password: str, peer: str) -> Any:
    """The supplier user these credentials belong to, or None (counted by django-axes)."""
    close_old_connections()
    request = HttpRequest()
    request.method = "POST"
    request.path = request.path_info = "/sftp/login"
    request.META = {"REMOTE_ADDR": peer, "HTTP_USER_AGENT": "sftp", "SERVER_NAME": "sftp", "SERVER_PORT": "22"}
    user = authenticate(request=request, username=username, password=password)
    if user is None or not getattr(user, "supplier_id", None):
        return None
    return _user_named(user.get_username())  # with its supplier loaded: the async server must not query lazily


def _authorized_keys(user: Any) -> str:
    close_old_connections()
    return ChannelProfile.objects.filter(profile__supplier_id=user.supplier_id).values_list("sftp_keys", flat=True).first() or ""


class HubSSHServer(asyncssh.SSHServer):
    """Authentication: password through Django (with lockout), or a key registered for the supplier."""

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername")
        self._peer = peer[0] if peer else ""
        self._user: Any = None

    def begin_auth(self, username: str) -> Any:
        return self._begin_auth(username)

    async def _begin_auth(self, username: str) -> bool:
        user = await asyncio.to_thread(_user_named, username)
        if user is not None:
            keys = await asyncio.to_thread(_authorized_keys, user)
            if keys.strip():
                with contextlib.suppress(ValueError, asyncssh.KeyImportError):
                    self._conn.set_authorized_keys(asyncssh.import_authorized_keys(keys))
                    self._user = user
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> Any:
        return self._validate_password(username, password)

    async def _validate_password(self, username: str, password: str) -> bool:
        user = await asyncio.to_thread(_password_user, username, password, self._peer)
        if user is None:
            return False
        self._user = user
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def auth_completed(self) -> None:
        self._conn.set_extra_info(hub_user=self._user)


class HubSFTPServer(asyncssh.SFTPServer):
    """One supplier's view: chrooted to its home, with the channel's rules on top of plain file access."""

    def __init__(self, chan: asyncssh.SSHServerChannel) -> None:
        self.user = chan.get_extra_info("hub_user")
        if self.user is None or not getattr(self.user, "supplier", None):
            raise asyncssh.SFTPPermissionDenied("this account has no SFTP home")
        self.home = homes.home_of(self.user.supplier.number)
        self._writing: dict[int, Path] = {}
        super().__init__(chan, chroot=str(self.home).encode())

    # -- where a client path points, relative to the home ---------------------------------
    @staticmethod
    def _parts(path: bytes) -> tuple[str, ...]:
        norm = posixpath.normpath(posixpath.join("/", path.decode("utf-8", "replace")))
        return tuple(p for p in norm.split("/") if p)

    def _local(self, path: bytes) -> Path:
        return Path(self.map_path(path).decode())

    def _inbox_file(self, path: bytes) -> bool:
        parts = self._parts(path)
        return len(parts) == 2 and parts[0] == homes.INBOX

    # -- files -------------------------------------------------------------------------
    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        writing = bool(pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT | asyncssh.FXF_TRUNC))
        if writing and not self._inbox_file(path):
            raise asyncssh.SFTPPermissionDenied("files can only be written directly into /inbox")
        file_obj = super().open(path, pflags, attrs)
        if writing:
            self._writing[id(file_obj)] = self._local(path)
        return file_obj

    async def close(self, file_obj: object) -> None:
        super().close(file_obj)
        local = self._writing.pop(id(file_obj), None)
        if local is not None and not homes.is_temporary(local.name) and local.exists():
            await asyncio.to_thread(sftp_take, user=self.user, path=local)

    async def rename(self, oldpath: bytes, newpath: bytes) -> None:
        if not (self._inbox_file(oldpath) and self._inbox_file(newpath)):
            raise asyncssh.SFTPPermissionDenied("files can only be renamed within /inbox")
        old, new = self._local(oldpath), self._local(newpath)
        if new.exists():
            raise asyncssh.SFTPFileAlreadyExists(f"/inbox/{new.name} exists")
        old.rename(new)
        if homes.is_temporary(old.name) and not homes.is_temporary(new.name):
            await asyncio.to_thread(sftp_take, user=self.user, path=new)

    async def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        await self.rename(oldpath, newpath)

    async def remove(self, path: bytes) -> None:
        parts = self._parts(path)
        if len(parts) == 2 and parts[0] == homes.OUTBOX:
            super().remove(path)
            await asyncio.to_thread(sftp_pickup, user=self.user, name=parts[1])
            return
        if len(parts) == 3 and parts[:2] in ((homes.INBOX, homes.PROCESSED), (homes.INBOX, homes.FAILED)) or self._inbox_file(path):
            super().remove(path)
            return
        raise asyncssh.SFTPPermissionDenied("only files in /outbox and /inbox can be deleted")

    async def scandir(self, path: bytes) -> Any:
        async for entry in super().scandir(path):
            name = entry.filename if isinstance(entry.filename, bytes) else str(entry.filename).encode()
            if name in (b".", b"..") or not name.startswith(b"."):
                yield entry

    # -- refused: the layout is the hub's --------------------------------------------------
    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise asyncssh.SFTPPermissionDenied("folders are fixed: /inbox and /outbox")

    def rmdir(self, path: bytes) -> None:
        raise asyncssh.SFTPPermissionDenied("folders are fixed: /inbox and /outbox")

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPPermissionDenied("links are not allowed")

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise asyncssh.SFTPPermissionDenied("links are not allowed")

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        return None  # clients that preserve times or modes must not fail; the hub keeps its own

    def fsetstat(self, file_obj: object, attrs: asyncssh.SFTPAttrs) -> None:
        return None


def host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key, made on first start and kept (clients pin it)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = asyncssh.generate_private_key("ssh-ed25519")
        key.write_private_key(str(path))
        path.chmod(0o600)
    return asyncssh.read_private_key(str(path))


def _settle_all() -> int:
    root = Path(settings.HUB_SFTP_ROOT)
    done = 0
    for supplier_dir in root.iterdir() if root.exists() else []:
        if (supplier_dir / "pending").is_dir():
            done += sftp_settle(number=supplier_dir.name)
    return done


async def _settle_forever() -> None:
    while True:
        try:
            await asyncio.to_thread(_settle_all)
        except Exception:  # noqa: BLE001 - keep settling; the next round retries
            log.exception("settling SFTP files failed")
        await asyncio.sleep(SETTLE_SECONDS)


async def serve(*, host: str, port: int, key_path: Path, ready: Any = None) -> None:
    """Run the SFTP server until cancelled; ``ready(port)`` is called once it listens."""
    server = await asyncssh.create_server(
        HubSSHServer, host, port, server_host_keys=[host_key(key_path)], sftp_factory=HubSFTPServer, allow_scp=False,
        process_factory=None, encoding=None,
    )  # fmt: skip
    bound = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready(bound)
    settle = asyncio.create_task(_settle_forever())
    try:
        await server.wait_closed()
    finally:
        settle.cancel()
