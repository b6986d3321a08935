from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.members.models import MemberKind
from qualityservice.org.models import Department

from .building import option_lines, parse_option_lines, set_options
from .bursts import MAX_REASON_LENGTH
from .models import Question, ResponseExclusion, Section, Survey, format_answer_values, parse_answer_values


class SurveySettingsForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    # members: narrow a signed-in audience to member types and colleges.
    member_kinds = forms.MultipleChoiceField(label=_("Only these member types"), choices=MemberKind.choices, required=False,
                                             help_text=_("Signed-in audience only; none chosen: every signed-in account."))

    class Meta:
        model = Survey
        fields = [
            "title", "title_en", "description", "description_en", "kind", "audience", "member_kinds", "member_colleges",
            "anonymous", "ask_respondent_type", "ask_place", "period", "opens_at", "closes_at", "target_responses",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["member_kinds"] = self.instance.member_kind_list

    def clean_member_kinds(self) -> str:
        return ",".join(self.cleaned_data.get("member_kinds") or [])

    def clean(self):
        data = super().clean()
        if (data.get("member_kinds") or data.get("member_colleges")) and data.get("audience") != Survey.Audience.SIGNED_IN:
            self.add_error("audience", _("Only a survey for signed-in users can be narrowed to member types or colleges."))
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The survey must close after it opens."))
        if data.get("audience") == Survey.Audience.ANYONE and data.get("anonymous") is False:
            self.add_error("anonymous", _("A survey open to anyone cannot record who answered: make it anonymous or choose another audience."))
        self._drop_the_templates_english(data)
        return data

    def _drop_the_templates_english(self, data) -> None:
        """A survey copied from a template starts with the template's English title and introduction. When the
        Chinese text is changed and the English is left as the template's, that English describes the template,
        not this survey: it is cleared, so the poster and the pages show the survey's own text (the Chinese)
        until someone writes the English for it."""
        source = self.instance.copied_from if self.instance.pk and self.instance.copied_from_id else None
        if source is None:
            return
        for field in ("title", "description"):
            english = f"{field}_en"
            if (field in self.changed_data and english not in self.changed_data and data.get(english)
                    and data[english] == getattr(source, english) and data.get(field) != getattr(source, field)):
                data[english] = ""


class SectionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "title_en", "order"]


SHOW_IF_INPUT_LENGTH = 100


class QuestionForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options or matrix items"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; add the English text after a bar: 满意 | Satisfied"),
    )
    # Room to type "0, 1, 2, 3 – 6"; what is kept is the short form (``_clean_skip_logic``), which fits the column.
    show_if_value = forms.CharField(
        label=_("has the answer"), required=False, max_length=SHOW_IF_INPUT_LENGTH,
        help_text=_("The rating, score or option number that makes this question appear; several as 1,3 or a range "
                    "such as 0-6."),
    )

    class Meta:
        model = Question
        fields = [
            "section", "kind", "text", "text_en", "required", "department", "servqual_dimension", "servqual_part",
            "show_if_question", "show_if_value", "order",
        ]

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["section"].queryset = survey.sections.all()
        self.fields["department"].queryset = Department.objects.filter(is_active=True).exclude(kind=Department.Kind.TEAM)
        earlier = survey.questions.filter(kind__in=[Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RATING, Question.Kind.NPS])
        if self.instance.pk:
            earlier = earlier.exclude(pk=self.instance.pk)
        self.fields["show_if_question"].queryset = earlier
        if self.instance.pk and not self.is_bound:
            self.fields["options_text"].initial = option_lines(self.instance)
        if not self.instance.pk:
            self.fields["order"].initial = survey.questions.count() + 1
            self.fields["section"].initial = survey.sections.order_by("-order", "-pk").values_list("pk", flat=True).first()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if self.instance.pk and kind != self.instance.kind and self.instance.answers.exists():
            self.add_error("kind", _("The type of a question that has answers cannot change."))
        options = parse_option_lines(data.get("options_text", ""))
        if kind in Question.OPTION_KINDS and len(options) < (1 if kind == Question.Kind.MATRIX else 2):
            self.add_error("options_text", _("Give at least two options (or one matrix item), one per line."))
        if len(options) > 30:
            self.add_error("options_text", _("At most 30 options."))
        data["options"] = options if kind in Question.OPTION_KINDS else []
        self._clean_skip_logic(data)
        if data.get("servqual_dimension") and not data.get("servqual_part"):
            self.add_error("servqual_part", _("A SERVQUAL question is either an expectation or a perception."))
        return data

    def _clean_skip_logic(self, data) -> None:
        """A condition the answers can meet, or a message: several answers ("0-6", "1,3") are fine, a question
        that could never appear is refused."""
        if "show_if_value" in self.errors or "show_if_question" in self.errors:
            return
        parent, raw = data.get("show_if_question"), (data.get("show_if_value") or "").strip()
        if parent is None:
            if raw:
                self.add_error("show_if_question", _("Choose the question whose answer makes this one appear."))
            return
        if not raw:
            self.add_error("show_if_value", _("Say which answer makes this question appear."))
            return
        values = parse_answer_values(raw)
        if values is None:
            self.add_error("show_if_value", _("Write the answers as numbers: 3, several as 1,3, or a range such as 0-6."))
            return
        possible = parent.answer_values()
        if not values <= set(possible):
            self.add_error("show_if_value", _("“%(q)s” has no answer %(values)s; its answers are %(possible)s.") % {
                "q": parent.display_text, "values": format_answer_values(values - set(possible)),
                "possible": format_answer_values(possible) or "—"})
            return
        section, order = data.get("section"), data.get("order")
        if section is not None and order is not None:
            here = (section.order, section.pk, order, self.instance.pk or float("inf"))
            if (parent.section.order, parent.section_id, parent.order, parent.pk) >= here:
                self.add_error("show_if_question", _("Choose a question that comes before this one."))
                return
        stored = format_answer_values(values)
        if len(stored) > Question._meta.get_field("show_if_value").max_length:
            self.add_error("show_if_value", _("Too many separate answers: write them as ranges, such as 0-6."))
            return
        data["show_if_value"] = stored

    def save(self, commit=True, submission_key: str | None = None):
        """Save the question and its options; ``submission_key``: the (scoped) key of an added question."""
        question = super().save(commit=False)
        question.survey = self.survey
        if question.pk is None:
            question.submission_key = submission_key
        question.save()
        set_options(question, self.cleaned_data["options"])
        return question


class TokenBatchForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    count = forms.IntegerField(label=_("Number of tokens"), min_value=1, max_value=5000, initial=50)
    batch = forms.CharField(label=_("Batch name"), max_length=60, required=False, help_text=_("e.g. a class or a building"))
    recipients = forms.CharField(
        label=_("Recipients (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name or e-mail per line, for the mail-merge export."),
    )


class FeedbackFromAnswerForm(BootstrapFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Route to department"), queryset=Department.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True).exclude(kind=Department.Kind.TEAM)


class BurstExclusionForm(BootstrapFormMixin, forms.Form):
    """Exclude one burst (kind + key from the bursts page) with the reason, which is required."""

    kind = forms.ChoiceField(choices=ResponseExclusion.Kind.choices, widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_REASON_LENGTH, widget=forms.TextInput(),
        error_messages={"required": _("Give the reason for the exclusion.")},
    )


class SubmissionKeyForm(SubmissionKeyFormMixin):
    """A form that is only its submission key (the copy buttons)."""


class BurstThresholdForm(forms.Form):
    per_minute = forms.IntegerField(label=_("Responses per minute above"), min_value=1, max_value=100000, required=False)
