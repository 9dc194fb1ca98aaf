"""The channel commands of DESIGN.md: as2_identity prints the hub's id and certificate; as2_partner registers a partner."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from hub.channels.certificates import facts, self_signed
from hub.channels.models import ChannelProfile

pytestmark = pytest.mark.django_db


def test_as2_identity_prints_the_id_then_the_certificate_and_keeps_it():
    out = io.StringIO()
    call_command("as2_identity", stdout=out)
    first, _, pem = out.getvalue().partition("\n")
    assert first == "SUPPLIERHUB"
    assert facts(pem).subject == "CN=SUPPLIERHUB"
    again = io.StringIO()
    call_command("as2_identity", stdout=again)
    assert again.getvalue() == out.getvalue()  # made once, then kept


def test_as2_partner_registers_id_certificate_and_url(world, tmp_path):
    cert, _key = self_signed("PARTNER-1")
    path = tmp_path / "partner.pem"
    path.write_text(cert)
    out = io.StringIO()
    call_command("as2_partner", "SUP00001", "--as2-id", "PARTNER-1", "--cert", str(path), "--url", "http://127.0.0.1:4080/as2", stdout=out)
    channels = ChannelProfile.objects.get(profile__supplier__number="SUP00001")
    assert (channels.as2_id, channels.inbound, channels.outbound) == ("PARTNER-1", "as2", "as2")
    assert channels.as2_certificate_expires == facts(cert).not_after
    assert "inbound as2, outbound as2" in out.getvalue()


def test_as2_partner_refuses_what_it_cannot_use(world, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(CommandError, match="not a PEM certificate"):
        call_command("as2_partner", "SUP00001", "--as2-id", "P", "--cert", str(bad))
    with pytest.raises(CommandError, match="no supplier SUP09999"):
        call_command("as2_partner", "SUP09999", "--as2-id", "P", "--cert", str(bad))
    assert not ChannelProfile.objects.exists()
