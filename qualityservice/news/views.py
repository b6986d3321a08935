"""Staff pages (staff_urls.py, under /staff/news/): the list, one view to create and edit, the detail with its
moves, revisions compared, the preview and approval links; public pages (urls.py): the news list, an article by
its unguessable code (410 once withdrawn), the signed draft preview, the one-time approval page and the feed.

Every staff view takes its rows from ``Article.objects.visible_to(request.user)`` (another department's article:
404); plain staff pass only with an editor appointment for the article's department (``_writer``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core import pagecache
from qualityservice.core.documents import pdf_response
from qualityservice.core.indicators import Period
from qualityservice.core.pagination import KeysetPaginator
from qualityservice.core.permissions import role_required
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Staff

from . import board, bulletins, services
from .forms import ApprovalForm, ArticleForm, BodyImageForm, BulletinArticleForm, BulletinForm, MoveForm
from .models import Article, Bulletin, article_scope
from .workflows import ARTICLE, BULLETIN, may_review

WRITERS = (Role.STAFF, Role.HEAD, Role.SUPERVISOR)  # administrators pass role_required too
PAGE_SIZE = 30
PUBLIC_PAGE_SIZE = 20


def _check_writer(request: HttpRequest) -> None:
    """Plain staff use the news pages only when appointed editor of a department."""
    if article_scope(request.user) == frozenset():
        raise Http404


def _visible(request: HttpRequest):
    """``Article.objects.visible_to``: the departments of ``article_scope`` (an editor's appointments)."""
    return Article.objects.visible_to(request.user).select_related("department")


def _article(request: HttpRequest, pk: int) -> Article:
    _check_writer(request)
    return get_object_or_404(_visible(request), pk=pk)


@role_required(*WRITERS)
def article_list(request: HttpRequest) -> HttpResponse:
    _check_writer(request)
    page = KeysetPaginator(_visible(request), ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "news/article_list.html", {"page_obj": page, "new_url": reverse("news:new")})


@role_required(*WRITERS)
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """New article (``pk`` None) or a draft's changes: one view, one form. Each change keeps a revision."""
    _check_writer(request)
    article = _article(request, pk) if pk is not None else None
    if article is not None and not article.is_draft:
        messages.error(request, pgettext("article", "Only a draft can be changed."))
        return redirect(article)
    form = ArticleForm(request.POST or None, request.FILES or None, instance=article, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        data["people"] = list(form.cleaned_data["people"])
        cover = form.cleaned_data.get("cover_upload")
        try:
            if article is None:
                department, title = data.pop("department"), data.pop("title")
                article, created = services.create_article(key=form.cleaned_data["submission_key"], by=request.user,
                                                           department=department, title=title, cover=cover, **data)
                if created:
                    messages.success(request, pgettext("article", "Article created."))
                return redirect(article)
            article = services.update_article(article, by=request.user, cover=cover, **data)
        except ValidationError as exc:  # submitted by someone else meanwhile, or a bad image
            form.add_error(None, exc)
        else:
            messages.success(request, pgettext("article", "Article saved."))
            return redirect(article)
    back = article.get_absolute_url() if article is not None else reverse("news:list")
    title = pgettext("article", "Edit article") if article is not None else pgettext("article", "New article")
    return render(request, "news/article_form.html", {"form": form, "title": title, "back": back, "once": article is None})


@require_POST
@role_required(*WRITERS)
def body_image_upload(request: HttpRequest) -> JsonResponse:
    """An image inserted into the body while writing (the article form's script): JSON ``{"url", "html"}`` (201),
    or ``{"error"}`` (400) with the reason; nothing is stored for a bad file."""
    _check_writer(request)
    form = BodyImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(e for errors in form.errors.values() for e in errors)}, status=400)
    try:
        url = services.store_body_image(form.cleaned_data["image"])
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    alt = form.cleaned_data.get("alt", "")
    return JsonResponse({"url": url, "html": f'<p><img src="{escape(url)}" alt="{escape(alt)}"></p>'}, status=201)


@role_required(*WRITERS)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    revisions = list(article.revisions.select_related("by__staff"))
    context = {
        "article": article, "moves": ARTICLE.allowed(request.user, article), "events": services.timeline(article),
        "list_url": reverse("news:list"), "revisions": revisions,
        "preview_url": reverse("news:preview", args=[services.preview_token(article)]),
        "compare_url": reverse("news:compare", args=[article.pk]), "may_review": may_review(request.user, article),
    }
    return render(request, "news/article_detail.html", context)


