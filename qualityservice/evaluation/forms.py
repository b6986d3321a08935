"""The scheme's forms: the scheme, a component, a gate, a bonus/deduction item, the reason for a new version."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy

from qualityservice.core import indicators
from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department

from .models import Adjustment, Component, Objection, Scheme, Veto


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


class VetoForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Veto
        fields = ["department", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres()


class VersionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=pgettext_lazy("evaluation", "reason for the new version"), max_length=300)


class ObjectionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """An objection on the public page: the text, optionally the department it is about and how to answer."""

    class Meta:
        model = Objection
        fields = ["department", "text", "name", "contact"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres()
        self.fields["department"].required = False


class PublicationForm(BootstrapFormMixin, forms.Form):
    publication = forms.ChoiceField(label=pgettext_lazy("evaluation", "public page shows"), choices=Scheme.Publication.choices,
                                    initial=Scheme.Publication.GRADES)
