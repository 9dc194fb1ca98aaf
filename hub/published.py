"""Serve the published schemas (hub XML XSD, canonical JSON Schema) from ``docs/schemas``."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest

SCHEMAS = {
    "hub-canonical.xsd": "application/xml",
    "canonical.schema.json": "application/schema+json",
}


def schema(request: HttpRequest, name: str) -> FileResponse:
    """Return one published schema by its file name; anything else is 404."""
    content_type = SCHEMAS.get(name)
    if content_type is None:
        raise Http404("unknown schema")
    path = settings.BASE_DIR / "docs" / "schemas" / name
    return FileResponse(path.open("rb"), content_type=content_type)
