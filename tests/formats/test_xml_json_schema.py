"""The canonical JSON Schema (docs/schemas/canonical.schema.json) accepts what to_json writes, and only that."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.formats import canonical
from hub.formats.xml import model
from tests.formats.strategies import documents

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a dev dependency (jsonschema==4.26.0); install it to check the schema")

SCHEMA = json.loads(model.JSON_SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_schema_is_valid_draft_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(documents(), min_size=1, max_size=3))
def test_to_json_output_validates(docs):
    payload = [canonical.to_json(doc) for doc in docs]
    VALIDATOR.validate(payload)  # the list translate prints
    VALIDATOR.validate(payload[0])  # one document, as the API accepts it
    assert [canonical.to_json(canonical.from_json(p)) for p in payload] == payload


def test_schema_refuses_what_the_model_does_not_have():
    good = canonical.to_json(canonical.DespatchAdvice(number="1"))
    assert VALIDATOR.is_valid(good)
    assert not VALIDATOR.is_valid({**good, "colour": "red"})
    assert not VALIDATOR.is_valid({**good, "type": "invoice"})
    assert not VALIDATOR.is_valid({**good, "gross_weight": "12,5"})
    assert not VALIDATOR.is_valid({**good, "issued": "01.02.2026"})
    good_ds = canonical.to_json(
        canonical.DeliverySchedule(lines=[canonical.ScheduleLine(schedule=[canonical.ScheduleQuantity(quantity=1)])])
    )
    assert VALIDATOR.is_valid(good_ds)
    bad = json.loads(json.dumps(good_ds))
    bad["lines"][0]["schedule"][0]["commitment"] = "maybe"
    assert not VALIDATOR.is_valid(bad)
