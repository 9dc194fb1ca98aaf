"""Walk the X12 envelope: ISA..IEA, GS..GE, ST..SE and TA1, with counts checked.

Cuts the segments of one interchange into transaction sets. Envelope faults (an SE
count that does not match, a GE number that differs from its GS) are collected with
positions instead of raised: a set's own faults go to that set, so one bad set does
not cost the good ones; group and interchange faults go to the interchange.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from hub.formats.errors import Envelope, FormatError, Position
from hub.formats.x12.syntax import Separators
from hub.formats.x12.tokenizer import Segment, Token, bad_tag


@dataclass
class TransactionSet:
    """One ST..SE transaction set (or one TA1): its (tag, raw) tokens, numbered from ST = 1."""

    ref: str
    type: str
    version: str  # GS08, e.g. 004010 or 005010X231; the ISA12 for a TA1
    seps: Separators
    group_ref: str = ""
    functional_id: str = ""
    tokens: list[tuple[str, str]] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    plain: bool = False  # the reader saw no component or repetition separator in the set's text

    @cached_property
    def segments(self) -> list[Segment]:
        """The set's segments numbered from ST = 1, built on first use (mappings only)."""
        seps = self.seps
        return [Segment(number, tag, raw, seps) for number, (tag, raw) in enumerate(self.tokens, 1)]


@dataclass
class Interchange:
    """One ISA..IEA interchange: its envelope, transaction sets and envelope-level errors."""

    envelope: Envelope
    isa: list[str]
    sets: list[TransactionSet] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    group_versions: list[str] = field(default_factory=list)


def envelope_from_isa(isa: list[str], seps: Separators) -> Envelope:
    """Build the Envelope from the ISA elements (padding stripped, qualifier as scheme)."""

    def get(i: int) -> str:
        """ISA element ``i`` without its fixed-width padding."""
        return isa[i].strip() if i < len(isa) else ""

    return Envelope(
        format="X12",
        version=get(12),
        sender={"scheme": get(5), "id": get(6)},
        receiver={"scheme": get(7), "id": get(8)},
        control_ref=get(13),
        syntax=f"ISA {get(12)}",
        separators=seps.as_dict(),
        test=get(15) == "T",
    )


def _count_error(seg: Segment, what: str, declared: str, actual: int, e: int = 1, ref: str = "") -> FormatError | None:
    if declared.strip().isdigit() and int(declared) == actual:
        return None
    return seg.error(f"{seg.tag} counts {declared or 'no'} {what} but there are {actual}", e, message_ref=ref, code="count")


def _ref_error(seg: Segment, e: int, value: str, opener: str, expected: str, ref: str = "") -> FormatError | None:
    # Control numbers are compared as numbers when both are numeric: '000000001'
    # and '1' are the same interchange number to every translator we know.
    a, b = value.strip(), expected.strip()
    if a == b or (a.isdigit() and b.isdigit() and int(a) == int(b)):
        return None
    return seg.error(f"{seg.tag} control number '{a}' does not match {opener} control number '{b}'", e, message_ref=ref, code="reference")


ENVELOPE_TAGS = frozenset({"ST", "SE", "GS", "GE", "IEA", "ISA", "TA1", "ISB", "ISE", "ISX", ""})
# Interchange-level segments that may follow the ISA before the first group or TA1:
# ISB grade of service request, ISE deferred delivery request, ISX syntax extension
# (release character and character encoding, 005010 on).
HEADER_TAGS = ("ISB", "ISE", "ISX")


