"""A supplier's own users, managed by the supplier's administrators: invite, role, deactivate."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from hub.permissions import check
from suppliers.models import SupplierRole, User


class TeamError(ValueError):
    """A change to a supplier's users that cannot be made; the text says why."""


def supplier_users(*, supplier_id: object) -> list[User]:
    """The supplier's users, active first, by name."""
    return list(User.objects.filter(supplier_id=supplier_id, role=User.Role.SUPPLIER).order_by("-is_active", "username"))


@transaction.atomic
def supplier_user_invite(*, by: User, username: str, email: str, supplier_role: str) -> User:
    """Create a user of ``by``'s supplier with no password yet and e-mail a link to set one."""
    check(by, "supplieruser.invite")
    if supplier_role not in SupplierRole.values:
        raise TeamError(_("Unknown role."))
    if User.objects.filter(username__iexact=username).exists():
        raise TeamError(_("The user name %(name)s is taken.") % {"name": username})
    user = User(username=username, email=email, role=User.Role.SUPPLIER, supplier_id=by.supplier_id, supplier_role=supplier_role)
    user.set_unusable_password()
    user.save()
    from suppliers.tasks import send_user_invitation

    transaction.on_commit(lambda: send_user_invitation.delay(user.pk))
    return user


def supplier_user_invitation_send(*, user_id: int, base_url: str = "") -> bool:
    """E-mail a new user the link to set a password (nothing for users who already set one)."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("supplier").first()
    if user is None or user.has_usable_password() or not user.email:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = (base_url or getattr(settings, "HUB_PUBLIC_URL", "")).rstrip("/") + reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    subject = _("Your account at the supplier hub")
    body = _("You now have an account for %(supplier)s at the supplier hub, user name %(username)s.\nSet your password here: %(link)s\n") % {
        "supplier": user.supplier, "username": user.username, "link": link,
    }  # fmt: skip
    send_mail(subject, body, None, [user.email])
    return True


@transaction.atomic
def supplier_user_change(*, by: User, user: User, supplier_role: str | None = None, active: bool | None = None) -> User:
    """Change a fellow user's role or deactivate/reactivate them; an admin never locks themself out."""
    check(by, "supplieruser.change", user)
    if user.pk == by.pk:
        raise TeamError(_("You cannot change your own account here; ask another administrator."))
    if supplier_role is not None:
        if supplier_role not in SupplierRole.values:
            raise TeamError(_("Unknown role."))
        user.supplier_role = supplier_role
    if active is not None:
        user.is_active = active
    user.save(update_fields=["supplier_role", "is_active"])
    return user


def notifications_set(*, user: User, call_offs: bool, rejected_files: bool, dead_despatch_advices: bool) -> User:
    """Save which e-mails ``user`` wants."""
    check(user, "notifications.change")
    user.notify_call_offs, user.notify_rejected_files, user.notify_dead_despatch_advices = call_offs, rejected_files, dead_despatch_advices
    user.save(update_fields=["notify_call_offs", "notify_rejected_files", "notify_dead_despatch_advices"])
    return user
