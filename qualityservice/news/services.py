"""What views, jobs and the demo do with articles: create once per form (``core.submissions``), change a draft
(each save keeps a ``Revision``), move through ``workflows.ARTICLE`` (``core.workflow``), compare revisions,
the signed preview and one-time approval links, and the publishing job."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core import pagecache
from qualityservice.core.images import sanitize_image
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.submissions import create_once, scoped

from .models import Article, Revision
from .workflows import ARTICLE

EDITABLE_FIELDS = ("department", "title", "title_en", "summary", "body", "tags", "links", "typical")
REVISED_FIELDS = ("title", "summary", "body")
PREVIEW_SALT = "news.preview"
APPROVAL_SALT = "news.approval"
APPROVAL_MAX_AGE = 7 * 24 * 3600  # an approval link for a week, and once


def public_image_name(clean_name: str) -> str:
    """A random file name for an image in a public media folder: the URL of a draft's image cannot be guessed
    from the name it was uploaded with."""
    return f"{secrets.token_urlsafe(12)}.{clean_name.rsplit('.', 1)[-1]}"


BODY_IMAGE_DIR = "news/images/"  # public media (settings.QS_PUBLIC_MEDIA_DIRS): shown on the public article pages


def store_body_image(upload, *, limit: int | None = None) -> str:
    """An image an editor inserts into a body while writing: cleaned by ``core.images.sanitize_image`` (bounded
    decode, re-encoded without EXIF), stored under a random name in the public folder ``BODY_IMAGE_DIR``.
    Returns its URL; ``ValidationError`` (translated) for anything that is not an acceptable image."""
    clean = sanitize_image(upload.read(), getattr(upload, "name", "image"), limit=limit)
    stored = default_storage.save(BODY_IMAGE_DIR + public_image_name(clean.name), clean.content)
    return default_storage.url(stored)


BODY_IMAGE_GRACE = dt.timedelta(days=2)  # an image uploaded into a form not saved yet is kept this long
_BODY_IMAGE_NAME = re.compile(re.escape(BODY_IMAGE_DIR) + r"([A-Za-z0-9_-]+\.[A-Za-z0-9]+)")


def forget_unused_body_images(*, grace: dt.timedelta = BODY_IMAGE_GRACE) -> int:
    """Delete the body images (``BODY_IMAGE_DIR``) that no article's body and none of its kept revisions shows any
    more — an image removed while editing, or uploaded into a form never saved —, once older than ``grace``
    (an editor may still be writing). An image in any revision stays: revisions are kept and compared. Returns
    the number deleted; the daily job ``news-forget-unused-images`` runs it. Reads the bodies once, in chunks."""
    try:
        _folders, names = default_storage.listdir(BODY_IMAGE_DIR)
    except FileNotFoundError:
        return 0
    used: set[str] = set()
    for model in (Article, Revision):
        for body in model.objects.filter(body__contains=BODY_IMAGE_DIR).values_list("body", flat=True).iterator(chunk_size=500):
            used.update(_BODY_IMAGE_NAME.findall(body))
    cutoff, deleted = timezone.now() - grace, 0
    for name in names:
        path = BODY_IMAGE_DIR + name
        if name in used or default_storage.get_modified_time(path) > cutoff:
            continue
        default_storage.delete(path)
        deleted += 1
    return deleted


def _set_cover(article: Article, cover) -> None:
    if cover:
        clean = sanitize_image(cover.read(), cover.name)  # bounded decode, re-encoded without EXIF
        article.cover.save(public_image_name(clean.name), clean.content, save=False)


def _revise(article: Article, by) -> Revision:
    last = article.revisions.aggregate(n=Max("number"))["n"] or 0
    return Revision.objects.create(article=article, number=last + 1, title=article.title, summary=article.summary,
                                   body=article.body, by=by if getattr(by, "is_authenticated", False) else None)


def create_article(*, key: str | None, by, department, title: str, cover=None, people=None, **fields) -> tuple[Article, bool]:
    """A new draft (revision 1), once per form: the same ``key`` again returns the first request's article.
    ``people``: the staff behind a typical example (典型)."""

    def create(stored_key):
        article = Article(department=department, title=title, submission_key=stored_key,
                          created_by=by if getattr(by, "is_authenticated", False) else None, **fields)
        _set_cover(article, cover)
        article.save()
        if people:
            article.people.set(people)
        _revise(article, by)
        return article

    return create_once(Article, scoped("news-article", key), create)


@transaction.atomic
def update_article(article: Article, *, by=None, cover=None, people=None, **fields) -> Article:
    """Change a draft's ``EDITABLE_FIELDS``; a change of title, summary or body keeps a new revision. Refused
    (ValidationError) once the article is no draft, also when someone submitted it after this request read it."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not locked.is_draft:
        raise ValidationError(pgettext("article", "Only a draft can be changed."))
    before = {name: getattr(locked, name) for name in REVISED_FIELDS}
    for name, value in fields.items():
        setattr(locked, name, value)
    _set_cover(locked, cover)
    locked.save()
    if people is not None:
        locked.people.set(people)
    if {name: getattr(locked, name) for name in REVISED_FIELDS} != before:
        _revise(locked, by)
    return locked


