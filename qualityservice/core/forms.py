from types import MappingProxyType

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from . import ratelimit

# Django 5.2's MinimumLengthValidator says "…at least %d characters", a wording its Chinese catalogue lacks
# (it has the older "%(min_length)d" one): translated in core's catalogue, kept there by this mark.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)

# The longest username or badge number the sign-in looks up (the user model's username is 150).
LOGIN_MAX_LENGTH = 150


def sign_in_failure_limits(request, username: str) -> tuple:
    """The limits every failed sign-in counts against, whatever form it came through (staff password,
    member password, a member's one-time code): per account and per client address (core.ratelimit)."""
    address = ratelimit.client_ip(request) if request is not None else "-"
    return (("login-account", username, settings.QS_LOGIN_FAILURES_PER_ACCOUNT),
            ("login-ip", address, settings.QS_LOGIN_FAILURES_PER_IP))


def throttled_error(wait: int) -> ValidationError:
    minutes = ratelimit.minutes(wait)
    return ValidationError(
        ngettext(
            "Too many failed sign-in attempts. Please try again in %(minutes)d minute.",
            "Too many failed sign-in attempts. Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes},
        code="throttled",
    )


class LoginForm(auth_forms.AuthenticationForm):
    """Sign in with the username or, for staff with an account, the badge number (工号).

    Failed attempts are counted per account (whichever of the two was typed) and per client address
    (``QS_LOGIN_FAILURES_PER_ACCOUNT`` / ``_PER_IP``, core.ratelimit). Past either limit the form refuses
    every attempt, the right password included, until the window ends; ``throttled`` tells the view."""

    username = forms.CharField(
        label=_("Username or badge number"),
        max_length=LOGIN_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    throttled = False

    def clean(self):
        login = (self.cleaned_data.get("username") or "").strip()
        if not login or not self.cleaned_data.get("password"):
            return super().clean()
        username = self._username_for(login)
        self.cleaned_data["username"] = username
        account, address = self._failure_limits(username)
        wait = ratelimit.blocked_for([account, address])
        if wait:
            self.throttled = True
            raise throttled_error(wait)
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                ratelimit.hit([account, address], lockout=True)
            raise
        ratelimit.reset([account])  # the account's owner is back: earlier typos no longer count
        return cleaned

    def _failure_limits(self, username: str):
        return sign_in_failure_limits(self.request, username)

    @staticmethod
    def _username_for(login: str) -> str:
        User = get_user_model()
        if User.objects.filter(**{User.USERNAME_FIELD: login}).exists():
            return login
        # ``user.staff`` is org.Staff's reverse accessor (core imports no domain app).
        match = User.objects.filter(staff__badge_number__iexact=login).values_list(User.USERNAME_FIELD, flat=True)[:2]
        return match[0] if len(match) == 1 else login


class BootstrapFormMixin:
    """Adds Bootstrap classes to every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the fields themselves: no BoundField per field on every POST
            widget = field.widget
            if widget.is_hidden:
                continue
            base = widget.attrs.get("class", "")
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{base} {css}".strip()


class MemoModelChoiceField(forms.ChoiceField):
    """The choice of one row of a small reference list (places, departments, categories) on a public form,
    without a ModelChoiceField: the rows come from a per-process memo of ``queryset``
    (``core.pagecache.memo``, rebuilt when the content version changes), the options are rendered from it
    and a submitted id is checked against it — no query per POST or per rendering, and no queryset cloned
    for every form (a ModelChoiceField clones its queryset, and Django deep-copies every field, for each
    form: 0.1 ms a field). ``memo_name`` must name the queryset uniquely. The memo holds immutable rows
    (``pagecache.frozen``, with the relations the queryset selects); the cleaned value is a model instance
    of its own for each form. Options: ``str(row)`` in the reader's language, in the queryset's order,
    after ``empty_label`` (``None``: no empty option)."""

    default_error_messages = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}

    def __init__(self, *, queryset, memo_name: str, empty_label="---------", **kwargs):
        self.queryset, self.memo_name, self.empty_label = queryset, memo_name, empty_label
        super().__init__(choices=self._options, **kwargs)

    def __deepcopy__(self, memo):
        # Field's copy (its own widget, error messages and validators) without copying the choices: a
        # callable, bound below to the copy.
        result = forms.Field.__deepcopy__(self, memo)
        result.choices = result._options
        return result

    def rows(self):
        """{pk: frozen row} of the queryset, from the memo (built with a fresh copy of the queryset)."""
        from . import pagecache

        queryset = self.queryset
        return pagecache.memo(self.memo_name,
                              lambda: MappingProxyType({obj.pk: pagecache.frozen(obj) for obj in queryset.all()}))

    def _options(self):
        options = [("", self.empty_label)] if self.empty_label is not None else []
        return options + [(pk, str(row.thaw())) for pk, row in self.rows().items()]

    def prepare_value(self, value):
        return value.pk if isinstance(value, self.queryset.model) else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            pk = int(str(value))
        except (TypeError, ValueError):
            pk = None
        choices = self.rows()
        if pk not in choices:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return choices[pk].thaw()

    def validate(self, value):
        forms.Field.validate(self, value)  # to_python has checked the choice

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return str(self.prepare_value(initial) if initial is not None else "") != str(data if data is not None else "")


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    """Django's form (old password, new password twice, the password validators), styled."""


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    """Django's form: mails a one-time link to every active account with this address and a usable
    password, and says the same whether or not there is one."""


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    """The new password of a reset link, styled."""
