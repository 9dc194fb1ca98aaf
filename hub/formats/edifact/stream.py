"""Streaming EDIFACT -> canonical JSON for ``manage.py translate`` (bounded memory, fast).

Why our own tokenizer (here and in ``tokenizer.py``) and not pydifact's: pydifact builds
a token object per character class and a Segment object per segment, and spends
about ten seconds on a 10 MB, 10,000-message DELFOR before any mapping is done. This
module reads the file in chunks, cuts it at segment terminators with ``str.split``
(the release character is only honoured where it occurs), collects each message's
raw segment strings between UNH and UNT and, as soon as UNT arrives, maps the message
and writes its JSON. A DELFOR/DELJIT message is mapped straight from its raw
strings to canonical JSON, splitting only the elements the mapping reads; memory
stays at one message (and one chunk) whatever the file size.

The fast path covers well-formed interchanges. Anything it is not sure about goes
through the regular codec, so results are always the ones ``EdifactCodec().parse``
gives (the Django ingest uses that), with the same positioned errors:

- a message of another type, or a DELFOR/DELJIT with anything unusual in it
  (release characters, syntax-4 repetitions, a date format other than 102/203, an
  unknown SCC code, a second ship-to, missing data ...), is parsed by the codec on its
  own (wrapped in its interchange's UNB/UNZ) -- still message by message;
- anything wrong or unusual at the envelope level (junk before UNB, UNG groups,
  counts or references that do not match, a second UNA, decoding warnings) or any
  error at all raises ``Fallback``: the caller then parses the whole file with the
  codec, which reports every error exactly as before. Bad files cost a second pass
  (and the memory of a full parse); good ones never do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation

from hub.formats import codes
from hub.formats.canonical import to_json
from hub.formats.edifact import syntax
from hub.formats.edifact.envelope import _envelope_from_unb, _prepared
from hub.formats.edifact.tokenizer import tokenize
from hub.formats.errors import Envelope

CHUNK = 1 << 20
_TRIM = " \t\r\n\x00\x1a"


class Fallback(Exception):
    """The fast path cannot vouch for this file: parse it whole with the codec."""


def _chunks(fh, size: int = CHUNK) -> Iterator[bytes]:  # noqa: ANN001
    while True:
        block = fh.read(size)
        if not block:
            return
        yield block


def _texts(blocks: Iterable[bytes], ident: str, charset: str, term: bytes) -> Iterator[str]:
    """Decode byte blocks cut after a segment terminator (an ASCII byte, never inside a
    multi-byte character), so each piece decodes on its own exactly as the whole would."""
    rest = b""
    for block in blocks:
        data = rest + block
        cut = data.rfind(term) + 1
        if cut == 0:
            rest = data
            continue
        rest = data[cut:]
        text, warnings = syntax.decode(data[:cut], ident, charset)
        if warnings:
            raise Fallback("charset")
        yield text
    if rest:
        text, warnings = syntax.decode(rest, ident, charset)
        if warnings:
            raise Fallback("charset")
        yield text


def _batches(texts: Iterable[str], seps: syntax.Separators) -> Iterator[tuple[list[str], bool]]:
    """Cut decoded text into lists of trimmed raw segments, honouring the release character.

    Yields ``(segments, clean)`` per chunk; ``clean`` means no release character occurs
    in them, so a mapping may split at separators without unescaping.
    """
    term, rel = seps.segment, seps.release
    carry = ""
    pattern = None
    noisy = None
    for text in texts:
        text = text.replace("\r", "").replace("\n", "")
        if carry:
            text = carry + text
        clean = not (rel and rel in text)
        if clean:
            pieces = text.split(term)
            carry = pieces.pop()
        else:
            if pattern is None:
                pattern = re.compile(f"((?:[^{re.escape(rel + term)}]|{re.escape(rel)}.)*)({re.escape(term)}|$)", re.S)
            pieces = []
            carry = ""
            for match in pattern.finditer(text):
                if match.end() == match.start():
                    break
                if match.group(2):
                    pieces.append(match.group(1))
                else:
                    carry = match.group(1)
        if noisy is None:
            layout = "[ \\t\\x00\\x1a]"
            noisy = re.compile(f"{re.escape(term)}{layout}|{layout}{re.escape(term)}|{re.escape(term)}{re.escape(term)}|^{layout}")
        if not clean or noisy.search(text) or "" in pieces:
            pieces = [p for p in (raw.strip(_TRIM) for raw in pieces) if p]
            if rel and any(p.endswith(rel) for p in pieces):
                raise Fallback("escaped blank at a segment end")
        yield pieces, clean
    carry = carry.strip(_TRIM)
    if carry:
        if rel and carry.endswith(rel):
            raise Fallback("escaped blank at a segment end")
        yield [carry], not (rel and rel in carry)


def translate(fh, emit: Callable[[dict], None], head: bytes) -> list[str]:  # noqa: ANN001, C901
    """Read the EDIFACT file ``fh`` (binary, at its start) and call ``emit`` with the canonical
    JSON of each document in file order. Returns the warnings; raises ``Fallback``."""
    if head.startswith(b"\xef\xbb\xbf"):
        fh.read(3)
        head = head[3:]
    if not head.startswith((b"UNA", b"UNB")):
        raise Fallback("junk before the interchange")
    ident, charset = syntax.syntax_charset(head)
    seps = syntax.DEFAULT
    blocks = _chunks(fh)
    if head.startswith(b"UNA"):
        first = fh.read(9)
        try:
            seps = syntax.read_una(first.decode("latin-1"))
        except ValueError:
            raise Fallback("UNA") from None
    if seps.segment in "\r\n" or seps.segment == " ":
        raise Fallback("line-break terminator")
    if not seps.segment.isascii():
        raise Fallback("non-ASCII terminator")
    term = seps.segment
    elem = seps.element
    interchange_raw = ""
    env: Envelope | None = None
    counted = 0
    message: list[str] | None = None
    mapper = _Mapper(seps)
    interchanges = 0
    clean = True
    for batch, batch_clean in _batches(_texts(blocks, ident, charset, term.encode("ascii")), seps):
        clean = clean and batch_clean
        for raw in batch:
            if message is not None:
                message.append(raw)
                if not raw.startswith("UN"):
                    continue
                tag = raw[:3]
                if tag == "UNT" and raw[3:4] == elem:
                    counted += 1
                    assert env is not None
                    _message(message, env, seps, interchange_raw, mapper, emit, term, clean)
                    message = None
                    clean = batch_clean
                elif tag in _SERVICE and raw[3:4] in (elem, ""):
                    raise Fallback("envelope segment inside a message")
                continue
            tag = raw[:3]
            if tag == "UNA":
                raise Fallback("a second UNA")
            if raw[3:4] not in (elem, ""):
                raise Fallback("segment outside a message")
            if tag == "UNH" and env is not None:
                message = [raw]
                clean = batch_clean
            elif tag == "UNB" and env is None and (interchanges == 0 or seps == syntax.DEFAULT):
                interchanges += 1
                seg = next(tokenize(raw + term, seps))
                env = _envelope_from_unb(seg, seps)
                if _prepared(seg)[1] is not None:
                    raise Fallback("UNB date")
                interchange_raw, counted = raw, 0
            elif tag == "UNZ" and env is not None:
                seg = next(tokenize(raw + term, seps))
                declared = seg.get(1)
                if not declared.isdigit() or int(declared) != counted or seg.get(2) != env.control_ref:
                    raise Fallback("UNZ count or reference")
                env = None
            else:
                raise Fallback(f"{tag} outside a message")
    if message is not None or env is not None:
        raise Fallback("truncated")
    return []


_SERVICE = ("UNA", "UNB", "UNG", "UNH", "UNE", "UNZ")


def _message(segments: list[str], env: Envelope, seps: syntax.Separators, unb: str, mapper: _Mapper, emit, term: str, clean: bool) -> None:  # noqa: ANN001, PLR0913
    """Map one message (raw segments UNH..UNT): the fast DELFOR/DELJIT mapping, else the codec."""
    doc = mapper.read(segments, env, clean)
    if doc is not None:
        emit(doc)
        return
    from hub.formats.edifact.codec import EdifactCodec

    una = seps.as_una()
    text = una + unb + term + term.join(segments) + term + f"UNZ{seps.element}1{seps.element}{env.control_ref}" + term
    ident, charset = syntax.syntax_charset(unb.encode("latin-1", "replace"))
    try:
        data = text.encode(charset)
    except (UnicodeEncodeError, LookupError):
        raise Fallback("re-encoding") from None
    result = EdifactCodec().parse(data)
    if result.all_errors or result.warnings:
        raise Fallback("message with errors")
    for document in result.documents:
        emit(to_json(document))


class _Mapper:
    """DELFOR/DELJIT straight from raw segment strings to canonical JSON.

    Mirrors ``messages.delfor.read_schedule`` for the cases it handles and returns None
    for anything else, so the codec decides (and words the error, if there is one).
    tests/formats/test_stream.py checks both give the same JSON.
    """

    def __init__(self, seps: syntax.Separators) -> None:
        self.seps = seps
        self.dates: dict[tuple[str, str], tuple[str | None, str | None, str | None]] = {}
        self.numbers: dict[str, str] = {}
        self.units: dict[str, str] = {}
        self.dtm_cache: dict[str, tuple[str, str | None, str | None, str | None]] = {}
        self.qty_cache: dict[str, tuple[str, str, str]] = {}

    def date(self, comps: list[str]) -> tuple[str, str | None, str | None, str | None] | None:
        value = comps[1] if len(comps) > 1 else ""
        fmt = (comps[2] if len(comps) > 2 else "") or "102"
        key = (value, fmt)
        found = self.dates.get(key)
        if found is None:
            if fmt not in ("102", "203"):
                return None
            try:
                found = codes.edifact_date(value, fmt)
            except ValueError:
                return None
            self.dates[key] = found
        return (comps[0], *found)

    def number(self, raw: str) -> str | None:
        found = self.numbers.get(raw)
        if found is None:
            mark = self.seps.decimal
            text = raw.replace(mark, ".") if mark != "." else raw
            if mark != "," and "," in text:
                text = text.replace(",", ".")
            try:
                value = Decimal(text)
            except InvalidOperation:
                return None
            if not value.is_finite():
                return None
            found = codes_decimal_text(value)
            if len(self.numbers) < 100_000:
                self.numbers[raw] = found
        return found

    def read(self, segments: list[str], env: Envelope, clean: bool = False) -> dict | None:  # noqa: C901, PLR0911, PLR0912, PLR0915
        seps = self.seps
        elem, comp = seps.element, seps.component
        if (not clean and seps.release and any(seps.release in s for s in segments)) or (
            seps.repetition.strip() and any(seps.repetition in s for s in segments)
        ):
            return None
        unh = segments[0].split(elem)
        if len(unh) < 3:
            return None
        ref = unh[1].split(comp)[0]
        ident = unh[2].split(comp)
        msg_type = ident[0]
        if msg_type not in ("DELFOR", "DELJIT") or not ref:
            return None
        unt = segments[-1].split(elem)
        if len(unt) < 3 or unt[2] != ref or unt[1] != str(len(segments)):
            return None
        jit = msg_type == "DELJIT"
        delivery = codes.DTM_JIT_DELIVERY if jit else codes.DTM_DELIVERY
        period_start = codes.DTM_JIT_PERIOD_START if jit else codes.DTM_PERIOD_START
        period_end = codes.DTM_JIT_PERIOD_END if jit else codes.DTM_PERIOD_END
        schedule_qty = codes.QTY_JIT if jit else codes.QTY_SCHEDULE
        directory = "".join(ident[1:3])
        number = ""
        issued = None
        previous = ""
        buyer = supplier = None
        ship_to = {"id": "", "name": "", "plant": "", "unloading_point": ""}
        ship_to_seen = False
        lines: list[dict] = []
        line: dict | None = None
        item: dict | None = None
        receipt: dict | None = None
        cumulative: dict | None = None
        context = ""
        commitment = "firm"
        last_tag = ""
        scc_levels = codes.SCC_TO_COMMITMENT

        dtms = self.dtm_cache
        qtys = self.qty_cache
        for raw in segments[1:-1]:
            tag = raw[:3]
            if tag == "DTM":
                found = dtms.get(raw)
                if found is None:
                    parts = raw.split(elem)
                    found = self.date(parts[1].split(comp)) if len(parts) > 1 and len(parts[0]) == 3 else None
                    if found is None:
                        return None
                    if len(dtms) < 100_000:
                        dtms[raw] = found
                qualifier, day, start, end = found
                if line is None:
                    if qualifier == "137":
                        issued = day or start
                elif context == "schedule" and item is not None:
                    if qualifier in delivery:
                        item["date"], item["from"], item["to"] = day, start, end
                    elif qualifier in period_start:
                        item["from"] = day or start
                    elif qualifier in period_end:
                        item["to"] = day or end
                elif context == "cumulative" and cumulative is not None:
                    if qualifier in ("51", "52"):
                        cumulative["date"] = day or start
                elif context == "receipt" and receipt is not None and qualifier in codes.DTM_RECEIPT:
                    receipt["date"] = day or start
                last_tag = tag
                continue
            if tag == "QTY":
                if line is None:
                    continue  # header or summary quantities carry no part (and, as in delfor.read, leave last_tag)
                found_qty = qtys.get(raw)
                if found_qty is None:
                    parts = raw.split(elem)
                    if parts[0] != "QTY":
                        return None
                    comps = parts[1].split(comp) if len(parts) > 1 else [""]
                    quantity = self.number(comps[1] if len(comps) > 1 else "")
                    if quantity is None:
                        return None
                    unit = comps[2] if len(comps) > 2 else ""
                    found_qty = (comps[0], quantity, codes.unit_to_rec20(unit) if unit else "")
                    if len(qtys) < 100_000:
                        qtys[raw] = found_qty
                qualifier, quantity, rec20 = found_qty
                if qualifier in schedule_qty:
                    item = {"quantity": quantity, "commitment": commitment, "date": None, "from": None, "to": None}
                    line["schedule"].append(item)
                    context = "schedule"
                    if rec20:
                        line["unit"] = rec20
                elif qualifier == "70":
                    cumulative = {"quantity": quantity, "date": None}
                    line["cumulative_received"] = cumulative
                    context = "cumulative"
                elif qualifier == "48":
                    receipt = {"delivery_note": "", "date": None, "quantity": quantity}
                    line["last_receipts"].append(receipt)
                    context = "receipt"
                else:
                    context = ""
                last_tag = tag
                continue
            parts = raw.split(elem)
            tag = parts[0]
            if tag == "SCC":
                code = parts[1].split(comp)[0] if len(parts) > 1 else ""
                level = scc_levels.get(code)
                if level is None:
                    return None
                commitment = level
                if last_tag == "QTY" and context == "schedule" and item is not None:
                    item["commitment"] = level
            elif tag == "RFF":
                comps = parts[1].split(comp) if len(parts) > 1 else [""]
                qualifier, value = comps[0], (comps[1] if len(comps) > 1 else "")
                if qualifier == "AIF":
                    previous = value
                elif qualifier == "ON" and line is not None:
                    line["order_number"] = value
                elif qualifier in ("AAU", "AAK", "DQ") and receipt is not None:
                    receipt["delivery_note"] = value
            elif tag == "LIN":
                line = {
                    "buyer_part": "", "supplier_part": "", "description": "", "unit": "C62", "order_number": "",
                    "unloading_point": "", "cumulative_received": None, "last_receipts": [], "schedule": [],
                }  # fmt: skip
                lines.append(line)
                item = receipt = cumulative = None
                context = ""
                commitment = "firm"
                comps = parts[3].split(comp) if len(parts) > 3 else [""]
                part, kind = comps[0], (comps[1] if len(comps) > 1 else "")
                if kind == "SA":
                    line["supplier_part"] = part
                else:
                    line["buyer_part"] = part
            elif tag == "PIA":
                if line is not None:
                    for element in parts[2:]:
                        comps = element.split(comp)
                        part, kind = comps[0], (comps[1] if len(comps) > 1 else "")
                        if not part:
                            continue
                        if kind == "SA":
                            line["supplier_part"] = line["supplier_part"] or part
                        elif kind in ("IN", "BP", ""):
                            line["buyer_part"] = line["buyer_part"] or part
            elif tag == "IMD":
                if line is not None:
                    comps = parts[3].split(comp) if len(parts) > 3 else [""]
                    text = (comps[3] if len(comps) > 3 else "") or comps[0]
                    line["description"] = line["description"] or text
            elif tag == "NAD":
                role = parts[1].split(comp)[0] if len(parts) > 1 else ""
                pid = parts[2].split(comp)[0] if len(parts) > 2 else ""
                name = (parts[4].split(comp)[0] if len(parts) > 4 else "") or (parts[3].split(comp)[0] if len(parts) > 3 else "")
                if role in ("BY", "MI") and (role == "BY" or buyer is None or not buyer["id"]):
                    buyer = {"id": pid, "name": name, "plant": "", "unloading_point": ""}
                elif role in ("SE", "SU"):
                    supplier = {"id": pid, "name": name, "plant": "", "unloading_point": ""}
                elif role in ("ST", "CN"):
                    if ship_to_seen and ship_to["id"] and pid != ship_to["id"]:
                        return None
                    ship_to_seen = True
                    ship_to = {"id": pid, "name": name, "plant": pid, "unloading_point": ""}
                    line = None
            elif tag == "LOC":
                if len(parts) > 1 and parts[1].split(comp)[0] in ("11", "159"):
                    point = parts[2].split(comp)[0] if len(parts) > 2 else ""
                    if line is None:
                        ship_to["unloading_point"] = ship_to["unloading_point"] or point
                    else:
                        line["unloading_point"] = line["unloading_point"] or point
            elif tag == "BGM":
                c1 = parts[1].split(comp) if len(parts) > 1 else [""]
                number = (parts[2].split(comp)[0] if len(parts) > 2 else "") or (c1[1] if len(c1) > 1 else "")
            elif tag == "UNS":
                if len(parts) > 1 and parts[1].split(comp)[0] == "S":
                    line = None
                    context = ""
            elif len(tag) != 3 or not tag.isalnum() or not (tag.isupper() or tag.isdigit()) or tag in _SERVICE or tag == "UNT":
                return None
            last_tag = tag

        if not number or not lines:
            return None
        for entry_line in lines:
            if not (entry_line["buyer_part"] or entry_line["supplier_part"]):
                return None
            schedule = entry_line["schedule"]
            for index, entry in enumerate(schedule):
                if not (entry["date"] or entry["from"] or entry["to"]):
                    return None
                schedule[index] = {k: v for k, v in entry.items() if v is not None}
        empty = {"id": "", "name": "", "plant": "", "unloading_point": ""}
        return {
            "type": "delivery_schedule",
            "number": number,
            "issued": issued,
            "sender": {"scheme": env.sender.get("scheme", ""), "id": env.sender.get("id", "")},
            "receiver": {"scheme": env.receiver.get("scheme", ""), "id": env.receiver.get("id", "")},
            "buyer": buyer or empty,
            "supplier": supplier or dict(empty),
            "ship_to": ship_to,
            "source": {"format": "EDIFACT", "version": f"{msg_type} {directory}", "message_ref": ref, "interchange_ref": env.control_ref},
            "kind": "jit" if jit else "standard",
            "previous_number": previous,
            "lines": lines,
        }


def codes_decimal_text(value: Decimal) -> str:
    """``canonical.decimal_text``, kept local for speed of lookup."""
    from hub.formats.canonical import decimal_text

    return decimal_text(value)


def dumps(doc: dict) -> str:
    """One document as the canonical JSON line ``translate`` writes."""
    return json.dumps(doc, ensure_ascii=False)
