"""Regression tests named after the attacks on outbound delivery (issue "Trust", findings 6, 8 and 13).

Each test reproduces what an attacker did against the hub before the fix and checks what a
user would see now: nothing reaches the address the attack aimed at, a clear refusal, a
plant that refuses what it should refuse. Real HTTP servers on 127.0.0.1 throughout; only
the DNS answers are made up (the attack needs a resolver that lies, which we cannot run).
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time

import pytest
import requests
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from hub.dispatch import services, signing
from hub.dispatch.connectors import http as http_connector
from hub.dispatch.connectors.outbound import OutboundRefused, check_url, validate_endpoint_url
from hub.dispatch.simulator import PlantSecrets, PlantSimulator
from hub.models import Delivery, Plant
from suppliers.models import PartnerProfile
from tests.delfor_builder import delfor, message

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"  # a globally routable address; nothing here may connect to it


@pytest.fixture
def lying_resolver(monkeypatch):
    """Answer chosen names with chosen addresses, one answer per lookup (the last repeats); count lookups."""
    real = socket.getaddrinfo
    answers: dict[str, list[str]] = {}
    lookups: dict[str, int] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            n = lookups.get(host, 0)
            lookups[host] = n + 1
            address = answers[host][min(n, len(answers[host]) - 1)]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port or 80))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


# --- finding 8: SSRF ---------------------------------------------------------------------


def test_dns_rebinding_name_public_then_loopback_reaches_nothing(lying_resolver, plant_server, settings):
    """The attack: a name answers a public address to the check and 127.0.0.1 to the connection."""
    answers, lookups = lying_resolver
    answers["rebind.attacker.example"] = [PUBLIC, "127.0.0.1"]
    settings.HUB_OUTBOUND_ALLOWLIST = []
    settings.HUB_DISPATCH_TIMEOUT_SECONDS = 1
    port = plant_server.server_address[1]
    result = http_connector.send(url=f"http://rebind.attacker.example:{port}/in", body=b"{}", content_type="application/json", idempotency_key="k1")
    assert not result.ok
    assert plant_server.lines() == [], "the loopback plant behind the rebinding name received the request"
    assert lookups["rebind.attacker.example"] == 1, "the connection looked the name up again instead of using the checked address"


def test_dns_rebinding_name_loopback_on_the_check_is_refused_before_connecting(lying_resolver, plant_server, settings):
    answers, _ = lying_resolver
    answers["rebind.attacker.example"] = ["127.0.0.1", PUBLIC]
    settings.HUB_OUTBOUND_ALLOWLIST = []
    result = http_connector.send(url=f"http://rebind.attacker.example:{plant_server.server_address[1]}/in", body=b"{}", content_type="application/json", idempotency_key="k1")
    assert result.permanent and "resolves to 127.0.0.1, which is not a public address" in result.excerpt
    assert plant_server.lines() == []


def test_pinned_connection_keeps_host_header_and_keep_alive(lying_resolver, plant_server, settings):
    answers, lookups = lying_resolver
    answers["plant07.example"] = ["127.0.0.1"]
    settings.HUB_OUTBOUND_ALLOWLIST = ["plant07.example"]
    seen = []
    original = plant_server.RequestHandlerClass.do_POST

    def spy(handler):
        seen.append((handler.headers["Host"], handler.client_address[1]))
        original(handler)

    plant_server.RequestHandlerClass.do_POST = spy
    try:
        port = plant_server.server_address[1]
        for key in ("a", "b"):
            assert http_connector.send(url=f"http://plant07.example:{port}/in", body=b"{}", content_type="application/json", idempotency_key=key).ok
    finally:
        plant_server.RequestHandlerClass.do_POST = original
    assert [host for host, _ in seen] == [f"plant07.example:{port}"] * 2
    assert seen[0][1] == seen[1][1], "the second delivery opened a new connection instead of reusing the pooled one"
    assert lookups["plant07.example"] == 2  # checked once per request, connected to what was checked


@pytest.mark.parametrize(
    "url",
    [
        "http://100.100.100.200/latest/meta-data/",  # shared address space 100.64.0.0/10 (cloud metadata)
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]/",  # IPv6 unique local
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:7f00:1::1]/",  # 6to4 of 127.0.0.1
        "http://[2002:a9fe:a9fe::1]/",  # 6to4 of 169.254.169.254
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://192.0.2.10/",  # documentation range
        "http://198.18.0.1/",  # benchmarking range
        "http://240.0.0.1/",  # reserved
    ],
)
def test_non_global_address_is_refused(url, settings):
    settings.HUB_OUTBOUND_ALLOWLIST = []
    with pytest.raises(OutboundRefused, match="not a public address"):
        check_url(url)


def test_public_address_passes(settings):
    settings.HUB_OUTBOUND_ALLOWLIST = []
    assert check_url(f"https://{PUBLIC}/in") == [PUBLIC]


def test_name_with_one_private_address_among_public_ones_is_refused(lying_resolver, settings):
    answers, _ = lying_resolver
    settings.HUB_OUTBOUND_ALLOWLIST = []
    answers["mixed.example"] = [PUBLIC]
    assert check_url("http://mixed.example/") == [PUBLIC]

    real = socket.getaddrinfo

    def two(host, port, *args, **kwargs):
        if host == "mixed2.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in (PUBLIC, "10.1.2.3")]
        return real(host, port, *args, **kwargs)

    socket.getaddrinfo = two
    with pytest.raises(OutboundRefused, match="10.1.2.3"):
        check_url("http://mixed2.example/")


def test_allow_listed_host_does_not_open_the_redis_port(settings, pending_to_redis):
    """The attack: with 127.0.0.1 allow-listed, an endpoint of 127.0.0.1:6379 posted into Redis."""
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    for port in (6379, 5432, 22, 25, 11211):
        with pytest.raises(OutboundRefused, match=f"port {port}"):
            check_url(f"http://127.0.0.1:{port}/")
    assert check_url("http://127.0.0.1:8001/x") == ["127.0.0.1"]
    assert services.delivery_send(delivery_id=pending_to_redis.pk) == Delivery.Status.DEAD
    assert "port 6379" in Delivery.objects.get(pk=pending_to_redis.pk).last_error


def test_allow_list_entry_with_a_port_opens_that_port_only(settings):
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1:8001", "10.20.0.0/16:8443", "[::1]:9000"]
    assert check_url("http://127.0.0.1:8001/x") == ["127.0.0.1"]
    assert check_url("https://10.20.3.4:8443/x") == ["10.20.3.4"]
    assert check_url("http://[::1]:9000/x") == ["::1"]
    for url in ("http://127.0.0.1:8002/x", "http://127.0.0.1/x", "https://10.20.3.4/x", "http://[::1]:9001/x"):
        with pytest.raises(OutboundRefused):
            check_url(url)
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1:6379"]  # naming the port is the operator's explicit choice
    assert check_url("http://127.0.0.1:6379/") == ["127.0.0.1"]


def test_url_with_credentials_or_other_scheme_is_refused(settings):
    for url in ("http://user:pw@127.0.0.1:8001/", "ftp://127.0.0.1/", "gopher://127.0.0.1:6379/_INFO", "file:///etc/passwd", "http:///nohost"):
        with pytest.raises(OutboundRefused):
            check_url(url)


def test_redirect_to_loopback_is_not_followed(plant_server, settings):
    """A public-looking endpoint that answers 302 to 127.0.0.1 gets no second request."""
    hits = []
    original = plant_server.RequestHandlerClass.do_POST

    def redirect(handler):
        hits.append(handler.path)
        if handler.path == "/start":
            handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
            handler.send_response(302)
            handler.send_header("Location", f"http://127.0.0.1:{plant_server.server_address[1]}/inside")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        original(handler)

    plant_server.RequestHandlerClass.do_POST = redirect
    try:
        result = http_connector.send(url=plant_server.url + "/start", body=b"{}", content_type="application/json", idempotency_key="r1")
    finally:
        plant_server.RequestHandlerClass.do_POST = original
    assert result.status_code == 302 and hits == ["/start"]


def test_tls_to_a_pinned_address_still_checks_the_certificate_name(lying_resolver, settings, tmp_path):
    """Pinning connects to the checked address but SNI and the certificate check keep the name."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=plant09.example", "-addext", "subjectAltName=DNS:plant09.example"],
        check=True, capture_output=True,
    )
    server = PlantSimulator(0, record=tmp_path / "tls.jsonl")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sni = []
    context.sni_callback = lambda sock, name, ctx: sni.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answers, _ = lying_resolver
        answers["plant09.example"] = ["127.0.0.1"]
        answers["wrong-name.example"] = ["127.0.0.1"]
        settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
        settings.HUB_OUTBOUND_CA_BUNDLE = str(cert)
        port = server.server_address[1]
        ok = http_connector.send(url=f"https://plant09.example:{port}/in", body=b'{"number": "T1"}', content_type="application/json", idempotency_key="t1")
        assert ok.status_code == 200, ok.excerpt
        assert sni[-1] == "plant09.example"
        wrong = http_connector.send(url=f"https://wrong-name.example:{port}/in", body=b"{}", content_type="application/json", idempotency_key="t2")
        assert wrong.status_code is None and "certificate" in wrong.excerpt.lower()
    finally:
        server.shutdown()
        server.server_close()


