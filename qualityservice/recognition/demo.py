"""Demo data (``manage.py seed_demo``, after org's): a few nominations per centre, some moved on through the
workflow with their timeline. Idempotent: each demo nomination has a fixed submission key, so a second run
finds them and adds nothing."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import demo_results, services
from .models import Round
from .workflows import ELIGIBILITY, NOMINATION, ROUND

TITLES = [
    ("更新窗口服务指南", "Update the counter service guide"),
    ("整理服务承诺公示栏", "Tidy the commitments notice board"),
    ("开展文明用语培训", "Hold a courteous-language training"),
    ("检查消防通道", "Check the fire escapes"),
    ("回访报修师生", "Call back the people who reported repairs"),
    ("修订岗位职责说明", "Revise the job descriptions"),
]
PER_DEPARTMENT = 3


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    made = 0
    for department in Department.objects.centres():
        for n, (title, title_en) in enumerate(rng.sample(TITLES, PER_DEPARTMENT)):
            author = heads.get(department.pk, supervisor)
            nomination, created = services.create_nomination(key=f"demo-{department.code}-{n}", by=author, department=department,
                                                 title=title, title_en=title_en)
            if not created:
                continue
            made += 1
            if n >= 1:  # the first stays a draft, the others are submitted, the last one closed
                NOMINATION.apply(nomination, "submit", by=author, system=True, notify_supervisors=False)
            if n >= 2:
                NOMINATION.apply(nomination, "close", by=supervisor, system=True)
    out.write(f"recognition: {made} demo nominations")
    seed_open_rounds(out, rng, supervisor, heads)
    seed_2010_round(out, supervisor, heads)
    demo_results.seed(out, rng)  # the closed 2010 service-star round: jury, winners, certificates


# --- Rounds: an open service-star round and an open advanced-collective round of this year, and the
# nominations of the 2010 service-star round (its vote, jury, results and certificates come with those stages).

STORIES = [
    ("<p>扎根一线十余年，坚持“首问负责”，每天提前半小时到岗检查设施。</p><ul><li>全年零投诉</li><li>多次拾金不昧</li></ul>",
     "服务之星：{name}", "Service star: {name}"),
    ("<p>主动学习新设备操作，带教新员工，疫情期间连续值守。</p><p>师生评价“像家人一样贴心”。</p>",
     "服务之星：{name}", "Service star: {name}"),
    ("<p>对待师生热情周到，耐心解答咨询，推动窗口服务流程优化。</p>",
     "服务之星：{name}", "Service star: {name}"),
]
COLLECTIVE_STORY = ("<h3>团结协作的班组</h3><p>承担最繁重的保洁任务，连续三年检查合格率100%，"
                    "开展“微笑服务”活动，收到师生表扬信多封。</p>")


def _photo():
    """A small portrait placeholder, through the platform's image sanitiser like an upload."""
    from PIL import Image

    from qualityservice.core.images import sanitize_image

    buf = io.BytesIO()
    Image.new("RGB", (120, 160), (70, 130, 180)).save(buf, format="JPEG")
    return sanitize_image(buf.getvalue(), "portrait.jpg")


def _round(key, supervisor, **fields) -> tuple[Round, bool]:
    return services.create_round(key=key, by=supervisor, **fields)


def _nominees(centres, per_centre: int):
    """Staff members of each centre, deterministic (badge order), the head left out."""
    out = []
    for department in centres:
        people = list(Staff.objects.filter(department=department, is_active=True).exclude(role=Role.HEAD).order_by("badge_number")[:per_centre])
        out.extend((department, person) for person in people)
    return out


