"""The portal's account page: the supplier's users (for its administrators) and one's own e-mails."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hub.permissions import check, may
from hub.scope import scoped
from suppliers.models import SupplierRole, User
from suppliers.team import TeamError, notifications_set, supplier_user_change, supplier_user_invite, supplier_users


class InviteForm(forms.Form):
    username = forms.RegexField(label=gettext_lazy("User name"), max_length=150, regex=r"^[\w.@+-]+$")
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    supplier_role = forms.ChoiceField(label=gettext_lazy("Role"), choices=SupplierRole.choices, initial=SupplierRole.DISPATCHER)


class NotificationsForm(forms.Form):
    call_offs = forms.BooleanField(label=gettext_lazy("E-mail me on a new or changed call-off"), required=False)
    rejected_files = forms.BooleanField(label=gettext_lazy("E-mail me when a file is rejected"), required=False)
    dead_despatch_advices = forms.BooleanField(label=gettext_lazy("E-mail me when a despatch advice does not reach the plant"), required=False)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """One's e-mail settings; for a supplier's administrators also the supplier's users and the invite form."""
    user = request.user
    manages = user.supplier_id is not None and may(user, "supplieruser.invite")
    invite = InviteForm(request.POST if request.POST.get("form") == "invite" else None)
    initial = {"call_offs": user.notify_call_offs, "rejected_files": user.notify_rejected_files, "dead_despatch_advices": user.notify_dead_despatch_advices}
    notify = NotificationsForm(request.POST if request.POST.get("form") == "notifications" else None, initial=initial)
    if request.method == "POST" and request.POST.get("form") == "invite" and invite.is_valid():
        try:
            supplier_user_invite(by=user, **invite.cleaned_data)
        except TeamError as exc:
            invite.add_error("username", str(exc))
        else:
            messages.success(request, _("%(name)s was invited; an e-mail with a link to set a password is on its way.") % {"name": invite.cleaned_data["username"]})
            return redirect("portal:account")
    if request.method == "POST" and request.POST.get("form") == "notifications" and notify.is_valid():
        notifications_set(user=user, **notify.cleaned_data)
        messages.success(request, _("Your e-mail settings were saved."))
        return redirect("portal:account")
    if request.method == "POST" and request.POST.get("form") == "invite":
        check(user, "supplieruser.invite")  # a refused invite answers 403, not a form
    context: dict[str, Any] = {"manages": manages, "invite": invite, "notify": notify, "roles": SupplierRole.choices}
    if manages:
        context["team"] = supplier_users(supplier_id=user.supplier_id)
    return render(request, "portal/account.html", context)


@login_required
@require_POST
def account_user(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one of the supplier's users: role, or deactivate / reactivate."""
    try:
        member = scoped(User.objects.filter(role=User.Role.SUPPLIER), request.user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404(_("Not found")) from None
    role = request.POST.get("supplier_role") or None
    active = {"1": True, "0": False}.get(request.POST.get("active", ""))
    try:
        supplier_user_change(by=request.user, user=member, supplier_role=role, active=active)
    except TeamError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s was changed.") % {"name": member.username})
    return redirect("portal:account")
