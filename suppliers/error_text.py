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

# Every error text the codecs (and ingest) write, as translatable templates: a template's
# named values stand where the English text has data. ``tests/suppliers/test_error_text.py``
# reads hub/formats' and hub/ingest's source and fails for a text no template here says in German.
TEMPLATES: list[str] = [
    # ingest's own, and the most frequent
    _("'%(value)s' is not a number"),
    _("%(what)s '%(value)s' is not a number"),
    _("'%(value)s' does not start with a segment tag"),
    _("the file is empty"),
    _("the file is larger than the limit of %(limit)s bytes"),
    _("the format is not recognised (file starts with '%(start)s'); the hub reads %(known)s"),
    _("%(tag)s segment outside a message (UNH..UNT)"),
    _("%(tag)s segment before UNB: the file does not start an interchange"),
    _("%(tag)s counts %(declared)s %(what)s but there are %(actual)s"),
    _("%(what)s is missing"),
    _("the envelope sender %(sender)s is not a verified identifier of %(party)s, who sent this file"),
    _("%(what)s is for plant %(plant)s, which is not one of your plants"),
    _("the same bytes were received before as interchange %(id)s"),
    _("control reference %(ref)s from %(sender)s was received before"),
    _("the CSV is malformed: %(detail)s"),
    _("the header row (%(shown)s) matches no column mapping; known columns: %(known)s"),
    # ingest's refusals (hub/ingest: who may send what, the envelope sender, the failure policy)
    _("headquarters accounts are read-only and cannot submit documents"),
    _("your account belongs to no supplier, so it cannot send documents"),
    _("supplier %(number)s is in its test phase: its files are test runs and are never sent into production"),
    _("supplier %(number)s is %(status)s and cannot send documents into production"),
    _("a %(role)s party cannot submit documents"),
    _("the envelope sender %(sender)s is not the plant systems' identity (%(ids)s), which %(party)s sends with"),
    _("%(kind)s documents are not routed by the hub"),
    _("%(label)s %(number)s: %(kinds)s come from plants, and your account is a %(role)s account"),
    _("%(label)s %(number)s: %(kinds)s come from suppliers, and your account is a %(role)s account"),
    _("%(what)s names supplier %(supplier)s, but your account belongs to supplier %(own)s"),
    _("%(what)s is for plant %(plant)s, which supplier %(supplier)s is not assigned to"),
    _("this delivery went to a supplier: only that supplier may acknowledge it"),
    _("this delivery went to plant %(plant)s: only that plant's side may acknowledge it"),
    _("a delivery to a %(recipient)s cannot be acknowledged"),
    _("%(why)s; the whole interchange is refused"),
    _("the whole interchange is rejected: the sender's failure policy is reject_all and some messages have errors"),
    _("processing failed: %(error)s: %(detail)s"),
    # the codecs', one per text they write (hub/formats/**)
    _("'%(value)s' (%(kind)s) needs the call-off date, which is not given"),
    _("'%(value)s' between two interchanges (after UNZ, before UNB)"),
    _("'%(value)s' is no horizon date (YYMMDD, JJ00WW or JJMM00)"),
    _("'%(value)s' is not a VDA record type (the hub reads %(known)s)"),
    _("'%(value)s' is not a calendar date (YYMMDD)"),
    _("'%(value)s' is not a date (YYMMDD)"),
    _("'%(value)s' is not a date (YYMMDD, JJ00WW or JJMM00)"),
    _("'%(value)s' is not a date (YYYYMMDD)"),
    _("'%(value)s' is not a date CCYYMMDD"),
    _("'%(value)s' is not a date YYMMDD or CCYYMMDD"),
    _("'%(value)s' is not a date type (D day, W week, M month, I interval)"),
    _("'%(value)s' is not a delivery plan commitment level (1, 2, 3, 4 or 10)"),
    _("'%(value)s' is not a forecast qualifier the hub knows (C firm, D planning, A, B or Z)"),
    _("'%(value)s' is not a number of packages"),
    _("'%(value)s' is not a record version (2 digits)"),
    _("'%(value)s' is not a schedule line type the hub knows (%(known)s)"),
    _("'%(value)s' is not a time (HHMM)"),
    _("'%(value)s' is not a time (HHMMSS)"),
    _("'%(value)s' is not a time HHMM"),
    _("'%(value)s' is not a valid date in format %(format)s: %(reason)s"),
    _("'%(value)s' is not a weight unit the hub converts to kg"),
    _("'%(value)s' is not an acknowledgment type the hub knows (%(known)s)"),
    _("CONTRL has no UCI (the interchange it acknowledges)"),
    _("DOCNUM '%(value)s' differs from the control record's DOCNUM '%(expected)s'"),
    _("EDIFACT cannot carry a %(type)s; it carries %(known)s"),
    _("GE without a GS"),
    _("GS before the GE of group %(ref)s"),
    _("HL has no hierarchical id"),
    _("HL %(id)s names parent '%(parent)s', which is no earlier HL"),
    _("IDoc basic type '%(basic)s' (%(family)s), message type '%(type)s', is not carried by the hub (it reads %(known)s)"),
    _("IDoc number %(number)s is longer than the 16 digits of DOCNUM"),
    _("IEA before the GE of group %(ref)s"),
    _("ISX01 '%(value)s' cannot be the release character (one special character, not a separator)"),
    _("OrderRequest has no OrderRequestHeader"),
    _("ST has no transaction set control number"),
    _("ST names no transaction set identifier"),
    _("ST outside a functional group (no GS before it)"),
    _("ShipNoticeRequest has no ShipNoticeHeader"),
    _("UBL %(type)s is not carried by the hub (it takes UBL %(known)s)"),
    _("UNA declares '%(char)s' both as %(first)s and as %(second)s separator: every service character must differ"),
    _("UNA service string advice is shorter than 9 characters"),
    _("UNB before the UNZ of the previous interchange"),
    _("UNE counts %(declared)s messages but the group has %(actual)s"),
    _("UNE reference '%(value)s' does not match UNG reference '%(expected)s'"),
    _("UNH has no message reference"),
    _("UNH names no message type"),
    _("UNT counts %(declared)s segments but the message has %(actual)s"),
    _("UNT reference '%(value)s' does not match UNH reference '%(expected)s'"),
    _("UNZ counts %(declared)s %(what)s but the interchange has %(actual)s"),
    _("UNZ reference '%(value)s' does not match UNB reference '%(expected)s'"),
    _("VDA cannot carry a %(type)s (it carries delivery schedules and despatch advices)"),
    _(
        "XML root element <%(element)s> in namespace %(namespace)s is not a format the hub reads (it reads the hub's canonical XML, UBL Order/OrderResponse/DespatchAdvice and cXML OrderRequest/ShipNoticeRequest)"
    ),
    _("a VDA date needs a day, or a period with both start and end"),
    _("a cell is longer than %(limit)s characters"),
    _("a data record ('%(start)s') before any EDI_DC40 control record"),
    _("a new transmission starts, but the one that starts in record %(record)s (%(header)s) has no trailer %(trailer)s"),
    _("a quantity is required"),
    _(
        "a second ship-to party '%(party)s' (the first, '%(first)s', is in segment %(segment)s); the hub carries one ship-to per call-off: send one message per plant"
    ),
    _("a %(dialect)s file carries exactly one document; got %(count)s (render them one by one)"),
    _("a %(type)s is written as %(allowed)s, not %(preferred)s"),
    _("an IDoc cannot carry a %(type)s (it carries purchase orders, delivery schedules and despatch advices)"),
    _("control record type '%(value)s' read as EDI_DC40"),
    _("could not map the message (%(error)s: %(detail)s)"),
    _("could not map the record (%(error)s: %(detail)s)"),
    _("could not map the schedule (%(error)s: %(detail)s)"),
    _("could not map the transaction set (%(error)s: %(detail)s)"),
    _("could not map the %(what)s (%(error)s: %(detail)s)"),
    _("could not map the %(basic)s IDoc (%(error)s: %(detail)s)"),
    _("date format %(format)s is not supported (use 102, 203, 616, 718 or 610)"),
    _("does not match the hub XML schema: %(detail)s"),
    _(
        "element %(element)s has %(count)s components, at most %(most)s are allowed (an unescaped '%(separator)s' in a text? write '%(release)s%(escaped)s')"
    ),
    _("functional group %(ref)s ends without GE %(where)s (truncated?)"),
    _("holds a NUL character or a lone surrogate, which the hub cannot store; remove it"),
    _("holds a character the hub cannot store"),
    _("holds %(what)s, which cannot be stored; remove it and send the file again"),
    _("interchange %(ref)s has no message %(message)s to acknowledge"),
    _("message %(ref)s ends without UNT after its segment %(segment)s (%(tag)s): the file ends there%(cut)s (truncated?)"),
    _(
        "message %(ref)s ends without UNT after its segment %(segment)s (%(tag)s): the file ends there in the middle of a segment (truncated?)"
    ),
    _("message %(ref)s has no UNT"),
    _("message %(ref)s has no UNT before the next UNH"),
    _("message type %(type)s is not carried by the hub (it takes %(known)s)"),
    _("no ISA segment found: this is not an X12 interchange"),
    _("no UNA or UNB segment found: this is not an EDIFACT interchange"),
    _("order line has no cac:LineItem"),
    _("package count %(count)s is not a whole number"),
    _("record %(type)s belongs to a call-off, but no call-off record came before it"),
    _("record %(type)s belongs to a delivery note, but no 713 came before it"),
    _("record %(type)s cannot follow record %(last)s here (expected %(expected)s)"),
    _("record %(type)s comes before any transmission header (%(headers)s)"),
    _("record %(type)s does not belong to a VDA %(family)s transmission (header %(header)s)"),
    _("response code '%(code)s' is none of %(known)s (UNCL 4343 as the MLR uses it)"),
    _("segment after the IEA of the interchange"),
    _("status '%(status)s' is no IDoc status the hub knows (53 posted, 51 not posted, ...)"),
    _("the ApplicationResponse has no cac:DocumentResponse: it answers nothing"),
    _("the ISA header is cut short: it needs 16 elements and a segment terminator"),
    _("the XML declares an entity (<!ENTITY>); the hub refuses entity declarations"),
    _("the XML document is empty"),
    _("the XML has a DOCTYPE declaration; the hub refuses DOCTYPEs"),
    _(
        "the XML has a DOCTYPE declaration; the hub refuses DOCTYPEs (they can declare entities that expand without limit or read local files): send the document without it"
    ),
    _("the XML is larger than the safe parser allows (%(detail)s); refused"),
    _("the XML is not well-formed: %(detail)s"),
    _("the XML nests elements deeper than the safe parser allows (256 levels); refused"),
    _("the XML refers to an entity the hub does not resolve (%(detail)s)"),
    _("the acknowledgement has neither AK9 nor AK5/IK5: it says nothing"),
    _("the call-off names no part (customer part and supplier part are blank)"),
    _("the cell holds a NUL character (or a lone surrogate), which cannot be stored; remove it and send the file again"),
    _("the character after ISA16 ('%(value)s') cannot be a segment terminator"),
    _("the delivery note has no transport record 712 before it"),
    _("the delivery schedule has no E1EDK09 header segment"),
    _("the delivery schedule has no number (E1EDK09 LABNK)"),
    _("the despatch advice has no E1EDL20 delivery header segment (DESADV01's own E1EDK07/E1EDP07 are not read)"),
    _("the despatch advice has no number (E1EDL20 LIFEX or VBELN)"),
    _("the document number is missing"),
    _("the documents contain both the usual X12 separators and ASCII control separators; they cannot be written as X12"),
    _("the file has %(count)s interchange(s); there is no interchange %(index)s to acknowledge"),
    _("the file holds no IDoc (no EDI_DC40 control record)"),
    _("the file holds no VDA record"),
    _("the file is no IDoc: it starts neither with an EDI_DC40 control record nor with XML"),
    _("the file is not XML (it does not start with '<')"),
    _("the file is not a readable XLSX workbook (%(detail)s)"),
    _("the file is not a readable XLSX workbook (%(error)s: %(detail)s)"),
    _("the header row lacks the columns the mapping needs (%(wanted)s and a part number)"),
    _("the interchange ends without IEA %(where)s (truncated?)"),
    _("the interchange ends without UNZ%(after)s: the file ends there%(cut)s (truncated?)"),
    _("the interchange ends without UNZ after segment %(segment)s (%(tag)s): the file ends there (truncated?)"),
    _("the interchange ends without UNZ after segment %(segment)s (%(tag)s): the file ends there in the middle of a segment (truncated?)"),
    _("the interchange header holds a character the hub cannot store (NUL or a lone surrogate)"),
    _("the item names no part (customer part and supplier part are blank)"),
    _("the order has no number (E1EDK02 qualifier 001 BELNR, or E1EDK01 BELNR)"),
    _("the period %(start)s..%(end)s is neither an ISO week nor a calendar month"),
    _("the record holds a NUL character, which cannot be stored; remove it and send the file again"),
    _('the root element must be <documents xmlns="%(namespace)s">'),
    _("the schedule quantity has no date (FST04)"),
    _("the status IDoc has no E1STATS record: it acknowledges nothing"),
    _("the trailer counts %(declared)s records %(type)s, the transmission holds %(actual)s"),
    _("the transaction set ends without SE after its segment %(segment)s (%(tag)s): the file ends there (truncated?)"),
    _("the transmission that starts in record %(record)s (%(header)s) has no trailer %(trailer)s"),
    _("the workbook unpacks to %(size)s MiB, more than the hub reads"),
    _("transaction set %(type)s is not carried by the hub (it takes %(known)s)"),
    _("unknown document type %(type)s; known: %(known)s"),
    _("unknown format '%(format)s'; known: %(known)s"),
    _("year %(year)s cannot be written in two digits"),
    _("%(tag)s belongs right after the ISA, before the first GS or TA1"),
    _("%(tag)s control number '%(value)s' does not match %(opener)s control number '%(expected)s'"),
    _("%(value)s differs from %(first)s given in line %(line)s for document %(number)s"),
    _("%(name)s is empty: a %(type)s needs its %(what)s"),
    _("%(value)s is not CCYYMMDDHHMM"),
    _("%(value)s is not a call-off kind (%(known)s)"),
    _("%(value)s is not a commitment (%(known)s)"),
    _("%(value)s is not a date (use 2026-12-31 or 31.12.2026)"),
    _("%(value)s is not a date CCYYMMDD"),
    _("%(value)s is not a number"),
    _("%(value)s is not a time HHMM"),
    _("%(type)s is not carried by the hub (it takes cXML %(known)s)"),
    _("%(tag)s segment outside a transaction set (between SE and ST)"),
    _("%(what)s: VDA 4913 carries the labels of a package as one numeric range from..to (9 digits each), not %(ids)s"),
    _("%(what)s: VDA call-offs carry whole quantities 0..%(most)s, not %(value)s"),
    _("%(what)s: a schedule quantity %(value)s cannot be written in VDA: %(detail)s"),
    _("%(what)s: partner id '%(value)s' is longer than the 70 characters of %(side)sLAD"),
]


