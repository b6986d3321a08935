"""Surveys on the members' pages (the members app imports no activity app: it offers the extension point
``my_page`` and two hooks, which surveys fills here; ``SurveysConfig.ready`` calls ``register``).

- my page: the surveys the member has answered (``Participation`` of the account — also for anonymous
  surveys, whose answers stay unlinked), and the open signed-in surveys meant for them not answered yet;
- personal data: those surveys, and the answers of the responses linked to the account (non-anonymous surveys);
- closing the account: responses stay (every count stays) without the account; the participation rows
  keep one response per person and name nobody once the account is deleted.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

OPEN_LIMIT = 5


def register() -> None:
    from qualityservice.core import extensions
    from qualityservice.members import signals

    extensions.register("my_page", "surveys/_my_page.html", order=20, context=my_page_context)
    signals.personal_data.connect(personal_data, dispatch_uid="surveys.member_page.personal_data")
    signals.account_closing.connect(forget_member, dispatch_uid="surveys.member_page.forget_member")


def _answered(user):
    from .models import Participation, Survey

    return Survey.objects.filter(pk__in=Participation.objects.filter(person=f"u:{user.pk}").values("survey_id"))


def my_page_context(request) -> dict:
    from .models import Survey

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_surveys": [], "surveys_for_me": []}
    answered = list(_answered(user).only("title", "title_en", "public_code", "status", "anonymous").order_by("-created_at")[:20])
    done = {s.pk for s in answered}
    now = timezone.now()
    candidates = (Survey.objects.surveys().filter(status=Survey.Status.OPEN, audience=Survey.Audience.SIGNED_IN)
                  .exclude(closes_at__lte=now).exclude(opens_at__gt=now).exclude(pk__in=done)
                  .prefetch_related("member_colleges").order_by("closes_at", "-created_at")[:OPEN_LIMIT * 2])
    member = getattr(user, "member", None)
    open_for_me = [s for s in candidates if _admits(s, member)][:OPEN_LIMIT]
    return {"my_surveys": answered, "surveys_for_me": open_for_me}


def _admits(survey, member) -> bool:
    kinds = survey.member_kind_list
    colleges = {c.pk for c in survey.member_colleges.all()}
    if not kinds and not colleges:
        return True
    return member is not None and (not kinds or member.kind in kinds) and (not colleges or member.college_id in colleges)


def personal_data(sender, user, **kwargs):
    from qualityservice.members.signals import DataSection

    from .models import Answer, Response

    surveys = [(s.display_title, _("Yes") if s.anonymous else _("No")) for s in _answered(user).order_by("created_at")]
    answers = [
        (a.response.survey.display_title, timezone.localtime(a.response.submitted_at) if a.response.submitted_at else "",
         a.question.text, a.item or "", a.number if a.number is not None else "", a.text)
        for a in Answer.objects.filter(response__user=user, response__status=Response.Status.SUBMITTED)
        .select_related("response__survey", "question").order_by("response_id", "question__order", "item")
    ]
    return [
        DataSection("surveys", _("My surveys"), [_("Survey"), _("Anonymous")], surveys),
        DataSection("survey_answers", _("My survey answers"),
                    [_("Survey"), _("Submitted"), _("Question"), _("Matrix item"), _("Number"), _("Text")], answers),
    ]


def forget_member(sender, user, **kwargs) -> int:
    from .models import Response

    return Response.objects.filter(user=user).update(user=None)
