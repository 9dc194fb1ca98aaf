"""Portal pages of onboarding: accept an invitation, self-register, and the partner profile wizard.

The invitation and registration pages are public; the wizard (/portal/profile/...) is
for the signed-in supplier user and only ever touches the user's own supplier.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hub.models import Interchange, Plant
from hub.scope import role_of, scoped
from suppliers import ratelimits
from suppliers.countries import is_country
from suppliers.invitations import InvitationError, invitation_accept, invitation_check, registration_submit
from suppliers.models import PartnerIdentifier, PartnerProfile, Supplier
from suppliers.onboarding import IllegalTransition, onboarding_transition, required_message_types, test_runs_summary
from suppliers.services import PROFILE_FORMATS, ProfileError, profile_complete, profile_propose, profile_set_format, profile_set_identifiers

PROPOSAL_KEY = "onboarding_proposal"
TOKEN_KEY = "onboarding_token"


# -- invitation ------------------------------------------------------------------------------


class AcceptForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("user name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("last name"), max_length=150, required=False)
    password1 = forms.CharField(label=gettext_lazy("password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("password again"), widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                validate_password(data["password1"])
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Follow an invitation link: choose a user name and password, then sign in."""
    try:
        found = invitation_check(token=token)
    except InvitationError as exc:
        return render(request, "portal/invitation.html", {"problem": str(exc)}, status=410)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = invitation_accept(token=token, username=d["username"], password=d["password1"], first_name=d["first_name"], last_name=d["last_name"])
        except InvitationError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Now tell us how you will exchange documents."))
            return redirect("portal:profile")
    return render(request, "portal/invitation.html", {"form": form, "invitation": found})


# -- self-registration -------------------------------------------------------------------------