def _pattern(template: str) -> re.Pattern[str]:
    """The regular expression that recognises the English ``template`` says: literal text, and a group per named value."""
    parts = re.split(r"%\((\w+)\)s", template)
    regex = []
    for n, part in enumerate(parts):
        if n % 2 == 0:
            regex.append(re.escape(part))
        else:
            regex.append(f"(?P<{part}>.*?)" if f"(?P<{part}>" not in "".join(regex) else f"(?P={part})")
    return re.compile("^" + "".join(regex) + "$", re.DOTALL)


def _literal_length(template: str) -> int:
    return len(re.sub(r"%\(\w+\)s", "", template))


# The most specific first: of two templates that match one text ("the document number is
# missing", "%(what)s is missing"), the one with more fixed words says it.
TEXTS: list[tuple[re.Pattern[str], str]] = sorted(((_pattern(t), t) for t in TEMPLATES), key=lambda entry: -_literal_length(entry[1]))


# Texts longer than this stay as written. The templates' holes are lazy groups side by side,
# which backtrack in polynomial time on a text full of separators ("x: x: x: ..."): at most
# 15 ms at 300 characters, 130 ms at 600 and minutes at 3,000; the values inside a text come from the
# partner's file, so its length is the partner's to choose. The codecs' own texts are shorter.
MAX_TRANSLATED = 300


