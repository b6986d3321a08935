from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Staff

from . import uploads
from .models import PostStandard, Procedure, ProcedureVersion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """A new version of a procedure: its label, title, effective date and a file (PDF/Office, checked by
    content) or a text. The hidden submission key makes a double-submitted form record one version."""

    upload = forms.FileField(label=pgettext_lazy("standards", "File (PDF, Word, Excel, PowerPoint)"), required=False)

    field_order = ["version", "title", "title_en", "effective_date", "change_note", "upload", "text", "text_en"]

    class Meta:
        model = ProcedureVersion
        fields = ["version", "title", "title_en", "effective_date", "change_note", "text", "text_en"]
        widgets = {"effective_date": DATE, "text": forms.Textarea(attrs={"rows": 8}),
                   "text_en": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, procedure: Procedure | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = pgettext("standards", "At most %(n)d MB. Or write the text below.") % {
            "n": uploads.max_bytes() // 1024 // 1024}
        self.fields["upload"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in uploads.KINDS)
        self.initial.setdefault("effective_date", timezone.localdate())
        if procedure is not None:
            self.initial.setdefault("title", procedure.title)
            self.initial.setdefault("title_en", procedure.title_en)

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        return uploads.clean_document(upload)

    def clean(self):
        data = super().clean()
        if "upload" not in self.errors and not data.get("upload") and not (data.get("text") or "").strip():
            raise forms.ValidationError(pgettext("standards", "Attach the procedure's file or write its text."))
        return data

    def version_fields(self) -> dict:
        from .services import VERSION_FIELDS

        return {name: self.cleaned_data[name] for name in VERSION_FIELDS}


class ProcedureForm(VersionForm):
    """A new procedure and its first version. The departments offered are the user's own (supervisors: every
    centre)."""

    department = forms.ModelChoiceField(label=pgettext_lazy("standards", "Department"), queryset=Department.objects.none())
    number = forms.CharField(label=pgettext_lazy("standards", "Number"), max_length=40,
                             help_text=pgettext_lazy("standards", "The procedure's reference, e.g. WY-CZ-003."))

    field_order = ["department", "number", "title", "title_en", "version", "effective_date", "upload", "text", "text_en",
                   "change_note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.centres().visible_to(user)
        self.fields["department"].queryset = departments
        self.fields["department"].widget.attrs["class"] = "form-select"
        self.fields["number"].widget.attrs["class"] = "form-control"
        self.initial.setdefault("version", "V1.0")
        self.fields["change_note"].label = pgettext_lazy("standards", "Note")
        ids = list(departments.values_list("pk", flat=True)[:2])
        if len(ids) == 1:
            self.initial.setdefault("department", ids[0])

    def clean_number(self):
        return self.cleaned_data["number"].strip()


class ProcedureFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=pgettext_lazy("standards", "Search"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": pgettext_lazy("standards", "Number or title")}))
    department = forms.ModelChoiceField(label=pgettext_lazy("standards", "Department"), required=False,
                                        queryset=Department.objects.none(),
                                        empty_label=pgettext_lazy("standards", "All departments"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)


class SinceForm(BootstrapFormMixin, forms.Form):
    since = forms.DateField(label=pgettext_lazy("standards", "No new version since"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("since", timezone.localdate().replace(month=1, day=1))

    def since_date(self) -> dt.date:
        """The chosen day; 1 January of this year by default (or when the form is invalid)."""
        default = timezone.localdate().replace(month=1, day=1)
        if self.is_bound and self.is_valid() and self.cleaned_data.get("since"):
            return self.cleaned_data["since"]
        return default


_POST = forms.fields_for_model(
    PostStandard, fields=["department", "post", "post_en", "duties", "duties_en", "public_standard", "public_standard_en"],
    widgets={name: forms.Textarea(attrs={"rows": 5}) for name in ("duties", "duties_en")}
    | {name: forms.Textarea(attrs={"rows": 3}) for name in ("public_standard", "public_standard_en")})


class PostStandardForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """A post's duties and public service standard (the model's fields; a plain form, so that the rule "one
    record per post of a department" is the service's, with its message, and a resent "new" form returns the
    record it made — ``services.save_post_standard``). The department's posts are offered as suggestions."""

    department = _POST["department"]
    post = _POST["post"]
    post_en = _POST["post_en"]
    duties = _POST["duties"]
    duties_en = _POST["duties_en"]
    public_standard = _POST["public_standard"]
    public_standard_en = _POST["public_standard_en"]

    def __init__(self, *args, user, instance: PostStandard | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", forms.model_to_dict(instance, fields=list(_POST)))
        super().__init__(*args, **kwargs)
        departments = Department.objects.centres().visible_to(user)
        self.fields["department"].queryset = departments
        ids = list(departments.values_list("pk", flat=True)[:2])
        if instance is None and len(ids) == 1:
            self.initial.setdefault("department", ids[0])
        self.posts = sorted(set(Staff.objects.filter(department__in=departments, is_active=True).values_list("post", flat=True)))
        self.fields["post"].widget.attrs["list"] = "standards-posts"

    def clean_post(self):
        return self.cleaned_data["post"].strip()

    def clean(self):
        data = super().clean()
        duties = PostStandard.lines(data.get("duties", ""))
        duties_en = PostStandard.lines(data.get("duties_en", ""))
        if duties and duties_en and len(duties_en) != len(duties):  # the duties themselves are required
            self.add_error("duties_en", pgettext("standards", "Write one English line per Chinese duty (%(n)d), in the same order.")
                           % {"n": len(duties)})
        return data
