"""Build DELFOR D.96A interchanges for tests, written from the standard's segment layout.

Kept as a small builder rather than fixture files so each test states the values it
asserts on. ``delfor()`` gives one interchange; ``message()`` one UNH..UNT message.
"""

from __future__ import annotations

from collections.abc import Sequence


def message(
    ref: str,
    number: str,
    *,
    supplier: str = "SUP00001",
    plant: str = "PLANT01",
    parts: Sequence[tuple[str, Sequence[tuple[str, str, str]]]] = (("4711-A", (("100", "1", "20261130"), ("250", "4", "20261207"))),),
    issued: str = "20261124",
    extra_header: Sequence[str] = (),
) -> list[str]:
    """One DELFOR message; ``parts`` is (buyer part, [(quantity, SCC code, CCYYMMDD)])."""
    segs = [
        f"UNH+{ref}+DELFOR:D:96A:UN:A01051",
        f"BGM+241+{number}+5",
        f"DTM+137:{issued}:102",
        *extra_header,
        "NAD+BY+OEM::92",
        f"NAD+SE+{supplier}::92++Lieferant GmbH",
        "UNS+D",
        f"NAD+ST+{plant}::92",
        "LOC+11+GATE3",
    ]
    for part, schedule in parts:
        segs += [f"LIN+++{part}:IN", f"PIA+1+S-{part}:SA", "RFF+ON:PO4711", "QTY+70:5000:PCE", "DTM+51:20260101:102"]
        for qty, scc, day in schedule:
            segs += [f"QTY+1:{qty}:PCE", f"SCC+{scc}", f"DTM+2:{day}:102"]
    segs.append("UNS+S")
    segs.append(f"UNT+{len(segs) + 1}+{ref}")
    return segs


def delfor(messages: Sequence[Sequence[str]], *, ref: str = "ICR0001", sender: str = "OEMPLANTS", una: bool = True, count: int | None = None) -> bytes:
    """An interchange of ``messages``, one segment per line, UNOC."""
    segs = [f"UNB+UNOC:3+{sender}:ZZ+SUPPLIERHUB:ZZ+261124:0930+{ref}"]
    for m in messages:
        segs += list(m)
    segs.append(f"UNZ+{len(messages) if count is None else count}+{ref}")
    text = ("UNA:+.? '\n" if una else "") + "'\n".join(segs) + "'\n"
    return text.encode("latin-1")
