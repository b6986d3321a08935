from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Sign in with the username or, for staff with an account, the badge number (工号)."""

    username = forms.CharField(
        label=_("Username or badge number"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean(self):
        login = (self.cleaned_data.get("username") or "").strip()
        if login:
            self.cleaned_data["username"] = self._username_for(login)
        return super().clean()

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
        for bound in self.visible_fields():
            widget = bound.field.widget
            base = widget.attrs.get("class", "")
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{base} {css}".strip()
