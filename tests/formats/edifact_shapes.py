"""EDIFACT files laid out as other generators write them, for the streaming and translate tests."""

from __future__ import annotations

from tests.delfor_builder import delfor, message


def other_generator() -> bytes:
    """Another writer's layout: no line breaks, UNA with other separators, release characters in
    free text, syntax 4 UTF-8 (multibyte characters), UNG groups, a second interchange with
    the default separators."""
    body = [
        "UNH*1*DELFOR=D=96A=UN", "BGM*241*CO?*1*5", "DTM*137=20261124=102", "NAD*BY*OEM==92",
        "NAD*SE*SUP00001==92**Lieferant ?* Söhne ?= Töchter ?~ Ωmega ??", "UNS*D", "NAD*ST*PLANT01==92",
        "LIN***4711-A=IN", "IMD*F**===Halter ?*links?*", "QTY*1=100=PCE", "SCC*1", "DTM*2=20261130=102",
        "UNS*S", "UNT*14*1",
    ]  # fmt: skip
    first = "UNA=*.? ~UNB*UNOW=4*OEMPLANTS=ZZ*SUPPLIERHUB=ZZ*20261124=0930*A1~UNG*DELFOR*OEM*HUB*20261124=0930*G1*UN*D=96A~"
    first += "~".join(body) + "~UNE*1*G1~UNZ*1*A1~"
    second = delfor([message("2", "CO2"), message("3", "CO3")], ref="A2", una=False).replace(b"'\n", b"'")
    return first.encode("utf-8") + second
