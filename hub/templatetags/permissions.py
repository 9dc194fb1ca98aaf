"""``{% may "action" obj as name %}``: templates ask hub.permissions before offering a write."""

from __future__ import annotations

from typing import Any

from django import template

from hub.permissions import may as _may

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: Any, action: str, obj: Any = None) -> bool:
    """True when the signed-in user may take ``action`` (on ``obj``): write buttons show only then."""
    request = context.get("request")
    return request is not None and _may(request.user, action, obj)