def seed_open_rounds(out, rng, supervisor, heads) -> None:
    year = timezone.localdate().year
    centres = [d for d in Department.objects.centres() if d.staff_members.exists()][:4]
    if supervisor is None or not centres:
        return
    quotas = {str(d.pk): 3 for d in centres}
    star, created = _round("demo-recognition-star-open", supervisor, kind=Round.Kind.SERVICE_STAR, title=f"{year}年度服务明星评选",
                           title_en=f"{year} Service stars", period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
                           winners=10, quotas=quotas, nominations_until=dt.date(year, 12, 10), vote_opens=dt.date(year, 12, 15),
                           vote_closes=dt.date(year, 12, 22), notice_until=dt.date(year, 12, 31), choices_per_ballot=3)
    if created:
        ROUND.apply(star, "open_nominations", by=supervisor, system=True)
    made = 0
    for n, (department, person) in enumerate(_nominees(centres, 2)):
        story, title, title_en = STORIES[n % len(STORIES)]
        author = heads.get(department.pk, supervisor)
        nomination, created = services.create_nomination(
            key=f"demo-star-{department.code}-{person.badge_number}", by=author, department=department, round=star, staff=person,
            title=title.format(name=person.name), title_en=title_en.format(name=person.name), story=story,
            photo=_photo() if n < 2 else None)
        if created:
            made += 1
            if n % 3 != 2:  # most are submitted (their facts read from live data), a few stay drafts
                NOMINATION.apply(nomination, "submit", by=author, system=True, notify_supervisors=False)
    collective, created = _round("demo-recognition-collective-open", supervisor, kind=Round.Kind.COLLECTIVE,
                                 title=f"{year}年度先进集体评选", title_en=f"{year} Advanced collectives",
                                 period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), winners=3,
                                 quotas={str(d.pk): 1 for d in centres}, nominations_until=dt.date(year, 12, 10),
                                 choices_per_ballot=2)
    if created:
        ROUND.apply(collective, "open_nominations", by=supervisor, system=True)
    team = Department.objects.filter(kind=Department.Kind.TEAM, parent__in=centres, is_active=True).order_by("parent__sort_order", "pk").first()
    if team is not None:
        author = heads.get(team.parent_id, supervisor)
        nomination, created = services.create_nomination(
            key=f"demo-collective-{team.code}", by=author, department=team.parent, round=collective, collective=team,
            title=f"先进集体：{team.name}", title_en=f"Advanced collective: {team.name_en or team.name}", story=COLLECTIVE_STORY)
        if created:
            made += 1
            NOMINATION.apply(nomination, "submit", by=author, system=True, notify_supervisors=False)
    out.write(f"recognition: {made} nominations in the open rounds")


def seed_2010_round(out, supervisor, heads) -> Round | None:
    """The 2010 service-star round with its nominations, submitted and found eligible, in its eligibility review
    (fixed key ``demo-recognition-star-2010``): the vote, the jury, the results and the certificates follow."""
    centres = [d for d in Department.objects.centres() if d.staff_members.exists()][:4]
    if supervisor is None or not centres:
        return None
    rnd, created = _round("demo-recognition-star-2010", supervisor, kind=Round.Kind.SERVICE_STAR, title="2010年度服务明星评选",
                          title_en="2010 Service stars", period_start=dt.date(2010, 1, 1), period_end=dt.date(2010, 12, 31),
                          winners=3, quotas={str(d.pk): 2 for d in centres}, nominations_until=dt.date(2010, 11, 30),
                          vote_opens=dt.date(2010, 12, 6), vote_closes=dt.date(2010, 12, 13), notice_until=dt.date(2010, 12, 24),
                          choices_per_ballot=3)
    if not created:
        return rnd
    ROUND.apply(rnd, "open_nominations", by=supervisor, system=True)
    nominations = []
    for n, (department, person) in enumerate(_nominees(centres, 2)):
        story, title, title_en = STORIES[n % len(STORIES)]
        author = heads.get(department.pk, supervisor)
        nomination, _created = services.create_nomination(
            key=f"demo-star-2010-{department.code}-{person.badge_number}", by=author, department=department, round=rnd,
            staff=person, title=title.format(name=person.name), title_en=title_en.format(name=person.name), story=story)
        nominations.append(NOMINATION.apply(nomination, "submit", by=author, system=True, notify_supervisors=False))
    ROUND.apply(rnd, "review", by=supervisor, system=True)
    for nomination in nominations:
        ELIGIBILITY.apply(nomination, "confirm", by=supervisor, system=True)
    out.write(f"recognition: the 2010 service-star round with {len(nominations)} nominations")
    return rnd
