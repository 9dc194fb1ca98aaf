"""Positioned errors in the reader's language.

Codecs stay free of Django (``hub/formats``), so they write their errors in English
with the position as separate fields. The portal builds the position from those fields
with translatable templates, and translates the text through a table of the codecs'
message templates (pattern -> translatable template with the same named values). A text
no template matches is shown as the codec wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

# The codecs' and ingest's most frequent error texts, as regular expressions with named
# groups, and the translatable template that says the same.
TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), t)
    for p, t in [
        (r"^'(?P<value>.*)' is not a number$", _("'%(value)s' is not a number")),
        (r"^(?P<what>.+) '(?P<value>.*)' is not a number$", _("%(what)s '%(value)s' is not a number")),
        (r"^'(?P<value>.*)' does not start with a segment tag$", _("'%(value)s' does not start with a segment tag")),
        (r"^the file is empty$", _("the file is empty")),
        (r"^the file is larger than the limit of (?P<limit>\d+) bytes$", _("the file is larger than the limit of %(limit)s bytes")),
        (r"^the format is not recognised \(file starts with '(?P<start>.*)'\); the hub reads (?P<known>.+)$",
         _("the format is not recognised (file starts with '%(start)s'); the hub reads %(known)s")),
        (r"^(?P<tag>\w+) segment outside a message \(UNH\.\.UNT\)$", _("%(tag)s segment outside a message (UNH..UNT)")),
        (r"^(?P<tag>\w+) segment before UNB: the file does not start an interchange$", _("%(tag)s segment before UNB: the file does not start an interchange")),
        (r"^(?P<tag>\w+) counts (?P<declared>\S+) (?P<what>.+) but there are (?P<actual>\d+)$", _("%(tag)s counts %(declared)s %(what)s but there are %(actual)s")),
        (r"^(?P<what>.+) is missing$", _("%(what)s is missing")),
        (r"^the envelope sender (?P<sender>.+) is not a verified identifier of (?P<party>.+), who sent this file$",
         _("the envelope sender %(sender)s is not a verified identifier of %(party)s, who sent this file")),
        (r"^(?P<what>.+) is for plant (?P<plant>\S+), which is not one of your plants$", _("%(what)s is for plant %(plant)s, which is not one of your plants")),
        (r"^the same bytes were received before as interchange (?P<id>\S+)$", _("the same bytes were received before as interchange %(id)s")),
        (r"^control reference (?P<ref>\S+) from (?P<sender>\S+) was received before$", _("control reference %(ref)s from %(sender)s was received before")),
        (r"^the CSV is malformed: (?P<detail>.+)$", _("the CSV is malformed: %(detail)s")),
        (r"^the header row \((?P<shown>.*)\) matches no column mapping; known columns: (?P<known>.*)$",
         _("the header row (%(shown)s) matches no column mapping; known columns: %(known)s")),
    ]
]  # fmt: skip


def error_text(text: str) -> str:
    """``text`` in the active language when a known template says it; else as written."""
    for pattern, template in TEXTS:
        found = pattern.match(text)
        if found:
            return gettext(template) % found.groupdict()
    return text


def error_position(error: dict[str, Any]) -> str:
    """The position of a stored error in words of the active language: ``Segment 14 (QTY), Element 1``."""
    parts: list[str] = []
    segment, tag = error.get("segment"), error.get("tag", "")
    if segment is not None:
        parts.append((gettext("segment %(n)s (%(tag)s)") if tag else gettext("segment %(n)s")) % {"n": segment, "tag": tag})
    elif tag:
        parts.append(tag)
    for key, template in (("line", gettext("line %(n)s")), ("element", gettext("element %(n)s")), ("component", gettext("component %(n)s")), ("column", gettext("column %(n)s"))):
        if error.get(key) is not None:
            parts.append(template % {"n": error[key]})
    if error.get("column_name"):
        parts.append(gettext("column '%(n)s'") % {"n": error["column_name"]})
    if parts:
        return ", ".join(parts)
    return str(error.get("position", ""))  # written without raw fields (ingest's own errors): as stored


def positioned_error(error: dict[str, Any] | str) -> dict[str, str]:
    """One stored error as the page shows it: position, text and message reference, translated."""
    if isinstance(error, str):
        return {"position": "", "text": error_text(error), "message_ref": ""}
    return {"position": error_position(error), "text": error_text(str(error.get("text", ""))), "message_ref": str(error.get("message_ref", ""))}