@role_required(*WRITERS)
def article_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two revisions side by side (``?a=1&b=3``; by default the last two)."""
    article = _article(request, pk)
    revisions = {r.number: r for r in article.revisions.all()}
    numbers = sorted(revisions)
    try:
        a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else numbers[0]))
        b = int(request.GET.get("b", numbers[-1]))
    except (TypeError, ValueError):
        a = b = None
    if a not in revisions or b not in revisions:
        messages.error(request, pgettext("article", "Choose two revisions of this article."))
        return redirect(article)
    return render(request, "news/article_compare.html", {
        "article": article, "a": revisions[a], "b": revisions[b], "rows": services.compare(revisions[a], revisions[b]),
    })


@require_POST
@role_required(*WRITERS)
def article_move(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the detail page's buttons (``action``, with ``note`` and ``publish_at``). A refused move changes
    nothing and says why."""
    article = _article(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, pgettext("article", "Check the publishing time."))
        return redirect(article)
    action = form.cleaned_data["action"]
    params = {"publish_at": form.cleaned_data["publish_at"]} if action == "schedule" else {}
    try:
        services.move(article, action, by=request.user, note=form.cleaned_data["note"], **params)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, pgettext("article", "Done: %(action)s") % {"action": ARTICLE.label(action)})
    return redirect(article)


@require_POST
@role_required(Role.HEAD, Role.SUPERVISOR)
def article_approval_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a one-time approval link for a leader without an account (shown once, on the detail page)."""
    article = _article(request, pk)
    if not may_review(request.user, article):
        raise Http404
    if article.status != Article.Status.IN_REVIEW:
        messages.error(request, pgettext("article", "Only an article in review can be approved by link."))
        return redirect(article)
    url = request.build_absolute_uri(reverse("news:approve", args=[services.approval_token(article)]))
    messages.success(request, pgettext("article", "One-time approval link: %(url)s") % {"url": url})
    return redirect(article)


# --- public pages ---------------------------------------------------------------------------------------------

def news_index(request: HttpRequest) -> HttpResponse:
    def build(placeholders: bool) -> HttpResponse:
        articles = Article.objects.published().select_related("department").order_by("-published_at", "-pk")
        page = Paginator(articles, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "news/news_index.html", {"page_obj": page})

    return pagecache.anonymous_page(request, ("news-index", request.GET.get("page", "1")), build)


def article_public(request: HttpRequest, code: str) -> HttpResponse:
    """A published article by its code; a withdrawn one answers 410 with a short notice; others 404."""

    def build(placeholders: bool) -> HttpResponse:
        article = get_object_or_404(Article.objects.select_related("department"), code=code,
                                    status__in=(Article.Status.PUBLISHED, Article.Status.WITHDRAWN))
        if article.status == Article.Status.WITHDRAWN:
            return render(request, "news/article_withdrawn.html", {"article": article}, status=410)
        return render(request, "news/article_public.html", {"article": article})

    return pagecache.anonymous_page(request, ("news-article", code), build)


def article_preview(request: HttpRequest, token: str) -> HttpResponse:
    """A draft seen through a signed, expiring link (not cached, never indexed)."""
    article = services.article_from_preview(token)
    if article is None:
        raise Http404
    response = render(request, "news/article_public.html", {"article": article, "preview": True})
    response["X-Robots-Tag"] = "noindex"
    return response


def article_approve(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time approval page: GET shows the article and a form, POST approves (once)."""
    found = services.read_approval(token)
    if found is None:
        return render(request, "news/approval_used.html", status=410)
    article, _nonce = found
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_by_link(token, name=form.cleaned_data["name"])
        except TransitionError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "news/approval_done.html", {"article": article})
    return render(request, "news/approval.html", {"article": article, "form": form})


# --- the work bulletin (supervisor) ---------------------------------------------------------------------------

@role_required(Role.SUPERVISOR)
def bulletin_list(request: HttpRequest) -> HttpResponse:
    page = KeysetPaginator(Bulletin.objects.all(), ordering=("-created_at", "-pk"), per_page=PAGE_SIZE).page(request.GET)
    return render(request, "news/bulletin_list.html", {"page_obj": page})


