"""Ingest benchmark: the path a real file takes, upload -> ingest -> dispatch -> plant, end to end.

Starts a real stack on 127.0.0.1 (``bench/stack.py``: a fresh PostgreSQL database, its
own Redis db, ``migrate``, ``seed_demo --plant-url`` pointing at ``manage.py
plant_simulator --record``, ``runserver --noreload``, ``celery -A hub worker`` prefork)
and measures, in messages per second per stage:

1. one large DELFOR (``--messages``, default 10,000) from the plants' systems (UNB sender
   ``OEMPLANTS`` ZZ; no line breaks, release characters in free text), uploaded with an
   admin token through ``POST /api/v1/interchanges/``;
2. ``--small-files`` (default 1,000) small files of 1-5 messages: call-offs from the
   plants (admin token) and despatch advices from suppliers, each with its own
   supplier user's token and its supplier number as UNB sender, uploaded by a few
   clients at once.

3. every file of the shared corpus of real files (``$HUB_CORPUS_DIR``, default
   ``../shared/corpus``; skipped with a note when absent): EDIFACT, X12, XML, IDoc and
   CSV files from public projects, with their odd separators, charsets and deliberate
   errors, uploaded one after the other with the admin token as multipart files under
   their own names. Nothing about them was written by us. Their senders are not partners
   of the hub, so the trust check refuses each file at its envelope sender (code
   ``sender``), and CSV without a partner's column profile is refused as ``unsupported``;
   the pipeline still reads every message of a refused file for its acknowledgement, so
   receipt -> final status covers storing, detection, the streaming parse, the refusal
   and the acknowledgement of real files. No answer may be a 5xx.

Stages come from the database's timestamps (``Interchange.received_at``,
``processing_started_at``, ``processed_at``; ``Delivery.created_at``) and the
simulator's record (the time each plant delivery arrived). Beside them, from the same
run: ``manage.py translate`` of the same large file (translate only) and the bare Celery
rate (no-op tasks through the same broker and workers); the workers' peak RSS is
sampled from /proc for their process group.

Writes bench/results/ingest.txt (full-size runs; smaller runs write bench/tmp/ingest.txt).
Usage:
    .venv/bin/python bench/ingest.py [--messages N] [--small-files N] [--delivery-window S] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import ROOT, BenchError, RssSampler, Stack, django_setup, log, wait_progress  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ingest.txt"
QUICK_RESULTS = ROOT / "bench" / "tmp" / "ingest.txt"
DEFAULT_MESSAGES = 10_000
DEFAULT_SMALL_FILES = 1_000
FINAL_INTERCHANGE = ("processed", "failed", "duplicate")
FINAL_DELIVERY = ("delivered", "dead", "superseded")
TARGET_LARGE = 2000  # messages/s from upload to committed documents, large file
TARGET_FLOOR_SHARE = 0.5  # one delivery per request: at least half the bare Celery rate


# -- the files ---------------------------------------------------------------------------------


def _seg(*elements: str) -> str:
    return "+".join(elements) + "'"


def _free(text: str) -> str:
    """Free text with EDIFACT's release character before each service character."""
    return "".join("?" + c if c in "?+:'" else c for c in text)


