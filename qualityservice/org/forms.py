from django import forms
from django.utils.translation import gettext_lazy as _

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import department_scope, user_role
from qualityservice.core.roles import Role

from .models import Commitment, Department, ServicePhrase, SiteSettings, Staff


class StaffFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name, badge number or phone"), "type": "search"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label=_("All departments")
    )
    on_duty = forms.ChoiceField(
        label=_("On duty"), required=False, choices=[("", _("All")), ("1", _("On duty")), ("0", _("Off duty"))]
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)


class StaffForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Staff
        fields = ["name", "badge_number", "department", "team", "post", "phone", "role", "on_duty", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = department_scope(user)
        departments = Department.objects.filter(kind__in=[Department.Kind.CENTRE, Department.Kind.GROUP])
        teams = Department.objects.filter(kind=Department.Kind.TEAM)
        if scope is not None:
            departments = departments.filter(pk__in=scope)
            teams = teams.filter(parent_id__in=scope)
        self.fields["department"].queryset = departments
        self.fields["team"].queryset = teams
        if user_role(user) != Role.ADMIN:
            # Only administrators grant roles.
            self.fields["role"].disabled = True


class CommitmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = [
            "department", "title", "title_en", "details", "is_measurable", "request_kind", "deadline_value",
            "deadline_unit", "sort_order", "is_published",
        ]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            kind__in=[Department.Kind.CENTRE, Department.Kind.GROUP]
        ).visible_to(user)


class DepartmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "name_en", "description", "service_phone", "complaint_phone", "sort_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ServicePhraseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServicePhrase
        fields = ["kind", "text", "text_en", "situation", "situation_en", "sort_order", "is_active"]


class SiteSettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SiteSettings
        fields = ["organisation_name", "organisation_name_en", "hotline", "mailbox", "service_hours", "address", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Roster workbook (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f
