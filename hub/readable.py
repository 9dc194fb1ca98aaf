"""Stored JSON and payloads as people read them: indented, in order, escaped where shown."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString


def pretty_json(value: Any, *, sort_keys: bool = False) -> str:
    """``value`` as indented JSON, non-ASCII kept; ``sort_keys`` for stable comparisons."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys, default=str)


def readable_payload(value: Any) -> SafeString:
    """A JSON value, or a text that holds JSON, pretty-printed in an escaped ``<pre>``; other text as it is."""
    if value in (None, "", [], {}):
        return format_html("{}", "–")
    if isinstance(value, str):
        try:
            text = pretty_json(json.loads(value))
        except ValueError:
            text = value  # EDI, XML, CSV: already the document as the recipient reads it
    else:
        text = pretty_json(value)
    return format_html('<pre class="payload">{}</pre>', text)
