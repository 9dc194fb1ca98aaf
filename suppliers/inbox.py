"""Read marks on the portal inbox: per user, set when a document is opened or marked."""

from __future__ import annotations

from hub.models import Delivery
from hub.permissions import check
from suppliers.models import InboxRead, User


def inbox_mark(*, user: User, delivery: Delivery, read: bool = True) -> None:
    """Mark one inbox document read (or unread again) for ``user``; idempotent."""
    check(user, "inbox.mark", delivery)
    if read:
        InboxRead.objects.get_or_create(user=user, delivery=delivery)
    else:
        InboxRead.objects.filter(user=user, delivery=delivery).delete()
