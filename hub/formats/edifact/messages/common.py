"""Helpers shared by the EDIFACT message mappings: numbers, dates, parties."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from hub.formats import codes
from hub.formats.canonical import Document, Party, PartyId, Source, add_identifier, decimal_text
from hub.formats.edifact.envelope import Message
from hub.formats.edifact.syntax import Separators
from hub.formats.edifact.tokenizer import Segment, escape, split_escaped
from hub.formats.errors import Envelope, FormatError


def number(seg: Segment, e: int, c: int, decimal_mark: str, ref: str) -> Decimal:
    """Read a numeric component as a Decimal, honouring the interchange's decimal mark."""
    raw = seg.get(e, c)
    text = raw.replace(decimal_mark, ".") if decimal_mark != "." else raw
    if decimal_mark != "," and "," in text:
        text = text.replace(",", ".")  # both marks are allowed by ISO 9735
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise FormatError(f"'{raw}' is not a number", seg.position(e, c, ref), code="invalid_value")
    return value


def date(seg: Segment, ref: str) -> tuple[str, str | None, str | None, str | None]:
    """Read a DTM segment: ``(qualifier, date, from, to)``; positioned error on a bad value."""
    qualifier, value, fmt = seg.get(1, 1), seg.get(1, 2), seg.get(1, 3)
    try:
        day, start, end = codes.edifact_date(value, fmt or "102")
    except ValueError as exc:
        text = f"'{value}' is not a valid date in format {fmt or '102'}: {exc}"
        raise FormatError(text, seg.position(1, 2, ref), code="invalid_value") from None
    return qualifier, day, start, end


def party(seg: Segment) -> Party:
    """Read a NAD segment into a Party: id from C082, name from C080 (or C058)."""
    name = seg.get(4, 1) or seg.get(3, 1)
    return Party(id=seg.get(2, 1), name=name)


def require(value: str, seg: Segment, what: str, e: int, c: int, ref: str) -> str:
    """Return ``value`` or raise a positioned error saying ``what`` is missing."""
    if not value:
        raise FormatError(f"{what} is missing", seg.position(e, c, ref), code="missing")
    return value


def missing(text: str, ref: str, tag: str = "") -> FormatError:
    """An error for something the message as a whole lacks."""
    from hub.formats.errors import Position

    return FormatError(text, Position(tag=tag, message_ref=ref), code="missing")


# --- shared by the mappings of every message type ---------------------------------


def envelope_ids(env: Envelope) -> tuple[PartyId, PartyId]:
    """The document's sender and receiver, as the UNB named them."""
    return (
        PartyId(scheme=env.sender.get("scheme", ""), id=env.sender.get("id", "")),
        PartyId(scheme=env.receiver.get("scheme", ""), id=env.receiver.get("id", "")),
    )


def source(msg: Message, env: Envelope) -> Source:
    """Where the document came from: ``EDIFACT``, ``<TYPE> <directory>`` and the references."""
    return Source(format="EDIFACT", version=f"{msg.type} {msg.directory}", message_ref=msg.ref, interchange_ref=env.control_ref)


def header_party(doc: Document, seg: Segment) -> None:
    """Put a header NAD into the document's buyer, supplier or ship-to (first of each role wins)."""
    found = party(seg)
    place_party(doc, seg.get(1), found.id, found.name)


def place_party(doc: Document, role: str, party_id: str, name: str) -> None:
    """Put a party of NAD role ``role`` into the document (first of each role wins)."""
    if role in codes.NAD_BUYER_ROLES and not doc.buyer.id:
        doc.buyer = Party(id=party_id, name=name)
    elif role in codes.NAD_SUPPLIER_ROLES and not doc.supplier.id:
        doc.supplier = Party(id=party_id, name=name)
    elif role in codes.NAD_SHIP_TO_ROLES and not doc.ship_to.id:
        doc.ship_to = Party(id=party_id, name=name, plant=party_id)


def part_ids(seg: Segment, first: int) -> list[tuple[str, str]]:
    """Read ``(item number, type)`` pairs from PIA C212 elements from ``first`` on, or the one C212 of a LIN.

    A LIN has one C212 (element 3); what follows it (C829 sub-line, configuration level and
    code) are no item numbers.
    """
    found = seg.pairs(first)
    if seg.tag == "LIN":
        found = found[:1]
    return [(part, kind) for part, kind in found if part]


