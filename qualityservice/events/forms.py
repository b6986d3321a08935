"""The app's forms. Every form that creates carries the hidden submission key (``SubmissionKeyFormMixin``): sent
twice, it creates once (``services`` through ``core.submissions.create_once``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import department_scope
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Place

from . import services
from .models import Allocation, CoHost, Event, Opinion, Session

DATETIME = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class CoHostForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CoHost
        fields = ["name", "name_en", "sort_order", "is_active"]


class EventForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Create and edit an event: the departments offered are the user's own (supervisors: every centre)."""

    class Meta:
        model = Event
        fields = ["kind", "department", "title", "title_en", "audience", "co_hosts", "description", "description_en",
                  "campaign_activity_id"]
        widgets = {"co_hosts": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4}),
                   "description_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)
        self.fields["co_hosts"].queryset = CoHost.objects.filter(is_active=True)
        self.fields["co_hosts"].widget.attrs["class"] = "qs-checks"
        scope = department_scope(user)
        if self.instance.pk is None and scope and len(scope) == 1:
            self.initial.setdefault("department", next(iter(scope)))
        # The campaign activity it serves: the departments' activities carried by events (campaigns app), and the
        # one chosen before even if its campaign has closed since. Without the campaigns app there is no choice.
        if optional_function("qualityservice.campaigns", "services", "activities_carried_by") is None:
            del self.fields["campaign_activity_id"]
            return
        departments = {d.pk: d for d in self.fields["department"].queryset}
        self.activity_options = {o.pk: o for o in services.campaign_activities(
            list(departments), include=[self.instance.campaign_activity_id] if self.instance.campaign_activity_id else [])}
        choices = [("", pgettext("events", "None"))]
        for option in self.activity_options.values():
            department = departments.get(option.department_id)
            choices.append((option.pk, f"{department.display_name} · {option.label}" if department else option.label))
        self.fields["campaign_activity_id"] = forms.TypedChoiceField(
            label=pgettext_lazy("events", "Campaign activity it serves"), choices=choices, coerce=int, required=False,
            empty_value=None, help_text=pgettext_lazy("events", "Each session held is recorded as evidence of this activity."),
            widget=forms.Select(attrs={"class": "form-select"}))

    def clean(self):
        data = super().clean()
        chosen, department = data.get("campaign_activity_id"), data.get("department")
        option = getattr(self, "activity_options", {}).get(chosen) if chosen else None
        if chosen and department is not None and (option is None or option.department_id != department.pk):
            self.add_error("campaign_activity_id", pgettext("events", "Choose an activity of the host department."))
        return data

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(pgettext("events", "Give the event a title."))
        return title


class SessionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "place", "location", "capacity", "registration_opens_at", "registration_closes_at"]
        widgets = {name: forms.DateTimeInput(attrs=DATETIME, format=DATETIME_FORMAT)
                   for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(is_active=True).order_by("name")
        self.fields["capacity"].min_value = 1
        self.fields["capacity"].widget.attrs["min"] = 1
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(pgettext("events", "A session has at least one seat."))
        return capacity

    def clean(self):
        data = super().clean()
        if all(data.get(n) for n in services.SESSION_FIELDS if n not in ("place", "location", "capacity")):
            try:
                services._check_session_times(data)
            except forms.ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        self.add_error(field, error)
        return data


class AllocationForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Allocation
        fields = ["co_host", "seats"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = event.co_hosts.all()
        self.fields["co_host"].queryset = chosen if chosen.exists() else CoHost.objects.filter(is_active=True)
        self.fields["seats"].widget.attrs["min"] = 1

    def clean_seats(self):
        seats = self.cleaned_data["seats"]
        if seats < 1:
            raise forms.ValidationError(pgettext("events", "Reserve at least one seat."))
        return seats


class VisitorForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """A visitor's registration for a public event: name and mobile number (deleted some days after the event)."""

    name = forms.CharField(label=pgettext_lazy("events", "Your name"), max_length=60)
    phone = forms.CharField(label=pgettext_lazy("events", "Mobile number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "qs-hp", "tabindex": "-1",
                                                                            "autocomplete": "off"}))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(pgettext("events", "Enter your name."))
        return name

    def clean_phone(self):
        return services.normal_phone(self.cleaned_data["phone"])


class AccountRegistrationForm(SubmissionKeyFormMixin, forms.Form):
    """A signed-in member's (or invitee's) registration: one button; the identity is the account's."""


class ReorderForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.IntegerField(label=pgettext_lazy("events", "New place"), min_value=1)
    reason = forms.CharField(label=pgettext_lazy("events", "Reason (logged, shown to the supervisors)"), max_length=500,
                             widget=forms.TextInput)


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=pgettext_lazy("events", "Reason (sent to the person)"), max_length=300, required=False)


class InviteForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """Invitees by ID number (学号/工号 of members) or badge number (工号 of staff with an account), one a line."""

    numbers = forms.CharField(label=pgettext_lazy("events", "ID or badge numbers, one a line"),
                              widget=forms.Textarea(attrs={"rows": 4}))

    def clean_numbers(self):
        from qualityservice.members.models import Member, normalise_number

        wanted = [normalise_number(line) for line in self.cleaned_data["numbers"].replace(",", "\n").splitlines()]
        wanted = list(dict.fromkeys(n for n in wanted if n))
        if not wanted:
            raise forms.ValidationError(pgettext("events", "Enter at least one number."))
        if len(wanted) > 500:
            raise forms.ValidationError(pgettext("events", "At most 500 invitees at a time."))
        User = get_user_model()
        members = dict(Member.objects.filter(number__in=wanted, user__is_active=True).values_list("number", "user_id"))
        staff = dict(User.objects.filter(staff__badge_number__in=wanted, staff__is_active=True, is_active=True)
                     .values_list("staff__badge_number", "pk"))
        found = {n: members.get(n) or staff.get(n) for n in wanted}
        unknown = [n for n, pk in found.items() if pk is None]
        if unknown:
            raise forms.ValidationError(pgettext("events", "Nobody with an account has these numbers: %(numbers)s")
                                        % {"numbers": ", ".join(unknown[:20])})
        users = User.objects.in_bulk([pk for pk in found.values()])
        return [users[pk] for pk in found.values()]


class MinutesForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    body = forms.CharField(label=pgettext_lazy("events", "Minutes"), widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=pgettext_lazy("events", "Every save is kept as a revision. Final minutes are locked and "
                                                             "shown on the event page."))


class OpinionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """An opinion: what was said, its kind and the department it concerns (the host department by default)."""

    body = forms.CharField(label=pgettext_lazy("events", "Opinion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label=pgettext_lazy("events", "Kind"), choices=Opinion.FeedbackKind.choices,
                             initial=Opinion.FeedbackKind.SUGGESTION)
    department = forms.ModelChoiceField(label=pgettext_lazy("events", "Department concerned"), queryset=Department.objects.none())
    session = forms.ModelChoiceField(label=pgettext_lazy("events", "Session"), queryset=Session.objects.none(), required=False)

    def __init__(self, *args, event: Event, with_session: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres()
        self.fields["department"].initial = event.department_id
        if with_session:
            self.fields["session"].queryset = event.sessions.all()
        else:
            del self.fields["session"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 2:
            raise forms.ValidationError(pgettext("events", "Write the opinion first."))
        return body
