"""UBL ApplicationResponse as the PEPPOL Message Level Response (MLR), both ways.

The hub answers a UBL partner's document with an MLR (PEPPOL BIS Message Level Response
3.0): ``cac:DocumentResponse/cac:Response/cbc:ResponseCode`` AB (received, accepted
for processing), AP (accepted) or RE (rejected), one ``cac:LineResponse`` per error with
the reason as UNCL 4343-style status reason codes of the MLR (SV syntax violation, BV
business rule violation fatal, BW business rule violation warning) and the position in
``cbc:Description``. An inbound ApplicationResponse maps to an acknowledgement whose
``acknowledges.number`` is the referenced document's ``cbc:ID``.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from hub.formats.canonical import AckError, Acknowledged, Acknowledgement, Document, PartyId
from hub.formats.errors import FormatError, ParseResult, Position
from hub.formats.tolerance import is_tolerated_entry
from hub.formats.xml.common import join_time, split_time, sub, text
from hub.formats.xml.ubl import CAC, CBC, DOC_NS, NS, _a, _c, _source

ROOT = "ApplicationResponse"
CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:mlr:3"
PROFILE = "urn:fdc:peppol.eu:poacc:bis:mlr:3"
# MLR response codes (UNCL 4343 subset) <-> canonical status.
RESPONSE_CODE = {"AB": "accepted", "AP": "accepted", "CA": "partially_accepted", "RE": "rejected"}
STATUS_TO_CODE = {"accepted": "AP", "partially_accepted": "CA", "rejected": "RE"}
# FormatError codes -> MLR status reason (SV syntax violation, BV business rule violation, BW warning).
REASON = {"syntax": "SV", "tag": "SV", "missing": "SV", "count": "SV", "reference": "SV", "unsupported": "SV", "internal": "SV"}


def read(root: etree._Element, version: str) -> Acknowledgement:
    """An inbound ApplicationResponse -> acknowledgement (status from the document response code)."""
    response = root.find("cac:DocumentResponse", NS)
    if response is None:
        raise FormatError("the ApplicationResponse has no cac:DocumentResponse: it answers nothing", Position(line=root.sourceline, tag="DocumentResponse"))
    code = text(response, "cac:Response/cbc:ResponseCode", NS)
    if code not in RESPONSE_CODE:
        where = Position(line=response.sourceline, tag="cbc:ResponseCode")
        raise FormatError(f"response code '{code}' is none of {', '.join(RESPONSE_CODE)} (UNCL 4343 as the MLR uses it)", where)
    reference = response.find("cac:DocumentReference", NS)
    doc = Acknowledgement(
        number=text(root, "cbc:ID", NS),
        issued=join_time(text(root, "cbc:IssueDate", NS), text(root, "cbc:IssueTime", NS)),
        sender=_endpoint(root.find("cac:SenderParty", NS)),
        receiver=_endpoint(root.find("cac:ReceiverParty", NS)),
        source=_source(root, version),
        acknowledges=Acknowledged(
            interchange_ref=text(reference, "cbc:UUID", NS), number=text(reference, "cbc:ID", NS),
            message_refs=[r for r in [text(reference, "cbc:ID", NS)] if r],
        ),  # fmt: skip
        status=RESPONSE_CODE[code],
    )
    for line in response.findall("cac:LineResponse", NS):
        where = text(line, "cac:LineReference/cbc:LineID", NS)
        for answer in line.findall("cac:Response", NS):
            doc.errors.append(
                AckError(
                    position="" if where in ("", "NA") else f"line {where}",
                    code=text(answer, "cac:Status/cbc:StatusReasonCode", NS) or text(answer, "cbc:ResponseCode", NS),
                    text=text(answer, "cbc:Description", NS),
                )
            )
    return doc


def _endpoint(party: etree._Element | None) -> PartyId:
    found = party.find("cbc:EndpointID", NS) if party is not None else None
    if found is None:
        return PartyId()
    return PartyId(scheme=found.get("schemeID", ""), id=(found.text or "").strip())


def write(doc: Document, version: str = "2.1", now: dt.datetime | None = None) -> etree._Element:
    """An acknowledgement -> ApplicationResponse (MLR) element tree."""
    if not isinstance(doc, Acknowledgement):
        raise FormatError(f"an ApplicationResponse carries acknowledgements, not {doc.type}")
    ns = DOC_NS.format(ROOT)
    root = etree.Element("{" + ns + "}" + ROOT, nsmap={None: ns, "cac": CAC, "cbc": CBC})
    sub(root, _c("UBLVersionID"), version)
    sub(root, _c("CustomizationID"), CUSTOMIZATION)
    sub(root, _c("ProfileID"), PROFILE)
    sub(root, _c("ID"), doc.number or "1")
    when = doc.issued or (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M")
    day, time = split_time(when)
    sub(root, _c("IssueDate"), day or "")
    if time:
        sub(root, _c("IssueTime"), time)
    for role, party in (("SenderParty", doc.sender), ("ReceiverParty", doc.receiver)):
        container = sub(root, _a(role))
        if party.id:
            sub(container, _c("EndpointID"), party.id, schemeID=party.scheme or "0088")
    response = sub(root, _a("DocumentResponse"))
    code = STATUS_TO_CODE.get(doc.status, "RE")
    sub(sub(response, _a("Response")), _c("ResponseCode"), code)
    reference = sub(response, _a("DocumentReference"))
    sub(reference, _c("ID"), doc.acknowledges.number or (doc.acknowledges.message_refs or [""])[0] or "NA")
    if doc.acknowledges.interchange_ref:
        sub(reference, _c("UUID"), doc.acknowledges.interchange_ref)
    for error in doc.errors:
        line = sub(response, _a("LineResponse"))
        sub(sub(line, _a("LineReference")), _c("LineID"), "NA")  # the MLR points at the message, the position is in the text
        answer = sub(line, _a("Response"))
        sub(answer, _c("ResponseCode"), "RE" if not is_tolerated_entry(error.text) else "AB")
        sub(answer, _c("Description"), f"{error.position}: {error.text}" if error.position else error.text)
        reason = "BW" if is_tolerated_entry(error.text) else (error.code if error.code in ("SV", "BV", "BW") else REASON.get(error.code, "BV"))
        sub(sub(answer, _a("Status")), _c("StatusReasonCode"), reason, listID="SVC")
    return root


def render(doc: Document, version: str = "2.1") -> bytes:
    """Render an acknowledgement as a UBL ApplicationResponse (PEPPOL MLR)."""
    try:
        root = write(doc, version)
    except ValueError as exc:
        raise FormatError(f"acknowledgement {doc.number!r} holds text XML cannot carry: {exc}", code="render") from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def acknowledgements(verdict: ParseResult, control_ref: str) -> tuple[str, str, bytes, list[Acknowledgement]]:
    """The MLR for a received UBL document as the hub judged it: ``(kind, extension, body, documents)``."""
    documents: list[Acknowledgement] = []
    for message in verdict.messages:
        errors = [AckError(position=e.position.describe(), code=e.code, text=e.text) for e in [*verdict.errors, *message.errors]]
        documents.append(
            Acknowledgement(
                number=control_ref,
                acknowledges=Acknowledged(number=message.ref, message_refs=[message.ref]),
                status="accepted" if message.ok and not verdict.errors else "rejected",
                errors=errors,
            )
        )
    if not documents:  # nothing readable at all: answer the file
        errors = [AckError(position=e.position.describe(), code=e.code, text=e.text) for e in verdict.errors]
        documents.append(Acknowledgement(number=control_ref, status="rejected", errors=errors))
    body = b"".join(render(d) for d in documents[:1])  # a UBL file holds one document, so one MLR
    return "ApplicationResponse", "xml", body, documents[:1]
