"""SFTP: a real ``manage.py sftp_server`` process on 127.0.0.1, a real asyncssh client, a real Celery worker."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from hub.channels.services import channel_settings_of
from hub.models import Delivery, Interchange, Plant
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact
from tests.integration.conftest import ROOT, wait_until

pytestmark = pytest.mark.integration
PASSWORD = "sftp-pass-1"


@pytest.fixture
def sftp(world, workers, tmp_path, settings, plant_server):
    """The SFTP server as its own process on the test database, homes under tmp_path."""
    Plant.objects.update(endpoint_url=plant_server.url + "/plants/in")
    # The server process checks passwords with the default hashers, not the tests' fast one.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "channelsalt", iterations=1000)
    for name in ("supplier", "supplier2"):
        user = world["users"][name]
        user.password = hashed
        user.save(update_fields=["password"])
    settings.HUB_SFTP_ROOT = tmp_path / "sftp"
    workers.env["HUB_SFTP_ROOT"] = str(settings.HUB_SFTP_ROOT)  # the worker writes the outboxes
    env = {**workers.env, "HUB_SFTP_HOST_KEY": str(tmp_path / "host_key")}
    log = open(tmp_path / "sftp.log", "w+b")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "sftp_server", "--port", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, start_new_session=True
    )
    line = proc.stdout.readline().decode()
    assert "listening on" in line, (line, (tmp_path / "sftp.log").read_text())
    port = int(line.split("listening on 127.0.0.1:")[1].split(",")[0])
    workers.start()
    yield {"port": port, "root": settings.HUB_SFTP_ROOT, "log": tmp_path / "sftp.log", **world}
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, 9)
    proc.wait(timeout=10)
    log.close()


def session(port: int, username: str, password: str | None = PASSWORD, key: asyncssh.SSHKey | None = None):
    return asyncssh.connect(
        "127.0.0.1", port, username=username, password=password, client_keys=[key] if key else None, known_hosts=None, agent_path=None,
        preferred_auth="publickey" if key else "password",
    )  # fmt: skip


def run(coro):
    """Run an SFTP client coroutine on a loop of its own thread: a browser test's Playwright
    (sync API) may have left an event loop running in this thread, and asyncio.run refuses that."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def upload(port: int, username: str, name: str, data: bytes, *, chunk: int = 0, temporary: str = "", key=None) -> None:
    async with session(port, username, key=key) as conn, conn.start_sftp_client() as client:
        target = f"/inbox/{temporary or name}"
        async with client.open(target, "wb") as fh:
            step = chunk or len(data)
            for start in range(0, len(data), step):
                await fh.write(data[start:start + step])
        if temporary:
            await client.rename(target, f"/inbox/{name}")


async def listing(port: int, username: str, folder: str) -> list[str]:
    async with session(port, username) as conn, conn.start_sftp_client() as client:
        return sorted(n for n in await client.listdir(folder) if n not in (".", ".."))


def on_disk(sftp: dict, folder: str, number: str = "SUP00001") -> list[str]:
    """What the supplier's folder holds, read from disk: cheap enough to poll (each SFTP listing is a login)."""
    path = Path(sftp["root"]) / number / "home" / folder
    return sorted(p.name for p in path.iterdir() if not p.name.startswith(".")) if path.is_dir() else []


def sftp_interchanges(name: str):
    return Interchange.objects.filter(channel="sftp", filename=name)


def test_upload_is_processed_once_and_filed_in_processed(sftp, plant_server):
    data = edifact([asn("ASN-SFTP-1")], ref="SFTP1")
    run(upload(sftp["port"], "supplier", "asn1.edi", data))
    wait_until(lambda: on_disk(sftp, "inbox/processed") == ["asn1.edi"], 60, f"not filed ({sftp['log'].read_text()[-500:]})")
    assert run(listing(sftp["port"], "supplier", "/inbox/processed")) == ["asn1.edi"]
    assert [i.status for i in sftp_interchanges("asn1.edi")] == ["processed"]
    assert sftp_interchanges("asn1.edi").get().uploaded_by == sftp["users"]["supplier"]
    assert run(listing(sftp["port"], "supplier", "/inbox")) == ["failed", "processed"]
    wait_until(lambda: any(x["number"] == "ASN-SFTP-1" for x in plant_server.lines()), 60, "the despatch advice did not reach the plant")


def test_chunked_upload_and_temporary_name_are_each_taken_in_once(sftp):
    big = edifact([asn(f"ASN-SFTP-C{n}") for n in range(40)], ref="SFTP2")
    run(upload(sftp["port"], "supplier", "chunked.edi", big, chunk=700))
    run(upload(sftp["port"], "supplier", "renamed.edi", edifact([asn("ASN-SFTP-R")], ref="SFTP3"), chunk=100, temporary="renamed.edi.part"))
    wait_until(lambda: len(on_disk(sftp, "inbox/processed")) == 2, 60, "the uploads were not filed")
    assert sftp_interchanges("chunked.edi").count() == 1 and sftp_interchanges("chunked.edi").get().document_count == 40
    assert sftp_interchanges("renamed.edi").count() == 1
    assert not sftp_interchanges("renamed.edi.part").exists()