class RegisterForm(forms.Form):
    company = forms.CharField(label=gettext_lazy("company name"), max_length=200)
    country = forms.CharField(label=gettext_lazy("country (ISO code, e.g. DE)"), max_length=2)
    contact_name = forms.CharField(label=gettext_lazy("contact person"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("contact e-mail"))
    duns = forms.RegexField(label=gettext_lazy("DUNS"), regex=r"^\d{9}$", required=False)
    vat_id = forms.CharField(label=gettext_lazy("VAT id"), max_length=20, required=False)
    plant = forms.ModelChoiceField(label=gettext_lazy("plant you supply"), queryset=Plant.objects.order_by("code"), to_field_name="code")
    note = forms.CharField(label=gettext_lazy("what you supply"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].upper()
        if not is_country(code):
            raise ValidationError(_("'%(code)s' is not an ISO 3166 country code.") % {"code": code})
        return code


def register(request: HttpRequest) -> HttpResponse:
    """A supplier not in master data asks to join; the plant's purchasing staff decide."""
    if request.method == "POST" and (limited := ratelimits.check(request, action="register")):
        return ratelimits.limited_response(request, limited)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration_submit(**form.cleaned_data)
        return render(request, "portal/register_done.html", {"company": form.cleaned_data["company"]})
    return render(request, "portal/register.html", {"form": form})


# -- partner profile wizard --------------------------------------------------------------------


def _supplier(request: HttpRequest) -> Supplier:
    if role_of(request.user) != "supplier" or request.user.supplier_id is None:
        raise Http404(_("Not found"))
    return scoped(Supplier.objects.select_related("profile"), request.user).get(pk=request.user.supplier_id)


def _profile(supplier: Supplier) -> PartnerProfile | None:
    return getattr(supplier, "profile", None)


class FormatForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("EDI format"), choices=[(f, f) for f in PROFILE_FORMATS])
    version = forms.CharField(label=gettext_lazy("version (e.g. D96A, 004010, 4905)"), max_length=20, required=False)
    message_types = forms.CharField(label=gettext_lazy("message types you send, comma-separated (e.g. DESADV, DELFOR)"), max_length=200, required=False)


class SampleForm(forms.Form):
    sample = forms.FileField(label=gettext_lazy("sample file"))


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Step 1: format, version and message types; a sample file fills them in."""
    supplier = _supplier(request)
    current = _profile(supplier)
    proposal = request.session.get(PROPOSAL_KEY)
    initial = {}
    if current is not None:
        initial = {"format": current.format, "version": current.version, "message_types": ", ".join(f.split(":", 1)[-1] for f in current.inbound_formats)}
    if proposal:
        initial = {"format": proposal["format"], "version": proposal["version"], "message_types": ", ".join(proposal["message_types"])}
    sample_form = SampleForm()
    form = FormatForm(initial=initial)
    if request.method == "POST" and "sample" in request.FILES:
        sample_form = SampleForm(request.POST, request.FILES)
        if sample_form.is_valid():
            proposal = profile_propose(data=sample_form.cleaned_data["sample"].read(20 * 1024 * 1024))
            request.session[PROPOSAL_KEY] = proposal
            if proposal["format"]:
                messages.success(request, _("We read your sample: please check what we filled in."))
            else:
                messages.error(request, _("We could not recognise the sample's format; fill in the form yourself."))
            return redirect("portal:profile")
    elif request.method == "POST":
        form = FormatForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            profile_set_format(supplier=supplier, by=request.user, format=d["format"], version=d["version"], message_types=d["message_types"].replace(";", ",").split(","))
            return redirect("portal:profile-identifiers")
    return render(request, "portal/profile_format.html", {"form": form, "sample_form": sample_form, "proposal": proposal, "supplier": supplier, "step": 1})


SCHEMES = PartnerIdentifier.Scheme.choices


class IdentifierForm(forms.Form):
    scheme = forms.ChoiceField(label=gettext_lazy("scheme"), choices=SCHEMES)
    qualifier = forms.CharField(label=gettext_lazy("qualifier"), max_length=10, required=False)
    value = forms.CharField(label=gettext_lazy("identifier"), max_length=80, required=False)


IdentifierFormSet = forms.formset_factory(IdentifierForm, extra=0, max_num=8)


@login_required
def profile_identifiers(request: HttpRequest) -> HttpResponse:
    """Step 2: the ids your files carry (UNB/ISA sender, NAD+SE, VDA number)."""
    supplier = _supplier(request)
    current = _profile(supplier)
    proposal = request.session.get(PROPOSAL_KEY) or {}
    rows = [{"scheme": s, "qualifier": q, "value": v} for s, q, v in proposal.get("identifiers", [])]
    if not rows and current is not None:
        rows = [{"scheme": i.scheme, "qualifier": i.qualifier, "value": i.value} for i in current.identifiers.filter(plant=None)]
    scheme = {"EDIFACT": "edifact", "X12": "x12", "VDA": "vda"}.get(current.format if current else "", "edifact")
    if not rows:
        rows = [{"scheme": scheme, "qualifier": "ZZ" if scheme != "vda" else "", "value": supplier.number}]
    rows += [{"scheme": scheme, "qualifier": "", "value": ""}] * 2
    formset = IdentifierFormSet(request.POST or None, initial=rows, prefix="ids")
    if request.method == "POST" and formset.is_valid():
        idents = [(f.cleaned_data["scheme"], f.cleaned_data.get("qualifier", ""), f.cleaned_data.get("value", "")) for f in formset.forms if f.cleaned_data]
        try:
            profile_set_identifiers(supplier=supplier, by=request.user, identifiers=idents)
        except ProfileError as exc:
            messages.error(request, str(exc))
        else:
            request.session.pop(PROPOSAL_KEY, None)
            return redirect("portal:profile-channel")
    return render(request, "portal/profile_identifiers.html", {"formset": formset, "supplier": supplier, "step": 2})


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("How will you send and receive?"), choices=PartnerProfile.Channel.choices, widget=forms.RadioSelect)


@login_required
def profile_channel(request: HttpRequest) -> HttpResponse:
    """Step 3: the channel (portal upload, REST API, web forms only); the API gets a token, shown once."""
    supplier = _supplier(request)
    current = _profile(supplier)
    form = ChannelForm(request.POST or None, initial={"channel": current.channel if current else PartnerProfile.Channel.PORTAL})
    if request.method == "POST" and form.is_valid():
        try:
            token = profile_complete(supplier=supplier, by=request.user, channel=form.cleaned_data["channel"])
        except (ProfileError, IllegalTransition) as exc:
            messages.error(request, str(exc))
        else:
            if token:
                request.session[TOKEN_KEY] = token
            return redirect("portal:profile-done")
    return render(request, "portal/profile_channel.html", {"form": form, "supplier": supplier, "step": 3})


@login_required
def profile_done(request: HttpRequest) -> HttpResponse:
    """The profile as it stands, the API token once, and the test phase with its progress."""
    from django.conf import settings

    supplier = _supplier(request)
    token = request.session.pop(TOKEN_KEY, None)
    return render(
        request,
        "portal/profile_done.html",
        {
            "supplier": supplier,
            "profile": _profile(supplier),
            "identifiers": list(_profile(supplier).identifiers.all()) if _profile(supplier) else [],
            "token": token,
            "summary": test_runs_summary(supplier=supplier),
            "required_types": required_message_types(supplier=supplier),
            "needed": settings.HUB_ONBOARDING_CLEAN_FILES,
            "test_files": scoped(Interchange.objects.filter(test_run=True), request.user).order_by("-received_at")[:20],
            "step": 4,
        },
    )


@login_required
@require_POST
def profile_start_testing(request: HttpRequest) -> HttpResponse:
    """Start the test phase: from now on files are checked and reported, not stored or sent."""
    supplier = _supplier(request)
    if request.user.role != "supplier":
        raise PermissionDenied
    try:
        onboarding_transition(supplier=supplier, to=Supplier.Status.TESTING, by=request.user, note="supplier started testing")
    except IllegalTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Test phase started: upload test files; each gets a full report and nothing is sent to a plant."))
    return redirect("portal:profile-done")
