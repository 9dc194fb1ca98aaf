"""One example answer (and request, where there is a body) for every operation of the API, as data.

``hub.api.schema.HubAutoSchema`` looks them up by method and path; list operations give
one item, which drf-spectacular wraps in the cursor page. Values follow ``docs/api.md``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample

INTERCHANGE_ID = "b7b5883a-d0cd-4f74-9cb1-a4015c828726"
CALL_OFF_ID = "19046707-2d5d-4af5-90fd-9e28652ce050"

INTERCHANGE = {
    "id": INTERCHANGE_ID,
    "status": "processed",
    "received_at": "2026-11-25T13:30:04.227293Z",
    "processed_at": "2026-11-25T13:30:04.433823Z",
    "channel": "api",
    "filename": "delfor.edi",
    "size": 1228,
    "sha256": "d30e4b16608eb189194a6276a82f29a550e303086c7a50fd0313dd11f94ab25a",
    "format": "EDIFACT",
    "version": "D96A",
    "message_types": "DELFOR",
    "sender_id": "OEMPLANTS",
    "receiver_id": "SUPPLIERHUB",
    "control_ref": "S00000001",
    "document_count": 1,
    "documents": [{"type": "delivery_schedule", "id": CALL_OFF_ID, "number": "CO0000001", "supplier": "SUP00001", "plant": "PLANT01", "url": f"/api/v1/call-offs/{CALL_OFF_ID}/"}],
    "errors": [],
    "warnings": [],
    "duplicate_of": None,
    "raw_url": f"/api/v1/interchanges/{INTERCHANGE_ID}/raw",
    "ack_url": f"/api/v1/interchanges/{INTERCHANGE_ID}/ack",
}
CREATED = {"id": INTERCHANGE_ID, "status": "received", "received_at": "2026-11-25T13:30:04.227293Z", "size": 1228, "sha256": INTERCHANGE["sha256"], "duplicate_of": None}
CANONICAL_CALL_OFF = {
    "type": "delivery_schedule",
    "number": "CO0000001",
    "issued": "2026-11-23",
    "supplier": {"id": "SUP00001"},
    "ship_to": {"id": "PLANT01", "plant": "PLANT01"},
    "lines": [{"buyer_part": "4711-001", "unit": "C62", "schedule": [{"date": "2026-12-01", "quantity": "120", "commitment": "firm"}]}],
}
CALL_OFF = {
    "id": CALL_OFF_ID,
    "number": "CO0000001",
    "kind": "standard",
    "issued": "2026-11-23",
    "status": "current",
    "supplier": "SUP00001",
    "plant": "PLANT01",
    "created_at": "2026-11-25T13:30:04.435188Z",
    "acknowledged_at": None,
    "interchange": INTERCHANGE_ID,
}
DESPATCH_ADVICE = {
    "id": "8f693b5a-0cf9-4d09-836c-b365ee56c770",
    "number": "DN0000001",
    "issued": "2026-11-23",
    "ship_date": "2026-11-23",
    "arrival_date": "2026-11-24",
    "supplier": "SUP00001",
    "plant": "PLANT01",
    "created_at": "2026-11-25T14:00:11.979821Z",
    "interchange": "a722162b-cb80-498f-a684-3a7d69ebddc9",
}
PURCHASE_ORDER = {
    "id": "1e225502-a0d5-4e53-a910-2e3467416f4b",
    "number": "PO0000001",
    "issued": "2026-11-23",
    "currency": "EUR",
    "supplier": "SUP00001",
    "plant": "PLANT01",
    "created_at": "2026-11-25T14:00:10.870246Z",
    "interchange": "8d2830b3-9ec3-4004-9a31-d9a92ca31606",
}
ORDER_RESPONSE = {
    "id": "da1286c0-0218-4889-bf89-807b92633fd1",
    "number": "OR0000001",
    "issued": "2026-11-24",
    "order_number": "PO0000001",
    "order": PURCHASE_ORDER["id"],
    "status": "changed",
    "supplier": "SUP00001",
    "plant": "PLANT01",
    "created_at": "2026-11-25T14:00:11.934863Z",
    "interchange": "d27db180-0247-418f-b1bc-b516235f6f75",
}
DELIVERY = {
    "id": 12,
    "idempotency_key": "826cacd0-4e04-46e6-859e-6ae317d29828",
    "document_type": "delivery_schedule",
    "document_id": CALL_OFF_ID,
    "document_number": "CO0000001",
    "recipient": "plant",
    "plant": "PLANT01",
    "supplier": "SUP00001",
    "status": "delivered",
    "attempts": 1,
    "created_at": "2026-11-25T13:30:04.439881Z",
    "delivered_at": "2026-11-25T13:30:05.433891Z",
    "acknowledged_at": "2026-11-25T13:30:32.133723Z",
    "acknowledgement_status": "",
    "next_attempt_at": "2026-11-25T13:30:04.438941Z",
    "last_error": "",
}
TOKEN = {
    "id": 7,
    "name": "erp",
    "prefix": "hub_3Jq0xA",
    "scope": "write",
    "state": "active",
    "created_at": "2026-11-25T13:00:00Z",
    "expires_at": "2027-02-23T13:00:00Z",
    "last_used_at": None,
    "revoked_at": None,
}
FORMAT_ERRORS = {
    "type": "urn:supplier-hub:problem:format",
    "title": "The file has format errors",
    "status": 422,
    "detail": "segment 21 (QTY), element 1, component 2: '12,5x' is not a number [message 1]",
    "errors": [
        {
            "position": "segment 21 (QTY), element 1, component 2",
            "code": "invalid_value",
            "text": "'12,5x' is not a number",
            "segment": 21,
            "tag": "QTY",
            "element": 1,
            "component": 2,
            "message_ref": "1",
        }
    ],
    "segment": 21,
    "tag": "QTY",
    "element": 1,
    "component": 2,
    "message": "1",
}
SUBMITTED = {
    "id": INTERCHANGE_ID,
    "status": "received",
    "received_at": "2026-11-25T13:30:04.227293Z",
    "sha256": INTERCHANGE["sha256"],
    "duplicate_of": None,
    "url": f"https://hub.example.com/api/v1/interchanges/{INTERCHANGE_ID}/",
}
DELFOR = "UNA:+.? '\nUNB+UNOC:3+OEMPLANTS:ZZ+SUPPLIERHUB:ZZ+261123:0800+S00000001'\nUNH+1+DELFOR:D:96A:UN'\n...\nUNZ+1+S00000001'\n"


def _answer(name: str, value: Any, status: str = "200", media_type: str = "application/json") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[status], media_type=media_type)


BINARY = "application/octet-stream"


EXAMPLES: dict[tuple[str, str], list[OpenApiExample]] = {
    ("GET", "/api/v1/interchanges/"): [_answer("an interchange", INTERCHANGE)],
    ("POST", "/api/v1/interchanges/"): [
        OpenApiExample("a DELFOR", value=DELFOR, request_only=True, media_type="application/octet-stream"),
        _answer("stored and queued", CREATED, "201"),
    ],
    ("GET", "/api/v1/interchanges/{id}/"): [_answer("processed", INTERCHANGE)],
    ("GET", "/api/v1/interchanges/{id}/raw"): [_answer("the bytes as received", DELFOR, media_type=BINARY)],
    ("GET", "/api/v1/interchanges/{id}/ack"): [
        _answer("a CONTRL", "UNA:+.? '\nUNB+UNOC:3+SUPPLIERHUB:ZZ+SUP00001:ZZ+261125:1400+900000004'\nUNH+1+CONTRL:D:3:UN'\n...\nUNZ+1+900000004'\n", media_type=BINARY)
    ],
    ("GET", "/api/v1/call-offs/"): [_answer("a call-off", CALL_OFF)],
    ("GET", "/api/v1/call-offs/{id}/"): [_answer("a call-off with its document", {**CALL_OFF, "previous_number": "", "document": CANONICAL_CALL_OFF})],
    ("GET", "/api/v1/despatch-advices/"): [_answer("a despatch advice", DESPATCH_ADVICE)],
    ("GET", "/api/v1/despatch-advices/{id}/"): [_answer("a despatch advice with its document", {**DESPATCH_ADVICE, "document": {"type": "despatch_advice", "number": "DN0000001"}})],
    ("POST", "/api/v1/despatch-advices/"): [_answer("checked, stored and queued", SUBMITTED, "202")],
    ("GET", "/api/v1/despatch-advices/{id}/labels.pdf"): [_answer("one A5 page per package", "%PDF-1.4 ...", media_type="application/pdf")],
    ("GET", "/api/v1/despatch-advices/{id}/labels.zpl"): [_answer("one ZPL label per package", "^XA^FO40,40^A0N,30,30^FDDN-4711^FS ... ^XZ", media_type="text/plain")],
    ("POST", "/api/v1/order-responses/"): [_answer("checked, stored and queued", SUBMITTED, "202")],
    ("GET", "/api/v1/call-offs/{id}/versions"): [_answer("the previous version", {**CALL_OFF, "number": "CO0000000", "status": "superseded"})],
    ("POST", "/api/v1/call-offs/{id}/acknowledge"): [
        _answer("acknowledged, sent to the plant", {"id": CALL_OFF_ID, "number": "CO0000001", "acknowledged_at": "2026-11-25T14:02:00Z", "delivery": 4711, "sent_now": True})
    ],
    ("GET", "/api/v1/overview/"): [
        _answer(
            "one plant",
            {
                "generated_at": "2026-12-02T08:00:00Z",
                "plants": [
                    {
                        "code": "PLANT01",
                        "call_offs_current": 212,
                        "call_offs_unacknowledged": 7,
                        "despatch_advices_late": 3,
                        "interchanges_failed_24h": 1,
                        "deliveries_pending": 4,
                        "deliveries_dead": 0,
                        "suppliers_live": 54,
                    }
                ],
            },
        )
    ],
    ("GET", "/api/v1/purchase-orders/"): [_answer("a purchase order", PURCHASE_ORDER)],
    ("GET", "/api/v1/purchase-orders/{id}/"): [_answer("a purchase order with its document", {**PURCHASE_ORDER, "document": {"type": "purchase_order", "number": "PO0000001"}})],
    ("GET", "/api/v1/order-responses/"): [_answer("an order response", ORDER_RESPONSE)],
    ("GET", "/api/v1/order-responses/{id}/"): [_answer("an order response with its document", {**ORDER_RESPONSE, "document": {"type": "order_response", "number": "OR0000001"}})],
    ("GET", "/api/v1/deliveries/"): [_answer("a delivery", DELIVERY)],
    ("GET", "/api/v1/deliveries/{id}/"): [_answer("a delivery", DELIVERY)],
    ("POST", "/api/v1/deliveries/{id}/receipt"): [_answer("confirmed", DELIVERY)],
    ("GET", "/api/v1/plants/"): [_answer("a plant", {"id": 1, "code": "PLANT01", "name": "Wolfsburg Body Shop", "timezone": "Europe/Berlin", "paused": False})],
    ("GET", "/api/v1/suppliers/"): [
        _answer(
            "a supplier",
            {
                "id": "629a58e5-8225-41b7-bdcb-c33db4a63934",
                "number": "SUP00001",
                "name": "Demo Supplier 1 GmbH",
                "duns": "300000001",
                "vat_id": "",
                "country": "CZ",
                "city": "Wolfsburg",
                "status": "live",
                "plants": ["PLANT01", "PLANT02"],
            },
        )
    ],
    ("GET", "/api/v1/formats/"): [
        _answer(
            "EDIFACT DELFOR",
            {
                "next": None,
                "previous": None,
                "results": [
                    {"name": "edifact-delfor", "family": "EDIFACT", "versions": ["D:96A"], "message_types": ["DELFOR"], "directions": ["parse", "render"], "documents": ["delivery_schedule"]}
                ],
            },
        )
    ],
    ("POST", "/api/v1/translate"): [
        OpenApiExample("a DELFOR", value=DELFOR, request_only=True, media_type="application/octet-stream"),
        _answer("canonical JSON", {"format": "EDIFACT", "version": "D96A", "documents": [CANONICAL_CALL_OFF], "warnings": []}),
        _answer("an X12 830 (to=x12)", "ISA*00*          *00*          *ZZ*OEMPLANTS      *ZZ*SUPPLIERHUB    *...~", media_type=BINARY),
        _answer("a format error", FORMAT_ERRORS, "422", media_type="application/problem+json"),
    ],
    ("GET", "/api/v1/tokens/"): [_answer("a token", TOKEN)],
    ("POST", "/api/v1/tokens/"): [
        OpenApiExample("a read-only token for 90 days", value={"name": "dashboard", "scope": "read", "days": 90}, request_only=True),
        _answer("issued (the token is shown this once)", {**TOKEN, "token": "hub_3Jq0xA..."}, "201"),
    ],
    ("POST", "/api/v1/tokens/{id}/revoke"): [_answer("revoked", {**TOKEN, "state": "revoked", "revoked_at": "2026-11-26T08:00:00Z"})],
}


def examples_for(method: str, path: str) -> list[OpenApiExample]:
    """The examples of one operation (empty when it has none here: its view declares its own)."""
    return EXAMPLES.get((method.upper(), path), [])