# --- finding 6 (part): endpoints are validated on save ------------------------------------


def test_metadata_endpoint_is_refused_on_save(world, client, settings):
    """The attack: a plant endpoint, or a partner profile endpoint, of http://169.254.169.254/ was accepted on save."""
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    plant = Plant.objects.get(code="PLANT01")
    plant.endpoint_url = "http://169.254.169.254/latest/meta-data/"
    with pytest.raises(ValidationError, match="not a public address"):
        plant.full_clean()
    profile = PartnerProfile.objects.get(supplier=world["suppliers"][0])
    form = modelform_factory(PartnerProfile, fields=["endpoint_url"])({"endpoint_url": "http://169.254.169.254/"}, instance=profile)
    assert not form.is_valid() and "not a public address" in str(form.errors["endpoint_url"])
    form = modelform_factory(PartnerProfile, fields=["endpoint_url"])({"endpoint_url": "http://100.100.100.200/"}, instance=profile)
    assert not form.is_valid()
    client.force_login(world["users"]["admin"])
    response = client.post(
        f"/admin/hub/plant/{plant.pk}/change/",
        {"code": "PLANT01", "name": "P1", "timezone": "Europe/Berlin", "connector": "http", "endpoint_url": "http://169.254.169.254/", "outbound_format": "json", "max_in_flight": 1, "batch_size": 1},
    )
    assert response.status_code == 200 and "not a public address" in response.content.decode()
    assert Plant.objects.get(pk=plant.pk).endpoint_url != "http://169.254.169.254/"
    validate_endpoint_url("")  # an empty endpoint is allowed (file drop, portal inbox)
    validate_endpoint_url("http://127.0.0.1:8001/plants/PLANT01")