_BUYER_RANKS = (*codes.EDIFACT_BUYER_PART_SCHEMES, *codes.EDIFACT_BUYER_PART_STAND_INS)
_PART_FIELDS = (("buyer_part", _BUYER_RANKS), ("supplier_part", codes.EDIFACT_SUPPLIER_PART_SCHEMES))


def assign_part(line: Any, part: str, kind: str, warnings: list[str] | None = None, where: str = "") -> None:
    """Keep an item number of LIN/PIA C212 on a line, by its 7143 type.

    Every number is kept: buyer_part and supplier_part take the best-ranked one whatever
    segment names it (a PIA IN replaces a GTIN that stood in from the LIN), a batch (NB)
    fills the line's batch where it has one, and every other number goes to
    ``identifiers``. An unknown type is kept as scheme ``edifact:<code>``, with a warning.
    """
    scheme, known = codes.identifier_scheme("edifact", "7143", kind)
    if not known and warnings is not None:
        marker = f"item type '{kind}' is not in"
        codes.note_once(warnings, marker, f"{where}: {marker} EDIFACT 7143 as the hub maps it; kept as {scheme}")
    for name, ranked in _PART_FIELDS:
        if scheme in ranked:
            current = getattr(line, name)
            if not current or _rank(line, name, current, ranked) > ranked.index(scheme):
                setattr(line, name, part)
                _sources(line)[name] = ranked.index(scheme)
            break
    else:
        if scheme not in _NEVER_PARTS and not (line.buyer_part or line.supplier_part):
            line.buyer_part = part  # a number of another type stands in, so the line is not lost
            _sources(line)["buyer_part"] = len(_BUYER_RANKS)
    if scheme == "batch" and hasattr(line, "batch") and not line.batch:
        line.batch = part
    add_identifier(line, scheme, part)


_NEVER_PARTS = ("batch", "serial")


def _sources(line: Any) -> dict[str, int]:
    """The rank of the scheme each part field of ``line`` was taken from, kept on the line while it is read.

    Kept beside the line rather than guessed from ``identifiers``: a batch or drawing number
    that happens to equal the part (batch '1', supplier part '1') must not make the part
    look like a stand-in and be replaced. Not a dataclass field, so never serialised.
    """
    found = line.__dict__.get("_part_sources")
    if found is None:
        found = line.__dict__["_part_sources"] = {}
    return found


def _rank(line: Any, name: str, current: str, ranked: tuple[str, ...]) -> int:
    """How good the scheme the current part came from is (0 best, len(ranked) for any other scheme).

    Parts set by :func:`assign_part` know their source; a part set elsewhere came from the
    field's own scheme (0) unless an identifier that could have stood in carries it.
    """
    known = _sources(line).get(name)
    if known is not None:
        return known
    found = [
        ranked.index(i.scheme) if i.scheme in ranked else len(ranked)
        for i in line.identifiers
        if i.id == current and i.scheme not in _NEVER_PARTS
    ]
    return min(found) if found else 0


def write_parts(seps: Separators, line: Any, number_: str = "", action: str = "", batches: list[str] | None = None) -> list[str]:
    """LIN with the buyer's part (IN; else the supplier's, SA), PIA SA, then PIAs of further identifiers.

    ``batches`` are the batches the caller writes itself (DESADV: GIN BX), so they are not repeated.
    """
    out = []
    written: set[tuple[str, str]] = set()
    if line.buyer_part:
        out.append(write_segment(seps, "LIN", number_, action, [line.buyer_part, "IN"]))
        written.add(("IN", line.buyer_part))
        if line.supplier_part:
            out.append(write_segment(seps, "PIA", "1", [line.supplier_part, "SA"]))
    else:
        out.append(write_segment(seps, "LIN", number_, action, [line.supplier_part, "SA"]))
    written.add(("SA", line.supplier_part))
    written.update(("NB", batch) for batch in batches or ())
    return out + write_identifiers(seps, line, written)