def large_delfor(n: int, assignments: dict[str, list[str]], seed: int = 1) -> bytes:
    """A DELFOR D.96A interchange of ``n`` call-offs from OEMPLANTS, on one line (no line breaks).

    Each message names a demo supplier and one of the plants it supplies; part numbers are
    unique per message (no call-off supersedes another), and names and descriptions carry
    released service characters (``?+``, ``?:``, ``?'``, ``??``) as real plants' texts do.
    """
    rnd = random.Random(seed)
    suppliers = sorted(assignments)
    out = ["UNA:+.? '", _seg("UNB", "UNOC:3", "OEMPLANTS:ZZ", "SUPPLIERHUB:ZZ", "261130:0600", f"BL{seed:06d}")]
    for m in range(1, n + 1):
        supplier = suppliers[m % len(suppliers)]
        plant = assignments[supplier][m % len(assignments[supplier])]
        body = [
            _seg("UNH", str(m), "DELFOR:D:96A:UN:A01051"),
            _seg("BGM", "241", f"BL{m:07d}", "5"),
            _seg("DTM", "137:20261130:102"),
            _seg("NAD", "BY", "OEMPLANTS::92", "", _free("OEM Plants Group: Einkauf + Logistik")),
            _seg("NAD", "SE", f"{supplier}::92", "", _free(f"Lieferant {supplier[3:]} GmbH + Co. KG")),
            _seg("NAD", "ST", f"{plant}::92", "", _free(f"Werk {plant[5:]}: Tor 3")),
            _seg("LOC", "11", f"G{plant[5:]}"),
        ]
        for p in range(rnd.randint(1, 3)):
            part = f"BL{m:07d}-{p}"
            body += [
                _seg("LIN", "", "", f"{part}:IN"),
                _seg("PIA", "1", f"S{part}:SA"),
                _seg("IMD", "F", "", ":::" + _free(f"Halter {p} 'links' 50% + Clip?")),
                _seg("RFF", f"ON:PO{rnd.randint(100000, 999999)}"),
                _seg("QTY", f"70:{rnd.randint(1000, 90000)}:PCE"),
                _seg("DTM", "51:20260101:102"),
            ]
            for k in range(rnd.randint(3, 8)):
                body += [
                    _seg("QTY", f"1:{rnd.randint(1, 500) * 10}:PCE"),
                    _seg("SCC", "1" if k < 2 else "4"),
                    _seg("DTM", f"2:{(dt.date(2026, 12, 1) + dt.timedelta(days=7 * k)):%Y%m%d}:102"),
                ]
        body.append(_seg("UNS", "S"))
        body.append(_seg("UNT", str(len(body) + 1), str(m)))
        out += body
    out.append(_seg("UNZ", str(n), f"BL{seed:06d}"))
    return "".join(out).encode("latin-1")


def small_files(count: int, assignments: dict[str, list[str]], suppliers: list[str], seed: int = 2) -> list[dict[str, Any]]:
    """``count`` small interchanges rendered by the hub's own EDIFACT codec (``hub.formats.samples``'
    documents, parties set to the demo data): every third one call-offs from OEMPLANTS (admin),
    the others despatch advices from one of ``suppliers`` (its own token, its number as sender)."""
    from hub.formats import registry, samples
    from hub.formats.base import RenderOptions
    from hub.formats.canonical import Party, PartyId

    codec = registry.get("edifact")
    rnd = random.Random(seed)
    files = []
    for i in range(1, count + 1):
        messages = rnd.randint(1, 5)
        calloffs = i % 3 == 0
        supplier = suppliers[i % len(suppliers)]
        docs = []
        for m in range(1, messages + 1):
            if calloffs:
                supplier = rnd.choice(sorted(assignments))
                doc = samples.delivery_schedule(rnd, i)
                doc.number, doc.previous_number = f"SC{i:05d}{m:02d}", ""
                for k, line in enumerate(doc.lines):
                    line.buyer_part = f"SC{i:05d}{m:02d}-{k}"  # no call-off supersedes another
            else:
                doc = samples.despatch_advice(rnd, i)
                doc.number = f"SD{i:05d}{m:02d}"
                doc.sender = PartyId(scheme="ZZ", id=supplier)
            plant = rnd.choice(assignments[supplier])
            doc.supplier = Party(id=supplier, name=f"Demo Supplier {int(supplier[3:])} GmbH")
            doc.ship_to = Party(id=plant, plant=plant)
            docs.append(doc)
        sender = "OEMPLANTS" if calloffs else supplier
        data = codec.render(docs, RenderOptions(sender_id=sender, receiver_id="SUPPLIERHUB", control_ref=f"S{i:06d}", version="D:96A"))
        files.append({"user": "admin" if calloffs else f"bench-{supplier.lower()}", "data": data, "messages": messages, "kind": "DELFOR" if calloffs else "DESADV"})
    return files


