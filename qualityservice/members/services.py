"""Members' workflows: the roster import, one-time sign-in codes, the member behind a CAS ticket, a
member's own data and the closing of an account. Other apps use ``member_for`` and
``in_audience`` (and the hooks in ``signals``)."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualityservice.core.imports import ImportResult, RowError, read_table
from qualityservice.core.permissions import user_role

from . import signals
from .models import (
    NUMBER_RE,
    CodeBatch,
    College,
    Member,
    MemberKind,
    SignInCode,
    normalise_number,
    username_for,
)

log = logging.getLogger(__name__)
BATCH = 2000


# --- Who is a member ----------------------------------------------------------------------------


def member_for(user) -> Member | None:
    """The member profile of a signed-in account, or None (anonymous, staff, other accounts). Staff
    accounts are answered without a query (their role is known from their staff profile)."""
    if not getattr(user, "is_authenticated", False) or user_role(user) is not None:
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def in_audience(user, kinds: Iterable[str] = (), college_ids: Iterable[int] = ()) -> bool:
    """Whether a signed-in account belongs to an audience restricted by member type and college
    (both empty: every signed-in account). A restricted audience admits members only."""
    kinds, college_ids = set(kinds or ()), set(college_ids or ())
    if not kinds and not college_ids:
        return bool(getattr(user, "is_authenticated", False))
    member = member_for(user)
    if member is None or not member.user.is_active:
        return False
    return (not kinds or member.kind in kinds) and (not college_ids or member.college_id in college_ids)


# --- Roster import -----------------------------------------------------------------------------

# Column key -> accepted header spellings (Chinese first; English for round trips in English).
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("学号/工号", "学号", "工号", "学工号", "id number", "id", "number"),
    "name": ("姓名", "name"),
    "kind": ("类型", "身份", "人员类型", "type"),
    "college": ("学院/单位", "学院", "单位", "院系", "college / unit", "college/unit", "college", "unit"),
    "class_name": ("班级", "class"),
    "phone": ("手机", "电话", "手机号", "phone"),
    "email": ("邮箱", "电子邮箱", "e-mail", "email"),
}
REQUIRED_COLUMNS = ("number", "name", "kind", "college")
KIND_VALUES = {
    MemberKind.STUDENT: {"学生", "本科生", "研究生", "student"},
    MemberKind.TEACHER: {"教师", "教职工", "老师", "teacher"},
    MemberKind.OTHER: {"其他", "其它", "other"},
}
PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ("name", "kind", "college_id", "class_name", "phone", "email")


def roster_headers() -> list[str]:
    """The columns of the roster, as the import reads them and the export writes them."""
    return [pgettext("member roster column", "ID number"), pgettext("member roster column", "Name"),
            pgettext("member roster column", "Type"), pgettext("member roster column", "College / unit"),
            pgettext("member roster column", "Class"), pgettext("member roster column", "Phone"),
            pgettext("member roster column", "E-mail")]


def column_labels() -> dict[str, str]:
    return dict(zip(ROSTER_COLUMNS, roster_headers(), strict=True))


def _kind_of(value: str) -> str | None:
    value = value.strip().lower()
    for kind, spellings in KIND_VALUES.items():
        if value in spellings or value == str(kind.label).lower():
            return kind
    return None


def import_roster(fileobj, *, by=None) -> ImportResult:
    """Validate every row first; write only if all rows are good (nothing half-imported). Existing ID
    numbers are updated (with a history row each), new ones get an account without a password (the
    first sign-in sets it from a one-time code, or they sign in through CAS). Members missing from the
    file are left as they are. Bulk statements: 30,000 rows in seconds (bench/members_roster_import.py)."""
    table = read_table(fileobj, ROSTER_COLUMNS, required=REQUIRED_COLUMNS, max_rows=settings.QS_MEMBER_ROSTER_MAX_ROWS)
    result = ImportResult(file_error=table.error)
    if table.error:
        return result
    labels = column_labels()
    missing = table.missing
    if missing:
        result.file_error = _("Missing columns: %(cols)s. The first row must hold the headers 学号/工号, 姓名, 类型, "
                              "学院/单位 (optional: 班级, 手机, 邮箱).") % {"cols": "、".join(labels[k] for k in missing)}
        return result

    parsed = _validate_rows(table, labels, result)
    if result.errors:
        return result
    if not parsed:
        result.file_error = _("The workbook has no member rows under the header.")
        return result
    with transaction.atomic():
        _write(parsed, result, by)
    return result


def _validate_rows(table, labels, result: ImportResult) -> list[dict]:
    seen: dict[str, int] = {}
    parsed: list[dict] = []
    for offset, values in table.rows():
        before = len(result.errors)

        def err(key, message, _row=offset):
            result.errors.append(RowError(_row, labels[key], message))

        number = normalise_number(values.get("number", ""))
        if not number:
            err("number", _("The ID number is required."))
        elif not NUMBER_RE.match(number):
            err("number", _("The ID number may contain only letters, digits and . _ - (at most 32)."))
        elif number in seen:
            err("number", _("ID number %(number)s already appears in row %(row)d.") % {"number": number, "row": seen[number]})
        else:
            seen[number] = offset
        name = values.get("name", "")
        if not name:
            err("name", _("The name is required."))
        elif len(name) > 60:
            err("name", _("The name is longer than 60 characters."))
        kind_raw = values.get("kind", "")
        kind = _kind_of(kind_raw) if kind_raw else None
        if not kind_raw:
            err("kind", _("The type is required (学生, 教师 or 其他)."))
        elif kind is None:
            err("kind", _("Unknown type “%(value)s”: write 学生, 教师 or 其他 (student, teacher or other).") % {"value": kind_raw[:30]})
        college = values.get("college", "")
        if not college:
            err("college", _("The college or unit is required."))
        elif len(college) > 100:
            err("college", _("The college or unit is longer than 100 characters."))
        class_name = values.get("class_name", "")
        if len(class_name) > 60:
            err("class_name", _("The class is longer than 60 characters."))
        phone = values.get("phone", "")
        if phone and not PHONE_RE.match(phone):
            err("phone", _("“%(phone)s” is not a phone number.") % {"phone": phone[:40]})
        email = values.get("email", "")
        if email and (len(email) > 254 or not EMAIL_RE.match(email)):
            err("email", _("“%(email)s” is not an e-mail address.") % {"email": email[:60]})
        if len(result.errors) == before:
            parsed.append({"number": number, "name": name, "kind": kind, "college": college, "class_name": class_name,
                           "phone": phone, "email": email})
    return parsed


def _colleges(names: set[str]) -> dict[str, int]:
    """The college of each name of the roster, by its Chinese or its English name (a roster exported in
    English comes back in English); colleges not known yet are created."""

    def known_colleges():
        rows = College.objects.filter(Q(name__in=names) | Q(name_en__in=names)) if len(names) < 900 else College.objects
        by_name = {}
        for name, name_en, pk in rows.values_list("name", "name_en", "pk"):
            if name_en:
                by_name.setdefault(name_en, pk)
            by_name[name] = pk  # a Chinese name wins over another college's English one
        return by_name

    known = known_colleges()
    new = [College(name=n) for n in names if n not in known]
    if new:
        College.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        known = known_colleges()
    return known


def _write(parsed: list[dict], result: ImportResult, by) -> None:
    now = timezone.now()
    colleges = _colleges({row["college"] for row in parsed})
    existing = {m.number: m for m in Member.objects.filter(number__in=[r["number"] for r in parsed]).select_related("user")} \
        if len(parsed) < 900 else {m.number: m for m in Member.objects.select_related("user").iterator(chunk_size=BATCH)}
    User = get_user_model()
    to_create, to_update, users_changed = [], [], []
    for row in parsed:
        values = {"name": row["name"], "kind": row["kind"], "college_id": colleges[row["college"]],
                  "class_name": row["class_name"], "phone": row["phone"], "email": row["email"]}
        member = existing.get(row["number"])
        if member is None:
            to_create.append((row["number"], values))
            continue
        changed = [f for f in FIELDS if getattr(member, f) != values[f]]
        if changed or not member.on_roster:
            for f in FIELDS:
                setattr(member, f, values[f])
            member.on_roster = True
            member.updated_at = now
            to_update.append(member)
            if member.user.first_name != row["name"][:150] or member.user.email != row["email"]:
                member.user.first_name, member.user.email = row["name"][:150], row["email"]
                users_changed.append(member.user)
        else:
            result.unchanged += 1

    if to_create:
        # Accounts without a usable password (one hashed placeholder for all: "!" marks it unusable).
        unusable = make_password(None)
        taken = set(User.objects.filter(username__in=[username_for(n) for n, _v in to_create]).values_list("username", flat=True)) \
            if len(to_create) < 900 else set(User.objects.filter(username__startswith="m-").values_list("username", flat=True))
        if taken:  # an account left without its profile: attach it rather than fail
            users_by_name = {u.username: u for u in User.objects.filter(username__in=taken)}
        else:
            users_by_name = {}
        new_users = [User(username=username_for(n), first_name=v["name"][:150], email=v["email"], password=unusable,
                          date_joined=now) for n, v in to_create if username_for(n) not in taken]
        User.objects.bulk_create(new_users, batch_size=BATCH)
        if new_users and new_users[0].pk is None:  # a backend that returns no ids
            users_by_name.update(User.objects.filter(username__in=[u.username for u in new_users]).in_bulk(field_name="username"))
        else:
            users_by_name.update({u.username: u for u in new_users})
        members = [Member(user_id=users_by_name[username_for(n)].pk, number=n, source=Member.Source.ROSTER, on_roster=True,
                          created_at=now, updated_at=now, **v) for n, v in to_create]
        Member.objects.bulk_create(members, batch_size=BATCH)
        if members and members[0].pk is None:
            members = list(Member.objects.filter(number__in=[n for n, _v in to_create]))
        Member.history.bulk_history_create(members, batch_size=BATCH, default_user=by, default_date=now,
                                           default_change_reason="roster import")
        result.created = len(members)
    if to_update:
        Member.objects.bulk_update(to_update, [*FIELDS, "on_roster", "updated_at"], batch_size=500)
        Member.history.bulk_history_create(to_update, batch_size=BATCH, update=True, default_user=by, default_date=now,
                                           default_change_reason="roster import")
        if users_changed:
            User.objects.bulk_update(users_changed, ["first_name", "email"], batch_size=500)
        result.updated = len(to_update)


def export_rows(queryset):
    yield from (
        (m.number, m.name, m.get_kind_display(), m.college.display_name if m.college_id else "", m.class_name, m.phone, m.email)
        for m in queryset.select_related("college").order_by("college__name", "class_name", "number").iterator(chunk_size=BATCH)
    )


# --- One-time sign-in codes -------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a printed sheet
CODE_LENGTH = 10  # 50 bits, behind the sign-in throttle


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _normal_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code or "").upper()


def code_digest(member_id: int, code: str) -> str:
    return salted_hmac("qualityservice.members.sign-in-code", f"{member_id}:{_normal_code(code)}", algorithm="sha256").hexdigest()


@dataclass
class IssuedCodes:
    batch: CodeBatch
    rows: list[tuple]  # college, class, number, name, type, code, valid until


def issue_codes(members, *, by, description: str = "", submission_key: str | None = None) -> IssuedCodes:
    """New one-time codes for these members (replacing any earlier, unused ones). The codes exist only
    in the returned rows (for the Excel sheet); the database keeps their keyed hashes."""
    now = timezone.now()
    expires = now + timezone.timedelta(days=settings.QS_MEMBER_CODE_DAYS)
    selected = list(members.select_related("college").order_by("college__name", "class_name", "number"))
    with transaction.atomic():
        batch = CodeBatch.objects.create(issued_by=by if getattr(by, "is_authenticated", False) else None,
                                         count=len(selected), description=description[:300],
                                         submission_key=submission_key)
        ids = [m.pk for m in selected]
        for start in range(0, len(ids), 900):
            SignInCode.objects.filter(member_id__in=ids[start:start + 900]).delete()
        codes, rows = [], []
        until = timezone.localtime(expires).strftime("%Y-%m-%d")
        for m in selected:
            code = new_code()
            codes.append(SignInCode(member=m, batch=batch, digest=code_digest(m.pk, code), expires_at=expires))
            rows.append((m.college.display_name if m.college_id else "", m.class_name, m.number, m.name, m.get_kind_display(), code, until))
        SignInCode.objects.bulk_create(codes, batch_size=BATCH)
    return IssuedCodes(batch, rows)


def check_code(member: Member, code: str) -> bool:
    stored = SignInCode.objects.filter(member=member, expires_at__gt=timezone.now()).values_list("digest", flat=True).first()
    return bool(stored) and constant_time_compare(stored, code_digest(member.pk, code))


def set_first_password(member: Member, password: str) -> None:
    """The first sign-in: the password is set and the code is used up."""
    with transaction.atomic():
        member.user.set_password(password)
        member.user.save(update_fields=["password"])
        SignInCode.objects.filter(member=member).delete()


# --- The member behind a CAS ticket ---------------------------------------------------------------


@dataclass
class CasOutcome:
    user: object = None
    refusal: str = ""


def member_from_cas(identity) -> CasOutcome:
    """Find the member with this ID (the imported roster) and bring their profile up to date from the
    released attributes, or create one when unknown IDs may sign in (``QS_CAS_ALLOW_UNKNOWN``)."""
    from . import cas

    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _member_from_cas(identity, cas)
        except IntegrityError:  # two first sign-ins of the same person at once: the other one created it
            continue
    return CasOutcome(refusal=cas.INVALID_TICKET)


def _member_from_cas(identity, cas) -> CasOutcome:
    member = Member.objects.select_for_update().select_related("user").filter(number=identity.number).first()
    college = None
    if identity.college:
        college, _c = College.objects.get_or_create(name=identity.college)
    if member is None:
        if not settings.QS_CAS_ALLOW_UNKNOWN:
            return CasOutcome(refusal=cas.NOT_ON_ROSTER)
        User = get_user_model()
        name = identity.name or identity.number
        user, _u = User.objects.get_or_create(username=username_for(identity.number), defaults={"first_name": name[:150]})
        if _u:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        member = Member(user=user, number=identity.number, name=name, kind=identity.kind or MemberKind.OTHER,
                        college=college, class_name=identity.class_name, source=Member.Source.CAS, on_roster=False)
        member._change_reason = "CAS attributes"
        member.save()
        return CasOutcome(user=user)
    if not member.user.is_active:
        return CasOutcome(refusal=cas.DISABLED)
    changed = []
    for attr, value in (("name", identity.name), ("kind", identity.kind), ("class_name", identity.class_name)):
        if value and getattr(member, attr) != value:
            setattr(member, attr, value)
            changed.append(attr)
    if college is not None and member.college_id != college.pk:
        member.college = college
        changed.append("college")
    if changed:
        member._change_reason = "CAS attributes"
        member.save()
        if "name" in changed and member.user.first_name != member.name[:150]:
            member.user.first_name = member.name[:150]
            member.user.save(update_fields=["first_name"])
    return CasOutcome(user=member.user)


def staff_account_for(staff_number: str):
    """The active staff account whose badge number (工号) is this one, or None. ``user.staff`` is org's
    reverse accessor (members imports no domain app), as in core's sign-in form."""
    if not staff_number:
        return None
    User = get_user_model()
    found = list(User.objects.filter(is_active=True, staff__badge_number__iexact=staff_number, staff__is_active=True)[:2])
    return found[0] if len(found) == 1 else None