def write_identifiers(seps: Separators, line: Any, written: set[tuple[str, str]]) -> list[str]:
    """PIA segments for a line's identifiers that its LIN/PIA/GIN do not already carry.

    ``written`` holds the (7143 type, number) pairs already written. A scheme EDIFACT 7143
    has no code for (and that is no ``edifact:<code>`` kept as sent) is left out.
    """
    out = []
    for ident in line.identifiers:
        kind = codes.identifier_qualifier("edifact", "7143", ident.scheme)
        if kind is None or not ident.id or (kind, ident.id) in written:
            continue
        written.add((kind, ident.id))
        out.append(write_segment(seps, "PIA", "1", [ident.id, kind]))
    return out


def max_components(seg: Segment, e: int, most: int, ref: str) -> None:
    """Raise a positioned error when element ``e`` has more than ``most`` components.

    An unescaped component separator in a text (a ':' without its '?') shows up here.
    """
    if e >= len(seg.elements):
        return
    parts = split_escaped(seg.elements[e], seg.seps.component, seg.seps.release)
    if len(parts) > most:
        raise FormatError(
            f"element {e} has {len(parts)} components, at most {most} are allowed "
            f"(an unescaped '{seg.seps.component}' in a text? write '{seg.seps.release}{seg.seps.component}')",
            seg.position(e, most + 1, ref),
            code="too_many",
        )


def write_segment(seps: Separators, *elements: str | list[str]) -> str:
    """Write one segment: lists are composites; trailing empty elements/components are dropped."""
    out = []
    for element in elements:
        if isinstance(element, list):
            comps = [escape(c, seps) for c in element]
            while comps and comps[-1] == "":
                comps.pop()
            out.append(seps.component.join(comps))
        else:
            out.append(escape(element, seps))
    while out and out[-1] == "":
        out.pop()
    return seps.element.join(out) + seps.segment


def write_dtm(seps: Separators, qualifier: str, iso: str) -> str:
    """Write ``DTM+qualifier:value:format`` for an ISO date (102) or datetime (203)."""
    value, fmt = codes.iso_to_edifact(iso)
    return write_segment(seps, "DTM", [qualifier, value, fmt])


def write_number(value: Decimal, seps: Separators) -> str:
    """A quantity as EDIFACT writes it: no exponent, no trailing zeros, the interchange's decimal mark."""
    text = decimal_text(value)
    return text.replace(".", seps.decimal) if seps.decimal != "." else text


def write_unh(seps: Separators, ref: str, msg_type: str, directory: str, association: str = "") -> str:
    """Write the UNH of a message: ``UNH+ref+TYPE:D:96A:UN[:association]``."""
    return write_segment(seps, "UNH", ref, [msg_type, *directory.split(":"), association])


def write_unt(seps: Separators, segs: list[str], ref: str) -> str:
    """Write the UNT closing ``segs`` (which start with UNH): its count includes UNH and UNT."""
    return write_segment(seps, "UNT", str(len(segs) + 1), ref)


def write_parties(seps: Separators, doc: Document, roles: tuple[str, str, str] = ("BY", "SE", "ST")) -> list[str]:
    """Write the NADs of buyer, supplier and ship-to that carry an id or a name."""
    out = []
    for role, p in zip(roles, (doc.buyer, doc.supplier, doc.ship_to), strict=True):
        if p.id or p.name:
            out.append(write_segment(seps, "NAD", role, [p.id, "", "92"], "", p.name))
    return out


class SegmentCache:
    """What repeating segment texts were read as, by raw text, for one set of separators.

    Call-off and despatch files repeat the same dates, quantities and parties in message
    after message; reading each distinct text once is most of a mapper's speed. Bounded:
    a table of all-different values is emptied when it reaches ``LIMIT``. Subclasses add
    their tables as attributes.
    """

    LIMIT = 50_000

    def keep(self, table: dict, raw: str, value: object) -> None:
        """Remember ``value`` for ``raw`` (the table is emptied when full)."""
        if len(table) >= self.LIMIT:
            table.clear()
        table[raw] = value


_CACHES: dict[tuple[type, object], SegmentCache] = {}


def segment_cache(kind: type[SegmentCache], seps: object) -> Any:
    """The one cache of ``kind`` for these separators (a few sets per process at most)."""
    found = _CACHES.get((kind, seps))
    if found is None:
        if len(_CACHES) > 32:
            _CACHES.clear()
        found = _CACHES[(kind, seps)] = kind()
    return found
