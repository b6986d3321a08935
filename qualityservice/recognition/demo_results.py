"""Demo data of the second half of a round (called by ``demo.seed``): the 2010 service-star round, closed — its
nominations (the 2010 round's own when the nominations demo made them, else two per centre), ballots cast with
single-use codes, a rubric and a jury of three who scored and confirmed, the results in notice, then final, and the
winners' certificates. Idempotent: a round that is already final is left as it is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import codes, jury, results, services
from .models import Nomination, Round
from .results_models import JuryFlag

STORIES = [
    "坚持每天提前半小时到岗，主动为师生提供延时服务，全年零投诉。",
    "牵头整理窗口服务指南，把报修流程从五步减为两步。",
    "暴雨夜连续值守十个小时，及时疏通宿舍区排水。",
    "熟记常来就餐老教师的口味，主动提供软食和小份菜。",
]
CRITERIA = (("attitude", "服务态度", "Service attitude", Decimal(4)), ("skill", "业务技能", "Skills", Decimal(3)),
            ("deeds", "事迹影响", "Impact of the story", Decimal(3)))


def _round_2010(supervisor) -> Round:
    found = Round.objects.filter(kind=Round.Kind.SERVICE_STAR, period_start__year=2010).order_by("pk").first()
    if found is not None:
        return found
    rnd, _created = services.create_round(
        key="demo-2010-service-stars", by=supervisor, kind=Round.Kind.SERVICE_STAR, title="2010年度“服务明星”评选",
        title_en="Service stars 2010", period_start=dt.date(2010, 1, 1), period_end=dt.date(2010, 12, 31), winners=3,
        vote_opens=dt.date(2010, 11, 15), vote_closes=dt.date(2010, 11, 25), notice_until=dt.date(2010, 12, 10),
        choices_per_ballot=3, vote_weight=30, jury_weight=70)
    return rnd


def _nominations(rnd: Round, supervisor) -> list[Nomination]:
    if rnd.status == Round.Status.DRAFT:
        services.move_round(rnd, "open_nominations", by=supervisor)
    existing = list(rnd.nominations.filter(status=Nomination.Status.SUBMITTED).order_by("pk"))
    if existing or rnd.status != Round.Status.NOMINATING:
        return existing
    made = []
    n = 0
    for department in Department.objects.centres().order_by("pk"):
        for staff in Staff.objects.filter(department=department, is_active=True).order_by("pk")[:2]:
            nomination, created = services.create_nomination(key=f"demo-2010-star-{department.code}-{staff.pk}", by=supervisor,
                                                             department=department, title=staff.name)
            if created:
                Nomination.objects.filter(pk=nomination.pk).update(round=rnd, staff=staff, story=STORIES[n % len(STORIES)])
                services.move(nomination, "submit", by=supervisor)
            made.append(nomination)
            n += 1
    return made


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    if supervisor is None:
        return
    rnd = _round_2010(supervisor)
    if rnd.status in (Round.Status.FINAL,):
        out.write("recognition: the 2010 service-star round is final")
        return
    nominations = _nominations(rnd, supervisor)
    rnd.refresh_from_db()
    if len(nominations) < 2:
        return
    if rnd.status == Round.Status.NOMINATING:
        services.move_round(rnd, "review", by=supervisor)
    rubric = jury.rubric_of(rnd)
    if not rubric.criteria.exists():
        for i, (code, name, name_en, weight) in enumerate(CRITERIA):
            jury.save_criterion(rnd, code=code, name=name, name_en=name_en, weight=weight, min_score=Decimal(0),
                                max_score=Decimal(10), step=Decimal("0.5"), order=i)
    judges = list(get_user_model().objects.filter(Q(staff__role=Role.JUDGE) | Q(staff__role=Role.SUPERVISOR), staff__is_active=True)
                  .order_by("pk")[:3])
    members = [jury.appoint(rnd, user, by=supervisor) for user in judges]
    if rnd.status == Round.Status.REVIEWING:
        services.move_round(rnd, "open_vote", by=supervisor)
    rnd.refresh_from_db()
    if rnd.status == Round.Status.VOTING:
        batch, _created = codes.generate_batch(rnd, label="2010年师生代表", size=240, by=supervisor, key="demo-2010-star-codes")
        favourites = list(services.ballot_nominations(rnd).order_by("pk").values_list("pk", flat=True))  # not the vetoed
        if not favourites:
            return
        day = rnd.vote_opens or dt.date(2010, 11, 20)  # a day of the round's own vote
        for i, code in enumerate(batch.codes.filter(used=False).values_list("code", flat=True)[:200]):
            choice = rng.sample(favourites[: max(3, len(favourites) // 2)] if i % 3 else favourites, min(3, len(favourites)))
            codes.cast_with_code(rnd, code, choice[: rng.randint(1, 3)], today=day)
        services.move_round(rnd, "close_vote", by=supervisor)
        rnd.refresh_from_db()
    if rnd.status == Round.Status.JUDGING:
        for member in members:
            sheet = member.sheet
            if sheet.status != "draft":
                continue
            data = {}
            for nomination in jury.sheet_nominations(sheet):
                base = rng.choice([6, 7, 7.5, 8, 8.5, 9])
                for code, *_rest in CRITERIA:
                    data[jury.field_name(nomination.pk, code)] = str(min(10, base + rng.choice([0, 0.5, -0.5])))
            jury.save_scores(sheet, data, by=member.user)
            jury.confirm(sheet, by=member.user)
        # The judges' bases differ per nominee: a score far from the panel is flagged; the supervisor clears it.
        for flag in JuryFlag.objects.filter(round=rnd, status=JuryFlag.Status.OPEN):
            jury.clear_flag(flag, "accept", by=supervisor, reason="评审组复核：差异来自评委对事迹材料的不同侧重，评分有据。")
        services.move_round(rnd, "publish", by=supervisor)
        rnd.refresh_from_db()
    if rnd.status == Round.Status.NOTICE:
        services.move_round(rnd, "finalise", by=supervisor)
        rnd.refresh_from_db()
    made = results.issue_certificates(rnd, by=supervisor)
    out.write(f"recognition: the 2010 service-star round is final, {len(made)} certificates")