# --- A member's own data and the closing of the account ---------------------------------------------


def profile_rows(member: Member) -> list[tuple[str, str]]:
    user = member.user
    return [
        (_("ID number"), member.number), (_("Name"), member.name), (pgettext("member", "Type"), member.get_kind_display()),
        (_("College / unit"), member.college.display_name if member.college_id else ""), (_("Class"), member.class_name),
        (_("Phone"), member.phone), (_("E-mail"), member.email), (pgettext("member", "Source"), member.get_source_display()),
        (_("Account created"), timezone.localtime(user.date_joined).strftime("%Y-%m-%d %H:%M")),
        (_("Last sign-in"), timezone.localtime(user.last_login).strftime("%Y-%m-%d %H:%M") if user.last_login else ""),
    ]


def personal_data(member: Member) -> list[signals.DataSection]:
    """The member's profile and every record other apps hold of this account (``signals.personal_data``)."""
    sections = [signals.DataSection("member", _("My profile"), [_("Field"), _("Value")], profile_rows(member))]
    for _receiver, response in signals.personal_data.send(sender=Member, user=member.user):
        sections.extend(response or [])
    return sections


def close_account(member: Member) -> dict[str, int]:
    """Remove the member's identity everywhere and delete the account. Other apps keep their records
    (so every count stays) without the identity (``signals.account_closing``, same transaction); the
    profile, its history and the sign-in code go. Returns what each app changed (no identity)."""
    user = member.user
    counts: dict[str, int] = {}
    with transaction.atomic():
        for receiver, response in signals.account_closing.send(sender=Member, user=user):
            app = getattr(receiver, "__module__", "").removeprefix("qualityservice.").split(".")[0] or str(receiver)
            counts[app] = counts.get(app, 0) + int(response or 0)
        member_pk = member.pk
        user.delete()  # cascades to the profile and its code; other apps' links are SET_NULL
        Member.history.filter(id=member_pk).delete()  # the roster history (and the deletion's own row)
    log.info("member account closed; records anonymised: %s", counts)
    return counts


def purge_cas_session_tickets() -> int:
    """Delete django-cas-ng's ticket rows of sessions that no longer exist (database sessions; other
    session engines keep nothing to compare with). Idempotent; one DELETE."""
    from django.contrib.sessions.models import Session
    from django.db.models import Exists, OuterRef
    from django_cas_ng.models import SessionTicket

    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"):
        return 0
    live = Session.objects.filter(session_key=OuterRef("session_key"), expire_date__gt=timezone.now())
    deleted, _detail = SessionTicket.objects.exclude(Exists(live)).delete()
    return deleted
