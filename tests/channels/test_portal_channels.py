"""The portal's channel page: a supplier's own SFTP login and keys, the hub's AS2 endpoint; nobody else's."""

from __future__ import annotations

import asyncssh
import pytest

from hub.channels.models import ChannelProfile
from hub.channels.services import channel_settings_of

pytestmark = pytest.mark.django_db


def public_key() -> str:
    return asyncssh.generate_private_key("ssh-ed25519").export_public_key("openssh").decode().strip()


def test_supplier_sees_its_sftp_login_and_the_hubs_as2_endpoint(world, client, settings):
    settings.HUB_SFTP_PUBLIC_PORT = 2222
    client.force_login(world["users"]["supplier"])
    page = client.get("/portal/channels/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "port 2222, user name supplier" in text and "/as2/" in text and "SUPPLIERHUB" in text
    pem = client.get("/portal/channels/hub-as2.pem")
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN CERTIFICATE-----")


def test_supplier_registers_keys_for_its_own_supplier_only(world, client):
    other = channel_settings_of(world["suppliers"][1])
    other.sftp_keys = "ssh-ed25519 AAAA-other\n"
    other.save()
    key = public_key()
    client.force_login(world["users"]["supplier"])
    response = client.post("/portal/channels/", {"keys": f"# our ERP\n{key}\n"})
    assert response.status_code == 302
    assert ChannelProfile.objects.get(profile__supplier=world["suppliers"][0]).sftp_keys == key + "\n"
    assert ChannelProfile.objects.get(pk=other.pk).sftp_keys == "ssh-ed25519 AAAA-other\n"


def test_a_bad_key_is_refused_with_its_line(world, client):
    client.force_login(world["users"]["supplier"])
    response = client.post("/portal/channels/", {"keys": f"{public_key()}\nssh-rsa not-a-key"})
    assert response.status_code == 200
    assert "line 2: not an OpenSSH public key" in response.content.decode()
    assert not ChannelProfile.objects.filter(profile__supplier=world["suppliers"][0]).exclude(sftp_keys="").exists()


@pytest.mark.parametrize("role", ["buyer", "hq", "admin"])
def test_staff_have_no_channel_page(world, client, role):
    client.force_login(world["users"][role])
    assert client.get("/portal/channels/").status_code == 404
    assert client.post("/portal/channels/", {"keys": public_key()}).status_code == 404
    assert client.get("/portal/channels/hub-as2.pem").status_code == 404


def test_anonymous_is_sent_to_the_login(client):
    assert client.get("/portal/channels/").status_code == 302


def test_the_page_speaks_german(world, client):
    client.force_login(world["users"]["supplier"])
    text = client.get("/portal/channels/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihre Systeme können Dateien per SFTP ablegen" in text and "Unser AS2-Endpunkt ist" in text
