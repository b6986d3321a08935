from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import staff_profile, user_role
from qualityservice.core.roles import GROUP_WIDE_ROLES, Role
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Staff

from . import services, uploads
from .models import Assignment, BenefitUnit, Category, Criterion, Idea, Measurement, Round, Tier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_COAUTHORS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each checked by ``uploads.clean_upload`` in the form's clean."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _files_field():
    return MultipleFileField(label=pgettext_lazy("idea", "Photos or files"),
                             help_text=pgettext_lazy("idea", "Photos, PDF, Word or Excel; at most %(n)d files of %(mb)d MB.")
                             % {"n": settings.QS_IDEAS_MAX_FILES, "mb": settings.QS_IDEAS_MAX_UPLOAD_MB})


class BadgeNumbersField(forms.CharField):
    """Staff members by their badge numbers (工号), separated by commas, spaces or 、."""

    def __init__(self, *args, limit: int = MAX_COAUTHORS, **kwargs):
        self.limit = limit
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        numbers = list(dict.fromkeys(n for n in re.split(r"[\s,，、;；]+", value or "") if n))
        if len(numbers) > self.limit:
            raise ValidationError(pgettext("idea", "At most %(n)d people.") % {"n": self.limit})
        if not numbers:
            return []
        found = {s.badge_number: s for s in Staff.objects.filter(badge_number__in=numbers, is_active=True).select_related("user")}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise ValidationError(pgettext("idea", "No member of staff has the badge number %(numbers)s.")
                                  % {"numbers": pgettext("list separator", ", ").join(unknown)})
        return [found[n] for n in numbers]


class IdeaForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Send or change an idea (phone first). The hidden submission key makes a double-sent form one idea; the
    title asks the server for similar ideas while it is typed (htmx, ``ideas:similar``)."""

    coauthors = BadgeNumbersField(label=pgettext_lazy("idea", "Co-authors (badge numbers)"),
                                  help_text=pgettext_lazy("idea", "Colleagues who worked on the idea with you, e.g. HQ1023, HQ1187."))
    files = None  # set in __init__ (the help text reads the settings)

    class Meta:
        model = Idea
        fields = ["round", "category", "title", "problem", "proposal", "benefit_unit", "expected_amount", "expected_note", "title_en"]
        widgets = {
            "category": forms.RadioSelect,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "proposal": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "round": pgettext_lazy("idea", "Round"),
            "category": pgettext_lazy("idea", "Category"),
            "title": pgettext_lazy("idea", "Title"),
            "problem": pgettext_lazy("idea", "The problem you see"),
            "proposal": pgettext_lazy("idea", "What you propose"),
            "benefit_unit": pgettext_lazy("idea", "Expected benefit"),
            "expected_amount": pgettext_lazy("idea", "Amount per year"),
            "expected_note": pgettext_lazy("idea", "The benefit in words"),
            "title_en": pgettext_lazy("idea", "Title in English (optional)"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["files"] = _files_field()
        editing = self.instance.pk is not None
        if editing:
            del self.fields["round"]
            self.fields["files"].label = pgettext_lazy("idea", "More photos or files")
            self.initial.setdefault("coauthors", ", ".join(
                a.staff.badge_number for a in self.instance.authors.filter(is_lead=False, merge__isnull=True).select_related("staff")))
        else:
            rounds = services.open_rounds(user)
            self.fields["round"].queryset = rounds
            self.fields["round"].empty_label = None
            first = rounds.first()
            if first is not None:
                self.initial.setdefault("round", first.pk)
        self.fields["category"].choices = Category.choices
        self.fields["category"].widget.attrs["class"] = "form-check-input"
        title = self.fields["title"].widget.attrs
        title.update({
            "autocomplete": "off", "hx-get": reverse("ideas:similar"), "hx-trigger": "input changed delay:300ms, focus",
            "hx-target": "#similar-ideas", "hx-include": "[name=round]", "hx-sync": "this:replace",
            "placeholder": pgettext("idea", "e.g. 食堂后厨照明改用LED"),
        })
        if editing:
            title["hx-vals"] = f'{{"exclude": "{self.instance.pk}", "round": "{self.instance.round_id}"}}'
        self.fields["expected_amount"].widget.attrs.update({"inputmode": "decimal", "min": "0", "step": "0.01"})
        self.fields["expected_amount"].help_text = pgettext_lazy("idea", "In the unit chosen above, per year.")

    def clean_title(self):
        title = (self.cleaned_data.get("title") or "").strip()
        if len(services.normalise(title)) < 4:
            raise ValidationError(pgettext("idea", "Give the idea a title of at least four characters."))
        return title

    def clean_coauthors(self):
        staff = self.cleaned_data.get("coauthors") or []
        me = staff_profile(self.user)
        return [s for s in staff if me is None or s.pk != me.pk]

    def clean_files(self):
        try:
            return uploads.clean_uploads(self.cleaned_data.get("files") or [])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self):
        data = super().clean()
        for field, message in services.check_expected_benefit(data.get("benefit_unit"), data.get("expected_amount"),
                                                              data.get("expected_note", "")).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class RoundForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """A call for ideas. A head creates and changes rounds of their own department; supervisors any."""

    class Meta:
        model = Round
        fields = ["title", "title_en", "department", "opens_on", "closes_on", "review_days", "verifiers", "first_min_score",
                  "first_min_yuan", "second_min_score", "second_min_yuan", "third_min_score", "third_min_yuan"]
        widgets = {"opens_on": DATE, "closes_on": DATE, "verifiers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        group_wide = user_role(user) in GROUP_WIDE_ROLES
        departments = Department.objects.centres()
        if not group_wide:
            departments = departments.filter(pk=staff_profile(user).department_id)
            self.fields["department"].required = True
            self.fields["department"].empty_label = None
            self.fields["department"].help_text = ""
        self.fields["department"].queryset = departments
        if group_wide:
            self.fields["department"].empty_label = pgettext_lazy("idea", "The whole group")
        # Verifiers: the supervisors verify anyway; appoint the finance or energy reviewers here.
        self.fields["verifiers"].queryset = (get_user_model().objects.filter(staff__is_active=True)
                                             .exclude(staff__role__in=[Role.SUPERVISOR]).select_related("staff")
                                             .order_by("staff__department__sort_order", "staff__badge_number"))
        if not group_wide:
            self.fields["verifiers"].queryset = self.fields["verifiers"].queryset.filter(staff__department=staff_profile(user).department_id)
        self.fields["verifiers"].label_from_instance = lambda u: f"{u.staff.name} ({u.staff.badge_number})"
        self.fields["verifiers"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", pgettext("idea", "The round closes before it opens."))
        if data.get("review_days") == 0:
            self.add_error("review_days", pgettext("idea", "Reviewers need at least one day."))
        for tier in ("first", "second", "third"):
            if (data.get(f"{tier}_min_score") or 0) > 100:
                self.add_error(f"{tier}_min_score", pgettext("idea", "Scores go from 0 to 100."))
        return data


class CriterionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "name_en", "weight", "max_score", "order"]

    def clean_max_score(self):
        value = self.cleaned_data.get("max_score")
        if value is not None and not 1 <= value <= 100:
            raise ValidationError(pgettext("idea", "The highest score is between 1 and 100."))
        return value

    def clean_weight(self):
        value = self.cleaned_data.get("weight")
        if value is not None and not 1 <= value <= 100:
            raise ValidationError(pgettext("idea", "A weight is between 1 and 100."))
        return value


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(pgettext("idea", "A round needs at least one scoring criterion."))
        names = [f.cleaned_data["name"] for f in kept]
        if len(set(names)) != len(names):
            raise ValidationError(pgettext("idea", "Two criteria have the same name."))


CriterionFormSet = inlineformset_factory(Round, Criterion, form=CriterionForm, formset=BaseCriterionFormSet, extra=2,
                                         can_delete=True, max_num=10, validate_max=True)
DEFAULT_CRITERIA = [("创新性", "Originality", 30), ("可行性", "Feasibility", 25), ("效益", "Benefit", 30), ("推广价值", "Wider use", 15)]


class CommentForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=pgettext_lazy("idea", "Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(pgettext("idea", "Write something first."))
        return text


class MoveForm(forms.Form):
    """The parameters a move may take; the handler checks which one it needs."""

    action = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=1000)
    target = forms.IntegerField(required=False, min_value=1)
    owner = forms.IntegerField(required=False, min_value=1)
    tier = forms.ChoiceField(required=False, choices=[("", "")] + list(Tier.choices))


class AssignForm(BootstrapFormMixin, forms.Form):
    """Reviewers: the judges by a tick, staff members by their badge numbers; the deadline comes from the
    round's review commitment unless the coordinator sets another."""

    judges = forms.ModelMultipleChoiceField(label=pgettext_lazy("idea", "Judges"), required=False, queryset=get_user_model().objects.none(),
                                            widget=forms.CheckboxSelectMultiple)
    others = BadgeNumbersField(label=pgettext_lazy("idea", "Other reviewers (badge numbers)"))
    due_on = forms.DateField(label=pgettext_lazy("idea", "Score by"), required=False, widget=DATE)

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        authors = services.author_staff_ids(idea)
        self.fields["judges"].queryset = (get_user_model().objects.filter(staff__role=Role.JUDGE, staff__is_active=True)
                                          .exclude(staff__in=authors).select_related("staff").order_by("staff__badge_number"))
        self.fields["judges"].label_from_instance = lambda u: u.staff.name
        self.fields["judges"].widget.attrs["class"] = "form-check-input"
        self.initial.setdefault("due_on", (timezone.localdate() + timezone.timedelta(days=idea.round.review_days)))

    def clean_due_on(self):
        day = self.cleaned_data.get("due_on")
        if day is not None and day <= timezone.localdate():
            raise ValidationError(pgettext("idea", "The deadline must be after today."))
        return day

    def clean(self):
        data = super().clean()
        reviewers = list(data.get("judges") or [])
        for staff in data.get("others") or []:
            if staff.user_id is None:
                self.add_error("others", pgettext("idea", "%(name)s has no account and cannot sign in to review.") % {"name": staff.name})
            elif staff.user not in reviewers:
                reviewers.append(staff.user)
        if not reviewers and not self.errors:
            raise ValidationError(pgettext("idea", "Choose at least one reviewer."))
        data["reviewers"] = reviewers
        return data

    def due_at(self):
        day = self.cleaned_data.get("due_on")
        if day is None:
            return None
        return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.max.time().replace(microsecond=0)))


