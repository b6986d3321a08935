from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Staff

from . import uploads
from .models import ActivityMilestone, Campaign, Carrier, DepartmentActivity, MenuItem, StaffAffiliation


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def parse_milestones(text: str, *, english: bool = False) -> list[tuple]:
    """One milestone per line: ``2026-09-15 经验交流会`` (campaigns also ``| English title``). Returns
    (date, title[, title_en]) tuples in date order; raises ValidationError naming the bad lines."""
    result, errors = [], []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        try:
            day = dt.date.fromisoformat(head)
        except ValueError:
            errors.append(pgettext("campaign", "Line %(n)d: start with a date (YYYY-MM-DD), then the milestone.") % {"n": n})
            continue
        title, _bar, title_en = rest.partition("|") if english else (rest, "", "")
        title, title_en = title.strip(), title_en.strip()
        if not title:
            errors.append(pgettext("campaign", "Line %(n)d: name the milestone after its date.") % {"n": n})
        elif len(title) > 120 or len(title_en) > 200:
            errors.append(pgettext("campaign", "Line %(n)d: the milestone's name is too long.") % {"n": n})
        else:
            result.append((day, title, title_en) if english else (day, title))
    if errors:
        raise forms.ValidationError(errors)
    return sorted(result)


def milestone_text(milestones, *, english: bool = False) -> str:
    lines = []
    for m in milestones:
        line = f"{m.due_on.isoformat()} {m.title}"
        if english and m.title_en:
            line += f" | {m.title_en}"
        lines.append(line)
    return "\n".join(lines)


class CampaignForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    milestones = forms.CharField(
        label=pgettext_lazy("campaign", "Milestones"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=pgettext_lazy("campaign", "One per line: the date, then the name, optionally “| English name” — "
                                            "e.g. 2026-09-15 经验交流会 | Exchange conference"))

    class Meta:
        model = Campaign
        fields = ["name", "name_en", "year", "theme", "theme_en", "starts_on", "ends_on", "guiding_text", "guiding_text_en",
                  "slogans", "slogans_en", "signature_limit"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "guiding_text": forms.Textarea(attrs={"rows": 4}),
                   "guiding_text_en": forms.Textarea(attrs={"rows": 3}), "slogans": forms.Textarea(attrs={"rows": 3}),
                   "slogans_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].min_value = 2000
        if self.instance.pk and not self.is_bound:
            self.initial["milestones"] = milestone_text(self.instance.milestones.all(), english=True)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(pgettext("campaign", "A year between 2000 and 2100."))
        return year

    def clean_milestones(self):
        return parse_milestones(self.cleaned_data.get("milestones", ""), english=True)


class CopyForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    source = forms.ModelChoiceField(label=pgettext_lazy("campaign", "Copy from"), queryset=Campaign.objects.none())
    year = forms.IntegerField(label=pgettext_lazy("campaign", "Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=pgettext_lazy("campaign", "Name"), max_length=100, required=False,
                           help_text=pgettext_lazy("campaign", "Empty: the source's name."))
    name_en = forms.CharField(label=pgettext_lazy("campaign", "Name (English)"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        from .services import copy_sources

        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = copy_sources()
        self.fields["source"].label_from_instance = lambda c: (
            f"{c.display_name} · {pgettext('campaign', 'menu template')}" if c.is_template else f"{c.year} {c.display_name}")


class MenuItemForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    carriers = forms.MultipleChoiceField(label=pgettext_lazy("campaign", "Carried by"), choices=Carrier.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=pgettext_lazy("campaign", "Records of these apps become evidence on the activity."))

    class Meta:
        model = MenuItem
        fields = ["code", "title", "title_en", "kind", "required_for", "description", "description_en", "carriers", "sort_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "description_en": forms.Textarea(attrs={"rows": 3}),
                   "required_for": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_for"].queryset = Department.objects.centres()
        for name in ("carriers", "required_for"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("kind") == MenuItem.Kind.OPTIONAL and data.get("required_for"):
            self.add_error("required_for", pgettext("campaign", "Only a required item lists departments."))
        return data


class AdoptForm(SubmissionKeyFormMixin, forms.Form):
    menu_item = forms.ModelChoiceField(queryset=MenuItem.objects.none())
    department = forms.ModelChoiceField(queryset=Department.objects.none())

    def __init__(self, *args, campaign: Campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["menu_item"].queryset = campaign.menu.all()
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)


class ActivityForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """The plan of an activity (and a new own activity: then with its title, and the department for the
    supervisor). Owners: active staff of the department."""

    milestones = forms.CharField(
        label=pgettext_lazy("campaign", "Milestones"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=pgettext_lazy("campaign", "One per line: the date, then what is reached — e.g. 2026-05-20 第一次座谈会"))

    class Meta:
        model = DepartmentActivity
        fields = ["title", "title_en", "description", "owner", "starts_on", "ends_on", "target_text", "target_number", "is_signature"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"target_text": pgettext_lazy("campaign", "e.g. 4 次座谈会"),
                      "target_number": pgettext_lazy("campaign", "Optional: the number in the target (e.g. 4).")}

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Staff.objects.active().filter(department=department).order_by("badge_number")
        if self.instance.pk and self.instance.menu_item_id:
            del self.fields["title"], self.fields["title_en"]
        else:
            self.fields["title"].required = True
        if self.instance.pk and not self.is_bound:
            self.initial["milestones"] = milestone_text(self.instance.milestones.all())

    def clean_milestones(self):
        return parse_milestones(self.cleaned_data.get("milestones", ""))

    def plan(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ActivityMoveForm(forms.Form):
    action = forms.CharField(max_length=20)
    summary = forms.CharField(required=False, max_length=10000)
    reason = forms.CharField(required=False, max_length=2000)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files, each checked by ``check`` (uploads.clean_photo / clean_document); cleans to CleanFiles."""

    def __init__(self, *args, check, accept: str, **kwargs):
        self.check = check
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if len(items) > settings.QS_CAMPAIGNS_MAX_FILES:
            raise forms.ValidationError(pgettext("campaign", "At most %(n)d files per report.") % {"n": settings.QS_CAMPAIGNS_MAX_FILES})
        cleaned, errors = [], []
        for upload in items:
            super().clean(upload, initial)
            try:
                cleaned.append(self.check(upload))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class ReportForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    reported_on = forms.DateField(label=pgettext_lazy("campaign", "Date"), widget=DateInput())
    note = forms.CharField(label=pgettext_lazy("campaign", "What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    photos = FilesField(label=pgettext_lazy("campaign", "Photos"), check=uploads.clean_photo, accept="image/*")
    documents = FilesField(label=pgettext_lazy("campaign", "Documents"), check=uploads.clean_document,
                           accept=".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,image/*",
                           help_text=pgettext_lazy("campaign", "PDF, Word, Excel, PowerPoint or images."))
    reached = forms.ModelMultipleChoiceField(label=pgettext_lazy("campaign", "Milestones reached"), queryset=ActivityMilestone.objects.none(),
                                             required=False, widget=forms.CheckboxSelectMultiple)
    participants = forms.ModelMultipleChoiceField(label=pgettext_lazy("campaign", "Participants"), queryset=Staff.objects.none(),
                                                  required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, activity: DepartmentActivity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached"].queryset = activity.milestones.filter(done_on__isnull=True)
        self.fields["participants"].queryset = Staff.objects.active().filter(department=activity.department_id).order_by("badge_number")
        self.fields["participants"].label_from_instance = lambda s: f"{s.name} · {s.post}"
        for name in ("reached", "participants"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["photos"].widget.attrs["data-photo-input"] = ""
        if not self.is_bound:
            from django.utils import timezone

            self.initial.setdefault("reported_on", timezone.localdate())


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = StaffAffiliation
        fields = list(StaffAffiliation.GROUPS)


class CampaignChoiceForm(forms.Form):
    campaign = forms.ModelChoiceField(label=pgettext_lazy("campaign", "Campaign"), queryset=Campaign.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user).real().exclude(status=Campaign.Status.DRAFT)
        self.fields["campaign"].widget.attrs.update({"class": "form-select form-select-sm", "data-autosubmit": ""})
