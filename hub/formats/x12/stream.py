"""Streaming X12 -> canonical JSON for ``manage.py translate`` (bounded memory, fast).

The same pattern as ``hub.formats.edifact.stream``: the file is read in chunks, cut at
the ISA-declared segment terminator with ``str.split``, and the raw segment strings of
each transaction set are collected between ST and SE. As soon as the SE arrives the set
is mapped and its JSON written, so memory stays at one set (and one chunk) whatever the
file size. An 830/862 is mapped straight from its raw strings to canonical JSON,
splitting each segment once and building no ``Segment`` object or dataclass.

The fast path covers well-formed interchanges. Anything it is not sure about goes
through the regular codec, so results are always the ones ``X12Codec().parse`` gives
(the Django ingest uses that), with the same positioned errors:

- a set of another type (850, 856, 997 ...), or an 830/862 with anything unusual in it
  (component or repetition separators in the body, cumulative quantities, a value the
  mapping cannot read ...), is parsed by the codec on its own, wrapped in its
  interchange's ISA and GS -- still set by set;
- anything wrong or unusual at the envelope level (junk or a BOM before the ISA, EBCDIC
  or non-ASCII bytes, a line-break terminator, NUL/SUB bytes, TA1, counts or control
  numbers that do not match, a reused set control number, a group version other than
  0040x/0050x, a second interchange) or any error at all raises ``Fallback``: the
  caller then parses the whole file with the codec, which reports every error exactly
  as before. Bad files cost a second pass; good ones never do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

from hub.formats import codes
from hub.formats.canonical import decimal_text, to_json
from hub.formats.errors import Envelope, FormatError
from hub.formats.x12 import syntax
from hub.formats.x12.envelope import ENVELOPE_TAGS, envelope_from_isa
from hub.formats.x12.messages.schedule import RECEIPT_REFS
from hub.formats.x12.tokenizer import _is_tag

CHUNK = 1 << 20
_CACHED = 20_000  # values kept per cache: enough for the repeats, bounded for any file size


class Fallback(Exception):
    """The fast path cannot vouch for this file: parse it whole with the codec."""


def _same_ref(a: str, b: str) -> bool:
    """What ``envelope._ref_error`` accepts: equal after stripping, or equal as numbers."""
    a, b = a.strip(), b.strip()
    return a == b or (a.isdigit() and b.isdigit() and int(a) == int(b))


def _counts(declared: str, actual: int) -> bool:
    """What ``envelope._count_error`` accepts."""
    return declared.strip().isdigit() and int(declared) == actual


def _get(parts: list[str], e: int) -> str:
    return parts[e] if e < len(parts) else ""


def _batches(fh, term: bytes, first: bytes) -> Iterator[tuple[list[str], bool]]:  # noqa: ANN001
    """Raw segments (stripped, blanks dropped, as ``tokenizer.tokens`` cuts them) per chunk.

    Chunks are cut after the last terminator (an ASCII byte), so each decodes on its own.
    Yields ``(segments, text)`` where ``text`` is the decoded chunk (for separator checks).
    """
    rest = first
    term_s = term.decode("ascii")
    while True:
        block = fh.read(CHUNK)
        data = rest + block if block else rest
        if not block:
            rest = b""
        else:
            cut = data.rfind(term) + 1
            if cut == 0:
                rest = data
                continue
            rest = data[cut:]
            data = data[:cut]
        if data:
            try:
                text = data.decode("ascii")
            except UnicodeDecodeError:
                raise Fallback("non-ASCII bytes") from None
            if "\x00" in text or "\x1a" in text:
                raise Fallback("NUL or SUB bytes")
            if "\n" in text or "\r" in text:
                text = text.replace("\r", "").replace("\n", "")
            yield [raw for raw in map(str.strip, text.split(term_s)) if raw], text
        if not block:
            return


def translate(fh, emit: Callable[[dict], None], head: bytes) -> list[str]:  # noqa: ANN001, C901, PLR0912, PLR0915
    """Read the X12 file ``fh`` (binary, at its start) and call ``emit`` with the canonical
    JSON of each document in file order. Returns the warnings; raises ``Fallback``."""
    for bom in syntax.BOMS:
        if head.startswith(bom):
            raise Fallback("byte order mark")
    at, encoding = syntax.find_start(head, len(head))
    if at != 0 or encoding != "ascii":
        raise Fallback("junk before the ISA, or EBCDIC")
    try:
        head_text = head.decode("ascii")
    except UnicodeDecodeError:
        raise Fallback("non-ASCII bytes") from None
    try:
        seps, isa, body_start = syntax.read_isa(head_text, 0)
    except FormatError:
        raise Fallback("ISA") from None
    term, elem, comp, rep = seps.segment, seps.element, seps.component, seps.repetition
    if term in "\r\n" or not term.isascii() or "\n" in head_text[:body_start] or "\r" in head_text[:body_start]:
        raise Fallback("line-break terminator or a wrapped ISA")
    fh.seek(body_start)
    isa_text = head_text[:body_start]
    env = envelope_from_isa(isa, seps)
    mapper = _Mapper(seps, env, isa_text)
    se_prefix = "SE" + elem

    group: str | None = None  # the GS raw text while a group is open
    group_ref = group_version = ""
    group_sets = groups = 0
    seen: dict[str, tuple[int, set[str]]] = {}  # group ref -> (last numeric set ref, other set refs)
    current: list[str] | None = None
    clean = True
    ended = False
    for batch, text in _batches(fh, term.encode("ascii"), b""):
        batch_clean = comp not in text and not (rep and rep in text)
        for raw in batch:
            if current is not None:
                current.append(raw)
                if raw.startswith(se_prefix):
                    st = current[0].split(elem)
                    se = raw.split(elem)
                    ref = st[2]
                    if not _counts(_get(se, 1), len(current)) or not _same_ref(_get(se, 2), ref):
                        raise Fallback("SE count or control number")
                    _unique(seen, group_ref, ref)
                    group_sets += 1
                    assert group is not None
                    mapper.set(current, st[1], ref, group, group_ref, group_version, clean and batch_clean, emit)
                    current = None
                continue
            if ended:
                raise Fallback("data after the IEA")
            tag = raw.partition(elem)[0]
            if comp in raw or (rep and rep in raw):
                raise Fallback("separators in an envelope segment")
            parts = raw.split(elem)
            if tag == "ST":
                if group is None or len(parts) < 3 or not parts[1] or not parts[2]:
                    raise Fallback("ST")
                current = [raw]
                clean = batch_clean
            elif tag == "GS":
                if group is not None:
                    raise Fallback("GS inside a group")
                group, group_ref = raw, _get(parts, 6)
                group_version = _get(parts, 8) or env.version
                if not group_version.startswith(("0040", "0050")):
                    raise Fallback("group version")
                group_sets = 0
                groups += 1
            elif tag == "GE":
                if group is None or not _counts(_get(parts, 1), group_sets) or not _same_ref(_get(parts, 2), group_ref):
                    raise Fallback("GE")
                group, group_ref, group_version = None, "", ""
            elif tag == "IEA":
                if group is not None or not _counts(_get(parts, 1), groups) or not _same_ref(_get(parts, 2), env.control_ref):
                    raise Fallback("IEA")
                ended = True
            else:
                raise Fallback(f"{tag} outside a transaction set")
    if not ended or current is not None:
        raise Fallback("truncated")
    return []


def _unique(seen: dict[str, tuple[int, set[str]]], group_ref: str, ref: str) -> None:
    """Hand over when a set control number repeats in its group (the codec warns about it).

    In bounded memory: numeric control numbers must rise within a group (as senders
    count them), so only the last one is kept; a numeric one that does not rise hands
    over. Others are kept in a set (they cannot equal a numeric one).
    """
    last, others = seen.get(group_ref) or (-1, set())
    if ref.isdigit() and ref.isascii():
        value = int(ref)
        if value <= last:
            raise Fallback("set control numbers that do not rise")
        seen[group_ref] = (value, others)
    elif ref in others:
        raise Fallback("a reused set control number")
    else:
        others.add(ref)
        seen[group_ref] = (last, others)


_EMPTY_PARTY = {"id": "", "name": "", "plant": "", "unloading_point": ""}


class _Mapper:
    """830/862 straight from raw segment strings to canonical JSON; other sets through the codec.

    Mirrors ``messages.schedule.read`` for the cases it handles and returns None for
    anything else, so the codec decides (and words the error, if there is one).
    tests/formats/test_x12_stream.py checks both give the same JSON.
    """

    def __init__(self, seps: syntax.Separators, env: Envelope, isa_text: str) -> None:
        self.seps = seps
        self.env = env
        self.isa_text = isa_text
        self.sender = {"scheme": env.sender.get("scheme", ""), "id": env.sender.get("id", "")}
        self.receiver = {"scheme": env.receiver.get("scheme", ""), "id": env.receiver.get("id", "")}
        self.numbers: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        self.units: dict[str, str] = {}
        self.tags: dict[str, bool] = {}

    def set(self, segments: list[str], set_type: str, ref: str, gs: str, group_ref: str, version: str, clean: bool, emit) -> None:  # noqa: ANN001, PLR0913
        """Map one transaction set (raw segments ST..SE) and emit its documents."""
        doc = None
        if clean and set_type in ("830", "862"):
            try:
                doc = self.schedule(segments, set_type, ref, version)
            except (ValueError, ArithmeticError, IndexError, KeyError):
                doc = None
        if doc is not None:
            emit(doc)
            return
        self.codec(segments, gs, group_ref, emit)

    def codec(self, segments: list[str], gs: str, group_ref: str, emit) -> None:  # noqa: ANN001
        """Parse one set with the codec, wrapped in its interchange's ISA and GS."""
        from hub.formats.x12.codec import X12Codec

        tags = self.tags
        elem, term = self.seps.element, self.seps.segment
        for raw in segments[1:-1]:
            tag = raw.partition(elem)[0]
            ok = tags.get(tag)
            if ok is None:
                ok = tags[tag] = _is_tag(tag) and tag not in ENVELOPE_TAGS
            if not ok:
                raise Fallback(f"segment tag {tag!r}")
        text = "".join(
            (self.isa_text, gs, term, term.join(segments), term, f"GE{elem}1{elem}{group_ref}", term, f"IEA{elem}1{elem}", self.env.control_ref, term)
        )
        result = X12Codec().parse(text.encode("ascii"))
        if result.all_errors or result.warnings or len(result.messages) != 1:
            raise Fallback("set with errors")
        for document in result.documents:
            emit(to_json(document))

    def number(self, raw: str) -> str:
        found = self.numbers.get(raw)
        if found is None:
            value = Decimal(raw.strip())  # InvalidOperation (an ArithmeticError) for junk
            if not value.is_finite():
                raise ValueError(raw)
            found = decimal_text(value)
            if len(self.numbers) < _CACHED:
                self.numbers[raw] = found
        return found

    def date(self, raw: str) -> str | None:
        """``common.date`` without a time: None when blank; ValueError when bad."""
        found = self.dates.get(raw)
        if found is None:
            if not raw.strip():
                return None
            found = codes.x12_date(raw.strip())
            if len(self.dates) < _CACHED:
                self.dates[raw] = found
        return found

    def schedule(self, segments: list[str], set_type: str, ref: str, version: str) -> dict | None:  # noqa: C901, PLR0912, PLR0915
        """Mirror of ``schedule.read`` for an 830 or 862 whose segments hold no component/repetition separators."""
        elem = self.seps.element
        jit = set_type == "862"
        number = ""
        issued: str | None = None
        quantities = "A"
        buyer = _EMPTY_PARTY
        supplier = _EMPTY_PARTY
        ship_to = _EMPTY_PARTY
        lines: list[dict] = []
        line: dict | None = None
        receipt: dict | None = None
        fst_date: str | None = None  # the FST a following JIT loop splits (its date, when it has one)
        fst_commitment = ""
        fst_open = False
        jits = 0
        tags = self.tags
        units = self.units
        numbers = self.numbers
        dates = self.dates
        commitments = codes.X12_FORECAST_TO_COMMITMENT
        for raw in segments[1:-1]:
            parts = raw.split(elem)
            tag = parts[0]
            n = len(parts)
            if tag == "FST":
                if line is None:
                    continue
                q = parts[1] if n > 1 else ""
                quantity = numbers.get(q) or self.number(q)
                commitment = commitments.get(parts[2].strip() if n > 2 else "")
                if commitment is None:
                    return None
                timing = parts[3].strip() if n > 3 else ""
                d = parts[4] if n > 4 else ""
                first = dates.get(d) or self.date(d)
                if first is None:
                    return None
                if timing in ("D", ""):
                    clock = parts[7].strip() if n > 7 else ""
                    if clock and clock.strip("0"):
                        first = f"{first}T{codes.x12_time(clock)}"
                    entry = {"quantity": quantity, "commitment": commitment, "date": first}
                    fst_date = first
                else:
                    end = self.date(parts[5] if n > 5 else "") or _period_end(first, timing)
                    entry = {"quantity": quantity, "commitment": commitment, "from": first}
                    if end is not None:
                        entry["to"] = end
                    fst_date = None
                line["schedule"].append(entry)
                fst_commitment = commitment
                fst_open = True
                receipt = None
                jits = 0
            elif tag == "BFR":
                number = (parts[3].strip() if n > 3 else "") or (parts[2].strip() if n > 2 else "")
                issued = self.date(parts[8] if n > 8 else "")
                quantities = parts[5].strip() if n > 5 else ""
            elif tag == "BSS":
                number = (parts[2].strip() if n > 2 else "") or (parts[7].strip() if n > 7 else "")
                issued = self.date(parts[3] if n > 3 else "")
                quantities = parts[11].strip() if n > 11 else ""
            elif tag == "N1":
                if line is None:
                    role = parts[1] if n > 1 else ""
                    found = {"id": (parts[4].strip() if n > 4 else ""), "name": (parts[2].strip() if n > 2 else ""), "plant": "", "unloading_point": ""}
                    if role in codes.X12_SHIP_TO_ROLES:
                        if role == "ST" or not ship_to["id"]:
                            ship_to = {"id": found["id"], "name": found["name"], "plant": found["id"], "unloading_point": ship_to["unloading_point"]}
                    elif role in codes.X12_BUYER_ROLES:
                        if role == "BY" or not buyer["id"]:
                            buyer = found
                    elif role in codes.X12_SUPPLIER_ROLES and (role in ("SU", "SE") or not supplier["id"]):
                        supplier = found
            elif tag == "LIN":
                first_ids: dict[str, str] = {}
                pairs = 0
                first_value = ""
                for e in range(2, n - 1, 2):
                    value = parts[e + 1].strip()
                    if value:
                        first_ids.setdefault(parts[e].strip(), value)
                        if not pairs:
                            first_value = value
                        pairs += 1
                found_parts = []
                for wanted in (codes.X12_BUYER_PART, codes.X12_SUPPLIER_PART, codes.X12_ORDER_REF):
                    got = ""
                    for qualifier in wanted:
                        if qualifier in first_ids:
                            got = first_ids[qualifier]
                            break
                    found_parts.append(got)
                buyer_part, supplier_part, order_number = found_parts
                if not buyer_part and not supplier_part and pairs:
                    buyer_part = first_value
                line = {
                    "buyer_part": buyer_part, "supplier_part": supplier_part, "description": "", "unit": "C62",
                    "order_number": order_number, "unloading_point": "", "cumulative_received": None,
                    "last_receipts": [], "schedule": [],
                }  # fmt: skip
                lines.append(line)
                receipt = None
                fst_open = False
                fst_date = None
            elif line is None:
                if tag == "REF" and n > 1 and parts[1] == "DK":
                    ship_to = {**ship_to, "unloading_point": parts[2].strip() if n > 2 else ""}
                elif not tags.get(tag, False) and not self._tag_ok(tag):
                    raise Fallback(f"segment tag {tag!r}")
            elif tag == "SHP":
                qualifier = parts[1].strip() if n > 1 else ""
                quantity = self.number(parts[2] if n > 2 else "")
                when = self.date(parts[4] if n > 4 else "")
                if qualifier == codes.X12_SHP_CUMULATIVE:
                    line["cumulative_received"] = {"quantity": quantity, "date": when}
                    receipt = None
                else:
                    receipt = {"delivery_note": "", "date": when, "quantity": quantity}
                    line["last_receipts"].append(receipt)
                fst_open = False
                fst_date = None
            elif tag == "REF":
                qualifier = parts[1].strip() if n > 1 else ""
                value = (parts[2].strip() if n > 2 else "") or (parts[3].strip() if n > 3 else "")
                if receipt is not None and qualifier in RECEIPT_REFS:
                    receipt["delivery_note"] = receipt["delivery_note"] or value
                elif qualifier in codes.X12_ORDER_REF:
                    line["order_number"] = line["order_number"] or value
                elif qualifier == "DK":
                    line["unloading_point"] = value
            elif tag == "UIT":
                code = parts[1] if n > 1 else ""
                unit = units.get(code)
                if unit is None:
                    unit = units[code] = codes.unit_to_rec20(code)
                line["unit"] = unit
            elif tag == "PID":
                line["description"] = line["description"] or (parts[5].strip() if n > 5 else "")
            elif tag == "JIT" and fst_open and fst_date:
                clock = parts[2].strip() if n > 2 else ""
                at = f"{fst_date[:10]}T{codes.x12_time(clock)}"
                entry = {"quantity": self.number(parts[1] if n > 1 else ""), "commitment": fst_commitment, "date": at}
                if jits == 0:
                    line["schedule"][-1] = entry
                else:
                    line["schedule"].append(entry)
                jits += 1
            elif tag == "ATH":
                if n > 3 and parts[3].strip():
                    self.number(parts[3])
            elif not tags.get(tag, False) and not self._tag_ok(tag):
                raise Fallback(f"segment tag {tag!r}")
        if quantities == "C":
            return None
        if not number and not jit and issued:
            number = f"{self.env.control_ref}-{ref}"
        if not number or not lines:
            return None
        return {
            "type": "delivery_schedule",
            "number": number,
            "issued": issued,
            "sender": self.sender,
            "receiver": self.receiver,
            "buyer": buyer,
            "supplier": supplier,
            "ship_to": ship_to,
            "source": {"format": "X12", "version": f"{set_type} {version}".strip(), "message_ref": ref, "interchange_ref": self.env.control_ref},
            "kind": "jit" if jit else "standard",
            "previous_number": "",
            "lines": lines,
        }

    def _tag_ok(self, tag: str) -> bool:
        ok = self.tags[tag] = _is_tag(tag) and tag not in ENVELOPE_TAGS
        return ok


def _period_end(first: str, timing: str) -> str | None:
    """``schedule._period_end``: the implied end of a weekly or monthly FST period."""
    day = dt.date.fromisoformat(first[:10])
    if timing == "W":
        return (day + dt.timedelta(days=6)).isoformat()
    if timing == "M":
        import calendar

        return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()
    return None