class ReplaceReviewerForm(BootstrapFormMixin, forms.Form):
    """Replace a reviewer in force by a judge (chosen) or a member of staff (badge number), with a reason; a reviewer
    who has scored only for a conflict of interest (ticked)."""

    assignment = forms.ModelChoiceField(label=pgettext_lazy("idea", "Reviewer to replace"), queryset=Assignment.objects.none())
    judge = forms.ModelChoiceField(label=pgettext_lazy("idea", "New reviewer: a judge"), required=False,
                                   queryset=get_user_model().objects.none())
    other = BadgeNumbersField(label=pgettext_lazy("idea", "or a member of staff (badge number)"), limit=1)
    reason = forms.CharField(label=pgettext_lazy("idea", "Why"), max_length=300)
    conflict = forms.BooleanField(label=pgettext_lazy("idea", "Conflict of interest (also for a reviewer who has scored)"), required=False)

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = (Assignment.objects.current().filter(idea=idea).select_related("reviewer__staff")
                                              .order_by("assigned_at", "pk"))
        self.fields["assignment"].label_from_instance = lambda a: (
            (getattr(getattr(a.reviewer, "staff", None), "name", "") or a.reviewer.get_username())
            + (" · " + pgettext("idea", "scored") if a.submitted_at else ""))
        self.fields["judge"].queryset = (get_user_model().objects.filter(staff__role=Role.JUDGE, staff__is_active=True)
                                         .exclude(staff__in=services.author_staff_ids(idea)).select_related("staff")
                                         .order_by("staff__badge_number"))
        self.fields["judge"].label_from_instance = lambda u: u.staff.name

    def clean(self):
        data = super().clean()
        others = data.get("other") or []
        chosen = [data["judge"]] if data.get("judge") else []
        for staff in others:
            if staff.user_id is None:
                self.add_error("other", pgettext("idea", "%(name)s has no account and cannot sign in to review.") % {"name": staff.name})
            else:
                chosen.append(staff.user)
        if len(chosen) != 1 and not self.errors:
            raise ValidationError(pgettext("idea", "Choose one new reviewer: a judge, or a member of staff by badge number."))
        data["reviewer"] = chosen[0] if len(chosen) == 1 else None
        return data


class ScoreForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """A reviewer's sheet: one field per criterion of the round (blank: not scored), a comment, and for a
    correction the reason."""

    comment = forms.CharField(label=pgettext_lazy("idea", "Your comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=pgettext_lazy("idea", "Reason for the correction"), required=False, max_length=300)

    def __init__(self, *args, criteria, correcting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.correcting = correcting
        fields = {}
        for c in criteria:
            fields[f"c{c.pk}"] = forms.DecimalField(
                label=f"{c.display_name} ({pgettext('idea', 'weight')} {c.weight})", required=False, min_value=Decimal(0),
                max_value=Decimal(c.max_score), decimal_places=1, max_digits=4,
                help_text=pgettext("idea", "0 to %(max)d; leave empty if it does not apply.") % {"max": c.max_score},
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": "0", "max": str(c.max_score),
                                                "class": "form-control"}))
        self.fields = {**fields, **self.fields}
        if not correcting:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        if self.correcting and not (data.get("reason") or "").strip():
            self.add_error("reason", pgettext("idea", "Your scores are locked: a correction needs a reason."))
        if not self.errors and all(data.get(f"c{c.pk}") is None for c in self.criteria):
            raise ValidationError(pgettext("idea", "Score at least one criterion."))
        return data

    def values(self) -> dict[int, Decimal | None]:
        return {c.pk: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class MilestoneForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("idea", "Step"), max_length=120)
    due_on = forms.DateField(label=pgettext_lazy("idea", "Planned for"), required=False, widget=DATE)
    weight = forms.IntegerField(label=pgettext_lazy("idea", "Weight"), min_value=1, max_value=100, initial=1)


class MeasurementForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """The measured benefit. For each period: meter readings at its start and end, or the total of its invoices.
    The form computes the saving (``services.annual_saving``) so that every mistake is named before saving."""

    unit = forms.ChoiceField(label=pgettext_lazy("idea", "What is measured"), choices=Measurement.Unit.choices)
    baseline_start = forms.DateField(label=pgettext_lazy("idea", "Baseline from"), required=False, widget=DATE)
    baseline_end = forms.DateField(label=pgettext_lazy("idea", "Baseline until"), required=False, widget=DATE)
    baseline_reading_start = forms.DecimalField(label=pgettext_lazy("idea", "Meter at the start of the baseline"), required=False,
                                                min_value=0, max_digits=14, decimal_places=2)
    baseline_reading_end = forms.DecimalField(label=pgettext_lazy("idea", "Meter at the end of the baseline"), required=False,
                                              min_value=0, max_digits=14, decimal_places=2)
    baseline_amount = forms.DecimalField(label=pgettext_lazy("idea", "or: baseline total"), required=False, max_digits=14,
                                         decimal_places=2)
    after_start = forms.DateField(label=pgettext_lazy("idea", "After from"), required=False, widget=DATE)
    after_end = forms.DateField(label=pgettext_lazy("idea", "After until"), required=False, widget=DATE)
    after_reading_start = forms.DecimalField(label=pgettext_lazy("idea", "Meter at the start of the after period"), required=False,
                                             min_value=0, max_digits=14, decimal_places=2)
    after_reading_end = forms.DecimalField(label=pgettext_lazy("idea", "Meter at the end of the after period"), required=False,
                                           min_value=0, max_digits=14, decimal_places=2)
    after_amount = forms.DecimalField(label=pgettext_lazy("idea", "or: after total"), required=False, max_digits=14, decimal_places=2)
    normalised = forms.BooleanField(label=pgettext_lazy("idea", "Compare per day (periods of different length)"), required=False)
    tariff = forms.DecimalField(label=pgettext_lazy("idea", "Tariff (yuan per kWh or per tonne)"), required=False, max_digits=8,
                                decimal_places=4)
    note = forms.CharField(label=pgettext_lazy("idea", "How it was measured"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = _files_field()
        self.fields["files"].label = pgettext_lazy("idea", "Evidence (meter photos, invoices)")
        unit = {BenefitUnit.KWH: "kwh", BenefitUnit.WATER: "water", BenefitUnit.YUAN: "yuan"}.get(idea.benefit_unit, "qualitative")
        self.initial.setdefault("unit", unit)
        if unit == "water":
            self.initial.setdefault("tariff", settings.QS_IDEAS_TARIFF_WATER)
        else:
            self.initial.setdefault("tariff", settings.QS_IDEAS_TARIFF_KWH)
        for name in ("baseline_reading_start", "baseline_reading_end", "baseline_amount", "after_reading_start",
                     "after_reading_end", "after_amount", "tariff"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean_files(self):
        try:
            return uploads.clean_uploads(self.cleaned_data.get("files") or [])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def figures(self) -> dict:
        d = self.cleaned_data
        return {
            "baseline_start": d.get("baseline_start"), "baseline_end": d.get("baseline_end"),
            "after_start": d.get("after_start"), "after_end": d.get("after_end"),
            "baseline_amount": d.get("baseline_amount"), "after_amount": d.get("after_amount"),
            "baseline_readings": (d.get("baseline_reading_start"), d.get("baseline_reading_end")),
            "after_readings": (d.get("after_reading_start"), d.get("after_reading_end")),
            "tariff": d.get("tariff"), "normalised": bool(d.get("normalised")),
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("unit") == Measurement.Unit.QUALITATIVE:
            if not (data.get("note") or "").strip():
                self.add_error("note", pgettext("idea", "Describe the benefit observed and how it was checked."))
            return data
        try:
            self.saving = services.annual_saving(unit=data["unit"], **self.figures())
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("return", "return")])
    reason = forms.CharField(required=False, max_length=300)


class QueueFilterForm(BootstrapFormMixin, forms.Form):
    """The coordinator's queue and its export: an invalid filter shows nothing and exports nothing."""

    round = forms.ModelChoiceField(label=pgettext_lazy("idea", "Round"), queryset=Round.objects.none(), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("idea", "Status"), required=False)
    category = forms.ChoiceField(label=pgettext_lazy("idea", "Category"), required=False)
    q = forms.CharField(label=pgettext_lazy("idea", "Title contains"), required=False, max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.visible_to(user)
        self.fields["round"].empty_label = pgettext_lazy("idea", "Every round")
        self.fields["q"].widget.attrs["placeholder"] = pgettext_lazy("idea", "Title contains")
        self.fields["status"].choices = [("", pgettext_lazy("idea", "Every status"))] + list(Idea.Status.choices)
        self.fields["category"].choices = [("", pgettext_lazy("idea", "Every category"))] + list(Category.choices)
        for name in ("round", "status", "category"):
            self.fields[name].widget.attrs["data-autosubmit"] = ""