# --- finding 13: webhook replay -----------------------------------------------------------


def _post(url: str, body: bytes, headers: dict) -> requests.Response:
    return requests.post(url, data=body, headers={"Content-Type": "application/json", **headers}, timeout=10)


def _signed(secret: str, key: str, body: bytes, stamp: int | None = None) -> dict:
    stamp_text = str(int(time.time()) if stamp is None else stamp)
    return {"Idempotency-Key": key, "X-Hub-Timestamp": stamp_text, "X-Hub-Signature": signing.signature(secret, stamp_text, key, body)}


def test_signed_body_replayed_under_a_new_idempotency_key_is_refused(plant_server):
    """The attack: the signature did not cover the key, so a captured body under a fresh key was applied again."""
    plant_server.secret = "s3cret"
    body = b'{"number": "CO1", "lines": []}'
    captured = _signed("s3cret", "key-1", body)
    assert _post(plant_server.url + "/in", body, captured).json() == {"applied": True}
    forged = {**captured, "Idempotency-Key": "key-2"}
    answer = _post(plant_server.url + "/in", body, forged)
    assert answer.status_code == 401 and answer.json()["error"] == "bad signature"
    assert [line["idempotency_key"] for line in plant_server.lines()] == ["key-1"]


def test_replayed_delivery_older_than_five_minutes_is_refused(plant_server):
    """The attack: the simulator did not check the timestamp, so an old captured delivery was accepted."""
    plant_server.secret = "s3cret"
    body = b'{"number": "CO1", "lines": []}'
    old = _signed("s3cret", "key-old", body, stamp=int(time.time()) - 301)
    answer = _post(plant_server.url + "/in", body, old)
    assert answer.status_code == 401 and "expired or replayed" in answer.json()["error"]
    future = _signed("s3cret", "key-future", body, stamp=int(time.time()) + 301)
    assert _post(plant_server.url + "/in", body, future).status_code == 401
    assert plant_server.lines() == []


