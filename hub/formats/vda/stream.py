"""Streaming VDA 4905/4915/4913 -> canonical JSON for ``manage.py translate`` (bounded memory, fast).

The same pattern as ``hub.formats.edifact.stream``: the file is read in chunks cut after
a line break, decoded (ISO-8859-1) and split into 128-character records. Each call-off
(512 or 552 with the records that follow it) or delivery note (713 with its 714/715/716,
under the transport data of its 712) is mapped straight from its record texts to
canonical JSON as soon as the next one or the trailer arrives, slicing only the fields
the mapping reads, with no ``Record`` object or dataclass per record. Memory stays at
one document (and one chunk) whatever the file size.

The fast path covers well-formed transmissions. Anything it is not sure about raises
``Fallback`` and the caller parses the whole file with ``VdaCodec().parse``, so the
result and every positioned error are exactly the codec's: a BOM, a line that is no
whole number of records (a blank-trimmed shorter one is padded and a long line of
whole records cut, as the codec does), a Ctrl-Z, a record version other than the
layout's, a record type without a layout (717/718), a record out of order, a trailer
count that does not match or is blank, a call-off or delivery note without a number,
any field the mapping cannot read. Bad files cost a second pass; good ones never do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from hub.formats import codes
from hub.formats.canonical import decimal_text
from hub.formats.vda import layouts as L
from hub.formats.vda.despatch import MAX_LABEL_RANGE
from hub.formats.vda.records import RECORD_LENGTH

CHUNK = 1 << 20
_CACHED = 20_000  # values kept per cache: enough for the repeats, bounded for any file size


class Fallback(Exception):
    """The fast path cannot vouch for this file: parse it whole with the codec."""


def _cut(layout: L.Layout, name: str) -> slice:
    f = layout.by_name[name]
    return slice(f.start - 1, f.end - 1)


def _records(fh) -> Iterator[list[str]]:  # noqa: ANN001
    """The records of the file, chunk by chunk, as ``records.split_records`` cuts them."""
    rest = b""
    while True:
        block = fh.read(CHUNK)
        if block:
            data = rest + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) > 4 * CHUNK:
                    raise Fallback("no line breaks")
                rest = data
                continue
            rest = data[cut:]
            data = data[:cut]
        else:
            data, rest = rest, b""
        if data:
            text = data.decode("iso8859_1")
            if "\x1a" in text:
                raise Fallback("Ctrl-Z")
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            lines = text.split("\n")
            if all(len(line) == RECORD_LENGTH for line in lines[:-1]) and not lines[-1]:
                lines.pop()
                yield lines
            else:
                out = []
                for line in lines:
                    if not line.strip():
                        continue
                    if len(line) > RECORD_LENGTH and len(line.rstrip(" ")) <= RECORD_LENGTH:
                        line = line.rstrip(" ")
                    if len(line) <= RECORD_LENGTH:
                        out.append(line.ljust(RECORD_LENGTH))
                        continue
                    if len(line) % RECORD_LENGTH:
                        raise Fallback("a line that is no whole number of records")
                    for at in range(0, len(line), RECORD_LENGTH):
                        piece = line[at : at + RECORD_LENGTH]
                        if at and not piece.strip():
                            continue
                        out.append(piece)
                yield out
        if not block:
            return


def translate(fh, emit: Callable[[dict], None], head: bytes) -> list[str]:  # noqa: ANN001, C901, PLR0912
    """Read the VDA file ``fh`` (binary, at its start) and call ``emit`` with the canonical
    JSON of each document in file order. Returns the warnings; raises ``Fallback``."""
    if head.startswith(b"\xef\xbb\xbf"):
        raise Fallback("byte order mark")
    families = L.FAMILIES
    known = _KNOWN
    family: L.Family | None = None
    follows: dict[str, frozenset[str]] = {}
    counts: dict[str, int] = {}
    last = ""
    mapper: _CallOffs | _Despatch | None = None
    seen = False
    for batch in _records(fh):
        for text in batch:
            seen = True
            rtype = known.get(text[:5])
            if rtype is None:
                raise Fallback(f"record {text[:5]!r}: no layout, or another version")
            if family is None:
                family = families.get(rtype)
                if family is None:
                    raise Fallback("a record before the header")
                mapper = _Despatch(text, emit) if family.name == "4913" else _CallOffs(family.name, text, emit)
                follows = family.follows
                counts = dict.fromkeys(family.types, 0)
                counts[rtype] = 1
                last = rtype
                continue
            if rtype not in follows.get(last, ()):
                raise Fallback(f"record {rtype} after {last}")
            counts[rtype] += 1
            last = rtype
            assert mapper is not None
            if rtype == family.trailer:
                mapper.finish()
                _trailer(text, rtype, counts)
                family, mapper = None, None
                continue
            mapper.record(rtype, text)
    if family is not None or not seen:
        raise Fallback("no trailer, or no record")
    return []


# "type" + "version" of every record with a layout -> its type
_KNOWN = {lay.type + lay.version: lay.type for lay in L.LAYOUTS.values()}
# trailer type -> (field slice, counted record type) for each counter
_COUNTERS = {
    fam.trailer: [(_cut(L.LAYOUTS[fam.trailer], f.name), f.name.removeprefix("count_")) for f in L.LAYOUTS[fam.trailer].fields if f.name.startswith("count_")]
    for fam in L.FAMILIES.values()
}


_WRITTEN: dict[tuple, str] = {}  # (trailer type, *counts) -> the counters as a writer zero-fills them


def _trailer(text: str, rtype: str, counts: dict[str, int]) -> None:
    """``VdaCodec._trailer`` without a fault: every counter given and right (a blank one hands over)."""
    key = (rtype, *counts.values())
    written = _WRITTEN.get(key)
    if written is None:
        written = "".join(f"{counts.get(counted, 0):07d}" for _, counted in _COUNTERS[rtype])  # counters are 7 wide from column 6
        if len(_WRITTEN) < 10_000:
            _WRITTEN[key] = written
    if text[5 : 5 + len(written)] == written:
        return
    for cut, counted in _COUNTERS[rtype]:
        raw = text[cut].strip()
        if not raw or not raw.isdigit() or not raw.isascii() or int(raw) != counts.get(counted, 0):
            raise Fallback("trailer counts")


_NUMBERS: dict[str, str] = {}


def _number(raw: str) -> str:
    """``Record.int_of`` as canonical decimal text; Fallback for anything but digits."""
    found = _NUMBERS.get(raw)
    if found is None:
        text = raw.strip()
        if not text:
            found = "0"
        elif not text.isdigit() or not text.isascii():
            raise Fallback("not a number")
        else:
            found = str(int(text))
        if len(_NUMBERS) < _CACHED:
            _NUMBERS[raw] = found
    return found


_DATES: dict[str, tuple[str, str | None, str | None, str | None]] = {}


def _vda_date(raw: str) -> tuple[str, str | None, str | None, str | None]:
    found = _DATES.get(raw)
    if found is None:
        try:
            found = codes.vda_date(raw)
        except ValueError:
            raise Fallback("date") from None
        if len(_DATES) < _CACHED:
            _DATES[raw] = found
    return found


_DAYS: dict[str, str | None] = {}
_MISSING: Any = object()


def _date(raw: str) -> str | None:
    """``common.read_date``: zero or blank gives None; a special or bad value hands over."""
    day = _DAYS.get(raw, _MISSING)
    if day is _MISSING:
        if raw == "000000" or not raw.strip():
            day = None
        else:
            kind, day, _, _ = _vda_date(raw)
            if kind != "day":
                raise Fallback("not a calendar date")
        if len(_DAYS) < _CACHED:
            _DAYS[raw] = day
    return day


def _horizon(raw: str) -> str | None:
    """``common.read_horizon``."""
    kind, day, _, end = _vda_date(raw)
    if kind == "end":
        return None
    if kind not in ("day", "week", "month"):
        raise Fallback("horizon")
    return day or end


# Field slices the mapping reads, per record type.
_H = {
    t: {n: _cut(L.LAYOUTS[t], n) for n in L.LAYOUTS[t].by_name}
    for t in ("511", "551", "711", "512", "552", "513", "515", "553", "555", "517", "556", "712", "713", "714", "715")
}
_SLOTS_513 = [(_cut(L.R513, f"slot{n}_date"), _cut(L.R513, f"slot{n}_qty"), None) for n in range(1, 6)]
_SLOTS_514 = [(_cut(L.R514, f"slot{n}_date"), _cut(L.R514, f"slot{n}_qty"), None) for n in range(1, 9)]
_SLOTS_554 = [(_cut(L.R554, f"slot{n}_date"), _cut(L.R554, f"slot{n}_qty"), _cut(L.R554, f"slot{n}_time")) for n in range(1, 7)]
_TEXTS = [_cut(L.R518, f"text{n}") for n in (1, 2, 3)]  # 518, 557 and 716 share the layout


class _CallOffs:
    """One 4905/4915 transmission: mirrors ``calloff.Reader4905``/``Reader4915``, emitting JSON per call-off."""

    def __init__(self, family: str, header: str, emit: Callable[[dict], None]) -> None:
        h = _H["511" if family == "4905" else "551"]
        self.family = family
        self.jit = family == "4915"
        self.emit = emit
        customer = header[h["customer"]].rstrip().strip()
        supplier = header[h["supplier"]].rstrip().strip()
        self.transmission = _number(header[h["transmission_new"]])
        _number(header[h["transmission_old"]])
        _date(header[h["transmission_date"]])
        self.sender = {"scheme": "VDA", "id": customer}
        self.receiver = {"scheme": "VDA", "id": supplier}
        self.customer, self.supplier = customer, supplier
        self.doc: dict | None = None
        self.line: dict | None = None
        self.slots: list[tuple[str, str, str | None]] = []
        self.texts: list[str] = []
        self.production_to: str | None = None
        self.material_to: str | None = None

    def record(self, rtype: str, text: str) -> None:  # noqa: C901, PLR0912
        if rtype == "512" or rtype == "552":
            self.finish()
            self.start(rtype, text)
            return
        line = self.line
        if line is None:
            raise Fallback("a call-off record is missing")
        if rtype == "513":
            h = _H["513"]
            receipt, total = self.receipt(text, h["receipt_date"], h["receipt_note"], h["receipt_qty"], h["cumulative"])
            _date(text[h["receipt_despatch_date"]])
            line["last_receipts"] = [receipt] if receipt else []
            line["cumulative_received"] = total
            self.slots += [(text[d], text[q], None) for d, q, _ in _SLOTS_513]
        elif rtype == "514":
            self.slots += [(text[d], text[q], None) for d, q, _ in _SLOTS_514]
        elif rtype == "554":
            self.slots += [(text[d], text[q], text[t]) for d, q, t in _SLOTS_554]
        elif rtype == "515":
            h = _H["515"]
            self.production_to = _horizon(text[h["production_to"]])
            self.material_to = _horizon(text[h["material_to"]])
            _date(text[h["production_from"]])
            _date(text[h["material_from"]])
            for name in ("production_cumulative", "material_cumulative", "cumulative_before_reset"):
                _number(text[h[name]])
        elif rtype == "553":
            h = _H["553"]
            receipts = []
            for n in (1, 2, 3):
                receipt, total = self.receipt(
                    text, h[f"receipt{n}_date"], h[f"receipt{n}_note"], h[f"receipt{n}_qty"], h["cumulative"] if n == 1 else None
                )
                _date(text[h[f"receipt{n}_note_date"]])
                if n == 1:
                    line["cumulative_received"] = total
                if receipt:
                    receipts.append(receipt)
            line["last_receipts"] = receipts
        elif rtype == "518" or rtype == "557":
            self.texts += [text[s].rstrip() for s in _TEXTS]
        elif rtype == "517" or rtype == "556":
            _number(text[_H[rtype]["capacity"]])
        elif rtype == "555":
            _number(text[_H["555"]["cumulative_before_reset"]])
        else:
            raise Fallback(f"record {rtype}")

    @staticmethod
    def receipt(text: str, date: slice, note: slice, qty: slice, cumulative: slice | None) -> tuple[dict | None, dict | None]:
        """``common.receipt_and_cumulative``."""
        day = _date(text[date])
        note_no = text[note].rstrip().strip()
        quantity = _number(text[qty])
        receipt = {"delivery_note": note_no, "date": day, "quantity": quantity} if (note_no or quantity != "0") else None
        total = None
        if cumulative is not None:
            value = _number(text[cumulative])
            if value != "0":
                total = {"quantity": value, "date": day}
        return receipt, total

    def start(self, rtype: str, text: str) -> None:
        """``CallOffReader.start`` (and the 512/552 branch of ``read``)."""
        h = _H[rtype]
        jit = self.jit
        number = text[h["calloff" if jit else "calloff_new"]].rstrip().strip()
        ref = number or ""
        if not ref:
            raise Fallback("a call-off without a number")  # the codec names it by its record number
        plant = text[h["plant"]].rstrip().strip()
        buyer_part = text[h["customer_part"]].rstrip()
        supplier_part = text[h["supplier_part"]].rstrip()
        issued = _date(text[h["date" if jit else "date_new"]])
        if not (buyer_part or supplier_part):
            raise Fallback("no part")
        if jit:
            previous = ""
            unit = "C62"
            _date(text[h["horizon_date"]])
        else:
            previous = text[h["calloff_old"]].rstrip().strip()
            unit = codes.unit_to_rec20(text[h["unit"]].rstrip())
            _date(text[h["date_old"]])
        self.line = {
            "buyer_part": buyer_part, "supplier_part": supplier_part, "description": "", "unit": unit,
            "order_number": text[h["order_number"]].rstrip().strip(), "unloading_point": "",
            "cumulative_received": None, "last_receipts": [], "schedule": [],
        }  # fmt: skip
        self.doc = {
            "type": "delivery_schedule",
            "number": number,
            "issued": issued,
            "sender": self.sender,
            "receiver": self.receiver,
            "buyer": {"id": self.customer, "name": "", "plant": "", "unloading_point": ""},
            "supplier": {"id": self.supplier, "name": "", "plant": "", "unloading_point": ""},
            "ship_to": {"id": plant, "name": "", "plant": plant, "unloading_point": text[h["unloading_point"]].rstrip().strip()},
            "source": {"format": "VDA", "version": self.family, "message_ref": ref, "interchange_ref": self.transmission},
            "kind": "jit" if jit else "standard",
            "previous_number": previous,
            "lines": [self.line],
        }
        self.slots, self.texts = [], []
        self.production_to = self.material_to = None

    def finish(self) -> None:
        """``CallOffReader.finish``: map the slots with the 515 horizon, join the texts, emit."""
        doc, line = self.doc, self.line
        if doc is None or line is None:
            return
        self.schedule(doc["issued"], line["schedule"])
        texts = self.texts
        while texts and not texts[-1]:
            texts.pop()
        line["description"] = "\n".join(texts)
        self.doc = self.line = None
        self.emit(doc)

    def schedule(self, issued: str | None, out: list[dict]) -> None:  # noqa: C901
        """``CallOffReader._schedule``."""
        jit = self.jit
        production_to, material_to = self.production_to, self.material_to
        previous_end: str | None = None
        dates, numbers = _DATES, _NUMBERS
        for raw_date, raw_qty, raw_time in self.slots:
            kind, day, start, end = dates.get(raw_date) or _vda_date(raw_date)
            if kind == "end":
                if jit:
                    continue
                break
            quantity = numbers.get(raw_qty) or _number(raw_qty)
            time = None
            if raw_time is not None:
                try:
                    time = codes.vda_time(raw_time) or "00:00"
                except ValueError:
                    raise Fallback("time") from None
            if kind == "none" or kind == "switch":
                continue
            if kind == "day":
                entry = {"quantity": quantity, "commitment": "forecast", "date": day}
                mark = day
            elif kind == "week" or kind == "month":
                entry = {"quantity": quantity, "commitment": "forecast", "from": start, "to": end}
                mark = end
            elif kind == "immediate" or kind == "backlog":
                if not issued:
                    raise Fallback("no call-off date")
                entry = {"quantity": quantity, "commitment": "firm", "date": issued}
                mark = None
            else:  # remaining
                after = previous_end or issued
                entry = {"quantity": quantity, "commitment": "forecast"}
                if after:
                    entry["from"] = (dt.date.fromisoformat(after[:10]) + dt.timedelta(days=1)).isoformat()
                mark = None
            if mark is not None:
                if production_to and mark <= production_to:
                    entry["commitment"] = "firm"
                elif material_to and mark <= material_to:
                    entry["commitment"] = "material"
            if time is not None and "date" in entry:
                entry["date"] = f"{entry['date']}T{time}"
            if jit:
                entry["commitment"] = "firm"
            previous_end = entry.get("to") or entry.get("date") or previous_end
            out.append(entry)


_QUANTITIES: dict[str, str] = {}


def _quantity(raw: str) -> str:
    """``Record.decimal_of(name, 3)`` (4913 quantities have 3 implied decimals) as canonical text."""
    found = _QUANTITIES.get(raw)
    if found is None:
        found = decimal_text(Decimal(int(_number(raw))).scaleb(-3))
        if len(_QUANTITIES) < _CACHED:
            _QUANTITIES[raw] = found
    return found


def _datetime(text: str, date: slice, time: slice) -> str | None:
    """``common.read_datetime`` with ``midnight=False``."""
    day = _date(text[date])
    try:
        clock = codes.vda_time(text[time])
    except ValueError:
        raise Fallback("time") from None
    if day is None:
        return None
    if clock is None or clock == "00:00":
        return day
    return f"{day}T{clock}"


def _labels(first: str, last: str) -> list[str]:
    """``despatch._labels``."""
    if not first:
        return [last] if last else []
    if first.isdigit() and first.isascii() and (not last or (last.isdigit() and last.isascii())):
        a, b = int(first), int(last or first)
        if b == 0 or b == a:
            return [str(a)]
        if a < b and b - a < MAX_LABEL_RANGE:
            return [str(n) for n in range(a, b + 1)]
        return [str(a), str(b)]
    return [first, last] if last and last != first else [first]


class _Despatch:
    """One 4913 transmission: mirrors ``despatch.Reader4913``, emitting JSON per delivery note (713)."""

    def __init__(self, header: str, emit: Callable[[dict], None]) -> None:
        h = _H["711"]
        self.emit = emit
        customer = header[h["customer"]].rstrip().strip()
        supplier = header[h["supplier"]].rstrip().strip()
        self.transmission = _number(header[h["transmission_new"]])
        _number(header[h["transmission_old"]])
        self.issued = _date(header[h["transmission_date"]])
        self.sender = {"scheme": "VDA", "id": supplier}  # the supplier sends a 4913
        self.receiver = {"scheme": "VDA", "id": customer}
        self.customer, self.supplier = customer, supplier
        self.transport: dict | None = None
        self.doc: dict | None = None
        self.order_number = ""

    def record(self, rtype: str, text: str) -> None:
        if rtype == "712":
            self.finish()
            h = _H["712"]
            weight = _number(text[h["gross_weight"]])
            self.transport = {
                "carrier": text[h["carrier"]].rstrip().strip(),
                "transport_id": text[h["transport_no"]].rstrip().strip(),
                "gross_weight": None if weight == "0" else weight,
                "handover": _datetime(text, h["handover_date"], h["handover_time"]),
                "arrival_date": _datetime(text, h["arrival_date"], h["arrival_time"]),
            }
            for name in ("shipment", "net_weight", "packages", "loading_metres"):
                _number(text[h[name]])
            return
        if rtype == "713":
            self.finish()
            self.note(text)
            return
        doc = self.doc
        if doc is None:
            raise Fallback("no delivery note")
        if rtype == "714":
            h = _H["714"]
            quantity = _quantity(text[h["qty1"]])
            _number(text[h["qty2"]])
            buyer_part = text[h["customer_part"]].rstrip()
            supplier_part = text[h["supplier_part"]].rstrip()
            if not (buyer_part or supplier_part):
                raise Fallback("no part")
            doc["lines"].append(
                {
                    "buyer_part": buyer_part,
                    "supplier_part": supplier_part,
                    "quantity": quantity,
                    "unit": codes.unit_to_rec20(text[h["unit1"]].rstrip()),
                    "order_number": self.order_number,
                    "batch": text[h["batch"]].rstrip().strip(),
                }
            )
        elif rtype == "715":
            h = _H["715"]
            kind = text[h["customer_packaging"]].rstrip() or text[h["supplier_packaging"]].rstrip()
            count = int(_number(text[h["count"]]))
            _number(text[h["capacity"]])
            labels = _labels(text[h["label_from"]].rstrip().strip(), text[h["label_to"]].rstrip().strip())
            doc["packages"].append({"type": kind.strip(), "count": count, "label_ids": labels})
        elif rtype != "716":
            raise Fallback(f"record {rtype}")

    def note(self, text: str) -> None:
        """``Reader4913._note``."""
        h = _H["713"]
        number = _number(text[h["note"]])
        if number == "0":
            raise Fallback("a delivery note without a number")  # the codec names it by its record number
        transport = self.transport
        if transport is None:
            raise Fallback("no transport record")
        plant = text[h["plant"]].rstrip().strip()
        ship = _date(text[h["despatch_date"]])
        handover = transport["handover"]
        if handover and (ship is None or handover[:10] == ship):
            ship = handover
        self.order_number = text[h["order_number"]].rstrip().strip()
        self.doc = {
            "type": "despatch_advice",
            "number": number,
            "issued": self.issued,
            "sender": self.sender,
            "receiver": self.receiver,
            "buyer": {"id": self.customer, "name": "", "plant": "", "unloading_point": ""},
            "supplier": {"id": self.supplier, "name": "", "plant": "", "unloading_point": ""},
            "ship_to": {"id": plant, "name": "", "plant": plant, "unloading_point": text[h["unloading_point"]].rstrip().strip()},
            "source": {"format": "VDA", "version": "4913", "message_ref": number, "interchange_ref": self.transmission},
            "ship_date": ship,
            "arrival_date": transport["arrival_date"],
            "carrier": transport["carrier"],
            "transport_id": transport["transport_id"],
            "gross_weight": transport["gross_weight"],
            "packages": [],
            "lines": [],
        }

    def finish(self) -> None:
        """Emit the open delivery note."""
        if self.doc is not None:
            self.emit(self.doc)
        self.doc = None
        self.order_number = ""
