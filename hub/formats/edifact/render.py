"""Write EDIFACT interchanges: UNA, UNB..UNZ around rendered messages, in the right charset.

The hub writes UNOC (ISO 8859-1) in syntax version 3 by default, and switches to UNOW
(UTF-8) in syntax version 4 when a text needs characters Latin-1 lacks. Syntax 4 writes
the UNB date as CCYYMMDD, syntax 1-3 as YYMMDD.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hub.formats.edifact.messages.common import write_segment
from hub.formats.edifact.syntax import SYNTAX_CHARSETS, Separators


def unb_date(now: dt.datetime, syntax_version: str) -> list[str]:
    """UNB S004 for ``now``: CCYYMMDD in syntax version 4, YYMMDD before; then HHMM."""
    day = now.strftime("%Y%m%d") if syntax_version >= "4" else now.strftime("%y%m%d")
    return [day, now.strftime("%H%M")]


def interchange(
    messages: Sequence[list[str]],
    *,
    seps: Separators,
    sender: tuple[str, str],
    receiver: tuple[str, str],
    control_ref: str,
    syntax_id: str = "UNOC",
    syntax_version: str = "3",
    test: bool = False,
    now: dt.datetime | None = None,
    upgrade: bool = True,
) -> bytes:
    """Wrap rendered messages (each a list of segments UNH..UNT) in UNA/UNB..UNZ and encode them.

    ``sender``/``receiver`` are ``(id, qualifier)``. When ``upgrade`` is true and the text
    does not fit the declared charset (or would be mistaken for UTF-8), the interchange
    is written as UNOW syntax 4.
    """
    now = now or dt.datetime.now(dt.UTC)
    body = [segment for message in messages for segment in message]
    charset = SYNTAX_CHARSETS.get(syntax_id, "iso8859_1")
    if upgrade and (not _fits(body, charset) or _looks_like_utf8(body, charset)):
        syntax_id, syntax_version, charset = "UNOW", "4", "utf-8"
    unb: list[str | list[str]] = [
        "UNB",
        [syntax_id, syntax_version],
        list(sender),
        list(receiver),
        unb_date(now, syntax_version),
        [control_ref],
    ]
    if test:
        unb += ["", "", "", "", "", "1"]
    out = [seps.as_una(), write_segment(seps, *unb), *body, write_segment(seps, "UNZ", str(len(messages)), [control_ref])]
    return ("\n".join(out) + "\n").encode(charset, errors="strict")


def _looks_like_utf8(segments: Sequence[str], charset: str) -> bool:
    """True when single-byte text would also read as UTF-8 (e.g. 'Ã¤'): readers that sniff
    for partners declaring UNOC but writing UTF-8 (ours does) would misread it."""
    if not charset.startswith("iso8859"):
        return False
    data = "".join(segments).encode(charset)
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _fits(segments: Sequence[str], charset: str) -> bool:
    try:
        for segment in segments:
            segment.encode(charset)
    except UnicodeEncodeError:
        return False
    return True
