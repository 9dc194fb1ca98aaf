"""Builders for VDA test files, written straight from the spec's column tables.

``rec('512', plant='03', calloff_new='187', ...)`` places each value at its field's
columns (numbers right-justified and zero-filled, text left-justified), independent of
the codec's own writer, so the tests check the codec against the spec, not against itself.
"""

from __future__ import annotations

from hub.formats.vda.layouts import LAYOUTS

VERSIONS = {"511": "02", "519": "02", "551": "02", "559": "02", "719": "02"}


def rec(type_: str, version: str | None = None, **values: object) -> str:
    """One 128-character record of ``type_`` with the given field values (others zero/blank)."""
    layout = LAYOUTS[type_]
    chars = list(type_ + (version or layout.version) + " " * 123)
    for f in layout.fields[2:]:
        if f.kind == "N":
            chars[f.start - 1 : f.end - 1] = "0" * f.length
    for name, value in values.items():
        f = layout.by_name[name]
        text = str(value)
        text = text.zfill(f.length) if f.kind == "N" and isinstance(value, int) else text.ljust(f.length)
        assert len(text) == f.length, (name, text)
        chars[f.start - 1 : f.end - 1] = text
    out = "".join(chars)
    assert len(out) == 128
    return out


def trailer(type_: str, records: list[str], **override: int) -> str:
    """The trailer of ``records`` (header first) with every counter right, unless overridden."""
    counts: dict[str, int] = {}
    for r in records:
        counts[r[:3]] = counts.get(r[:3], 0) + 1
    counts[type_] = 1
    layout = LAYOUTS[type_]
    values = {f.name: counts.get(f.name.removeprefix("count_"), 0) for f in layout.fields if f.name.startswith("count_")}
    values.update({f"count_{k}": v for k, v in override.items()})
    return rec(type_, **values)


def transmission(header: str, body: list[str], trailer_type: str, **override: int) -> list[str]:
    """Header, body and a trailer with counts right (or overridden)."""
    records = [header, *body]
    return [*records, trailer(trailer_type, records, **override)]


def join(records: list[str], sep: str = "\r\n", trim: bool = False) -> bytes:
    """A file: records joined by ``sep`` (trailing blanks trimmed when ``trim``), ISO-8859-1."""
    lines = [r.rstrip() if trim else r for r in records]
    tail = sep if sep else ""
    return (sep.join(lines) + tail).encode("iso8859_1")


def calloff_4905(
    *,
    plant: str = "03",
    number: str = "187",
    old: str = "186",
    date: str = "260105",
    part: str = "5Q0 827 550 B",
    supplier_part: str = "SP-4711",
    order: str = "CGF-56026482",
    unloading: str = "A 13",
    unit: str = "ST",
    receipt: tuple[str, str, int] | None = ("260102", "4711", 500),
    cumulative: int = 12500,
    slots: list[tuple[str, int]] | None = None,
    releases: dict[str, object] | None = None,
    texts: list[str] | None = None,
) -> list[str]:
    """The records of one 4905 call-off (512, 513, 514*, 515?, 518*)."""
    slots = slots if slots is not None else [("444444", 100), ("260112", 200), ("260119", 300), ("260126", 0), ("260200", 4000)]
    out = [
        rec(
            "512", plant=plant, calloff_new=number, date_new=date, calloff_old=old, date_old="251215",
            customer_part=part, supplier_part=supplier_part, order_number=order, unloading_point=unloading, unit=unit,
        )
    ]  # fmt: skip
    r513: dict[str, object] = {"cumulative": cumulative}
    if receipt:
        r513.update(receipt_date=receipt[0], receipt_note=receipt[1], receipt_despatch_date=receipt[0], receipt_qty=receipt[2])
    for n, (d, q) in enumerate(slots[:5], 1):
        r513[f"slot{n}_date"], r513[f"slot{n}_qty"] = d, q
    out.append(rec("513", **r513))
    rest = slots[5:]
    while rest:
        out.append(rec("514", **{k: v for n, (d, q) in enumerate(rest[:8], 1) for k, v in ((f"slot{n}_date", d), (f"slot{n}_qty", q))}))
        rest = rest[8:]
    if releases:
        out.append(rec("515", **releases))  # type: ignore[arg-type]
    texts = texts or []
    for at in range(0, len(texts), 3):
        out.append(rec("518", **{f"text{i}": t for i, t in enumerate(texts[at : at + 3], 1)}))
    return out


def header(
    type_: str = "511", customer: str = "10001", supplier: str = "SUP00001", old: int = 41, new: int = 42, date: str = "260105"
) -> str:
    """A 511/551/711 transmission header."""
    if type_ == "711":
        return rec(type_, customer=customer, supplier=supplier, transmission_old=old, transmission_new=new, transmission_date=date)
    return rec(
        type_, customer=customer, supplier=supplier, transmission_old=old, transmission_new=new, transmission_date=date, second_date=date
    )
