from __future__ import annotations

import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin, MemoModelChoiceField
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Place, Staff

from .images import sanitize_image
from .models import Category, Channel, Kind, Rating, Status

PUBLIC_KINDS = [(k, label) for k, label in Kind.choices if k not in (Kind.REPAIR, Kind.OBJECTION)]
SCORES = [(i, str(i)) for i in range(1, 6)]
SATISFACTION = [(5, _("5 · Very satisfied")), (4, _("4 · Satisfied")), (3, _("3 · Acceptable")),
                (2, _("2 · Dissatisfied")), (1, _("1 · Very dissatisfied"))]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to QS_FEEDBACK_MAX_IMAGES photos, each checked by content and re-encoded without EXIF.
    Cleans to a list of CleanImage."""

    def __init__(self, *args, multiple=True, **kwargs):
        attrs = {"accept": "image/*"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs) if multiple else forms.ClearableFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        limit = getattr(settings, "QS_FEEDBACK_MAX_IMAGES", 3)
        if len(items) > limit:
            raise ValidationError(_("At most %(n)d photos.") % {"n": limit})
        cleaned, errors = [], []
        for upload in items:
            super().clean(upload, initial)
            try:
                if upload.size > getattr(settings, "QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024):
                    data_bytes = upload.read(getattr(settings, "QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024) + 1)
                else:
                    data_bytes = upload.read()
                cleaned.append(sanitize_image(data_bytes, upload.name,
                                              limit=getattr(settings, "QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024)))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class IdentityMixin:
    """Anonymous by default; a name is optional, a contact is needed for a callback.

    members: a signed-in member (``member=``) who unticks "stay anonymous" sends with the name of their
    campus account (and its phone or e-mail unless they type another contact); anonymous stays anonymous."""

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if member is not None:
            self.fields["contact"].initial = member.contact
            self.fields["contact"].help_text = _("Optional: we call you back here.")

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(_("Your submission could not be accepted."), code="honeypot")
        if self.member is not None and not data.get("anonymous"):
            data["name"] = self.member.name
            data["contact"] = data.get("contact") or self.member.contact
        elif not data.get("anonymous") and not data.get("contact"):
            self.add_error("contact", _("Leave a phone number or e-mail so that we can call you back, or stay anonymous."))
        if data.get("anonymous"):
            data["name"] = ""
            data["contact"] = ""
        return data


class PublicFeedbackForm(IdentityMixin, BootstrapFormMixin, SubmissionKeyFormMixin):
    kind = forms.ChoiceField(label=_("What is it?"), choices=PUBLIC_KINDS, initial=Kind.COMPLAINT, widget=forms.RadioSelect)
    # Checked against per-process memos of these short lists: no query per submission.
    # (Querysets are lazy: each form gets a fresh copy; the chosen place's department routes the item.)
    category = MemoModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True).select_related("department"), required=False,
                                    empty_label=_("— choose —"), memo_name="feedback.public.category")
    place = MemoModelChoiceField(label=_("Where?"), queryset=Place.objects.filter(is_active=True).select_related("campus", "department"),
                                 required=False, empty_label=_("— not sure —"), memo_name="feedback.public.place")
    department = MemoModelChoiceField(label=_("Which department?"), queryset=Department.objects.centres(), required=False,
                                      empty_label=_("— not sure, route it for me —"), memo_name="feedback.public.department")
    title = forms.CharField(label=_("Subject"), max_length=100, required=False)
    body = forms.CharField(label=_("What happened?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    images = ImagesField(label=_("Photos (optional)"))
    anonymous = forms.BooleanField(label=_("Stay anonymous"), required=False, initial=True)
    name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=120, required=False)
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class BadgeRatingForm(IdentityMixin, BootstrapFormMixin, SubmissionKeyFormMixin):
    TEXT_KINDS = [("", _("No, only the rating")), (Kind.PRAISE, _("Praise")), (Kind.COMPLAINT, _("Complaint"))]

    skill = forms.TypedChoiceField(label=_("Skill"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(label=_("Attitude"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    environment = forms.TypedChoiceField(label=_("Environment"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    process = forms.TypedChoiceField(label=_("Process"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    appearance = forms.TypedChoiceField(label=_("Appearance"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    language = forms.TypedChoiceField(label=_("Language"), choices=SCORES, coerce=int, widget=forms.RadioSelect)
    text_kind = forms.ChoiceField(label=_("Add a praise or a complaint?"), choices=TEXT_KINDS, required=False)
    body = forms.CharField(label=_("Your words"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    images = ImagesField(label=_("Photo (optional)"))
    anonymous = forms.BooleanField(label=_("Stay anonymous"), required=False, initial=True)
    name = forms.CharField(label=_("Your name"), max_length=60, required=False)
    contact = forms.CharField(label=_("Phone or e-mail"), max_length=120, required=False)
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    DIMENSIONS = [d for d, _label in Rating.DIMENSIONS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DIMENSIONS:
            self.fields[name].widget.attrs["class"] = "btn-check"

    def clean(self):
        data = super().clean()
        if data.get("text_kind") and not (data.get("body") or "").strip():
            self.add_error("body", _("Write your praise or complaint, or choose “only the rating”."))
        if not data.get("text_kind") and (data.get("body") or "").strip():
            data["text_kind"] = Kind.COMPLAINT if min(data.get(d) or 5 for d in self.DIMENSIONS) <= 2 else Kind.PRAISE
        return data

    def dimension_fields(self):
        return [self[name] for name in self.DIMENSIONS]


class HandlingRatingForm(BootstrapFormMixin, forms.Form):
    score = forms.TypedChoiceField(label=_("How satisfied are you with how we handled it?"), choices=SATISFACTION, coerce=int,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].widget.attrs["class"] = "form-check-input"


class HotlineForm(BootstrapFormMixin, SubmissionKeyFormMixin):
    caller_name = forms.CharField(label=_("Caller"), max_length=60, required=False)
    caller_phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    anonymous = forms.BooleanField(label=_("The caller wants to stay anonymous"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.COMPLAINT)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    place = forms.ModelChoiceField(label=pgettext_lazy("feedback", "Place"), queryset=Place.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("Route to department"), queryset=Department.objects.none())
    # Callers read the badge number (工号) off the badge; a list of 2,000 names would be unusable.
    staff = forms.CharField(label=_("Staff member concerned"), max_length=50, required=False,
                            help_text=_("Type a part of the name or of the badge number (工号) and pick the person."))
    title = forms.CharField(label=_("Subject"), max_length=100, required=False)
    body = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["place"].queryset = Place.objects.filter(is_active=True).select_related("campus")
        self.fields["department"].queryset = Department.objects.centres()
        # Suggestions as the operator types a part of the name or of the badge number (htmx; hotline.js
        # fills the field with the chosen person's badge number and department).
        self.fields["staff"].widget.attrs.update({
            "hx-get": reverse("feedback:staff_suggestions"), "hx-trigger": "input changed delay:250ms",
            "hx-target": "#hotline-staff-suggestions", "hx-sync": "this:replace", "autocomplete": "off",
        })

    def clean_staff(self):
        raw = self.cleaned_data.get("staff", "").strip()
        if not raw:
            return None
        people = Staff.objects.active().select_related("department")
        match = people.filter(badge_number__iexact=raw).first()
        if match is None:
            named = list(people.filter(name=raw)[:6])
            if len(named) > 1:
                raise forms.ValidationError(
                    _("Several staff are called %(name)s: give the badge number (%(badges)s).")
                    % {"name": raw, "badges": "、".join(s.badge_number for s in named)})
            match = named[0] if named else None
        if match is None:
            raise forms.ValidationError(_("No staff member with badge number or name “%(value)s”.") % {"value": raw})
        return match

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not (data.get("caller_phone") or data.get("caller_name")):
            self.add_error("caller_phone", _("Record the caller's number, or tick anonymous."))
        staff, dept = data.get("staff"), data.get("department")
        if staff and dept and staff.department_id != dept.pk:
            self.add_error("staff", _("This person works in %(dept)s.") % {"dept": staff.department.display_name})
        return data


class InboxFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses")), ("open", _("Open")),
                                                           ("transfer", _("Transfer requested")), *Status.choices],
                               required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *Kind.choices], required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All categories"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All channels")), *Channel.choices], required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False,
                                        empty_label=_("All departments"))
    place = forms.ModelChoiceField(label=pgettext_lazy("feedback", "Place"), queryset=Place.objects.none(), required=False, empty_label=_("All places"))
    staff = forms.ModelChoiceField(label=_("Staff"), queryset=Staff.objects.none(), required=False, empty_label=_("Anyone"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # The workbench's links: still owed an answer and late, or due later today (models.overdue_q, due_today_q).
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=[("", _("Any deadline")), ("overdue", _("Late, not answered")),
                                                                          ("today", _("Due today"))])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["department"].queryset = Department.objects.filter(kind=Department.Kind.CENTRE).visible_to(user, routing=True)
        self.fields["place"].queryset = Place.objects.filter(is_active=True).select_related("campus")
        self.fields["staff"].queryset = Staff.objects.visible_to(user).active()


class AssignForm(BootstrapFormMixin, forms.Form):
    staff = forms.ModelChoiceField(label=_("Assign to"), queryset=Staff.objects.none())
    note = forms.CharField(label=pgettext_lazy("feedback", "Note"), required=False, max_length=500)

    def __init__(self, *args, department_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.active().filter(department_id=department_id).order_by("badge_number")


class BulkAssignForm(AssignForm):
    ids = forms.CharField(required=False)


class ReplyForm(BootstrapFormMixin, SubmissionKeyFormMixin):
    body = forms.CharField(label=_("Reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=[("public", _("The submitter (public reply)")),
                                                                  ("internal", _("Staff only (internal note)"))], initial="public")
    resolve = forms.BooleanField(label=_("Mark as resolved"), required=False)


class CallbackForm(BootstrapFormMixin, SubmissionKeyFormMixin):
    reached = forms.TypedChoiceField(label=_("Reached the submitter?"), coerce=lambda v: v == "1",
                                     choices=[("1", _("Reached")), ("0", _("Not reached"))])
    satisfied = forms.TypedChoiceField(label=_("Satisfaction"), choices=[("", "—"), *SATISFACTION], coerce=int,
                                       required=False, empty_value=None)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("reached") and not data.get("satisfied"):
            self.add_error("satisfied", _("Record how satisfied the submitter is."))
        return data


class TransferForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Transfer to"), queryset=Department.objects.none())
    note = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres()


class RequestTransferForm(BootstrapFormMixin, forms.Form):
    """A head proposes the department that should handle an item routed to them by mistake, and why."""

    department = forms.ModelChoiceField(label=_("Department that should handle it"), queryset=Department.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Give the reason for the transfer.")})

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().exclude(pk=current)


class TransferDecisionForm(BootstrapFormMixin, forms.Form):
    """The supervisor's or the operator's answer to a transfer request: accept (to the proposed department,
    or to ``department`` when one is chosen) or decline (``note``: why, told to the head)."""

    decision = forms.ChoiceField(choices=[("accept", pgettext_lazy("transfer decision", "Accept")),
                                          ("decline", pgettext_lazy("transfer decision", "Decline"))],
                                 widget=forms.HiddenInput)
    department = forms.ModelChoiceField(label=_("Or move it to"), queryset=Department.objects.none(), required=False,
                                        empty_label=_("— the proposed department —"))
    note = forms.CharField(label=_("Reason (told to the head)"), max_length=500, required=False)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().exclude(pk=current)


class MergeForm(BootstrapFormMixin, forms.Form):
    target = forms.CharField(label=_("Tracking code of the item to keep"), max_length=16)
    note = forms.CharField(label=pgettext_lazy("feedback", "Note"), required=False, max_length=500)

    def clean_target(self):
        return self.cleaned_data["target"].strip().upper()


# What people put between the groups of a code they copy from a note or a screenshot: spaces (also
# full-width), hyphens and dashes of every width.
CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d_.·]+")


def normalise_code(value: str) -> str:
    """A tracking code as typed — lowercase, full-width letters, spaces or dashes between groups — as stored."""
    return CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value or "")).upper()


class TrackForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40,
                           help_text=_("Upper or lower case; spaces and dashes do not matter."))

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Type the tracking code."))
        return code
