"""What every API operation promises, checked over the whole URL conf and schema (also operations added later)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from hub.api.access import TokenScope

pytestmark = pytest.mark.django_db


def api_views() -> list[tuple[str, type]]:
    """Every view class routed under /api/v1/."""
    found: list[tuple[str, type]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                cls = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
                if cls is not None:
                    found.append((prefix + str(pattern.pattern), cls))

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, op) for path, item in schema["paths"].items() for method, op in item.items() if method in ("get", "post", "put", "patch", "delete")]


def test_every_api_view_checks_the_token_scope():
    views = api_views()
    assert len(views) >= 20
    missing = [path for path, cls in views if TokenScope not in [p if isinstance(p, type) else type(p) for p in cls.permission_classes]]
    assert not missing, f"these API views set permission_classes without hub.api.access.TokenScope: {missing}"


def test_every_operation_has_an_example(schema):
    missing = []
    for method, path, op in operations(schema):
        bodies = [media for response in op.get("responses", {}).values() for media in response.get("content", {}).values()]
        if not any("examples" in media or "example" in media for media in bodies):
            missing.append(f"{method} {path}")
    assert not missing, f"operations without an example (hub/api/examples.py or extend_schema(examples=...)): {missing}"


def test_every_post_takes_an_idempotency_key_and_every_error_is_a_problem(schema):
    for method, path, op in operations(schema):
        if method == "POST":
            assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op.get("parameters", [])), path
        for code in ("401", "404", "429"):
            assert "application/problem+json" in op["responses"][code]["content"], f"{method} {path} {code}"
