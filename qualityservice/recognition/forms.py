from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.images import sanitize_image
from qualityservice.core.permissions import department_scope
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.members.models import MemberKind
from qualityservice.org.models import Department, Staff

from .models import Nomination, Round


class NomineeFormMixin:
    """The nomination's round (rounds open for nominations), its nominee — a staff member of the department,
    or for a 先进集体 round the department itself or one of its teams —, its story (rich text, cleaned on save)
    and photo (``core.images.sanitize_image``)."""

    def setup_nominee(self, user):
        rounds = Round.objects.filter(status=Round.Status.NOMINATING)
        if self.instance.round_id:
            rounds = Round.objects.filter(Q(status=Round.Status.NOMINATING) | Q(pk=self.instance.round_id))
        self.fields["round"].queryset = rounds
        self.fields["staff"].queryset = Staff.objects.filter(is_active=True, department__in=Department.objects.visible_to(user)
                                                             ).select_related("department")
        self.fields["staff"].label_from_instance = lambda s: f"{s.name} · {s.post} · {s.department.display_name}"
        self.fields["collective"].queryset = Department.objects.filter(
            Q(kind=Department.Kind.CENTRE) | Q(kind=Department.Kind.TEAM), is_active=True,
        ).filter(Q(pk__in=Department.objects.visible_to(user)) | Q(parent__in=Department.objects.visible_to(user)))
        self.fields["story"].help_text = pgettext_lazy(
            "nomination", "The story (事迹): paragraphs, headings, lists, links; scripts and styles are removed.")
        self.fields["photo"] = forms.ImageField(label=pgettext_lazy("nomination", "photo"), required=False,
                                                help_text=pgettext_lazy("nomination", "Shown on the public vote page."))

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload or not hasattr(upload, "read"):
            return None
        upload.seek(0)
        return sanitize_image(upload.read(), getattr(upload, "name", "photo"))

    def clean_nominee(self, data):
        rnd, department = data.get("round"), data.get("department")
        staff, collective = data.get("staff"), data.get("collective")
        if rnd is None:
            if collective is not None:
                self.add_error("collective", pgettext_lazy("nomination", "A collective is nominated in an 先进集体 round."))
            return data
        if rnd.is_collective:
            if staff is not None:
                self.add_error("staff", pgettext_lazy("nomination", "An 先进集体 round nominates a team or a department, not a staff member."))
            if collective is None:
                self.add_error("collective", pgettext_lazy("nomination", "Choose the team or department you nominate."))
            elif department is not None and collective.centre_id != department.pk:
                self.add_error("collective", pgettext_lazy("nomination", "Choose the department or one of its teams."))
        else:
            if collective is not None:
                self.add_error("collective", pgettext_lazy("nomination", "A collective is nominated in an 先进集体 round."))
            if staff is None:
                self.add_error("staff", pgettext_lazy("nomination", "Choose the staff member you nominate."))
            elif department is not None and staff.department_id != department.pk:
                self.add_error("staff", pgettext_lazy("nomination", "Choose a staff member of the department."))
        return data


class NominationForm(SubmissionKeyFormMixin, BootstrapFormMixin, NomineeFormMixin, forms.ModelForm):
    """Create and edit an nomination. The hidden submission key makes a double-submitted "new" form create one nomination
    (``services.create_nomination``); the departments offered are the user's own (supervisors: every centre)."""

    class Meta:
        model = Nomination
        fields = ["department", "title", "title_en", "round", "staff", "collective", "story"]
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)
        scope = department_scope(user)
        if self.instance.pk is None and scope and len(scope) == 1:
            self.initial.setdefault("department", next(iter(scope)))
        self.setup_nominee(user)
        self.fields["photo"].widget.attrs["class"] = "form-control"

    def clean(self):
        return self.clean_nominee(super().clean())


# --- Rounds and the nomination's nominee ----------------------------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Create and edit a round: kind, period, winners, stage dates, the vote's settings, the published weights
    (frozen once the vote opened: the fields are shown disabled with the reason), the vetoes, and per centre
    the nomination quota and the supervisor's "not eligible" mark with its reason."""

    voter_kinds = forms.MultipleChoiceField(label=pgettext_lazy("round", "member types who may vote"), required=False,
                                            choices=MemberKind.choices,
                                            help_text=pgettext_lazy("round", "None chosen: every member may vote."))

    class Meta:
        model = Round
        fields = ["kind", "title", "title_en", "period_start", "period_end", "winners", "nominations_until", "vote_opens",
                  "vote_closes", "notice_until", "choices_per_ballot", "voter_kinds", "staff_may_vote", "vote_weight",
                  "jury_weight", "veto_complaint", "veto_inspection", "veto_evaluation"]
        widgets = {name: DATE for name in ("period_start", "period_end", "nominations_until", "vote_opens", "vote_closes",
                                           "notice_until")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = list(Department.objects.centres())
        quotas, marked = self.instance.quotas or {}, self.instance.not_eligible or {}
        self.department_rows = []
        for department in self.departments:
            quota = forms.IntegerField(label=pgettext_lazy("round", "quota"), min_value=0, max_value=999, required=False,
                                       initial=quotas.get(str(department.pk), 0))
            reason = forms.CharField(label=pgettext_lazy("round", "not eligible because"), max_length=300, required=False,
                                     initial=marked.get(str(department.pk), ""))
            self.fields[f"quota_{department.pk}"], self.fields[f"not_eligible_{department.pk}"] = quota, reason
        self.frozen = self.instance.pk is not None and self.instance.weights_frozen_at is not None
        if self.frozen:
            from .services import FROZEN_ONCE_VOTING

            for name in FROZEN_ONCE_VOTING:
                self.fields[name].disabled = True
                self.fields[name].help_text = pgettext_lazy("round", "Frozen since the vote opened: it can no longer change.")
        for department in self.departments:
            for prefix in ("quota_", "not_eligible_"):
                self.fields[f"{prefix}{department.pk}"].widget.attrs["class"] = "form-control form-control-sm"
        self.department_rows = [(d, self[f"quota_{d.pk}"], self[f"not_eligible_{d.pk}"]) for d in self.departments]

    def visible_main_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith(("quota_", "not_eligible_"))]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", pgettext_lazy("round", "The period ends on or after its start."))
        opens, closes = data.get("vote_opens"), data.get("vote_closes")
        if opens and closes and closes < opens:
            self.add_error("vote_closes", pgettext_lazy("round", "The vote closes on or after the day it opens."))
        vote, jury = data.get("vote_weight"), data.get("jury_weight")
        if vote is not None and jury is not None and vote + jury != 100:
            self.add_error("jury_weight", pgettext_lazy("round", "The weights of vote and jury must add up to 100."))
        if data.get("choices_per_ballot") is not None and data["choices_per_ballot"] < 1:
            self.add_error("choices_per_ballot", pgettext_lazy("round", "At least one choice per ballot."))
        data["quotas"] = {str(d.pk): data.get(f"quota_{d.pk}") or 0 for d in self.departments if data.get(f"quota_{d.pk}")}
        data["not_eligible"] = {str(d.pk): data[f"not_eligible_{d.pk}"].strip() for d in self.departments
                                if (data.get(f"not_eligible_{d.pk}") or "").strip()}
        return data
