from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import department_scope
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Place, Staff

from .models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    DiscussionRecord,
    Finding,
    Inspection,
    InspectionSchedule,
    Kind,
    Result,
)
from .services import allowed_kinds, visible_departments


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class TemplateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["code", "name", "name_en", "description", "description_en", "pass_mark", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "description_en": forms.Textarea(attrs={"rows": 3})}


class SectionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ChecklistSection
        fields = ["title", "title_en", "dimension", "weight", "order"]


class ItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text", "text_en", "guidance", "guidance_en", "answer_type", "max_score", "weight", "photo_on_fail", "note_on_fail",
                  "rectification_on_fail", "is_critical", "order"]


def _department_choices(user):
    return visible_departments(user)


def _place_choices(user):
    places = Place.objects.filter(is_active=True).exclude(kind=Place.Kind.CAMPUS).select_related("campus")
    scope = department_scope(user)
    return places if scope is None else places.filter(department_id__in=scope)


class InspectionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["kind", "template", "department", "place", "title", "visited_office", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = allowed_kinds(user)
        self.fields["kind"].choices = [(k, label) for k, label in Kind.choices if k in kinds]
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["department"].queryset = _department_choices(user)
        self.fields["place"].queryset = _place_choices(user)
        self.fields["visited_office"].help_text = _("Only for supervision visits (走访).")
        if not self.initial.get("due_date"):
            self.initial["due_date"] = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("kind") != Kind.VISIT and not data.get("template"):
            self.add_error("template", _("Choose a checklist."))
        if data.get("kind") == Kind.VISIT and not data.get("visited_office"):
            self.add_error("visited_office", _("Name the university office visited."))
        if data.get("due_date") and self.instance.pk is None and data["due_date"] < timezone.localdate():
            self.add_error("due_date", _("The due date cannot be in the past."))
        return data


class ScheduleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = InspectionSchedule
        fields = ["title", "kind", "template", "department", "place", "recurrence", "start_date", "end_date", "is_active"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = allowed_kinds(user)
        self.fields["kind"].choices = [(k, label) for k, label in Kind.choices if k in kinds and k != Kind.VISIT]
        self.fields["template"].queryset = ChecklistTemplate.objects.filter(is_active=True)
        self.fields["department"].queryset = _department_choices(user)
        self.fields["place"].queryset = _place_choices(user)

    def clean(self):
        data = super().clean()
        if data.get("end_date") and data.get("start_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The last date is before the first due date."))
        return data


class AnswerForm(forms.Form):
    """One item's answer (autosaved). The service validates the score against the item."""

    result = forms.ChoiceField(choices=Result.choices)
    score = forms.CharField(required=False, max_length=12)
    note = forms.CharField(required=False, max_length=2000)


class OpinionForm(BootstrapFormMixin, forms.Form):
    given_by = forms.CharField(label=_("Given by (office / person)"), max_length=100, required=False)
    content = forms.CharField(label=_("Opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    needs_rectification = forms.BooleanField(label=_("Needs rectification"), required=False, initial=True)


class SubmitForm(BootstrapFormMixin, forms.Form):
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    summary = forms.CharField(label=pgettext_lazy("inspections", "Summary"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionForm(BootstrapFormMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=ChecklistItem.objects.none())
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices)
    score = forms.CharField(label=_("Score"), required=False, max_length=12)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ChecklistItem.objects.filter(section__template_id=inspection.template_id).select_related("section")
        self.fields["item"].label_from_instance = lambda i: f"{i.section.display_title} · {i.display_text}"


class FindingAnswerForm(BootstrapFormMixin, forms.Form):
    measure = forms.CharField(label=_("Rectification measure"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Responsible"), queryset=Staff.objects.none())
    deadline = forms.DateField(label=_("Rectification deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    evidence = MultipleFileField(label=_("Evidence (photos or files)"))

    def __init__(self, *args, finding: Finding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Staff.objects.filter(department_id=finding.department_id, is_active=True).order_by("badge_number")
        self.fields["evidence"].widget.attrs["accept"] = "image/*,.pdf,.doc,.docx,.xls,.xlsx,.txt"

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


class VerifyForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Send back"))])
    reason = forms.CharField(label=_("Reason (when sending back)"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for sending it back."))
        return data


class LedgerFilterForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), ("overdue", _("Overdue"))] + list(Finding.Status.choices))
    kind = forms.ChoiceField(label=_("Inspection kind"), required=False, choices=[("", _("All"))] + list(Kind.choices))
    q = forms.CharField(label=_("Search"), required=False, max_length=50)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = visible_departments(user)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["date_from"]:
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        if data["status"] == "overdue":
            queryset = queryset.filter(status__in=Finding.OPEN_STATES, deadline__lt=timezone.localdate())
        elif data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["kind"]:
            queryset = queryset.filter(inspection__kind=data["kind"])
        if data["q"]:
            queryset = queryset.filter(Q(problem__icontains=data["q"]) | Q(problem_en__icontains=data["q"]))
        return queryset


class InspectionFilterForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Inspection.Status.choices))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + list(Kind.choices))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = visible_departments(user)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class DiscussionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    attachments = MultipleFileField(label=_("Attachments"))

    class Meta:
        model = DiscussionRecord
        fields = ["department", "topic", "held_on", "participants", "summary"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = visible_departments(user)
        if not self.initial.get("held_on"):
            self.initial["held_on"] = timezone.localdate()

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A discussion record is written after the discussion: the date cannot be in the future."))
        return held_on
