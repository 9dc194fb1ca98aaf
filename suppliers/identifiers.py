"""One normalised key for a partner identifier: (scheme, qualifier family, value).

Uniqueness, the clash check of the profile wizard, routing and sender binding all
compare identifiers by this key, never by the raw strings, so that ``SUP00400`` under
``ZZ`` and the same id under ``92`` (or in lower case, or with padding) are one id and
cannot be claimed twice.

Qualifier families, per scheme (what a code says about who assigned the id):

- EDIFACT (UNB 0007, NAD 3055): ``ZZ``, ``ZZZ``, ``92`` (assigned by buyer), ``91``
  (assigned by supplier) and blank are one family, ``mutual``: ids the trading partners
  agreed between them. ``1``/``16`` are DUNS (``duns``), ``14``/``9`` GLN (``gln``).
- X12 (ISA05/07): ``ZZ``, ``92``, ``91`` and blank are ``mutual``; ``01`` is DUNS.
- VDA and DUNS carry no qualifier: one family each.

Any other qualifier is a family of its own. Values are compared stripped and upper
case: a look-alike ``sup00400`` is the same id as ``SUP00400``.

Pure Python (no Django): ``hub.ingest.authority`` uses it on envelopes too.
"""

from __future__ import annotations

from typing import NamedTuple

MUTUAL = "mutual"

FAMILIES: dict[str, dict[str, str]] = {
    "edifact": {"": MUTUAL, "ZZ": MUTUAL, "ZZZ": MUTUAL, "92": MUTUAL, "91": MUTUAL, "1": "duns", "16": "duns", "14": "gln", "9": "gln"},
    "x12": {"": MUTUAL, "ZZ": MUTUAL, "92": MUTUAL, "91": MUTUAL, "01": "duns", "1": "duns"},
    "vda": {},
    "duns": {},
}

# The envelope formats whose sender ids live in one of our identifier schemes.
FORMAT_SCHEMES = {"EDIFACT": "edifact", "X12": "x12", "VDA": "vda"}


class IdentifierKey(NamedTuple):
    """An identifier as the hub compares it."""

    scheme: str
    family: str
    value: str

    def describe(self) -> str:
        """The key in words, for messages: 'edifact SUP00400 (mutual)'."""
        return f"{self.scheme} {self.value}" + (f" ({self.family})" if self.family else "")


def family_of(scheme: str, qualifier: str) -> str:
    """The qualifier family of ``qualifier`` in ``scheme`` ('' for schemes without qualifiers)."""
    scheme = (scheme or "").strip().lower()
    table = FAMILIES.get(scheme)
    if table is not None and not table:
        return ""  # VDA numbers and DUNS have no qualifier
    code = (qualifier or "").strip().upper()
    return (table or {}).get(code, code or MUTUAL)


def normalise_value(value: str) -> str:
    """The id as compared: without surrounding blanks, upper case."""
    return (value or "").strip().upper()


def identifier_key(scheme: str, qualifier: str, value: str) -> IdentifierKey:
    """The normalised key of one identifier."""
    scheme = (scheme or "").strip().lower()
    return IdentifierKey(scheme, family_of(scheme, qualifier), normalise_value(value))
