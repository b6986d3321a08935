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


class MemoModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for small reference lists (places, departments, categories) on a public
    form: the submitted id is checked against a per-process memo of the queryset
    (``core.pagecache.memo``, rebuilt when the content version changes) instead of a query per POST.
    ``memo_name`` must name the queryset uniquely. The chosen instance is shared: read-only."""

    def __init__(self, *args, memo_name: str, **kwargs):
        self.memo_name = memo_name
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        from . import pagecache

        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            pk = int(str(value))
        except (TypeError, ValueError):
            pk = None
        queryset = self.queryset
        choices = pagecache.memo(self.memo_name, lambda: {obj.pk: obj for obj in queryset})
        if pk not in choices:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": value})
        return choices[pk]
