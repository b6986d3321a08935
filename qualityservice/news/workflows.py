"""``ARTICLE`` moves ``Article.status`` on the platform's one engine (``core.workflow``)::

    draft ──submit──▶ in_review ──approve──▶ approved ──schedule──▶ scheduled ──publish_due (job)──▶ published
      ▲                   │                     └──────publish──────────────────────────────────────▶ published
      └──────reject───────┘ (a comment is required)                                   published ──withdraw──▶ withdrawn

submit: the department's appointed editor, its head or the supervisor. approve / reject: the department's head
or the supervisor (``approve_by_link``: a leader without an account, through a one-time signed link — a job-only
move taken with ``system=True``). schedule, publish, withdraw: the supervisor only (group-wide publishing)."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Article, Bulletin, BulletinYear, article_scope

Status = Article.Status
REVIEWERS = (Role.HEAD, Role.SUPERVISOR)


def may_write(user, article: Article) -> bool:
    """Supervisors everywhere; heads and appointed editors in the departments of ``article_scope``."""
    scope = article_scope(user)
    return scope is None or article.department_id in scope


def may_review(user, article: Article) -> bool:
    """Approving and sending back: the supervisor, or the head of the article's own department (an appointment
    as editor of another department lets a head write there, not review)."""
    role = user_role(user)
    if role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    profile = staff_profile(user)
    return role == Role.HEAD and profile is not None and profile.department_id == article.department_id


def earlier_in_chain(article: Article) -> set:
    """The author and everyone who moved the article before (they are told of a rejection)."""
    users = {article.created_by_id} if article.created_by_id else set()
    users |= set(WorkflowEvent.for_object(article).exclude(actor=None).values_list("actor_id", flat=True))
    return users


def _submit(article: Article, *, by, now, note, **params) -> Move:
    article.submitted_at = now
    notify(heads_of=[article.department_id], supervisors=True,
           subject=pgettext("article", "Article to review: %(title)s") % {"title": article.title},
           body=article.summary or article.title, url=article.get_absolute_url(), webhook=False)
    return Move()


def _reject(article: Article, *, by, now, note, **params) -> Move:
    if not (note or "").strip():
        raise TransitionError(pgettext("article", "Say why the article is sent back: a comment is required."))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=earlier_in_chain(article) - {getattr(by, "pk", None)})
    notify(users=users, subject=pgettext("article", "Article sent back: %(title)s") % {"title": article.title},
           body=note, url=article.get_absolute_url(), webhook=False)
    return Move(params={"comment": note.strip()})


def _approve_by_link(article: Article, *, by, now, note, nonce: str = "", name: str = "", **params) -> Move:
    if not nonce or nonce != article.approval_nonce:
        raise TransitionError(pgettext("article", "This approval link has been used or replaced."))
    article.approval_nonce = ""
    return Move(params={"name": name})


def _schedule(article: Article, *, by, now, note, publish_at=None, **params) -> Move:
    if publish_at is None or publish_at <= now:
        raise TransitionError(pgettext("article", "Choose a publishing time in the future."))
    article.publish_at = publish_at
    return Move(params={"at": publish_at.isoformat(timespec="minutes")})


def _publish(article: Article, *, by, now, note, **params) -> Move:
    article.published_at = now
    return Move()


class ArticleFlow(Workflow):
    model = Article
    transitions = (
        Transition("submit", sources=(Status.DRAFT,), target=Status.IN_REVIEW, label=pgettext_lazy("article", "Submit for review"),
                   roles=(Role.STAFF, Role.HEAD, Role.SUPERVISOR), check=may_write, handler=_submit,
                   sentence=pgettext_lazy("article", "Submitted for review")),
        Transition("approve", sources=(Status.IN_REVIEW,), target=Status.APPROVED, label=pgettext_lazy("article", "Approve"),
                   roles=REVIEWERS, check=may_review, sentence=pgettext_lazy("article", "Approved")),
        Transition("reject", sources=(Status.IN_REVIEW,), target=Status.DRAFT, label=pgettext_lazy("article", "Send back"),
                   roles=REVIEWERS, check=may_review, handler=_reject, sentence=pgettext_lazy("article", "Sent back: %(comment)s")),
        Transition("approve_by_link", sources=(Status.IN_REVIEW,), target=Status.APPROVED, handler=_approve_by_link,
                   label=pgettext_lazy("article", "Approve by link"),
                   sentence=pgettext_lazy("article", "Approved through the signed link by %(name)s")),
        Transition("schedule", sources=(Status.APPROVED,), target=Status.SCHEDULED, label=pgettext_lazy("article", "Schedule"),
                   roles=(Role.SUPERVISOR,), handler=_schedule, sentence=pgettext_lazy("article", "Scheduled for %(at)s")),
        Transition("publish", sources=(Status.APPROVED, Status.SCHEDULED), target=Status.PUBLISHED,
                   label=pgettext_lazy("article", "Publish now"), roles=(Role.SUPERVISOR,), handler=_publish,
                   sentence=pgettext_lazy("article", "Published"),
                   confirm=pgettext_lazy("article", "Publish this article? Everyone will see it on the public site.")),
        Transition("publish_due", sources=(Status.SCHEDULED,), target=Status.PUBLISHED, handler=_publish,
                   label=pgettext_lazy("article", "Publish on schedule"), sentence=pgettext_lazy("article", "Published on schedule")),
        Transition("withdraw", sources=(Status.PUBLISHED,), target=Status.WITHDRAWN, label=pgettext_lazy("article", "Withdraw"),
                   roles=(Role.SUPERVISOR,), sentence=pgettext_lazy("article", "Withdrawn"),
                   confirm=pgettext_lazy("article", "Withdraw this article? Its page will say it was withdrawn.")),
    )

    def in_scope(self, user, obj) -> bool:
        return may_write(user, obj)  # the departments of article_scope (appointed editors included)


ARTICLE = register(ArticleFlow())


def next_number(year: int) -> int:
    """The next issue number of ``year``, under the year's lock (``BulletinYear``), held until the publishing
    transaction ends: a parallel publication of the same year waits here and then reads this one's number."""
    BulletinYear.objects.bulk_create([BulletinYear(year=year)], ignore_conflicts=True)
    BulletinYear.objects.select_for_update().get(year=year)
    last = Bulletin.objects.filter(year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _publish_bulletin(bulletin, *, by, now, note, **params) -> Move:
    """Number the issue (next of its year) and freeze the month's figures into it."""
    from .bulletins import freeze_articles, live_figures

    freeze_articles(bulletin)
    bulletin.number = next_number(bulletin.year)
    bulletin.figures = live_figures(bulletin)
    bulletin.published_at = now
    return Move(params={"number": bulletin.number})


class BulletinFlow(Workflow):
    model = Bulletin
    transitions = (
        Transition("publish", sources=(Bulletin.Status.DRAFT,), target=Bulletin.Status.PUBLISHED,
                   label=pgettext_lazy("bulletin", "Publish the issue"), roles=(Role.SUPERVISOR,), handler=_publish_bulletin,
                   sentence=pgettext_lazy("bulletin", "Published as issue %(number)s"),
                   confirm=pgettext_lazy("bulletin", "Publish this issue? Its number is given and its figures are frozen.")),
    )


BULLETIN = register(BulletinFlow())
