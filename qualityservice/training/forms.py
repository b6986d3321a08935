from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.indicators import Period
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Staff

from . import services
from .models import Level, TrainingSession


class AttendeeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        return f"{obj.name} · {obj.badge_number} · {obj.post}"


class SessionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Record or change a session with its attendees. The departments offered are the user's own (supervisors:
    every centre); the attendees offered are the chosen department's staff (``department``: the one the page
    shows, chosen before the form). The hidden submission key makes a double-submitted "new" form create one
    session (``services.create_session``)."""

    # The range and the one decimal are the services' rule (the import's too), with its messages.
    hours = forms.DecimalField(label=pgettext_lazy("training", "hours"),
                               widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24", "inputmode": "decimal"}))
    attendees = AttendeeField(label=pgettext_lazy("training", "Attendees"), queryset=Staff.objects.none(),
                              widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = TrainingSession
        fields = ["department", "topic", "topic_en", "date", "hours", "trainer", "level", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, department: Department | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)
        self.fields["department"].widget.attrs["data-reload-with"] = "department"
        self.fields["hours"].help_text = pgettext("training", "More than 0 and at most 24, e.g. 1.5.")
        self.fields["attendees"].queryset = services.eligible_attendees(department, self.instance)
        self.fields["attendees"].widget.attrs.pop("class", None)  # one checkbox per person, styled in the template
        if department is not None:
            self.initial.setdefault("department", department.pk)
        if self.instance.pk:
            self.fields["department"].disabled = True  # a recorded session keeps its department (and its attendees')
            self.initial.setdefault("attendees", list(self.instance.attendances.values_list("staff_id", flat=True)))

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if message := services.hours_error(hours):
            raise forms.ValidationError(message)
        return hours

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if message := services.date_error(day):
            raise forms.ValidationError(message)
        return day

    def clean(self):
        data = super().clean()
        department, attendees = data.get("department"), data.get("attendees")
        if department is not None and "attendees" not in self.errors:
            if not attendees:
                self.add_error("attendees", pgettext("training", "Choose at least one attendee."))
            elif wrong := services.attendee_errors(department, attendees):
                self.add_error("attendees", wrong)
        return data


class ImportForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=pgettext_lazy("training", "Workbook (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.QS_TRAINING_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(pgettext("training", "The file is larger than %(n)d MB.") % {"n": limit})
        return upload


class PeriodForm(BootstrapFormMixin, forms.Form):
    """The period of the hours pages and exports (default: this year), and for managers a department."""

    start = forms.DateField(label=pgettext_lazy("training", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=pgettext_lazy("training", "To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user=None, departments: bool = True, levels: bool = False, default_year: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        scope = Department.objects.centres().visible_to(user) if departments else Department.objects.none()
        if departments and len(scope[:2]) > 1:  # a head's one department needs no choice
            self.fields["department"] = forms.ModelChoiceField(
                label=pgettext_lazy("training", "Department"), required=False,
                queryset=scope, empty_label=pgettext_lazy("training", "All departments"))
        if levels:
            self.fields["level"] = forms.ChoiceField(label=pgettext_lazy("training", "Level"), required=False,
                                                     choices=[("", pgettext_lazy("training", "All levels")), *Level.choices])
        if default_year:  # shown in the empty form: the period the page counts without one
            year = Period.this_year()
            self.initial.setdefault("start", year.start)
            self.initial.setdefault("end", year.end)
        for name in ("department", "level"):  # added after BootstrapFormMixin styled the declared fields
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", pgettext("training", "The end comes before the start."))
        return data

    def period(self) -> Period:
        """The chosen period; this year where a bound is left empty or the form is invalid."""
        year = Period.this_year()
        if not self.is_bound or not self.is_valid():
            return year
        start = self.cleaned_data.get("start") or year.start
        end = self.cleaned_data.get("end") or max(year.end, start)
        return Period(start, end) if end >= start else year
