"""An independent AS2 partner for tests: pyas2lib used directly, with its own key pair and HTTP server.

It builds messages to the hub, reads the hub's MDNs, and runs a small AS2 receiver on
127.0.0.1 that answers the hub's messages with a signed synchronous MDN (or refuses
connections while ``offline``) and collects asynchronous MDNs the hub posts to it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from pyas2lib import as2

from hub.channels.certificates import self_signed

PEER_ID = "PARTNER-SUP00001"


def raw_of(headers: dict[str, str], body: bytes) -> bytes:
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n" + body


@dataclass
class Peer:
    """The partner's side: its organization and the hub as it knows it."""

    hub_id: str
    hub_cert: str
    as2_id: str = PEER_ID
    cert: str = ""
    key: str = ""
    received: list[bytes] = field(default_factory=list)  # payloads the hub sent us
    mdns: list[bytes] = field(default_factory=list)  # asynchronous MDNs the hub posted
    sent: dict[str, as2.Message] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.cert, self.key = self_signed(self.as2_id)

    def organization(self) -> as2.Organization:
        pair = (self.key + self.cert).encode()
        return as2.Organization(as2_name=self.as2_id, sign_key=pair, decrypt_key=pair, domain="partner.test")

    def hub(self, *, mdn_mode: str = "SYNC", mdn_url: str | None = None) -> as2.Partner:
        cert = self.hub_cert.encode()
        return as2.Partner(
            as2_name=self.hub_id, verify_cert=cert, encrypt_cert=cert, sign=True, encrypt=True, compress=True,
            enc_alg="aes_256_cbc", mdn_mode=mdn_mode, mdn_digest_alg="sha256",
        )  # fmt: skip

    def build(self, payload: bytes, *, mdn_mode: str = "SYNC", mdn_url: str | None = None, filename: str = "desadv.edi") -> tuple[as2.Message, dict, bytes]:
        """A signed, encrypted and compressed message to the hub: (message, HTTP headers, body)."""
        org = self.organization()
        org.mdn_url = mdn_url
        message = as2.Message(org, self.hub(mdn_mode=mdn_mode))
        message.build(payload, filename=filename)
        self.sent[message.message_id] = message
        headers = dict(message.headers)
        return message, headers, message.content

    def post(self, url: str, headers: dict, body: bytes) -> requests.Response:
        return requests.post(url, data=body, headers=headers, timeout=60)

    def read_mdn(self, headers: dict, body: bytes) -> tuple[str, str | None]:
        """Verify an MDN of the hub against the message it answers: (status, detail)."""
        return as2.Mdn().parse(raw_of(headers, body), find_message_cb=lambda message_id, recipient: self.sent.get(message_id))

    def receive(self, raw: bytes) -> tuple[int, dict, bytes]:
        """Take a message of the hub in, as a partner's AS2 server would: (status, headers, MDN body)."""
        hub = self.hub()
        message = as2.Message()
        status, (problem, _), mdn = message.parse(raw, find_org_cb=lambda _id: self.organization(), find_partner_cb=lambda _id: hub)
        if problem is None:
            self.received.append(message.content if isinstance(message.content, bytes) else message.content.encode())
        if mdn is None:
            return 200, {"Content-Type": "text/plain"}, b"ok"
        return 200, dict(mdn.headers), mdn.content


class PeerServer(ThreadingHTTPServer):
    """The partner's AS2 receiver on 127.0.0.1: /as2 takes messages (sync MDN), /mdn collects asynchronous MDNs."""

    daemon_threads = True

    def __init__(self, peer: Peer) -> None:
        self.peer = peer
        self.offline = False
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PeerServer

    def log_message(self, *args: object) -> None:
        return None

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.server.offline:
            self.send_response(503)
            self.end_headers()
            return
        raw = raw_of({k: v for k, v in self.headers.items()}, body)
        if self.path.startswith("/mdn"):
            self.server.peer.mdns.append(raw)
            status, headers, answer = 200, {"Content-Type": "text/plain"}, b"thanks"
        else:
            status, headers, answer = self.server.peer.receive(raw)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
