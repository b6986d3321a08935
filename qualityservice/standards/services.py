"""What views and the demo do with procedures and post duties: create a procedure with its first version and
record new versions (once per form, ``core.submissions``; the procedure's row locked while its next version
is numbered and made current), the departments that have not recorded a version since a date, the post
standard of a staff member."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.notifications import notify
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import create_once, scoped
from qualityservice.org.models import Department

from .models import PostStandard, Procedure, ProcedureVersion

VERSION_FIELDS = ("version", "title", "title_en", "effective_date", "text", "text_en", "change_note")
POST_FIELDS = ("department", "post", "post_en", "duties", "duties_en", "public_standard", "public_standard_en")


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _add_version(procedure: Procedure, *, by, key: str | None, file=None, notify_staff: bool = True,
                 recorded_at: dt.datetime | None = None, **fields) -> ProcedureVersion:
    """Number the next version of the locked ``procedure``, save it and make it current. Refused
    (ValidationError) when the label is taken or it takes effect before the current version."""
    current = procedure.current_version
    if current is not None and fields["effective_date"] < current.effective_date:
        raise ValidationError({"effective_date": pgettext(
            "standards", "The new version cannot take effect before the current one (%(date)s).")
            % {"date": current.effective_date.isoformat()}})
    if procedure.versions.filter(version=fields["version"]).exists():
        raise ValidationError({"version": pgettext("standards", "This procedure already has a version “%(version)s”.")
                               % {"version": fields["version"]}})
    if not (fields.get("text") or "").strip() and file is None:
        raise ValidationError(pgettext("standards", "Attach the procedure's file or write its text."))
    last = procedure.versions.aggregate(n=Max("sequence"))["n"] or 0
    version = ProcedureVersion(procedure=procedure, sequence=last + 1, recorded_by=_user(by), submission_key=key,
                               recorded_at=recorded_at or timezone.now(), **fields)
    if file is not None:
        version.file_name = file.name[:120]
        version.file_size = file.size
        version.file.save(file.name, file, save=False)
    version.save()
    procedure.current_version = version
    procedure.title, procedure.title_en = version.title, version.title_en
    procedure.save(update_fields=["current_version", "title", "title_en"])
    record_campaign_evidence(version)
    if notify_staff:
        _tell_staff(procedure, version, by=by)
    return version


def _tell_staff(procedure: Procedure, version: ProcedureVersion, *, by) -> None:
    """The department's staff with an account (but the one who recorded it) hear of the version in force."""
    readers = list(get_user_model().objects.filter(staff__department_id=procedure.department_id, staff__is_active=True,
                                                   is_active=True).exclude(pk=getattr(by, "pk", None)).only("pk"))
    if readers:
        notify(users=readers, subject=pgettext("standards", "Operating procedure in force: %(number)s %(title)s")
               % {"number": procedure.number, "title": version.title},
               body=pgettext("standards", "Version %(version)s, in force from %(date)s.")
               % {"version": version.version, "date": version.effective_date.isoformat()},
               url=version.get_absolute_url(), webhook=False)


def create_procedure(*, key: str | None, by, department: Department, number: str, file=None,
                     notify_staff: bool = True, recorded_at: dt.datetime | None = None, **fields) -> tuple[Procedure, bool]:
    """A new procedure with its first version, once per form: the same ``key`` again returns the first
    request's procedure and ``created=False``. Refused (ValidationError, nothing saved) when the department
    already has this number."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"not a version field: {sorted(unknown)}")

    def create(stored_key):
        if Procedure.objects.filter(department=department, number=number).exists():
            raise ValidationError({"number": pgettext("standards", "%(department)s already has a procedure numbered %(number)s: "
                                                                   "record a new version of it instead.")
                                   % {"department": department.display_name, "number": number}})
        procedure = Procedure.objects.create(department=department, number=number, title=fields["title"],
                                             title_en=fields.get("title_en", ""), created_by=_user(by),
                                             submission_key=stored_key, created_at=recorded_at or timezone.now())
        _add_version(procedure, by=by, key=None, file=file, notify_staff=notify_staff, recorded_at=recorded_at, **fields)
        return procedure

    try:
        return create_once(Procedure, scoped("standards-procedure", key), create)
    except IntegrityError:  # the same number, by a concurrent request with another form
        raise ValidationError({"number": pgettext("standards", "%(department)s already has a procedure numbered %(number)s: "
                                                               "record a new version of it instead.")
                               % {"department": department.display_name, "number": number}}) from None


def record_version(procedure: Procedure, *, key: str | None, by, file=None, notify_staff: bool = True,
                   recorded_at: dt.datetime | None = None, **fields) -> tuple[ProcedureVersion, bool]:
    """Record a new version of ``procedure``: it supersedes the current one, which stays readable. Once per
    form (``key``); the procedure's row is locked while the version is numbered, so two new versions at once
    get 2 and 3, never two 2s."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"not a version field: {sorted(unknown)}")

    def create(stored_key):
        locked = Procedure.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=procedure.pk)
        return _add_version(locked, by=by, key=stored_key, file=file, notify_staff=notify_staff, recorded_at=recorded_at,
                            **fields)

    return create_once(ProcedureVersion, scoped("standards-version", key), create)


