"""The app's forms. Every create form carries a submission key (``core.submissions``): a double-submitted form
makes one record. Lists of choices are the user's scope (a head: their own department)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core import panel as scoring
from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import department_scope, staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Staff

from . import access
from .models import Appointment, Competition, Contestant, Criterion, Deduction, Round
from .services import levels_text, parse_levels

DATETIME = {"type": "datetime-local"}
LINK_WORDS = {"deductions": scoring.DEDUCTIONS, "扣分": scoring.DEDUCTIONS, "chief": scoring.CHIEF, "裁判长": scoring.CHIEF}


class CompetitionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Create and edit a competition. The tie-break chain and the awards are typed one a line."""

    tie_break_lines = forms.CharField(
        label=pgettext_lazy("competition", "Tie-break chain"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=pgettext_lazy("competition", "One a line, in order: a criterion's code (the higher score wins), “deductions” "
                                   "(fewer wins) or “chief” (the chief judge's higher score wins). The lower "
                                   "contestant number always decides last."))
    award_lines = forms.CharField(
        label=pgettext_lazy("competition", "Awards"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=pgettext_lazy("competition", "One a line, best first: the award, how many, optionally “| English”, "
                                   "e.g. “一等奖 1 | First prize”."))

    class Meta:
        model = Competition
        fields = ["department", "trade", "title", "title_en", "description", "description_en", "signup_until",
                  "aggregation", "normalisation", "outlier_distance", "spread_threshold", "bias_z", "objection_days", "blind_reentry"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "description_en": forms.Textarea(attrs={"rows": 3}),
                   "signup_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.centres()
        if access.may_create_group_wide(user):
            departments = Department.objects.filter(is_active=True, kind__in=[Department.Kind.GROUP, Department.Kind.CENTRE])
        else:
            departments = departments.visible_to(user)
        self.fields["department"].queryset = departments.order_by("sort_order", "pk")
        self.fields["department"].help_text = pgettext_lazy("competition", "The group for a group-wide competition (supervisors), or one centre.")
        scope = department_scope(user)
        if self.instance.pk is None and scope and len(scope) == 1:
            self.initial.setdefault("department", next(iter(scope)))
        if self.instance.pk is not None:
            self.initial.setdefault("tie_break_lines", "\n".join(self.instance.tie_breaks or []))
            self.initial.setdefault("award_lines", "\n".join(
                f"{a.get('name')} {a.get('count')}" + (f" | {a['name_en']}" if a.get("name_en") else "")
                for a in self.instance.awards or []))
        else:
            self.initial.setdefault("award_lines", "一等奖 1 | First prize\n二等奖 2 | Second prize\n三等奖 3 | Third prize")
            self.initial.setdefault("tie_break_lines", "deductions\nchief")

    def clean_tie_break_lines(self) -> list[str]:
        chain = []
        codes = None
        if self.instance.pk is not None:
            from .services import current_rubric

            codes = set(current_rubric(self.instance).criteria.values_list("code", flat=True))
        for line in (self.cleaned_data.get("tie_break_lines") or "").splitlines():
            word = line.strip()
            if not word:
                continue
            link = LINK_WORDS.get(word.lower()) or (word if word.startswith(scoring.CRITERION) else scoring.CRITERION + word)
            if link.startswith(scoring.CRITERION):
                code = link[len(scoring.CRITERION):]
                if not re.fullmatch(r"[-a-zA-Z0-9_]+", code) or (codes is not None and code not in codes):
                    raise forms.ValidationError(pgettext("competition", "“%(word)s” is no criterion code of the current rubric, "
                                                            "nor “deductions” or “chief”.") % {"word": word})
            if link in chain:
                raise forms.ValidationError(pgettext("competition", "“%(word)s” is in the chain twice.") % {"word": word})
            chain.append(link)
        return chain

    def clean_award_lines(self) -> list[dict]:
        awards = []
        for n, line in enumerate((self.cleaned_data.get("award_lines") or "").splitlines(), start=1):
            if not line.strip():
                continue
            main, _bar, english = line.partition("|")
            parts = main.split()
            if len(parts) < 2 or not parts[-1].isdigit() or int(parts[-1]) < 1:
                raise forms.ValidationError(pgettext("competition", "Line %(n)s: the award, then how many (e.g. “一等奖 1”).") % {"n": n})
            awards.append({"name": " ".join(parts[:-1])[:60], "count": int(parts[-1]), "name_en": english.strip()[:80]})
        return awards

    def competition_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["tie_breaks"] = self.cleaned_data["tie_break_lines"]
        data["awards"] = self.cleaned_data["award_lines"]
        return data


class RoundForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Round
        fields = ["name", "name_en", "scoring_opens_at", "scoring_closes_at", "advance", "advance_count", "advance_cutoff"]
        widgets = {"scoring_opens_at": forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
                   "scoring_closes_at": forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M")}

    def clean(self):
        data = super().clean()
        opens, closes = data.get("scoring_opens_at"), data.get("scoring_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("scoring_closes_at", pgettext("competition", "Scoring must close after it opens."))
        advance = data.get("advance")
        if advance == Round.Advance.RANK and not data.get("advance_count"):
            self.add_error("advance_count", pgettext("competition", "How many go on?"))
        if advance == Round.Advance.CUTOFF and data.get("advance_cutoff") is None:
            self.add_error("advance_cutoff", pgettext("competition", "Give the cut-off score."))
        return data


class CriterionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    level_lines = forms.CharField(
        label=pgettext_lazy("competition", "Level descriptions"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=pgettext_lazy("competition", "One level a line: the range of scores, then what it looks like, optionally "
                                   "“| English”, e.g. “9-10 刀工精细，成品均匀 | Fine, even knife work”."))

    class Meta:
        model = Criterion
        fields = ["code", "order", "name", "name_en", "description", "description_en", "weight", "min_score", "max_score", "step"]

    def __init__(self, *args, rubric, **kwargs):
        self.rubric = rubric
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("level_lines", levels_text(self.instance.levels))

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.rubric.criteria.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(pgettext("competition", "This rubric already has a criterion with this code."))
        return code

    def clean(self):
        data = super().clean()
        low, high, step, weight = data.get("min_score"), data.get("max_score"), data.get("step"), data.get("weight")
        if low is not None and high is not None and high <= low:
            self.add_error("max_score", pgettext("competition", "The highest score must be above the lowest."))
        elif step is not None and step <= 0:
            self.add_error("step", pgettext("competition", "The step must be above zero."))
        elif low is not None and high is not None and step and (high - low) % step:
            self.add_error("step", pgettext("competition", "The range must be a whole number of steps."))
        if weight is not None and weight <= 0:
            self.add_error("weight", pgettext("competition", "The weight must be above zero."))
        try:
            data["levels"] = parse_levels(data.get("level_lines", ""), min_score=low, max_score=high)
        except forms.ValidationError as exc:
            self.add_error("level_lines", exc)
        return data

    def criterion_fields(self) -> dict:
        return {**{name: self.cleaned_data[name] for name in self.Meta.fields}, "levels": self.cleaned_data.get("levels", [])}


class DeductionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Deduction
        fields = ["code", "order", "name", "name_en", "points", "max_count"]

    def __init__(self, *args, rubric, **kwargs):
        self.rubric = rubric
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if self.rubric.deductions.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(pgettext("competition", "This rubric already has a deduction with this code."))
        return code

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points is not None and points <= 0:
            raise forms.ValidationError(pgettext("competition", "The points must be above zero."))
        return points


class StaffByBadgeField(forms.CharField):
    """A staff member by badge number (工号): scales to a roster of thousands, unlike a select."""

    def __init__(self, *args, scope=None, **kwargs):
        self.scope = scope
        super().__init__(*args, max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        staff = Staff.objects.filter(badge_number__iexact=value.strip(), is_active=True).select_related("department", "user").first()
        if staff is None or (self.scope is not None and staff.department_id not in self.scope):
            raise forms.ValidationError(pgettext("competition", "No current staff member in your scope has the badge number %(n)s.")
                                        % {"n": value.strip()})
        return staff


class SignUpForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """A head or the organiser signs a staff member up by badge number; a staff member signs themselves up."""

    badge_number = forms.CharField(label=pgettext_lazy("competition", "Badge number (工号)"), max_length=20, required=False)
    note = forms.CharField(label=pgettext_lazy("competition", "Note"), max_length=200, required=False)

    def __init__(self, *args, user, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.competition = user, competition
        self.self_only = not (access.can_organise(user, competition) or user_role(user) == Role.HEAD)
        if self.self_only:
            del self.fields["badge_number"]
        else:
            scope = None if access.can_organise(user, competition) else department_scope(user)
            self.fields["badge_number"] = StaffByBadgeField(label=pgettext_lazy("competition", "Badge number (工号)"), scope=scope)

    def clean(self):
        data = super().clean()
        staff = staff_profile(self.user) if self.self_only else data.get("badge_number")
        if staff is None and not self.errors:
            raise forms.ValidationError(pgettext("competition", "Only staff on the roster can sign up."))
        data["staff"] = staff
        return data


class AppointmentForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    badge_number = StaffByBadgeField(label=pgettext_lazy("competition", "Badge number (工号) of the judge"))
    role = forms.ChoiceField(label=pgettext_lazy("competition", "Role"), choices=Appointment.Role.choices, initial=Appointment.Role.PANEL)
    order = forms.IntegerField(label=pgettext_lazy("competition", "Order"), min_value=0, max_value=999, initial=10)

    def __init__(self, *args, appointment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment
        if appointment is not None:
            del self.fields["badge_number"]
            self.initial.update(role=appointment.role, order=appointment.order)


class ConflictForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    appointment = forms.ModelChoiceField(label=pgettext_lazy("competition", "Judge"), queryset=Appointment.objects.none())
    contestant = forms.ModelChoiceField(label=pgettext_lazy("competition", "Contestant"), queryset=Contestant.objects.none())
    reason = forms.CharField(label=pgettext_lazy("competition", "Reason"), max_length=200)

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment"].queryset = competition.appointments.select_related("staff")
        self.fields["appointment"].label_from_instance = lambda a: f"{a.staff.name} · {a.get_role_display()}"
        self.fields["contestant"].queryset = competition.contestants.exclude(
            status__in=[Contestant.Status.REJECTED, Contestant.Status.WITHDRAWN]).select_related("staff")


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=pgettext_lazy("competition", "Reason"), max_length=300, required=False)


class FlagForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("competition", "Decision"), choices=[
        ("accept", pgettext_lazy("competition", "Accept the scores")), ("return", pgettext_lazy("competition", "Return a sheet to its judge"))])
    note = forms.CharField(label=pgettext_lazy("competition", "Note"), max_length=300)
    sheet = forms.ModelChoiceField(label=pgettext_lazy("competition", "Sheet to return"), queryset=None, required=False)

    def __init__(self, *args, flag, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Sheet

        self.flag = flag
        sheets = Sheet.objects.filter(round_id=flag.round_id).select_related("appointment__staff")
        sheets = sheets.filter(entry_id=flag.entry_id) if flag.entry_id else sheets.filter(appointment_id=flag.appointment_id)
        self.fields["sheet"].queryset = sheets.filter(status__in=[Sheet.Status.SUBMITTED, Sheet.Status.CONFIRMED])
        self.fields["sheet"].label_from_instance = lambda s: s.appointment.staff.name

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("sheet") or self.flag.sheet_id):
            self.add_error("sheet", pgettext("competition", "Choose the sheet to return."))
        return data


class ObjectionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    contestant = forms.ModelChoiceField(label=pgettext_lazy("competition", "About contestant (optional)"), queryset=Contestant.objects.none(),
                                        required=False)
    text = forms.CharField(label=pgettext_lazy("competition", "Objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contestant"].queryset = Contestant.objects.filter(entries__round=round).select_related("staff")


PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


class PublicObjectionForm(ObjectionForm):
    """An objection from the public results page: a signed-in staff member or member is known by their account; anyone
    else gives a name and a phone number (the organiser answers them)."""

    field_order = ["name", "phone", "contestant", "text"]
    name = forms.CharField(label=pgettext_lazy("competition", "Your name"), max_length=60, required=False)
    phone = forms.CharField(label=pgettext_lazy("competition", "Phone number"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def __init__(self, *args, round, identified: bool, **kwargs):
        super().__init__(*args, round=round, **kwargs)
        self.identified = identified
        if identified:
            del self.fields["name"], self.fields["phone"]
        else:
            self.fields["name"].required = self.fields["phone"].required = True
            self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(pgettext("competition", "Enter a phone number of digits (e.g. 13912345678 or 0532-12345678)."))
        return phone


class AnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.CharField(label=pgettext_lazy("competition", "Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
