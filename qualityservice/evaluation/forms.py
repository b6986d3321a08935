from __future__ import annotations

from django import forms

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import department_scope
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department

from .models import Item


class ItemForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Create and edit an item. The hidden submission key makes a double-submitted "new" form create one item
    (``services.create_item``); the departments offered are the user's own (supervisors: every centre)."""

    class Meta:
        model = Item
        fields = ["department", "title", "title_en"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)
        scope = department_scope(user)
        if self.instance.pk is None and scope and len(scope) == 1:
            self.initial.setdefault("department", next(iter(scope)))


# --- The evaluation scheme ----------------------------------------------------------------------------

from django.utils.translation import pgettext_lazy  # noqa: E402

from qualityservice.core import indicators  # noqa: E402

from .models import Adjustment, Component, Scheme  # noqa: E402


def indicator_choices():
    return [(i.key, f"{i.label} ({i.key})") for i in indicators.all() if i.direction != indicators.NEUTRAL]


class SchemeForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["year", "title", "title_en", "excellent_share", "bonus_cap", "deduction_cap"]

    def clean_excellent_share(self):
        value = self.cleaned_data["excellent_share"]
        if not 0 <= value <= 1:
            raise forms.ValidationError(pgettext_lazy("evaluation", "A share between 0 and 1 (0.30 is 30 %)."))
        return value


class ComponentForm(BootstrapFormMixin, forms.ModelForm):
    indicator = forms.ChoiceField(label=pgettext_lazy("evaluation", "indicator"), choices=())

    class Meta:
        model = Component
        fields = ["indicator", "weight", "rule", "floor", "target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices()


class GateForm(BootstrapFormMixin, forms.Form):
    indicator = forms.ChoiceField(label=pgettext_lazy("evaluation", "indicator"), choices=())
    minimum = forms.DecimalField(label=pgettext_lazy("evaluation", "at least"), max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicator_choices()


class AdjustmentForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Adjustment
        fields = ["department", "points", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres()


class VersionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=pgettext_lazy("evaluation", "reason for the new version"), max_length=300)