@role_required(Role.SUPERVISOR)
def bulletin_new(request: HttpRequest) -> HttpResponse:
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
        bulletin, _created = bulletins.create_bulletin(key=form.cleaned_data["submission_key"], by=request.user, **data)
        return redirect(bulletin)
    return render(request, "org/form.html", {"form": form, "title": pgettext("bulletin", "New bulletin issue"),
                                             "back": reverse("news:bulletins"), "once": True})


@role_required(Role.SUPERVISOR)
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin, pk=pk)
    return render(request, "news/bulletin_detail.html", {
        "bulletin": bulletin, "figures": bulletins.figures(bulletin), "issue": bulletins.issue_label(bulletin),
        "moves": BULLETIN.allowed(request.user, bulletin), "sections": bulletins.sections(bulletin),
    })


@role_required(Role.SUPERVISOR)
def bulletin_articles(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's articles: pick published articles of the issue's month (``?q=`` searches the title; only articles
    the user may see) into a section (POST), reorder or remove them (``bulletin_article_change``)."""
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        messages.error(request, pgettext("bulletin", "A published issue is not changed."))
        return redirect(bulletin)
    form = BulletinArticleForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                bulletins.add_article(bulletin, article_id=form.cleaned_data["article"], section=form.cleaned_data["section"],
                                      by=request.user, key=form.cleaned_data["submission_key"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, pgettext("bulletin", "Article added to the issue."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("news:bulletin_articles", args=[bulletin.pk]) + "?" + request.GET.urlencode())
    query = request.GET.get("q", "")[:100]
    rows = bulletins.items(bulletin)
    headings = list(dict.fromkeys([h for h, _lines in bulletin.sections_list if h] + [r.section for r in rows]))
    return render(request, "news/bulletin_articles.html", {
        "bulletin": bulletin, "issue": bulletins.issue_label(bulletin), "rows": rows, "query": query, "form": form,
        "candidates": bulletins.candidates(bulletin, request.user, query), "headings": headings,
        "period": Period.month(bulletin.year, bulletin.month).label,
    })


@require_POST
@role_required(Role.SUPERVISOR)
def bulletin_article_change(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Move an article of a draft up or down, or remove it (``action``)."""
    bulletin = get_object_or_404(Bulletin, pk=pk)
    try:
        bulletins.change_article(bulletin, item, request.POST.get("action", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("news:bulletin_articles", bulletin.pk)


@role_required(Role.SUPERVISOR)
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft's title, month, lists and sections (the assembled blocks among them); a published issue is not changed."""
    bulletin = get_object_or_404(Bulletin, pk=pk)
    if bulletin.status != Bulletin.Status.DRAFT:
        messages.error(request, pgettext("bulletin", "A published issue is not changed."))
        return redirect(bulletin)
    form = BulletinForm(request.POST or None, instance=bulletin)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
        try:
            bulletins.update_bulletin(bulletin, **data)
        except TransitionError as exc:  # published meanwhile
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, pgettext("bulletin", "Issue saved."))
        return redirect(bulletin)
    return render(request, "org/form.html", {"form": form, "title": pgettext("bulletin", "Edit the issue"),
                                             "back": bulletin.get_absolute_url()})


@require_POST
@role_required(Role.SUPERVISOR)
def bulletin_assemble(request: HttpRequest, pk: int) -> HttpResponse:
    """Assemble a draft: the month's new service stars, adopted ideas and events held as editable blocks."""
    bulletin = get_object_or_404(Bulletin, pk=pk)
    try:
        blocks = bulletins.assemble(bulletin)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(bulletin)
    if blocks:
        messages.success(request, pgettext("bulletin", "Assembled from live data: %(blocks)s. Edit the blocks as you need.") % {
            "blocks": pgettext("bulletin", ", ").join(f"{heading} {len(lines)}" for heading, lines in blocks)})
    else:
        messages.info(request, pgettext("bulletin", "Nothing to assemble: no new service stars, adopted ideas or events held in the month."))
    return redirect(bulletin)


@require_POST
@role_required(Role.SUPERVISOR)
def bulletin_move(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin, pk=pk)
    action = request.POST.get("action", "")
    try:
        if action == "publish":
            bulletins.publish_bulletin(bulletin, by=request.user)  # numbered under the year's lock
        else:
            BULLETIN.apply(bulletin, action, by=request.user)
    except TransitionError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(bulletin)


@role_required(Role.SUPERVISOR)
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin, pk=pk)
    return pdf_response(bulletins.pdf(bulletin), f"bulletin-{bulletin.year}-{bulletin.number or 'draft'}.pdf")


@role_required(Role.SUPERVISOR)
def bulletin_docx(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_object_or_404(Bulletin, pk=pk)
    try:
        data = bulletins.docx(bulletin)
    except bulletins.WordTemplateError:  # the system check names the file and the reason
        messages.error(request, pgettext("bulletin", "The Word template cannot be used: ask the administrator to run the system check."))
        return redirect(bulletin)
    response = HttpResponse(data,
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.year}-{bulletin.number or "draft"}.docx"'
    return response


# --- public: typical examples, the figures board, the bulletin archive -----------------------------------------

def typical_index(request: HttpRequest) -> HttpResponse:
    """学习典型: the published typical examples, newest first, each with the people and department behind it."""

    def build(placeholders: bool) -> HttpResponse:
        articles = (Article.objects.published().filter(typical=True).select_related("department")
                    .prefetch_related(Prefetch("people", queryset=Staff.objects.select_related("department")))
                    .order_by("-published_at", "-pk"))
        page = Paginator(articles, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "news/typical_index.html", {"page_obj": page})

    return pagecache.anonymous_page(request, ("news-typical", request.GET.get("page", "1")), build)


def figures_board(request: HttpRequest) -> HttpResponse:
    """公开看板: the year's published figures by centre from the indicator registry (``board``), each with its
    definition and period; a figure based on fewer than 5 people or records is not shown. Beside them the year's
    service stars, its adopted ideas with their verified savings, and the events still to come (``board.highlights``). Live, not cached (the
    figures belong to other apps)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = today.year
    if not 2000 <= year <= today.year:
        year = today.year
    rows, departments = board.rows(Period.year(year))
    return render(request, "news/board.html", {
        "rows": rows, "departments": departments, "year": year, "note": board.note(), "rate_note": board.rate_note(),
        "highlights": board.highlights(Period.year(year)),
        "minimum": settings.QS_NEWS_BOARD_MIN_BASIS,
        "years": list(range(today.year, today.year - 4, -1)),
    })


def bulletin_archive(request: HttpRequest) -> HttpResponse:
    """The published issues of the work bulletin, by year (newest first), each with its PDF."""

    def build(placeholders: bool) -> HttpResponse:
        issues = Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED).order_by("-year", "-number").only(
            "pk", "title", "year", "number", "unit", "published_at", "status")
        page = Paginator(issues, 60).get_page(request.GET.get("page"))
        years: list[tuple[int, list[Bulletin]]] = []
        for issue in page:
            if not years or years[-1][0] != issue.year:
                years.append((issue.year, []))
            years[-1][1].append(issue)
        return render(request, "news/bulletin_archive.html", {"page_obj": page, "years": years})

    return pagecache.anonymous_page(request, ("news-bulletins", request.GET.get("page", "1")), build)


def _published_issue(year: int, number: int) -> Bulletin:
    return get_object_or_404(Bulletin, status=Bulletin.Status.PUBLISHED, year=year, number=number)


def bulletin_public(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """A published issue (its frozen figures), by year and issue number."""

    def build(placeholders: bool) -> HttpResponse:
        bulletin = _published_issue(year, number)
        return render(request, "news/bulletin_public.html", {  # the board's rule: no figure from fewer than 5
            "bulletin": bulletin, "figures": board.public_figures(bulletin.figures), "issue": bulletins.issue_label(bulletin),
            "sections": bulletins.sections(bulletin)})

    return pagecache.anonymous_page(request, ("news-bulletin", year, number), build)


def bulletin_public_pdf(request: HttpRequest, year: int, number: int) -> HttpResponse:
    """The PDF of a published issue: rendered once and kept in the cache (a published issue does not change; the
    key carries its publication time), so that many visitors do not make the server render it again and again."""
    bulletin = _published_issue(year, number)
    key = f"news:bulletin-pdf:{bulletin.pk}:{bulletin.published_at.timestamp()}:{settings.QS_NEWS_BOARD_MIN_BASIS}"
    data = cache.get_or_set(key, lambda: bulletins.pdf(bulletin, public=True), timeout=7 * 24 * 3600)
    return pdf_response(data, f"bulletin-{bulletin.year}-{bulletin.number}.pdf")
