"""Forms of the jury, results, notice and certificate pages (views_results.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import person_name
from qualityservice.core.submissions import SubmissionKeyFormMixin

from .results_models import JuryCriterion, Rubric


class CriterionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = JuryCriterion
        fields = ["code", "name", "name_en", "weight", "min_score", "max_score", "step", "order"]


class RubricForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["aggregation", "outlier_distance", "spread_threshold", "bias_z"]


class JudgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{person_name(obj)} · {obj.staff.department.display_name}" if getattr(obj, "staff", None) else person_name(obj)


class AppointForm(BootstrapFormMixin, forms.Form):
    """Judges: accounts with the judge role or a staff member's account (an active staff profile)."""

    user = JudgeChoiceField(label=pgettext_lazy("jury", "Judge"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (get_user_model().objects.filter(is_active=True, staff__is_active=True)
                                        .select_related("staff__department").order_by("staff__department__name", "staff__name"))


class ObjectionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    nomination = forms.TypedChoiceField(label=pgettext_lazy("jury", "About"), coerce=int, required=False, empty_value=None)
    text = forms.CharField(label=pgettext_lazy("jury", "Your objection"), max_length=4000, min_length=5,
                           widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(label=pgettext_lazy("jury", "Contact (optional)"), max_length=100, required=False,
                              help_text=pgettext_lazy("jury", "Leave it empty to object anonymously."))

    def __init__(self, *args, winners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [("", pgettext_lazy("jury", "The round as a whole"))] + [
            (w.nomination_id, w.nomination.display_title) for w in winners]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("certificate", "Reason"), max_length=300)


class FlagClearForm(forms.Form):
    """How the supervisor clears an anomaly flag, with the written reason kept in the round's timeline."""

    decision = forms.ChoiceField(choices=[("accept", pgettext_lazy("jury", "Accept the scores")),
                                          ("return", pgettext_lazy("jury", "Return the sheet to its judge"))])
    reason = forms.CharField(label=pgettext_lazy("jury", "Reason"), max_length=300)
