from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core import ratelimit
from qualityservice.core.forms import BootstrapFormMixin, LoginForm, sign_in_failure_limits, throttled_error
from qualityservice.core.submissions import SubmissionKeyFormMixin

from . import services
from .models import College, Member, MemberKind, normalise_number, username_for


class MemberSignInForm(BootstrapFormMixin, LoginForm):
    """A member signs in with the ID number (学号/工号) and password. The staff sign-in's form: the same
    failure limits per account and per address (core.forms), counted together with the staff sign-in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("ID number (学号/工号)")
        self.fields["username"].widget.attrs.update({"maxlength": 32, "inputmode": "text", "autocapitalize": "characters"})
        self.error_messages = {**self.error_messages, "invalid_login": _(
            "The ID number or the password is wrong. First time here? Sign in with your one-time code below.")}

    @staticmethod
    def _username_for(login: str) -> str:
        return username_for(normalise_number(login))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if services.member_for(user) is None:  # a staff account: its own sign-in page
            raise self.get_invalid_login_error()


class ActivationForm(BootstrapFormMixin, forms.Form):
    """The first sign-in: ID number, the one-time code from the administrator's sheet, a new password
    twice. Wrong codes count as failed sign-ins (the same limits as every sign-in)."""

    number = forms.CharField(label=_("ID number (学号/工号)"), max_length=32,
                             widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "characters"}))
    code = forms.CharField(label=_("One-time code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                                                                   "autocapitalize": "characters"}))
    password1 = forms.CharField(label=_("New password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("New password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    throttled = False

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.member: Member | None = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        number, code = normalise_number(data.get("number")), data.get("code") or ""
        if not number or not code:
            return data
        limits = sign_in_failure_limits(self.request, username_for(number))
        wait = ratelimit.blocked_for(list(limits))
        if wait:
            self.throttled = True
            raise throttled_error(wait)
        member = Member.objects.select_related("user").filter(number=number, user__is_active=True).first()
        if member is None or not services.check_code(member, code):
            ratelimit.hit(list(limits), lockout=True)
            raise ValidationError(_("The ID number or the one-time code is wrong, or the code has expired. Ask your "
                                    "class adviser or the administrator for a new code."), code="invalid_code")
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
            return data
        if p1:
            try:
                password_validation.validate_password(p1, member.user)
            except ValidationError as exc:
                self.add_error("password1", exc)
                return data
        ratelimit.reset([limits[0]])
        self.member = member
        return data


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Member roster workbook (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return f


class MemberFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("ID number or name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("member", "Type"), choices=[("", _("All types")), *MemberKind.choices], required=False)
    college = forms.ModelChoiceField(label=_("College / unit"), queryset=College.objects.all(), required=False,
                                     empty_label=_("All colleges and units"))
    class_name = forms.CharField(label=_("Class"), max_length=60, required=False)

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            queryset = queryset.filter(Q(number=normalise_number(q)) | Q(name__contains=q))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("college"):
            queryset = queryset.filter(college=data["college"])
        if data.get("class_name"):
            queryset = queryset.filter(class_name=data["class_name"].strip())
        return queryset

    def describe(self) -> str:
        data = self.cleaned_data
        parts = [str(dict(MemberKind.choices).get(data.get("kind"), "")), str(data.get("college") or ""), data.get("class_name") or ""]
        return " / ".join(p for p in parts if p) or str(_("all members"))


class CodeIssueForm(SubmissionKeyFormMixin, MemberFilterForm):
    include_activated = forms.BooleanField(
        label=_("Also members who have set a password (their password is kept until they use the new code)"), required=False)
    confirm = forms.BooleanField(label=_("I understand that new codes replace the earlier codes of these members."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["q"]

    def filter(self, queryset):
        queryset = super().filter(queryset)
        if not self.cleaned_data.get("include_activated"):
            queryset = queryset.filter(user__password__startswith="!")  # no usable password yet
        return queryset


class CloseAccountForm(forms.Form):
    confirm = forms.BooleanField(label=_("I understand: my account is deleted and my name is removed from my feedback "
                                         "and survey responses; the records themselves stay, without my name."))
