"""Hosts on a virtual network for tests: Linux network namespaces on one bridge.

Each ``Host`` is a network namespace with a veth pair whose outer end sits on a bridge in
the root namespace; the root namespace is the "services" host (PostgreSQL, Redis and the
plant listen on 127.0.0.1 there, so a ``Relay`` forwards the bridge address to them).
Cutting a host off is taking its veth end down: its TCP connections stall, as over a
broken network, instead of failing at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import uuid


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def netns_available() -> str:
    """Empty when namespaces can be made here, else the reason they cannot."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    probe = f"hubprobe{uuid.uuid4().hex[:6]}"
    try:
        _ip("netns", "add", probe)
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"ip netns add failed: {getattr(exc, 'stderr', exc)}"
    _ip("netns", "del", probe)
    return ""


class Network:
    """A bridge ``10.<n>.0.1/24`` in the root namespace, and the hosts attached to it."""

    def __init__(self) -> None:
        self.tag = uuid.uuid4().hex[:5]
        self.subnet = f"10.{200 + int(self.tag[:2], 16) % 50}.{int(self.tag[2:4], 16)}"
        self.gateway = f"{self.subnet}.1"
        self.bridge = f"hb{self.tag}"
        self.hosts: list[Host] = []
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")

    def host(self, name: str) -> Host:
        host = Host(self, name, f"{self.subnet}.{len(self.hosts) + 2}")
        self.hosts.append(host)
        return host

    def remove(self) -> None:
        for host in self.hosts:
            host.remove()
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("link", "del", self.bridge)


class Host:
    """One network namespace with one address on the bridge; processes run inside it."""

    def __init__(self, network: Network, name: str, address: str) -> None:
        self.name = name
        self.address = address
        self.ns = f"hub{network.tag}{name}"[:15]
        self.outer = f"vo{network.tag}{name}"[:15]
        inner = f"vi{network.tag}{name}"[:15]
        self.procs: list[subprocess.Popen] = []
        _ip("netns", "add", self.ns)
        _ip("link", "add", self.outer, "type", "veth", "peer", "name", inner)
        _ip("link", "set", inner, "netns", self.ns)
        _ip("link", "set", self.outer, "master", network.bridge)
        _ip("link", "set", self.outer, "up")
        _ip("netns", "exec", self.ns, "ip", "addr", "add", f"{address}/24", "dev", inner)
        _ip("netns", "exec", self.ns, "ip", "link", "set", inner, "up")
        _ip("netns", "exec", self.ns, "ip", "link", "set", "lo", "up")

    def run(self, cmd: list[str], *, env: dict[str, str], cwd: str, log) -> subprocess.Popen:
        """Start ``cmd`` inside this host (its own process group, killed on ``remove``)."""
        proc = subprocess.Popen(["ip", "netns", "exec", self.ns, *cmd], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def cut(self) -> None:
        """Take the host off the network: its connections stall."""
        _ip("link", "set", self.outer, "down")

    def restore(self) -> None:
        _ip("link", "set", self.outer, "up")

    def remove(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("link", "del", self.outer)
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("netns", "del", self.ns)


class Relay:
    """Forward TCP from ``listen`` (an address on the bridge) to ``target`` on 127.0.0.1, in threads."""

    def __init__(self, listen: tuple[str, int], target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(listen, reuse_port=False)
        self.server.settimeout(0.5)
        self.running = True
        self.open: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Stop listening and cut every relayed connection (the database sees its sessions end)."""
        self.running = False
        self.server.close()
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