def error_text(text: str, depth: int = 0) -> str:
    """``text`` in the active language when a known template says it; else as written.

    A value inside a text may be a text of its own ("<why>; the whole interchange is
    refused"): values are translated the same way, one level down. A text longer than
    ``MAX_TRANSLATED`` characters is returned as written.
    """
    if len(text) > MAX_TRANSLATED:
        return text
    for pattern, template in TEXTS:
        found = pattern.match(text)
        if found:
            values = found.groupdict()
            if depth < 2:
                values = {name: error_text(value, depth + 1) for name, value in values.items()}
            return gettext(template) % values
    return text


def error_position(error: dict[str, Any]) -> str:
    """The position of a stored error in words of the active language: ``Segment 14 (QTY), Element 1``."""
    parts: list[str] = []
    segment, tag = error.get("segment"), error.get("tag", "")
    if segment is not None:
        parts.append((gettext("segment %(n)s (%(tag)s)") if tag else gettext("segment %(n)s")) % {"n": segment, "tag": tag})
    elif tag:
        parts.append(tag)
    for key, template in (
        ("line", gettext("line %(n)s")),
        ("element", gettext("element %(n)s")),
        ("component", gettext("component %(n)s")),
        ("column", gettext("column %(n)s")),
    ):
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
    return {
        "position": error_position(error),
        "text": error_text(str(error.get("text", ""))),
        "message_ref": str(error.get("message_ref", "")),
    }