def history(procedure: Procedure) -> list[ProcedureVersion]:
    """Every version, newest first, with who recorded it: one query."""
    return list(procedure.versions.select_related("recorded_by__staff").order_by("-sequence"))


def not_updated_since(departments, since: dt.date) -> list[dict]:
    """The departments (of ``departments``) that have recorded no procedure version since ``since`` (local
    day, included), each with its procedure count and its last recording: two GROUP BY queries."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    departments = list(departments)
    ids = [d.pk for d in departments]
    last = dict(ProcedureVersion.objects.filter(procedure__department_id__in=ids).values("procedure__department_id")
                .annotate(at=Max("recorded_at")).order_by().values_list("procedure__department_id", "at"))
    counts = dict(Procedure.objects.filter(department_id__in=ids).values("department_id").annotate(n=Count("pk"))
                  .order_by().values_list("department_id", "n"))
    return [{"department": d, "procedures": counts.get(d.pk, 0), "last": last.get(d.pk)}
            for d in departments if last.get(d.pk) is None or last[d.pk] < start]


def campaign_evidence_kwargs(version: ProcedureVersion) -> dict:
    """The keyword arguments of ``campaigns.services.record_evidence`` for a newly recorded procedure version
    (the campaign's 三(二) activity, carrier ``standards``), used by :func:`record_campaign_evidence`."""
    procedure = version.procedure
    department = procedure.department
    label = "新制定" if version.sequence == 1 else "修订"
    label_en = "New" if version.sequence == 1 else "Revised"
    return {
        "department_id": procedure.department_id,
        "carrier": "standards",
        "source": version,
        "title": f"操作规程{label}：{procedure.number} {version.title} {version.version}（{department.name}）",
        "title_en": f"{label_en} operating procedure: {procedure.number} {version.title_en or version.title} {version.version} "
                    f"({department.name_en or department.name})",
        "url": version.get_absolute_url(),
        "occurred_on": timezone.localdate(version.recorded_at),
        "public": False,
    }


def record_campaign_evidence(version: ProcedureVersion) -> list:
    """A new version recorded during the campaign as evidence on the department's activity carried by standards
    (三(二) 完善规范操作程序…职责再细化), through ``campaigns.services.record_evidence``: nothing when the
    campaigns app is absent or no adopted activity matches."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    return record(**campaign_evidence_kwargs(version)) if record else []


# --- Post duties -----------------------------------------------------------------------------------


def save_post_standard(*, key: str | None, by, instance: PostStandard | None = None, **fields) -> tuple[PostStandard, bool]:
    """Create a post's standard once per form, or change one (under a row lock). Refused (ValidationError)
    when the department already has this post."""
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    stored = scoped("standards-post", key)
    if instance is None and stored and (made := PostStandard.objects.filter(submission_key=stored).first()) is not None:
        return made, False  # the same form again: what it made the first time
    taken = PostStandard.objects.filter(department=fields["department"], post=fields["post"])
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ValidationError({"post": pgettext("standards", "%(department)s already has duties for the post %(post)s.")
                               % {"department": fields["department"].display_name, "post": fields["post"]}})
    if instance is None:
        def create(stored_key):
            return PostStandard.objects.create(submission_key=stored_key, updated_by=_user(by), **fields)

        try:
            return create_once(PostStandard, stored, create)
        except IntegrityError:
            raise ValidationError({"post": pgettext("standards", "%(department)s already has duties for the post %(post)s.")
                                   % {"department": fields["department"].display_name, "post": fields["post"]}}) from None
    with transaction.atomic():
        locked = PostStandard.objects.select_for_update().get(pk=instance.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.updated_by, locked.updated_at = _user(by), timezone.now()
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise ValidationError({"post": pgettext("standards", "%(department)s already has duties for the post %(post)s.")
                                   % {"department": fields["department"].display_name, "post": fields["post"]}}) from None
    return locked, False


def post_standard_for(staff) -> PostStandard | None:
    """The standard of a staff member's post (their department's, for the post on their record): one query,
    remembered on the staff object for the other fragments of the same page."""
    if staff is None:
        return None
    cached = getattr(staff, "_standards_post", ...)
    if cached is ...:
        cached = PostStandard.objects.filter(department_id=staff.department_id, post=staff.post).first()
        staff._standards_post = cached
    return cached
