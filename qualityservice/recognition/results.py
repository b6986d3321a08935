"""The combined result of a round, the public notice (公示) with its objections, the winners, the public
服务明星 list, the badge-page star, the winners' certificates and the campaign evidence.

**The formula** (README, "Result"): for each nominee on the ballot,

    vote score  = 100 × votes / (the most votes any nominee got)                      (0 when nobody voted)
    jury score  = 100 × (jury total − lowest possible) / (highest possible − lowest possible)
    result      = (vote weight × vote score + jury weight × jury score) / 100          (weights published, sum 100)

where ``votes`` are the counted (not voided) ballots naming the nominee, counted once at the close into the
stored counters, and ``jury total`` is ``core.panel``'s aggregate (Σ weight × the panel's aggregated score) over
the confirmed sheets. The vote share (votes / counted ballots) is shown beside it. **Ranking**: the higher
result, then the higher jury score, then more votes, then the earlier nomination (``core.panel.rank`` with
that tie-break chain); winners are the first N (the round's number of winners). The results are stored once,
when the notice is published; every page after that reads the stored rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import npgettext, pgettext

from qualityservice.core import certificates, objections, pagecache, panel
from qualityservice.core.i18n import pick
from qualityservice.core.registry import optional_function
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department, SiteSettings

from . import jury, services
from .models import Nomination, Round
from .results_models import CERTIFICATE_PREFIX, Certificate, Objection, Result
from .workflows_results import CERTIFICATE

HUNDRED = Decimal(100)
CHAIN = ("criterion:jury", "criterion:votes")  # then core.panel's last link: the lower number (the earlier nomination)
PUBLISHED = (Round.Status.NOTICE, Round.Status.FINAL)


def _q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places))


def compute(rnd: Round) -> list[dict]:
    """The breakdown and ranking of every nominee on the ballot, from the stored vote counters and the confirmed
    jury sheets. None of it before the vote closed: totals are hidden until then."""
    if not rnd.vote_closed:
        return []
    nominations = list(jury.on_ballot(rnd))
    criteria = jury.criteria_of(rnd)
    low, high = jury.min_total(criteria), jury.max_total(criteria)
    aggregated = jury.aggregate(rnd, nominations, criteria)
    counted = services.figures(rnd)["counted"]  # stored at the close
    most = max((n.votes or 0 for n in nominations), default=0)
    rows, entries = {}, []
    for n in nominations:
        votes = n.votes or 0
        vote_score = HUNDRED * votes / most if most else Decimal(0)
        agg = aggregated[n.pk]
        jury_score = HUNDRED * (agg.total - low) / (high - low) if agg.judges and high > low else Decimal(0)
        total = (rnd.vote_weight * vote_score + rnd.jury_weight * jury_score) / HUNDRED
        rows[n.pk] = {"nomination": n, "votes": votes, "vote_share": Decimal(votes) / counted if counted else Decimal(0),
                      "vote_score": _q(vote_score), "judges": agg.judges, "jury_total": agg.total if agg.judges else None,
                      "jury_score": _q(jury_score), "per_criterion": agg.per_criterion, "total": _q(total)}
        entries.append(panel.EntryResult(entry=n.pk, number=n.pk, judges=agg.judges,
                                         per_criterion={"jury": _q(jury_score), "votes": Decimal(votes)}, per_deduction={},
                                         deductions=Decimal(0), total=_q(total)))
    ranked = panel.rank(entries, CHAIN)
    out = []
    for entry in ranked:
        row = rows[entry.entry]
        row.update(rank=entry.rank, decided_by=entry.decided_by, winner=entry.rank <= rnd.winners)
        out.append(row)
    return out


def publish_errors(rnd: Round) -> list[str]:
    """What stops the notice: anomaly flags not cleared; sheets not confirmed; no confirmed sheet while the jury has
    a weight; no criterion."""
    errors = []
    flagged = jury.open_flags(rnd)
    if flagged:
        errors.append(npgettext("jury", "%(n)d anomaly flag is not cleared yet: the supervisor clears it with a reason first.",
                                "%(n)d anomaly flags are not cleared yet: the supervisor clears each with a reason first.",
                                flagged) % {"n": flagged})
    waiting = jury.unconfirmed(rnd)
    if waiting:
        errors.append(pgettext("jury", "%(n)d jury sheets are not confirmed yet.") % {"n": waiting})
    if rnd.jury_weight and not rnd.jury_sheets.filter(status="confirmed").exists():
        errors.append(pgettext("jury", "No confirmed jury sheet: the jury's weight needs its scores."))
    if rnd.jury_weight and not jury.criteria_of(rnd):
        errors.append(pgettext("jury", "The jury's rubric has no criterion."))
    return errors


def store(rnd: Round) -> list[Result]:
    """Write the results once (the notice's handler): the pages after this read only these rows."""
    rows = compute(rnd)
    Result.objects.filter(round=rnd).delete()
    made = Result.objects.bulk_create([Result(
        round=rnd, nomination=row["nomination"], votes=row["votes"], vote_share=_q(row["vote_share"], "0.0001"),
        vote_score=row["vote_score"], judges=row["judges"],
        jury_total=_q(row["jury_total"], "0.0001") if row["jury_total"] is not None else None, jury_score=row["jury_score"],
        per_criterion={code: str(_q(v, "0.0001")) if v is not None else None for code, v in row["per_criterion"].items()},
        total=row["total"], rank=row["rank"], decided_by=row["decided_by"][:40], winner=row["winner"]) for row in rows])
    pagecache.changed(Result)
    forget_stars()
    return made


def on_publish(rnd: Round) -> None:
    errors = publish_errors(rnd)
    if errors:
        raise TransitionError(errors)
    store(rnd)


def stored(rnd: Round):
    """The stored results in rank order with their nominations (one query)."""
    return Result.objects.filter(round=rnd).select_related("nomination__department", "nomination__staff", "nomination__collective").order_by("rank")


def winners(rnd: Round):
    return stored(rnd).filter(winner=True)


def describe_decided_by(link: str) -> str:
    return {"criterion:jury": pgettext("jury", "the higher jury score"), "criterion:votes": pgettext("jury", "more votes"),
            panel.NUMBER: pgettext("jury", "the earlier nomination")}.get(link, "")


# --- The public notice: winners and objections ---------------------------------------------------------------


def notice_open(rnd: Round, today=None) -> bool:
    today = today or timezone.localdate()
    return rnd.status == Round.Status.NOTICE and (rnd.notice_until is None or today <= rnd.notice_until)


def raise_objection(rnd: Round, *, text: str, nomination: Nomination | None, contact: str = "", by=None,
                    key: str | None) -> tuple[Objection, bool]:
    """An objection during the notice becomes a feedback record routed to the group office (the supervisor),
    through ``feedback.services.create_feedback``, in the same transaction: both exist, or neither
    (``core.objections``). Without a contact it is anonymous; the nominee it is about never sees who raised it."""
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError(pgettext("jury", "Write the objection (at least 5 characters)."))
    if not notice_open(rnd):
        raise ValidationError(pgettext("jury", "Objections are taken during the public notice only."))
    if nomination is not None and not Result.objects.filter(round=rnd, nomination=nomination, winner=True).exists():
        raise ValidationError(pgettext("jury", "Choose one of the winners."))
    create_feedback = optional_function("qualityservice.feedback", "services", "create_feedback")
    if create_feedback is None:
        raise ValidationError(pgettext("jury", "Objections cannot be taken now: the feedback module is not available."))

    about = nomination.title if nomination is not None else rnd.title
    return objections.raise_objection(
        Objection, app="recognition", key=key, file=create_feedback,
        create=lambda stored_key: Objection.objects.create(round=rnd, nomination=nomination, text=text[:4000],
                                                           submission_key=stored_key),
        department=_group_office(), title=f"公示异议：{rnd.title} · {about}"[:120], body=f"{text}\n\n—— {rnd.title}（{about}）",
        author=objections.Author(contact=(contact or "").strip()[:100]),
        about_staff=nomination.staff if nomination is not None else None)


def _group_office():
    """The group (the supervisors' department): objections are theirs to answer, not the nominee's department's."""
    return Department.objects.filter(kind=Department.Kind.GROUP).order_by("pk").first()


def public_stars(limit: int = 60):
    """The public 服务明星 list: the winners of service-star rounds in notice or final, newest round first."""
    return (Result.objects.filter(winner=True, round__kind=Round.Kind.SERVICE_STAR, round__status__in=PUBLISHED)
            .select_related("round", "nomination__department", "nomination__staff", "nomination__collective").order_by("-round__period_end", "-round_id", "rank")[:limit])


STARS_CACHE_KEY = "recognition:stars-by-staff"
STARS_CACHE_SECONDS = 600


def stars_of(staff) -> list[str]:
    """The honours of one staff member for the badge page: the titles of the final rounds they won, in the
    reader's language. Read from the cache of every winner's (one small query when it is empty): the badge
    page, opened from every printed badge, costs no query for it. The cache is dropped after a commit that
    stores results or makes a round final (``forget_stars``), and expires after 10 minutes anyway."""
    found = cache.get(STARS_CACHE_KEY)
    if found is None:
        found = _stars_by_staff()
        cache.set(STARS_CACHE_KEY, found, STARS_CACHE_SECONDS)
    return [pick(title, title_en) for title, title_en in found.get(staff.pk, ())]


def _stars_by_staff() -> dict:
    found: dict[int, list] = {}
    for staff_id, title, title_en in (Result.objects.filter(winner=True, nomination__staff__isnull=False, round__status=Round.Status.FINAL)
                                      .order_by("-round__period_end", "-round_id").values_list("nomination__staff_id", "round__title", "round__title_en")):
        found.setdefault(staff_id, []).append((title, title_en))
    return found


def forget_stars() -> None:
    transaction.on_commit(lambda: cache.delete(STARS_CACHE_KEY))


# --- Certificates ----------------------------------------------------------------------------------------------


def holder_of(nomination: Nomination) -> str:
    """Who the certificate names: the staff member, or the collective (team or department)."""
    return nomination.nominee_name or nomination.title


def issue_certificates(rnd: Round, *, by) -> list[Certificate]:
    """A certificate for each winner (once each). Refused before the round is final."""
    if rnd.status != Round.Status.FINAL:
        raise ValidationError(pgettext("certificate", "Certificates are issued once the round is final."))
    made = []
    for result in winners(rnd):
        nomination = result.nomination
        certificate = Certificate.objects.filter(nomination=nomination).first()
        if certificate is None:
            try:
                with transaction.atomic():
                    certificate = Certificate.objects.create(
                        round=rnd, nomination=nomination, department_id=nomination.department_id,
                        serial=certificates.new_serial(CERTIFICATE_PREFIX, year=rnd.period_end.year),
                        holder=holder_of(nomination)[:120], issued_by=by if getattr(by, "is_authenticated", False) else None)
            except IntegrityError:  # issued by a concurrent request
                certificate = Certificate.objects.get(nomination=nomination)
        made.append(certificate)
    return made


def award_of(rnd: Round) -> tuple[str, str]:
    return {Round.Kind.SERVICE_STAR: ("服务明星", "Service star"), Round.Kind.INDIVIDUAL: ("先进个人", "Advanced individual"),
            Round.Kind.COLLECTIVE: ("先进集体", "Advanced collective")}.get(rnd.kind, ("", ""))


def certificate_data(certificate: Certificate) -> certificates.CertificateData:
    rnd = certificate.round
    award = award_of(rnd)
    return certificates.CertificateData(
        serial=certificate.serial, holder=certificate.holder, title=pick(rnd.title, rnd.title_en), award=pick(*award),
        date=timezone.localtime(certificate.issued_at).date(), issuer=SiteSettings.load().display_name,
        detail=certificate.department.display_name)


def certificate_pdf(certificate: Certificate) -> bytes:
    return certificates.render_pdf([certificate_data(certificate)])


def verify_certificate(serial: str) -> certificates.Verification | None:
    """The recognition verifier of ``/c/<serial>/`` (registered at start)."""
    if not serial.startswith(f"{CERTIFICATE_PREFIX}-"):
        return None
    certificate = Certificate.objects.select_related("round", "department").filter(serial=serial).first()
    if certificate is None:
        return None
    data = certificate_data(certificate)
    return certificates.Verification(
        serial=data.serial, holder=data.holder, title=data.title, award=data.award, date=data.date, issuer=data.issuer,
        detail=data.detail, valid=certificate.status == Certificate.Status.VALID, revoked_reason=certificate.revoked_reason,
        revoked_on=timezone.localtime(certificate.revoked_at).date() if certificate.revoked_at else None)


def revoke(certificate: Certificate, *, by, reason: str) -> Certificate:
    return CERTIFICATE.apply(certificate, "revoke", by=by, reason=reason)


# --- When the round becomes final: campaign evidence ---------------------------------------------------------


def final_errors(rnd: Round, today=None) -> list[str]:
    today = today or timezone.localdate()
    if rnd.notice_until and today <= rnd.notice_until:
        return [pgettext("jury", "The public notice runs until %(day)s: the round becomes final after it.") % {
            "day": rnd.notice_until.isoformat()}]
    return []


def on_final(rnd: Round) -> list:
    """The round as evidence of the campaign's 服务明星评选 / 先进评选 activity (carrier ``recognition``) of each
    department that had a nominee on the ballot (nothing without the campaigns app or a matching activity)."""
    errors = final_errors(rnd)
    if errors:
        raise TransitionError(errors)
    from .codes import forget_activity  # codes imports services, which imports the workflows

    forget_activity(rnd)
    forget_stars()
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if record is None:
        return []
    award = award_of(rnd)
    refs = []
    departments = (rnd.nominations.filter(status=Nomination.Status.SUBMITTED).values_list("department_id", flat=True)
                   .order_by("department_id").distinct())
    for department_id in departments:
        refs += record(department_id=department_id, carrier="recognition", source=rnd, title=f"{award[0]}评选：{rnd.title}"[:200],
                       title_en=f"{award[1]}: {rnd.title_en or rnd.title}"[:300], url=winners_url(rnd),
                       occurred_on=timezone.localdate(), public=True)
    return refs


def winners_url(rnd: Round) -> str:
    return reverse("recognition:winners", args=[rnd.code])


# --- Indicator -------------------------------------------------------------------------------------------------


def winners_per_department(department_ids, start, end) -> dict[int, int]:
    rows = (Certificate.objects.filter(department_id__in=department_ids, issued_at__gte=start, issued_at__lt=end)
            .values("department_id").annotate(n=Count("pk", filter=Q(status=Certificate.Status.VALID))).order_by())
    counts = {row["department_id"]: row["n"] for row in rows}
    return {d: counts.get(d, 0) for d in department_ids}