# -- measuring ---------------------------------------------------------------------------------


def _cpu_seconds(stack: Stack) -> float:
    """CPU time used so far by the workers' process groups: work goes on while it grows."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for pgid in stack.worker_pgids():
        for pid in RssSampler(pgid).pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _busy(stack: Stack) -> int:
    """A progress marker that moves with every 5 s of worker CPU (idle workers move it rarely)."""
    return int(_cpu_seconds(stack) // 5)


def upload(web: str, token: str, data: bytes, session: Any = None) -> tuple[float, float, dict[str, Any]]:
    """POST one file; (time before, time after, the answer). BenchError unless 201/202."""
    import requests

    http = session or requests
    before = time.time()
    answer = http.post(f"{web}/api/v1/interchanges/", data=data, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/edifact"}, timeout=600)
    after = time.time()
    if answer.status_code not in (201, 202):
        raise BenchError(f"upload answered {answer.status_code}: {answer.text[:200]}")
    return before, after, answer.json()


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))] if values else float("nan")


def wait_interchanges(stack: Stack, ids: list[str], label: str) -> None:
    from hub.models import Interchange

    def probe() -> tuple[bool, Any]:
        stack.check_alive()
        done = Interchange.objects.filter(pk__in=ids, status__in=FINAL_INTERCHANGE).count()
        return done == len(ids), (f"{done} of {len(ids)} interchanges done", _busy(stack))

    wait_progress(label, probe, stall=stack.stall)


def wait_deliveries(stack: Stack, prefixes: tuple[str, ...], label: str, window: float | None) -> None:
    """Wait until every plant delivery of these documents is delivered, dead or superseded, or
    (with ``window``) until that many seconds passed: the rate is then taken over what arrived."""
    from django.db.models import Q

    from hub.models import Delivery

    mine = Q()
    for prefix in prefixes:
        mine |= Q(document_number__startswith=prefix)
    rows = Delivery.objects.filter(mine, recipient="plant")

    until = time.monotonic() + window if window else None

    def probe() -> tuple[bool, Any]:
        stack.check_alive()
        total = rows.count()
        final = rows.filter(status__in=FINAL_DELIVERY).count()
        return final == total or (until is not None and time.monotonic() > until), (f"{final} of {total} plant deliveries done", _busy(stack))

    wait_progress(label, probe, stall=stack.stall, every=0.5)


def drain(stack: Stack, window: float | None) -> int:
    """Leave the hub idle for the next phase: wait until every delivery (any recipient: the supplier
    portal copies and acknowledgements too) is final; after a ``--delivery-window``, set the open
    ones aside instead (status dead, so the next phase does not compete with this one's backlog).
    Returns how many were set aside."""
    from hub.models import Delivery

    open_rows = Delivery.objects.exclude(status__in=FINAL_DELIVERY)
    if window:
        from hub.celery import app

        aside = open_rows.update(status="dead", last_error="set aside by bench/ingest.py after its --delivery-window")
        app.control.purge()  # their tasks would still keep the workers busy in the next phase
        return aside

    def probe() -> tuple[bool, Any]:
        stack.check_alive()
        left = open_rows.count()
        return left == 0, (f"{left} deliveries still open (supplier copies, acknowledgements)", _busy(stack))

    try:
        wait_progress("draining", probe, stall=stack.stall, every=0.5)
    except BenchError as exc:
        # Nothing left to measure here: keep this phase's figures and go on without the backlog.
        log(f"{exc}; setting them aside")
        return drain(stack, window=1)
    return 0


def delivery_figures(stack: Stack, prefixes: tuple[str, ...], waited_until: float) -> dict[str, Any]:
    """Plant deliveries of these documents: created -> received by the plant (simulator's record).

    When not all arrived (``--delivery-window``), the rate counts up to ``waited_until``, the
    end of the wait, not to the last arrival."""
    from django.db.models import Q

    from hub.models import Delivery

    mine = Q()
    for prefix in prefixes:
        mine |= Q(document_number__startswith=prefix)
    rows = list(Delivery.objects.filter(mine, recipient="plant").values_list("idempotency_key", "created_at", "status"))
    created = {str(key): at.timestamp() for key, at, _status in rows}
    received: dict[str, float] = {}
    for line in stack.records():
        key = line.get("idempotency_key", "")
        if key in created and line.get("applied") and key not in received:
            received[key] = line["at"]
    statuses: dict[str, int] = {}
    for _key, _at, status in rows:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = [received[k] - created[k] for k in received]
    first_created = min(created.values()) if created else float("nan")
    last_received = max(received.values()) if received else float("nan")
    span = (last_received if len(received) == len(rows) else waited_until) - first_created
    return {
        "count": len(rows),
        "received": len(received),
        "statuses": statuses,
        "first_created": first_created,
        "last_received": last_received,
        "seconds": span,
        "rate": len(received) / span if received and span > 0 else 0.0,
        "p50": _pct(latencies, 0.5),
        "p99": _pct(latencies, 0.99),
    }


def corpus_phase(stack: Stack, token: str) -> dict[str, Any] | None:
    """Upload every file of the corpus (``MANIFEST.tsv``) and wait for each to end; outcome and time per family."""
    import csv

    import requests

    from hub.models import Interchange

    corpus = Path(os.environ.get("HUB_CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.is_file():
        log(f"corpus: no MANIFEST.tsv at {corpus} (set HUB_CORPUS_DIR); phase skipped")
        return None
    with manifest.open(newline="", encoding="utf-8") as fh:
        entries = list(csv.DictReader(fh, delimiter="\t"))
    log(f"corpus: uploading {len(entries)} real files from {corpus}")
    family_of: dict[str, str] = {}
    refused: dict[str, int] = {}
    for entry in entries:
        path = corpus / entry["file"]
        with path.open("rb") as fh:
            answer = requests.post(
                f"{stack.web}/api/v1/interchanges/", files={"file": (path.name, fh)}, headers={"Authorization": f"Bearer {token}"}, timeout=120
            )
        if answer.status_code >= 500:
            raise BenchError(f"corpus file {entry['file']}: the upload answered {answer.status_code}")
        if answer.status_code in (201, 202):
            family_of[answer.json()["id"]] = entry["family"]
        else:
            key = f"{entry['family']} {answer.status_code}"
            refused[key] = refused.get(key, 0) + 1
    wait_interchanges(stack, list(family_of), "corpus files")
    families: dict[str, dict[str, Any]] = {}
    for pk, status, received, processed, documents, errors in Interchange.objects.filter(pk__in=list(family_of)).values_list(
        "pk", "status", "received_at", "processed_at", "document_count", "errors"
    ):
        f = families.setdefault(family_of[str(pk)], {"files": 0, "statuses": {}, "documents": 0, "codes": {}, "seconds": []})
        f["files"] += 1
        f["statuses"][status] = f["statuses"].get(status, 0) + 1
        f["documents"] += documents or 0
        for error in (errors or [])[:1]:  # the first error says why the file ended so
            code = str(error.get("code") or "error") if isinstance(error, dict) else "error"
            f["codes"][code] = f["codes"].get(code, 0) + 1
        if processed:
            f["seconds"].append((processed - received).total_seconds())
    drain(stack, None)
    return {"files": len(entries), "families": families, "refused": refused}


def large_phase(stack: Stack, path: Path, n: int, token: str, window: float | None) -> dict[str, Any]:
    """Upload the large file, wait for its documents and their plant deliveries; the stage figures."""
    from django.db.models import Max

    from hub.models import Delivery, Interchange
    from orders.models import DeliverySchedule

    log(f"large file: uploading {path.stat().st_size / 1e6:.1f} MB, {n} messages")
    t0, t1, answer = upload(stack.web, token, path.read_bytes())
    ident = answer["id"]
    log(f"large file: interchange {ident} {answer.get('status')} after {t1 - t0:.1f} s; processing")

    def probe() -> tuple[bool, Any]:
        stack.check_alive()
        status = Interchange.objects.filter(pk=ident).values_list("status", flat=True).first()
        return status in FINAL_INTERCHANGE, (status, _busy(stack))

    wait_progress("large file", probe, stall=stack.stall)
    seen = time.time()
    ic = Interchange.objects.get(pk=ident)
    stored = DeliverySchedule.objects.filter(interchange_id=ident).count()
    errors = "; ".join(str(e.get("text", e))[:160] for e in (ic.errors or [])[:2])
    if stored != n:
        raise BenchError(f"the large file ended {ic.status} with {stored} of {n} call-offs stored: {errors}")
    if ic.status != "processed":
        # Its documents are all stored, yet the interchange says otherwise (e.g. a second
        # worker took the claim over and lost the race): measured, and reported as found.
        log(f"large file: all {n} call-offs stored, but the interchange ended {ic.status}: {errors}")
    # processed_at is stamped before the documents are written; the last delivery row
    # (written in the same transaction) bounds the commit from below as well.
    last_row = Delivery.objects.filter(document_number__startswith="BL").aggregate(m=Max("created_at"))["m"]
    committed = max(ic.processed_at.timestamp() if ic.status == "processed" else 0, last_row.timestamp() if last_row else 0)
    log("large file: documents committed; waiting for the plant deliveries")
    wait_deliveries(stack, ("BL",), "large file deliveries", window)
    d = delivery_figures(stack, ("BL",), time.time())
    d["set_aside"] = drain(stack, window)
    received = ic.received_at.timestamp()
    started = ic.processing_started_at.timestamp() if ic.processing_started_at else float("nan")
    return {
        "n": n,
        "bytes": path.stat().st_size,
        "upload_s": t1 - t0,
        "queue_s": started - received,
        "process_s": committed - started,
        "received_to_committed_s": committed - received,
        "upload_to_committed_s": committed - t0,
        "observed_s": seen - t0,
        "processed_at_minus_commit_s": committed - ic.processed_at.timestamp(),
        "status": ic.status if ic.status == "processed" else f"{ic.status} ({errors})",
        "deliveries": d,
        "upload_to_plant_s": d["last_received"] - t0,
    }


def small_phase(stack: Stack, files: list[dict[str, Any]], tokens: dict[str, str], clients: int, window: float | None) -> dict[str, Any]:
    """Upload the small files from ``clients`` threads at once; wait for documents and deliveries."""
    import requests

    from hub.models import Interchange

    local = threading.local()
    done = [0]
    lock = threading.Lock()

    def send(item: dict[str, Any]) -> tuple[float, float, str]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        before, after, answer = upload(stack.web, tokens[item["user"]], item["data"], local.session)
        with lock:
            done[0] += 1
        return before, after, answer["id"]

    messages = sum(f["messages"] for f in files)
    log(f"small files: uploading {len(files)} files ({messages} messages) from {clients} clients")
    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(send, f) for f in files]

        def probe() -> tuple[bool, Any]:
            stack.check_alive()
            failed = next((f for f in futures if f.done() and f.exception()), None)
            if failed is not None:
                raise failed.exception()
            return all(f.done() for f in futures), f"{done[0]} of {len(files)} uploaded"

        wait_progress("small files upload", probe, stall=stack.stall)
        results = [f.result() for f in futures]
    t0 = min(r[0] for r in results)
    t1 = max(r[1] for r in results)
    ids = [r[2] for r in results]
    wait_interchanges(stack, ids, "small files")
    rows = list(Interchange.objects.filter(pk__in=ids).values_list("status", "received_at", "processed_at", "document_count", "errors"))
    statuses: dict[str, int] = {}
    for status, *_ in rows:
        statuses[status] = statuses.get(status, 0) + 1
    for status, _r, _p, _c, errors in rows:
        if status != "processed":
            log(f"small files: one ended {status}: {'; '.join(str(e.get('text', e))[:160] for e in (errors or [])[:2])}")
            break
    committed = [p.timestamp() for s, _r, p, _c, _e in rows if s == "processed"]
    latencies = [p.timestamp() - r.timestamp() for s, r, p, _c, _e in rows if s == "processed"]
    documents = sum(c for s, _r, _p, c, _e in rows if s == "processed")
    first_received = min(r.timestamp() for _s, r, *_ in rows)
    log("small files: documents committed; waiting for the plant deliveries")
    wait_deliveries(stack, ("SC", "SD"), "small files deliveries", window)
    d = delivery_figures(stack, ("SC", "SD"), time.time())
    d["set_aside"] = drain(stack, window)
    return {
        "files": len(files),
        "messages": messages,
        "documents": documents,
        "statuses": statuses,
        "clients": clients,
        "upload_s": t1 - t0,
        "received_to_committed_s": max(committed) - first_received if committed else float("nan"),
        "upload_to_committed_s": max(committed) - t0 if committed else float("nan"),
        "file_p50": _pct(latencies, 0.5),
        "file_p99": _pct(latencies, 0.99),
        "deliveries": d,
        "upload_to_plant_s": d["last_received"] - t0,
    }


def translate_only(stack: Stack, path: Path) -> float:
    """Wall seconds of ``manage.py translate FILE`` (canonical JSON to /dev/null), no database."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "manage.py", "translate", str(path)], cwd=ROOT, env=stack.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise BenchError(f"manage.py translate exited {done.returncode}: {done.stderr.strip()[:200]}")
    return time.monotonic() - started


def supplier_tokens(stack: Stack, suppliers: list[str]) -> dict[str, str]:
    """One portal user and API token per supplier (through the hub's own token service)."""
    from suppliers.models import Supplier, User
    from suppliers.services import token_issue

    tokens = {}
    for number in suppliers:
        user, _ = User.objects.get_or_create(
            username=f"bench-{number.lower()}", defaults={"role": User.Role.SUPPLIER, "supplier": Supplier.objects.get(number=number), "email": f"bench-{number.lower()}@hub.example"}
        )
        tokens[user.username] = token_issue(user=user, name="bench")
    return tokens


# -- the report --------------------------------------------------------------------------------


def _rate(n: float, seconds: float) -> str:
    return f"{n / seconds:,.0f} msgs/s" if seconds and seconds > 0 else "n/a"


def _aside(d: dict[str, Any]) -> str:
    return f"; then {d['set_aside']} open deliveries (all recipients) set aside" if d.get("set_aside") else ""


def _to_plant(n: int, phase: dict[str, Any]) -> str:
    d = phase["deliveries"]
    if d["received"] < d["count"]:
        return f"  upload -> plant receipt            n/a: {d['received']} of {d['count']} plant deliveries arrived within the --delivery-window"
    return f"  upload -> plant receipt            {phase['upload_to_plant_s']:8.2f} s  {_rate(n, phase['upload_to_plant_s'])}"


def _corpus_lines(real: dict[str, Any] | None) -> list[str]:
    if real is None:
        return ["real files: the corpus was not found (HUB_CORPUS_DIR); not measured", ""]
    lines = [
        f"real files (the corpus, not written by us): {real['files']} files uploaded one at a time, admin token, multipart under their own names;"
        " their senders are not hub partners, so each is refused after its messages are read (module docstring)"
    ]
    for family, f in sorted(real["families"].items()):
        codes = ", ".join(f"{code} {n}" for code, n in sorted(f["codes"].items(), key=lambda kv: -kv[1]))
        lines.append(
            f"  {family:8} {f['files']:3d} files, {f['documents']:4d} documents, {f['statuses']}; received -> final p50 {_pct(f['seconds'], 0.5):.2f} s,"
            f" max {max(f['seconds'], default=float('nan')):.2f} s" + (f"; first error: {codes}" if codes else "")
        )
    if real["refused"]:
        lines.append(f"  refused at upload (4xx): {real['refused']}")
    return [*lines, ""]


def report(
    args: argparse.Namespace,
    stack: Stack,
    large: dict[str, Any],
    small: dict[str, Any],
    real: dict[str, Any] | None,
    translate_s: float,
    floor: float,
    rss: RssSampler,
    load: str,
) -> str:
    n = large["n"]
    ld, sd = large["deliveries"], small["deliveries"]
    target_large = n / large["upload_to_committed_s"]
    worst_delivery = min(ld["rate"], sd["rate"])
    met = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    lines = [
        f"ingest benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python {platform.python_version()}, load before {load}",
        f"stack: PostgreSQL, Redis, runserver --noreload, {args.workers} x celery prefork -c {args.concurrency}, plant_simulator (12 plants, latency 0 ms);"
        f" delivery window: {f'{args.delivery_window:g} s per phase, then the open deliveries are set aside' if args.delivery_window else 'none (every delivery awaited)'}",
        f"bare Celery rate (no-op task round trips, same broker and workers): {floor:,.0f} tasks/s",
        f"translate only (manage.py translate, same large file): {translate_s:.2f} s = {_rate(n, translate_s)}",
        "",
        f"large file: DELFOR, {n} messages, {large['bytes'] / 1e6:.1f} MB, one line, from OEMPLANTS, admin token; {n} call-offs stored,"
        f" interchange {large['status']}",
        f"  upload (POST until 201)            {large['upload_s']:8.2f} s  {_rate(n, large['upload_s'])}",
        *(
            [
                f"  received -> claimed (queue)        {large['queue_s']:8.2f} s",
                f"  claimed -> committed (processing)  {large['process_s']:8.2f} s  {_rate(n, large['process_s'])}",
            ]
            if large["status"] == "processed"
            else ["  received -> claimed -> committed: not split (a second claim overwrote processing_started_at)"]
        ),
        f"  received -> committed              {large['received_to_committed_s']:8.2f} s  {_rate(n, large['received_to_committed_s'])}",
        f"  upload -> committed                {large['upload_to_committed_s']:8.2f} s  {_rate(n, large['upload_to_committed_s'])}"
        f"  (seen by polling after {large['observed_s']:.2f} s; last delivery row {large['processed_at_minus_commit_s']:+.2f} s after processed_at)",
        f"  deliveries created -> plant        {ld['seconds']:8.2f} s  {ld['received']} of {ld['count']} plant deliveries = {ld['rate']:,.0f} /s"
        f" ({ld['rate'] / floor:.0%} of bare Celery); created -> receipt p50 {ld['p50']:.2f} s, p99 {ld['p99']:.2f} s; {ld['statuses']}{_aside(ld)}",
        _to_plant(n, large),
        "",
        f"small files: {small['files']} files, {small['messages']} messages (1-5 each; DELFOR from OEMPLANTS with the admin token,"
        f" DESADV from {args.suppliers} suppliers with their own tokens), {small['clients']} clients at once; {small['statuses']},"
        f" {small['documents']} documents",
        f"  upload (first POST to last 201)    {small['upload_s']:8.2f} s  {_rate(small['messages'], small['upload_s'])} ({small['files'] / small['upload_s']:,.0f} files/s)",
        f"  received -> committed              {small['received_to_committed_s']:8.2f} s  {_rate(small['messages'], small['received_to_committed_s'])}"
        f"; per file p50 {small['file_p50']:.2f} s, p99 {small['file_p99']:.2f} s",
        f"  upload -> committed                {small['upload_to_committed_s']:8.2f} s  {_rate(small['messages'], small['upload_to_committed_s'])}",
        f"  deliveries created -> plant        {sd['seconds']:8.2f} s  {sd['received']} of {sd['count']} plant deliveries = {sd['rate']:,.0f} /s"
        f" ({sd['rate'] / floor:.0%} of bare Celery); created -> receipt p50 {sd['p50']:.2f} s, p99 {sd['p99']:.2f} s; {sd['statuses']}{_aside(sd)}",
        _to_plant(small["messages"], small),
        "",
        *_corpus_lines(real),
        f"worker peak RSS: {rss.peak_process_kb / 1024:.0f} MB in one process, {rss.peak_group_kb / 1024:.0f} MB for the whole group",
        f"target: large file upload -> committed >= {TARGET_LARGE} msgs/s: {target_large:,.0f} msgs/s, {met(target_large >= TARGET_LARGE)}",
        f"target: one delivery per request >= {TARGET_FLOOR_SHARE:.0%} of bare Celery: {worst_delivery:,.0f} /s ="
        f" {worst_delivery / floor:.0%} (the slower of the two phases), {met(worst_delivery >= TARGET_FLOOR_SHARE * floor)}",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=DEFAULT_MESSAGES, help="messages in the large DELFOR")
    ap.add_argument("--small-files", type=int, default=DEFAULT_SMALL_FILES, help="small files of 1-5 messages")
    ap.add_argument("--suppliers", type=int, default=50, help="suppliers sending the small despatch advices, each with its own token")
    ap.add_argument("--clients", type=int, default=4, help="small files uploaded at once")
    ap.add_argument("--floor-tasks", type=int, default=2000, help="no-op tasks for the bare Celery rate")
    ap.add_argument("--workers", type=int, default=1, help="celery worker processes")
    ap.add_argument("--concurrency", type=int, default=2, help="prefork children per worker")
    ap.add_argument("--redis-db", type=int, default=None, help="Redis db to use (default: the first empty of 12, 13, 11, 10, 15)")
    ap.add_argument("--stall", type=float, default=180.0, help="fail when nothing progressed for this many seconds")
    ap.add_argument("--output", type=Path, default=None, help="where to write the figures (default: bench/results/ingest.txt for full-size runs)")
    ap.add_argument(
        "--delivery-window",
        type=float,
        default=None,
        help="stop waiting for each phase's plant deliveries after this many seconds and take the rate over those that arrived (default: wait for all)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the stack's logs")
    args = ap.parse_args()
    if args.messages < 1 or args.small_files < 1 or args.suppliers < 1:
        ap.error("--messages, --small-files and --suppliers must be at least 1")
    full = args.messages == DEFAULT_MESSAGES and args.small_files == DEFAULT_SMALL_FILES
    output = args.output or (RESULTS if full else QUICK_RESULTS)
    load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    started = time.monotonic()
    try:
        with Stack(workers=args.workers, concurrency=args.concurrency, redis_db=args.redis_db, keep=args.keep, stall=args.stall) as stack:
            django_setup()
            from suppliers.models import Supplier

            assignments = {s.number: sorted(p.code for p in s.plants.all()) for s in Supplier.objects.filter(number__startswith="SUP").prefetch_related("plants")}
            assignments = {k: v for k, v in assignments.items() if v}
            senders = sorted(assignments)[: args.suppliers]
            log(f"writing the files: a {args.messages}-message DELFOR and {args.small_files} small files")
            big = stack.tmp / "large-delfor.edi"
            big.write_bytes(large_delfor(args.messages, assignments))
            files = small_files(args.small_files, assignments, senders)
            tokens = {"admin": stack.token("admin"), **supplier_tokens(stack, senders)}
            stack.warm_up()
            rss = [RssSampler(pgid) for pgid in stack.worker_pgids()]
            for sampler in rss:
                sampler.start()
            log(f"bare Celery rate: {args.floor_tasks} no-op tasks")
            floor = stack.celery_floor(args.floor_tasks)
            log(f"  {floor:,.0f} tasks/s")
            large = large_phase(stack, big, args.messages, tokens["admin"], args.delivery_window)
            small = small_phase(stack, files, tokens, args.clients, args.delivery_window)
            real = corpus_phase(stack, tokens["admin"])
            for sampler in rss:
                sampler.stop()
            log("translate only: manage.py translate of the large file")
            translate_s = translate_only(stack, big)
            peak = max(rss, key=lambda s: s.peak_process_kb)
            peak.peak_group_kb = max(s.peak_group_kb for s in rss)
            text = report(args, stack, large, small, real, translate_s, floor, peak, load)
    except BenchError as exc:
        log(f"bench/ingest: {exc}")
        return 1
    except KeyboardInterrupt:
        log("bench/ingest: interrupted; the stack is down")
        return 130
    print(text, end="")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    log(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output} ({time.monotonic() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