class Walker:
    """Cut the segment tokens following one ISA into transaction sets, checking every count.

    Fed batch by batch (``feed``), it hands back each transaction set as soon as its SE
    (or the envelope segment that cuts it short) arrives, so a reader keeps one set in
    memory, not the interchange. Only envelope segments become ``Segment`` objects here;
    body segments stay ``(tag, raw)`` pairs until a mapping reads them, which keeps big
    files cheap. Group and interchange faults collect in ``errors``; ``finish`` adds the
    faults of an interchange that ends early.
    """

    def __init__(self, isa_seg: Segment, isa: list[str], seps: Separators) -> None:
        self.envelope = envelope_from_isa(isa, seps)
        self.isa = isa
        self.seps = seps
        self.errors: list[FormatError] = []
        self.group_versions: list[str] = []
        self.group: Segment | None = None
        self.group_ref = self.group_version = self.functional_id = ""
        self.group_sets = self.groups = self.ta1s = 0
        self.tset: TransactionSet | None = None
        self.last_number = isa_seg.number
        self.last_tag = "ISA"
        self.ended = False
        self.partial = False  # the file ends in the middle of a segment (set by the reader)
        self.end_byte: int | None = None  # where the last complete segment ends, when the file ends in this interchange

    def _close_set(self, reason: str, done: list[TransactionSet]) -> None:
        """File the open transaction set with the error saying why it ended early."""
        tset = self.tset
        if tset is not None:
            tset.errors.append(FormatError(reason, Position(segment=len(tset.tokens), tag=tset.type, message_ref=tset.ref)))
            done.append(tset)
            self.tset = None
            self.group_sets += 1  # still a set of the group: GE must count it, or GE gets blamed too

    def feed(self, segments: Iterable[Token]) -> list[TransactionSet]:  # noqa: C901, PLR0912, PLR0915
        """Walk the next segments; return the transaction sets (and TA1s) they complete, in order."""
        done: list[TransactionSet] = []
        seps = self.seps
        errors = self.errors
        envelope_tags = ENVELOPE_TAGS
        tset = self.tset
        number, tag = self.last_number, self.last_tag
        for number, tag, raw in segments:
            if tset is not None and tag not in envelope_tags:
                tset.tokens.append((tag, raw))  # the bulk of the file takes this path
                continue
            self.tset = tset
            seg = Segment(number, tag, raw, seps)
            if self.ended:
                errors.append(seg.error("segment after the IEA of the interchange"))
                continue
            if tag == "ST":
                self._close_set("the transaction set has no SE before the next ST", done)
                if self.group is None:
                    errors.append(seg.error("ST outside a functional group (no GS before it)"))
                ref = seg.get(2)
                tset = TransactionSet(
                    ref=ref,
                    type=seg.get(1),
                    version=self.group_version or self.envelope.version,
                    group_ref=self.group_ref,
                    functional_id=self.functional_id,
                    seps=seps,
                )
                seg.number = 1
                tset.tokens.append((tag, raw))
                if not ref:
                    tset.errors.append(seg.error("ST has no transaction set control number", 2))
                if not tset.type:
                    tset.errors.append(seg.error("ST names no transaction set identifier", 1, message_ref=ref))
                continue
            if tset is not None:
                if tag == "SE":
                    seg.number = len(tset.tokens) + 1
                    tset.tokens.append((tag, raw))
                    for problem in (
                        _count_error(seg, "segments", seg.get(1), seg.number, 1, tset.ref),
                        _ref_error(seg, 2, seg.get(2), "ST", tset.ref, tset.ref),
                    ):
                        if problem is not None:
                            tset.errors.append(problem)
                    done.append(tset)
                    tset = self.tset = None
                    self.group_sets += 1
                    continue
                if tag in ("GE", "IEA", "GS", "ISA"):
                    self._close_set(f"the transaction set has no SE before the {tag}", done)
                    tset = None
                else:
                    seg.number = len(tset.tokens) + 1
                    tset.tokens.append((tag, raw))
                    if not tag:
                        tset.errors.append(bad_tag(seg, tset.ref))
                    continue
            self._envelope_segment(seg, done)
        self.tset = tset
        self.last_number, self.last_tag = number, tag
        return done

    def _envelope_segment(self, seg: Segment, done: list[TransactionSet]) -> None:
        """Check a GS, GE, IEA or TA1 (or a stray segment) between transaction sets."""
        errors, tag = self.errors, seg.tag
        if tag == "GS":
            if self.group is not None:
                errors.append(seg.error(f"GS before the GE of group {self.group_ref}"))
            self.group, self.group_ref, self.functional_id = seg, seg.get(6), seg.get(1)
            self.group_version = seg.get(8) or self.envelope.version
            self.group_versions.append(self.group_version)
            self.group_sets = 0
            self.groups += 1
        elif tag == "GE":
            if self.group is None:
                errors.append(seg.error("GE without a GS"))
                return
            for problem in (
                _count_error(seg, "transaction sets", seg.get(1), self.group_sets),
                _ref_error(seg, 2, seg.get(2), "GS", self.group_ref),
            ):
                if problem is not None:
                    errors.append(problem)
            self.group, self.group_ref, self.group_version, self.functional_id = None, "", "", ""
        elif tag == "IEA":
            if self.group is not None:
                errors.append(seg.error(f"IEA before the GE of group {self.group_ref}"))
                self.group = None
            # A TA1-only interchange has no groups; senders count the TA1s or write 0.
            declared = seg.get(1).strip()
            if not (self.groups == 0 and self.ta1s and declared.isdigit() and int(declared) in (0, self.ta1s)):
                problem = _count_error(seg, "functional groups", seg.get(1), self.groups)
                if problem is not None:
                    errors.append(problem)
            problem = _ref_error(seg, 2, seg.get(2), "ISA", self.envelope.control_ref)
            if problem is not None:
                errors.append(problem)
            self.ended = True
        elif tag in HEADER_TAGS:
            self._header_segment(seg)
        elif tag == "TA1":
            self.ta1s += 1
            done.append(TransactionSet(ref=seg.get(1), type="TA1", version=self.envelope.version, seps=self.seps, tokens=[(tag, seg.raw)]))
        elif not tag:
            errors.append(bad_tag(seg))
        else:
            errors.append(seg.error(f"{tag} segment outside a transaction set (between SE and ST)"))

    def _header_segment(self, seg: Segment) -> None:
        """Take an ISB, ISE or ISX right after the ISA; anywhere else it is out of place."""
        if self.groups or self.group is not None or self.ta1s:
            self.errors.append(seg.error(f"{seg.tag} belongs right after the ISA, before the first GS or TA1"))
            return
        if seg.tag == "ISX":
            release = seg.get(1)
            if release and release != self.seps.release:
                self.errors.append(seg.error(f"ISX01 '{release}' cannot be the release character (one special character, not a separator)", 1))
            encoding = seg.get(2)
            self.envelope.syntax += f" ISX{' release ' + self.seps.release if self.seps.release else ''}{' encoding ' + encoding if encoding else ''}"
        else:
            self.envelope.syntax += f" {seg.tag}"

    def finish(self) -> list[TransactionSet]:
        """End the interchange: file a set cut short, report a missing GE or IEA; return that set, if any."""
        done: list[TransactionSet] = []
        where = f"after segment {self.last_number} ({self.last_tag}): the file ends there{' in the middle of a segment' if self.partial else ''}"
        at = Position(segment=self.last_number, tag=self.last_tag, byte=self.end_byte)
        if self.tset is not None:
            last = len(self.tset.tokens)
            text = f"the transaction set ends without SE after its segment {last} ({self.tset.tokens[-1][0]}): the file ends there (truncated?)"
            self.tset.errors.append(FormatError(text, Position(segment=last, tag=self.tset.tokens[-1][0], message_ref=self.tset.ref, byte=self.end_byte), code="missing"))
            done.append(self.tset)
            self.tset = None
            self.group_sets += 1
        if self.group is not None and not self.ended:
            self.errors.append(FormatError(f"functional group {self.group_ref} ends without GE {where} (truncated?)", at, code="missing"))
        if not self.ended:
            self.errors.append(FormatError(f"the interchange ends without IEA {where} (truncated?)", at, code="missing"))
        return done


def walk(isa_seg: Segment, isa: list[str], segments: Iterable[Token], seps: Separators) -> Interchange:
    """Walk one whole interchange at once (tests and tools; the codec streams with ``Walker``)."""
    walker = Walker(isa_seg, isa, seps)
    sets = walker.feed(segments) + walker.finish()
    return Interchange(walker.envelope, isa, sets, walker.errors, walker.group_versions)
