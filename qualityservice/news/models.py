"""News articles (加强宣传): a department's article moves draft → in review → approved → scheduled → published →
withdrawn through ``workflows.ARTICLE`` (the only code that assigns ``status``). Every saved version of the text is
kept as a ``Revision``; editors are appointed per department (``Editor``); the body is sanitised with nh3 on save
and on render (``core.richtext.clean_html``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet, staff_profile, user_role
from qualityservice.core.richtext import clean_html
from qualityservice.core.roles import GROUP_WIDE_ROLES, Role
from qualityservice.core.submissions import SubmissionKeyField


def new_code() -> str:
    """The public page's code: 16 URL-safe random characters (an id would let anyone count and walk the articles)."""
    return secrets.token_urlsafe(12)


class Editor(models.Model):
    """A staff member appointed to write the department's articles (plain staff may then use the news pages)."""

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("article", "department"),
                                   on_delete=models.CASCADE, related_name="news_editors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("article", "user"),
                             on_delete=models.CASCADE, related_name="news_editor_roles")

    class Meta:
        verbose_name = pgettext_lazy("article", "editor")
        verbose_name_plural = pgettext_lazy("article", "editors")
        constraints = [models.UniqueConstraint(fields=["user", "department"], name="news_editor_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.department}"


def article_scope(user) -> frozenset[int] | None:
    """The departments whose articles ``user`` reads and writes; ``None``: every department (supervisors,
    administrators). A department head: their own department, and any other they are appointed editor of. Plain
    staff: only the departments they are appointed editor of (``Editor``), wherever their own staff record is.
    Everyone else (operators, judges, no profile): none. One query (the appointments) for heads and staff, kept on
    the user object for the request (the workflow asks once per button)."""
    role = user_role(user)
    if role in GROUP_WIDE_ROLES:
        return None
    if role not in (Role.HEAD, Role.STAFF):
        return frozenset()
    cached = getattr(user, "_news_article_scope", None)
    if cached is not None:
        return cached
    scope = set(Editor.objects.filter(user=user).values_list("department_id", flat=True))
    if role == Role.HEAD:
        scope.add(staff_profile(user).department_id)
    user._news_article_scope = frozenset(scope)
    return user._news_article_scope


class ArticleQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: the articles of the departments of ``article_scope(user)`` — a head's own department
    (and any they are appointed editor of), an appointed editor's departments, every department for supervisors."""

    department_field = "department"

    def visible_to(self, user, *, routing: bool | None = None):
        scope = article_scope(user)
        if scope is None:
            return self
        return self.filter(department__in=scope) if scope else self.none()

    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)


class Article(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("article", "Draft")
        IN_REVIEW = "in_review", pgettext_lazy("article", "In review")
        APPROVED = "approved", pgettext_lazy("article", "Approved")
        SCHEDULED = "scheduled", pgettext_lazy("article", "Scheduled")
        PUBLISHED = "published", pgettext_lazy("article", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("article", "Withdrawn")

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("article", "department"), on_delete=models.PROTECT,
                                   related_name="news_articles")
    title = models.CharField(pgettext_lazy("article", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("article", "title (English)"), max_length=200, blank=True)
    summary = models.CharField(pgettext_lazy("article", "summary"), max_length=300, blank=True)
    body = models.TextField(pgettext_lazy("article", "body"), blank=True)
    cover = models.ImageField(pgettext_lazy("article", "cover image"), upload_to="news/covers/", blank=True)
    tags = models.CharField(pgettext_lazy("article", "tags"), max_length=200, blank=True,
                            help_text=pgettext_lazy("article", "Separated by commas."))
    links = models.TextField(pgettext_lazy("article", "related records"), blank=True,
                             help_text=pgettext_lazy("article", "One a line: label | URL (an event, a service star, an idea…)."))
    status = models.CharField(pgettext_lazy("article", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # A typical example (典型, 四.7): a story of the people (and department) behind it, on the public 学习典型 list.
    typical = models.BooleanField(pgettext_lazy("article", "typical example (典型)"), default=False,
                                  help_text=pgettext_lazy("article", "A story to learn from: listed under 学习典型."))
    people = models.ManyToManyField("org.Staff", verbose_name=pgettext_lazy("article", "people behind it"), blank=True,
                                    related_name="news_articles")
    code = models.CharField(pgettext_lazy("article", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("article", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("article", "created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(pgettext_lazy("article", "submitted"), null=True, blank=True, editable=False)
    publish_at = models.DateTimeField(pgettext_lazy("article", "publish at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("article", "published"), null=True, blank=True, editable=False)
    # The one-time approval link carries this nonce; approving through it clears it, so the link works once.
    approval_nonce = models.CharField(max_length=32, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("article", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key", "approval_nonce"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("article", "article")
        verbose_name_plural = pgettext_lazy("article", "articles")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff list: WHERE department_id IN (…) ORDER BY created_at DESC, id DESC (keyset pages).
            models.Index(fields=["department", "-created_at", "-id"], name="news_article_list_idx"),
            # The indicator: WHERE department_id IN (…) AND published_at in the period GROUP BY department_id.
            models.Index(fields=["department", "published_at"], name="news_article_pub_idx"),
            # The public list: WHERE status = 'published' ORDER BY published_at DESC.
            models.Index(fields=["-published_at", "-id"], condition=Q(status="published"), name="news_article_public_idx"),
            # The publishing job: WHERE status = 'scheduled' AND publish_at <= now.
            models.Index(fields=["publish_at"], condition=Q(status="scheduled"), name="news_article_due_idx"),
            # The public 学习典型 list: WHERE status = 'published' AND typical ORDER BY published_at DESC.
            models.Index(fields=["-published_at", "-id"], condition=Q(status="published", typical=True),
                         name="news_article_typical_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def save(self, *args, **kwargs):
        self.body = clean_html(self.body)  # sanitised on save (and again on render)
        super().save(*args, **kwargs)

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def safe_body(self) -> str:
        return clean_html(self.body)

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]

    @property
    def link_list(self) -> list[tuple[str, str]]:
        """(label, URL) pairs; only http(s) and site-relative URLs are kept."""
        pairs = []
        for line in self.links.splitlines():
            label, _bar, url = line.partition("|")
            url = url.strip()
            if url.startswith(("/", "https://", "http://")) and not url.startswith("//"):
                pairs.append((label.strip() or url, url))
        return pairs

    def get_absolute_url(self) -> str:
        return reverse("news:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("news:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("news:move", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("news:public", args=[self.code])


class Revision(models.Model):
    """One saved version of an article's text; number 1 is the first draft. Never changed afterwards."""

    article = models.ForeignKey(Article, verbose_name=pgettext_lazy("article", "article"), on_delete=models.CASCADE,
                                related_name="revisions")
    number = models.PositiveIntegerField(pgettext_lazy("article", "revision"))
    title = models.CharField(pgettext_lazy("article", "title"), max_length=120)
    summary = models.CharField(pgettext_lazy("article", "summary"), max_length=300, blank=True)
    body = models.TextField(pgettext_lazy("article", "body"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("article", "revision")
        verbose_name_plural = pgettext_lazy("article", "revisions")
        ordering = ["article", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="news_revision_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} · {self.number}"


def split_link(line: str) -> tuple[str, str]:
    """A bulletin line ``text | URL`` as (text, URL) when the URL is site-relative or http(s); else (line, "")."""
    text, sep, url = line.rpartition(" | ")
    url = url.strip()
    if sep and text.strip() and (url.startswith(("http://", "https://")) or (url.startswith("/") and not url.startswith("//"))):
        return text.strip(), url
    return line, ""


class Bulletin(models.Model):
    """An issue of the work bulletin 《工作简报》: 第N期 of a year (the number is given on publication, unique per
    year), compiled by a unit, sent to (报送) and copied to (抄送) lists, free sections, and the month's figures from
    the indicator registry — computed live while a draft, frozen into ``figures`` when the issue is published."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("bulletin", "Draft")
        PUBLISHED = "published", pgettext_lazy("bulletin", "Published")

    title = models.CharField(pgettext_lazy("bulletin", "title"), max_length=120)
    year = models.PositiveIntegerField(pgettext_lazy("bulletin", "year"))
    month = models.PositiveSmallIntegerField(pgettext_lazy("bulletin", "month of the figures"))
    number = models.PositiveIntegerField(pgettext_lazy("bulletin", "issue number"), null=True, blank=True, editable=False)
    unit = models.CharField(pgettext_lazy("bulletin", "compiled by"), max_length=120)
    report_to = models.CharField(pgettext_lazy("bulletin", "sent to (报送)"), max_length=300, blank=True)
    copy_to = models.CharField(pgettext_lazy("bulletin", "copied to (抄送)"), max_length=300, blank=True)
    sections = models.TextField(pgettext_lazy("bulletin", "sections"), blank=True,
                                help_text=pgettext_lazy("bulletin", "Plain text; a line starting with # begins a section."))
    status = models.CharField(pgettext_lazy("bulletin", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(pgettext_lazy("bulletin", "frozen figures"), default=list, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("bulletin", "published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("bulletin", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("bulletin", "bulletin issue")
        verbose_name_plural = pgettext_lazy("bulletin", "bulletin issues")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # 第N期: one issue per number and year (the guarantee when two issues are published at once).
            models.UniqueConstraint(fields=["year", "number"], name="news_bulletin_number_unique"),
        ]
        indexes = [
            # The public archive: WHERE status = 'published' ORDER BY year DESC, number DESC.
            models.Index(fields=["-year", "-number"], condition=Q(status="published"), name="news_bulletin_public_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def sections_list(self) -> list[tuple[str, list[str]]]:
        out: list[tuple[str, list[str]]] = []
        for line in self.sections.splitlines():
            if line.startswith("#"):
                out.append((line.lstrip("# ").strip(), []))
            elif line.strip():
                if not out:
                    out.append(("", []))
                out[-1][1].append(line.strip())
        return out

    @property
    def blocks(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """``sections_list`` with each line split into (text, link): a line ending in `` | <URL>`` (site-relative or
        http(s), as the assembled blocks write them) links its text there; other lines have the link ""."""
        return [(heading, [split_link(line) for line in lines]) for heading, lines in self.sections_list]

    def get_absolute_url(self) -> str:
        return reverse("news:bulletin", args=[self.pk])

    def get_public_url(self) -> str:
        """A published issue's public page, by year and issue number (第N期 is printed on the issue; drafts have none)."""
        return reverse("news:bulletin_public", args=[self.year, self.number])

    def get_public_pdf_url(self) -> str:
        return reverse("news:bulletin_public_pdf", args=[self.year, self.number])


class BulletinYear(models.Model):
    """The lock of a year's bulletin numbering: publishing an issue inserts the year's row if it is missing
    (``INSERT … ON CONFLICT DO NOTHING``) and locks it (``SELECT … FOR UPDATE``) before it reads the year's
    highest number, so parallel publications of one year are numbered one after the other (no gap, no
    duplicate); issues of other years do not wait."""

    year = models.PositiveIntegerField(pgettext_lazy("bulletin", "year"))

    class Meta:
        verbose_name = pgettext_lazy("bulletin", "bulletin numbering")
        verbose_name_plural = pgettext_lazy("bulletin", "bulletin numbering")
        constraints = [models.UniqueConstraint(fields=["year"], name="news_bulletin_year_unique")]

    def __str__(self) -> str:
        return str(self.year)


class BulletinArticle(models.Model):
    """A published news article picked into a section of a bulletin issue, in order (``position``). While the issue
    is a draft it shows the article as it is; publishing the issue copies the article's title, department, date,
    summary and public address into the row (``bulletins.freeze_articles``), and from then on the issue shows that
    copy: a later edit, withdrawal or deletion of the article does not change the published issue."""

    bulletin = models.ForeignKey(Bulletin, verbose_name=pgettext_lazy("bulletin", "bulletin issue"), on_delete=models.CASCADE,
                                 related_name="items")
    article = models.ForeignKey(Article, verbose_name=pgettext_lazy("bulletin", "article"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="bulletin_items")
    section = models.CharField(pgettext_lazy("bulletin", "section"), max_length=120)
    position = models.PositiveIntegerField(pgettext_lazy("bulletin", "position"), default=0)
    # The frozen text (written when picked, copied again from the article when the issue is published).
    title = models.CharField(pgettext_lazy("bulletin", "title"), max_length=120)
    department = models.CharField(pgettext_lazy("bulletin", "department"), max_length=120, blank=True)
    published_on = models.DateField(pgettext_lazy("bulletin", "date"), null=True, blank=True)
    summary = models.CharField(pgettext_lazy("bulletin", "summary"), max_length=300, blank=True)
    url = models.CharField(pgettext_lazy("bulletin", "public address"), max_length=200, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("bulletin", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("bulletin", "article of an issue")
        verbose_name_plural = pgettext_lazy("bulletin", "articles of an issue")
        ordering = ["bulletin", "position", "pk"]
        constraints = [
            # An article appears once in an issue.
            models.UniqueConstraint(fields=["bulletin", "article"], name="news_bulletin_article_unique"),
        ]
        indexes = [models.Index(fields=["bulletin", "position"], name="news_bulletin_item_idx")]

    def __str__(self) -> str:
        return self.title

    def copy_from_article(self) -> None:
        """Take the article's current text (title, department, date, summary, public address)."""
        article = self.article
        self.title = article.title
        self.department = article.department.name
        self.published_on = timezone.localdate(article.published_at) if article.published_at else None
        self.summary = article.summary
        self.url = article.get_public_url()