def test_bad_file_lands_in_failed_with_an_error_report(sftp):
    run(upload(sftp["port"], "supplier", "broken.edi", b"UNB+UNOC:3+SUP00001:ZZ+SUPPLIERHUB:ZZ+261124:0930+X'UNH+1+DESADV'"))
    wait_until(lambda: "broken.edi.errors.txt" in on_disk(sftp, "inbox/failed"), 60, "no error report")

    async def report() -> str:
        async with session(sftp["port"], "supplier") as conn, conn.start_sftp_client() as client, client.open("/inbox/failed/broken.edi.errors.txt", "rb") as fh:
            return (await fh.read()).decode()

    text = run(report())
    assert "failed" in text and "segment" in text.lower()


def test_envelope_naming_another_supplier_is_refused(sftp):
    run(upload(sftp["port"], "supplier", "impostor.edi", edifact([asn("ASN-SFTP-X", supplier="SUP00002", plant="PLANT02")], sender="SUP00002", ref="SFTP4")))
    wait_until(lambda: "impostor.edi" in on_disk(sftp, "inbox/failed"), 60, "the impostor's file was not refused")
    errors = sftp_interchanges("impostor.edi").get().errors
    assert any("not a verified identifier of supplier SUP00001" in e["text"] for e in errors), errors


def test_another_supplier_can_neither_see_nor_touch_the_file(sftp):
    run(upload(sftp["port"], "supplier", "mine.edi.part", b"not yet complete"))
    assert run(listing(sftp["port"], "supplier2", "/inbox")) == ["failed", "processed"]

    async def attempts() -> list[str]:
        failures = []
        async with session(sftp["port"], "supplier2") as conn, conn.start_sftp_client() as client:
            for path in ("/inbox/mine.edi.part", "/../SUP00001/home/inbox/mine.edi.part", "../../SUP00001/home/inbox/mine.edi.part"):
                try:
                    async with client.open(path) as fh:
                        await fh.read()
                except asyncssh.SFTPError as exc:
                    failures.append(type(exc).__name__)
            for call in (lambda: client.remove("/../SUP00001/home/inbox/mine.edi.part"), lambda: client.mkdir("/inbox/x"), lambda: client.put(__file__, "/outbox/x.edi")):
                try:
                    await call()
                except (asyncssh.SFTPError, OSError) as exc:
                    failures.append(type(exc).__name__)
        return failures

    assert len(run(attempts())) == 6
    assert (Path(sftp["root"]) / "SUP00001" / "home" / "inbox" / "mine.edi.part").read_bytes() == b"not yet complete"

    with pytest.raises(asyncssh.PermissionDenied):
        run(_wrong_password(sftp["port"]))
    from axes.models import AccessAttempt

    # The failure went through django-axes, which locks out as on the login page.
    assert AccessAttempt.objects.filter(username="supplier", ip_address="127.0.0.1").exists()


async def _wrong_password(port: int) -> None:
    async with session(port, "supplier", password="wrong-password"):
        pass


def test_registered_key_logs_in(sftp):
    key = asyncssh.generate_private_key("ssh-ed25519")
    channels = channel_settings_of(sftp["suppliers"][0])
    channels.sftp_keys = key.export_public_key("openssh").decode()
    channels.save()
    run(upload(sftp["port"], "supplier", "bykey.edi", edifact([asn("ASN-SFTP-K")], ref="SFTP5"), key=key))
    wait_until(lambda: sftp_interchanges("bykey.edi").exists(), 60, "the upload by key was not taken in")
    other = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        run(upload(sftp["port"], "supplier2", "x.edi", b"x", key=other))


def test_outbox_receives_the_rendered_call_off_and_deletion_is_the_pickup_receipt(sftp):
    import io

    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user

    channels = channel_settings_of(sftp["suppliers"][0])
    channels.outbound = "sftp"
    channels.save()
    profile = channels.profile
    profile.outbound_format = "edifact"
    profile.save()
    data = delfor([message("1", "CO-SFTP-OUT", supplier="SUP00001", plant="PLANT01")], ref="SFTPOUT1")
    interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(sftp["users"]["admin"]), filename="delfor.edi")
    wait_until(lambda: on_disk(sftp, "outbox"), 60, "nothing appeared in the outbox")
    [name] = run(listing(sftp["port"], "supplier", "/outbox"))
    delivery = Delivery.objects.get(recipient="supplier", document_type="delivery_schedule")
    assert delivery.connector == "sftp" and delivery.status == "delivered" and str(delivery.idempotency_key) in name

    async def take() -> bytes:
        async with session(sftp["port"], "supplier") as conn, conn.start_sftp_client() as client:
            async with client.open(f"/outbox/{name}", "rb") as fh:
                body = await fh.read()
            await client.remove(f"/outbox/{name}")
            return body

    body = run(take())
    assert b"DELFOR" in body and b"CO-SFTP-OUT" in body
    delivery.refresh_from_db()
    assert delivery.acknowledgement_status == "picked_up" and delivery.acknowledged_at is not None
    assert run(listing(sftp["port"], "supplier2", "/outbox")) == []
