"""The portal's API token page: a person's own tokens; create one (shown once), revoke one."""

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
from suppliers.models import ApiToken
from suppliers.selectors import tokens_of
from suppliers.services import token_create, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("e.g. the system that will use it"))
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    days = forms.IntegerField(label=gettext_lazy("Expires after (days)"), min_value=1, max_value=3650, required=False, initial=90, help_text=gettext_lazy("empty: never"))


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's tokens; a valid POST creates one and shows it on this answer only (it is stored hashed)."""
    form = TokenForm(request.POST or None)
    issued = ""
    if request.method == "POST":
        check(request.user, "apitoken.issue")
        if form.is_valid():
            _row, issued = token_create(user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"], days=form.cleaned_data["days"])
            form = TokenForm()
    context: dict[str, Any] = {"tokens": tokens_of(user=request.user), "form": form, "issued": issued, "can_issue": may(request.user, "apitoken.issue")}
    response = render(request, "portal/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a new token: no cache keeps it
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens; anyone else's answers 404."""
    token = tokens_of(user=request.user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("Not found"))
    check(request.user, "apitoken.revoke")
    token_revoke(token=token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("portal:tokens")