def test_replay_inside_the_window_is_not_applied_twice(plant_server):
    plant_server.secret = "s3cret"
    body = b'{"number": "CO1", "lines": []}'
    captured = _signed("s3cret", "key-1", body)
    assert _post(plant_server.url + "/in", body, captured).json() == {"applied": True}
    assert _post(plant_server.url + "/in", body, captured).json() == {"applied": False}


def test_unsigned_delivery_to_a_plant_with_a_secret_is_refused(plant_server):
    plant_server.secret = "s3cret"
    answer = _post(plant_server.url + "/in", b'{"number": "X"}', {"Idempotency-Key": "k", "X-Hub-Timestamp": str(int(time.time()))})
    assert answer.status_code == 401 and "unsigned" in answer.json()["error"]
    assert plant_server.lines() == []


@pytest.mark.django_db(transaction=True)  # the simulator reads the plants' secrets on its own connection
def test_demo_plants_get_secrets_and_the_simulator_checks_them(world, receive_and_process, plant_server):
    """The finding: demo plants had no secret, so every demo delivery went out unsigned."""
    from hub.demo import seed_master_data

    seed_master_data(plant_url=plant_server.url + "/plants/{plant}/deliveries")
    secrets = dict(Plant.objects.values_list("code", "endpoint_secret"))
    assert all(len(s) >= 32 for s in secrets.values()) and len(set(secrets.values())) == len(secrets)
    seed_master_data(plant_url=plant_server.url + "/plants/{plant}/deliveries")
    assert dict(Plant.objects.values_list("code", "endpoint_secret")) == secrets, "seed_demo must keep the secrets it gave"
    plant_server.secret_for = PlantSecrets(ttl=0)
    receive_and_process(delfor([message("1", "SIG1")]), world["users"]["admin"])
    delivery = Delivery.objects.get(recipient="plant", document_number="SIG1")
    assert services.delivery_send(delivery_id=delivery.pk) == Delivery.Status.DELIVERED
    assert [line["number"] for line in plant_server.lines()] == ["SIG1"]
    # The same plant's endpoint refuses what is not signed with its secret.
    stranger = _post(plant_server.url + "/plants/PLANT01/deliveries", b'{"number": "X"}', _signed("not-the-secret", "k9", b'{"number": "X"}'))
    assert stranger.status_code == 401


def test_supplier_endpoint_deliveries_are_signed_with_the_profile_secret(world, receive_and_process, plant_server):
    PartnerProfile.objects.filter(supplier=world["suppliers"][0]).update(endpoint_url=plant_server.url + "/supplier", outbound_format="json", endpoint_secret="sup-secret")
    profile = PartnerProfile.objects.get(supplier=world["suppliers"][0])
    plant_server.secret = profile.endpoint_secret
    receive_and_process(delfor([message("1", "SUPSIG")]), world["users"]["admin"])
    delivery = Delivery.objects.get(recipient="supplier", document_number="SUPSIG")
    assert delivery.connector == "http"
    assert services.delivery_send(delivery_id=delivery.pk) == Delivery.Status.DELIVERED


@pytest.fixture
def pending_to_redis(world, receive_and_process, settings):
    settings.HUB_OUTBOUND_ALLOWLIST = ["127.0.0.1"]
    Plant.objects.update(endpoint_url="http://127.0.0.1:6379/")
    receive_and_process(delfor([message("1", "REDIS1")]), world["users"]["admin"])
    return Delivery.objects.get(recipient="plant", document_number="REDIS1")