def move(article: Article, action: str, *, by, note: str = "", **params) -> Article:
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return ARTICLE.apply(article, action, by=by, note=note, **params)


def timeline(article: Article) -> list[WorkflowEvent]:
    """The article's moves, oldest first, each with its sentence in the reader's language (``text``): one query."""
    events = list(WorkflowEvent.for_object(article).select_related("actor__staff"))
    for event in events:
        event.text = ARTICLE.describe(event.action, event.params)
    return events


def _text(rev: Revision) -> list[str]:
    plain = html.unescape(re.sub(r"<[^>]+>", "\n", rev.body))
    return [rev.title, rev.summary, *[line.strip() for line in plain.splitlines() if line.strip()]]


def compare(a: Revision, b: Revision) -> list[tuple[str, str]]:
    """The lines of two revisions as (kind, text): kind ``+`` added in b, ``-`` removed, `` `` unchanged."""
    rows = []
    for line in difflib.ndiff(_text(a), _text(b)):
        if line[:1] in "+- ":
            rows.append((line[:1], line[2:]))
    return rows


# --- signed links ---------------------------------------------------------------------------------------------

def preview_token(article: Article) -> str:
    return signing.dumps({"a": article.pk}, salt=PREVIEW_SALT, compress=True)


def article_from_preview(token: str) -> Article | None:
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=settings.QS_NEWS_PREVIEW_DAYS * 24 * 3600)
    except signing.BadSignature:  # also SignatureExpired
        return None
    return Article.objects.select_related("department").filter(pk=data.get("a")).first()


@transaction.atomic
def approval_token(article: Article) -> str:
    """A new one-time approval link for a leader without an account (the previous one stops working)."""
    nonce = secrets.token_hex(16)
    Article.objects.filter(pk=article.pk).update(approval_nonce=nonce)
    pagecache.changed(Article)
    return signing.dumps({"a": article.pk, "n": nonce}, salt=APPROVAL_SALT, compress=True)


def read_approval(token: str) -> tuple[Article, str] | None:
    try:
        data = signing.loads(token, salt=APPROVAL_SALT, max_age=APPROVAL_MAX_AGE)
    except signing.BadSignature:
        return None
    article = Article.objects.select_related("department").filter(pk=data.get("a"), approval_nonce=data.get("n", "-")).first()
    return (article, data["n"]) if article is not None else None


def approve_by_link(token: str, *, name: str) -> Article:
    found = read_approval(token)
    if found is None:
        from qualityservice.core.workflow import TransitionError

        raise TransitionError(pgettext("article", "This approval link has been used, replaced or has expired."))
    article, nonce = found
    return ARTICLE.apply(article, "approve_by_link", system=True, nonce=nonce, name=name[:60])


def publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish the scheduled articles whose time has come (the periodic job). Idempotent: each row is locked and
    moved once (``apply_each``); a row another worker published first is skipped."""
    due = Article.objects.filter(status=Article.Status.SCHEDULED, publish_at__lte=now or timezone.now())
    return ARTICLE.apply_each(due, "publish_due")
