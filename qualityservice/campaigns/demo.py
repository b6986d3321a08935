"""Demo data (``manage.py seed_demo``, after org's): the seed plan's campaign — 2010 优质服务年 with the ten
activities of 三 as its menu (the plan's text as descriptions) — adopted, planned, reported and closed; the menu
as a reusable template; and the current year's campaign copied from the template, launched, with plans, reports
with photos, participants and the private attributes of the staff. Idempotent: fixed submission keys, so a
second run finds everything and adds nothing."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from qualityservice.core.images import sanitize_image
from qualityservice.core.roles import Role
from qualityservice.core.submissions import scoped
from qualityservice.org.models import Department, Staff

from . import services
from .models import Campaign, DepartmentActivity, StaffAffiliation
from .uploads import CleanFile
from .workflows import ACTIVITY, CAMPAIGN

GUIDING = ("坚持以邓小平理论和“三个代表”重要思想为指导，深入学习实践科学发展观，以“三服务、两育人”为宗旨，紧紧围绕后勤服务中心工作，"
           "通过开展一系列的优质服务活动，增强后勤员工的服务意识，提高后勤服务的管理水平，加强后勤集团与广大师生员工之间的沟通与理解，"
           "使后勤全体员工进一步转变服务理念，改进服务质量，提升队伍素质，提高服务效益，以良好的企业形象为保障学校事业又好又快发展贡献力量。")
GUIDING_EN = ("Serve teaching, research and students' lives; raise the staff's awareness of service and the quality of management "
              "through a series of quality-service activities, and strengthen the understanding between the logistics group and "
              "the teachers and students.")
SLOGANS = "服务永远第一\n师生为本，服务至上\n优质服务我应该做什么"
SLOGANS_EN = "Service always comes first\nTeachers and students first, service above all\nWhat should I do for quality service?"

# code, title, English title, the plan's text, kind, required for (department codes; empty: all), carriers
MENU = [
    ("三(一)", "加强作风建设，规范服务", "Conduct and courteous service",
     "加强作风建设，规范服务，提高服务质量。提升后勤服务形象，开展文明服务活动，推广文明用语，杜绝服务忌语，创造整洁有序的服务环境，"
     "推行服务承诺。根据各部门实际情况，全体员工应实行挂牌上岗，接受广大师生的监督。", "required", [], []),
    ("三(二)", "服务质量自查自改（六查六看、大讨论）", "Self-inspection and self-correction (six checks, discussion)",
     "开展“优质服务年”服务质量自查自改工作。自查自改这项工作要贯穿“优质服务年”的全过程。要进一步完善规范操作程序，建立自查、回访机制，"
     "部分部门（如物业、饮食等）要设立专门的服务与投诉电话，通过管理制度创新和职责“再细化”，实现内部管理与优质服务有效结合。\n"
     "1．以“优质服务我应该做什么”为主题组织开展大讨论。\n"
     "2．各部门开展“六查六看”工作：一查服务技能，看是否满足岗位的要求；二查服务态度，看是否有态度冷漠、推诿现象；三查服务环境，"
     "看是否有工作环境脏乱差现象；四查工作流程，看是否能方便师生；五查仪容仪表，看是否有仪表不整洁情况；六查工作用语，"
     "看是否有不文明、不礼貌用语及服务忌语。找出问题，集体讨论后制定整改措施，并及时整改落实。\n"
     "3．强化监督和内部约束机制：调查走访，对外公布服务投诉电话，发放满意度调查表，及时找出存在问题并进行整改。",
     "required", [], ["inspections", "standards", "feedback"]),
    ("三(三)", "走进后勤、增进了解", "Open days: get to know the logistics group",
     "组织师生代表参观后勤设施与工作场景；进一步加强与学生处、团委和学生会的沟通和联系，联系学生会等自律组织亲身参与体验后勤服务工作"
     "或联合开展活动；积极开展接待日和座谈会等活动。", "optional", [], ["events"]),
    ("三(四)", "岗位大比武", "Skills competition",
     "开展岗位大比武活动，提高服务技能，提升后勤服务质量和水平。", "optional", [], ["competitions", "training"]),
    ("三(五)", "服务明星评选", "Service stars",
     "开展服务明星评选。对于爱岗敬业、勇于奉献和工作扎实并能严格执行操作规程的优秀专业技术人员和管理人员，给予表彰；"
     "并通过网站等媒体进行宣传，达到鼓励典型调动广大职工积极性的效果。", "optional", [], ["recognition"]),
    ("三(六)", "“金点子”奖", "Golden ideas award",
     "设立“金点子”奖，在后勤服务过程中，重视细节管理，鼓励员工在加强管理、改进服务和节能降耗方面提出好的建议。",
     "optional", [], ["ideas"]),
    ("三(七)", "优质服务年经验交流会", "Experience exchange conference",
     "举办集团优质服务年经验交流会，时间为9月（暂定）。", "optional", [], ["events"]),
    ("三(八)", "问卷调查", "Satisfaction survey",
     "开展问卷调查活动，通过问卷调查这一举措，增进后勤与师生之间的了解，收集师生提出的宝贵意见和建议。",
     "required", ["yinshi", "wuye", "gongyu"], ["surveys"]),
    ("三(九)", "其他有助于推进优质服务的活动", "Other activities that further quality service",
     "开展其他有助于推进后勤优质服务的活动。", "optional", [], []),
    ("三(十)", "评选先进集体和个人、总结表彰大会", "Awards and the closing commendation meeting",
     "评选“优质服务年”活动先进集体和个人，召开“优质服务年”活动经验总结及表彰大会，时间12月。", "optional", [], ["recognition", "events"]),
]
MILESTONES = [(9, 15, "经验交流会", "Experience exchange conference"), (12, 20, "经验总结及表彰大会", "Closing and commendation meeting")]
TEMPLATE_NAME = "优质服务年活动菜单（模板）"

REPORT_NOTES = {
    "三(一)": ["全体员工佩戴工号牌上岗，服务承诺在窗口公示", "组织文明用语培训，张贴服务忌语提示"],
    "三(二)": ["召开“优质服务我应该做什么”大讨论，班组长以上人员发言", "完成六查六看自查，整改楼道卫生和窗口用语问题"],
    "三(三)": ["组织学生代表参观后厨和库房，听取意见", "与学生会联合举办接待日"],
    "三(四)": ["举办岗位技能比武初赛，评出前三名"],
    "三(五)": ["推荐服务明星候选人三名，事迹在网站宣传"],
    "三(六)": ["收集金点子建议十二条，两条已采纳实施"],
    "三(八)": ["发放并回收满意度调查表，汇总师生意见"],
}


def _photo(rng, name: str) -> CleanFile:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (rng.randint(40, 200), rng.randint(80, 200), rng.randint(40, 160))).save(buf, format="JPEG")
    image = sanitize_image(buf.getvalue(), name)
    return CleanFile(name=image.name, content=image.content, is_image=True)


def _actors():
    User = get_user_model()
    supervisor = User.objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    return supervisor, heads


def _menu(campaign: Campaign, supervisor, centres: dict[str, Department]) -> None:
    for n, (code, title, title_en, text, kind, required_for, carriers) in enumerate(MENU):
        services.add_menu_item(campaign, key=f"demo-menu-{campaign.year}-{n}", by=supervisor, code=code, title=title, title_en=title_en,
                               description=text, kind=kind, carriers=carriers, sort_order=(n + 1) * 10,
                               required_for=[centres[c] for c in required_for if c in centres])


def _plan(activity, rng, *, starts: dt.date, ends: dt.date, milestones: list[dt.date], owner_pool, signature: bool = False,
          today: dt.date | None = None) -> None:
    number = rng.choice([None, 2, 3, 4])
    services.save_plan(
        activity, milestones=[(d, f"第{i + 1}阶段完成") for i, d in enumerate(sorted(milestones))],
        owner=rng.choice(owner_pool) if owner_pool else None, starts_on=starts, ends_on=ends, description="",
        target_text=f"{number} 次活动" if number else "覆盖全体员工", target_number=number, is_signature=signature, today=today,
        **({"title": activity.title, "title_en": activity.title_en} if activity.is_own else {}))


def _span(rng, year: int, start_month: int, months: int, n: int) -> tuple[dt.date, dt.date, list[dt.date]]:
    starts = dt.date(year, start_month, rng.randint(1, 20))
    ends = dt.date(year, min(12, start_month + months), 28)
    span = (ends - starts).days
    return starts, ends, sorted({starts + dt.timedelta(days=max(1, span * (i + 1) // (n + 1))) for i in range(n)})


def _report(activity, rng, n: int, day: dt.date, by, staff, *, photo: bool, key: str) -> None:
    notes = REPORT_NOTES.get(activity.code) or ["按计划推进，完成阶段任务"]
    open_milestones = [m for m in activity.milestones.filter(done_on__isnull=True) if m.due_on <= day]
    services.create_report(
        activity, key=key, by=by, reported_on=day, note=notes[n % len(notes)], participants=rng.sample(staff, min(len(staff), rng.randint(3, 8))),
        reached=open_milestones, files=[_photo(rng, f"{activity.department.code}-{n}.jpg")] if photo else [], today=day)


def seed_2010(out, rng, centres, supervisor, heads) -> Campaign | None:
    campaign, created = services.create_campaign(
        key="demo-campaign-2010", by=supervisor, name="优质服务年", name_en="Quality Service Year", year=2010,
        theme="增强服务意识，提高服务质量", theme_en="More service-minded, better service", guiding_text=GUIDING, guiding_text_en=GUIDING_EN,
        starts_on=dt.date(2010, 3, 1), ends_on=dt.date(2010, 12, 31), slogans=SLOGANS, slogans_en=SLOGANS_EN, signature_limit=2,
        milestones=[(dt.date(2010, m, d), t, e) for m, d, t, e in MILESTONES])
    if not created:
        return None
    _menu(campaign, supervisor, centres)
    CAMPAIGN.apply(campaign, "launch", by=supervisor, system=True)
    menu = {item.code: item for item in campaign.menu.all()}
    for d_index, department in enumerate(centres.values()):
        by = heads.get(department.pk, supervisor)
        staff = list(Staff.objects.filter(department=department, is_active=True)[:30])
        for code in rng.sample(["三(三)", "三(四)", "三(五)", "三(六)"], 2):
            services.adopt(campaign, menu[code], department, key=f"demo-2010-{department.code}-{code}", by=by)
        for a_index, activity in enumerate(DepartmentActivity.objects.filter(campaign=campaign, department=department).select_related("menu_item", "campaign")):
            starts, ends, dates = _span(rng, 2010, rng.randint(3, 6), rng.randint(3, 5), 2)
            _plan(activity, rng, starts=starts, ends=ends, milestones=dates, owner_pool=staff, signature=a_index == 0,
                  today=dt.date(2010, 3, 1))
            activity.refresh_from_db()
            for n in range(2):
                day = activity.starts_on + dt.timedelta(days=20 + 30 * n)
                _report(activity, rng, n, min(day, activity.ends_on), by, staff, photo=False, key=f"demo-2010-r-{activity.pk}-{n}")
            # The plan's year ended long ago: most were done, on time or a little late; a few never were.
            if (d_index + a_index) % 5 != 4:
                late = dt.timedelta(days=rng.choice([0, 0, 0, 12]))
                ACTIVITY.apply(activity, "complete", by=by, system=True, summary="按计划完成，形成总结材料并归档。",
                               done_on=min(activity.ends_on + late, campaign.ends_on))
    CAMPAIGN.apply(campaign, "close", by=supervisor, system=True)
    return campaign


def seed_current(out, rng, template, centres, supervisor, heads, year: int) -> Campaign | None:
    campaign, created = services.copy_campaign(template, key=f"demo-campaign-{year}", by=supervisor, year=year,
                                               name="优质服务年", name_en="Quality Service Year")
    if not created:
        return None
    CAMPAIGN.apply(campaign, "launch", by=supervisor, system=True)
    menu = {item.code: item for item in campaign.menu.all()}
    today = timezone.localdate()
    for d_index, department in enumerate(centres.values()):
        by = heads.get(department.pk, supervisor)
        staff = list(Staff.objects.filter(department=department, is_active=True)[:30])
        for code in rng.sample(["三(三)", "三(四)", "三(五)", "三(六)", "三(九)"], 2 + d_index % 2):
            services.adopt(campaign, menu[code], department, key=f"demo-{year}-{department.code}-{code}", by=by)
        if d_index % 3 == 0:
            services.add_own_activity(
                campaign, department, key=f"demo-{year}-{department.code}-own", by=by, title="师生开放日暨服务体验活动",
                title_en="Open day and service experience", starts_on=dt.date(year, 4, 10), ends_on=dt.date(year, 10, 30),
                target_text="2 次开放日", target_number=2, owner=staff[0] if staff else None,
                milestones=[(dt.date(year, 5, 20), "第一次开放日"), (dt.date(year, 10, 15), "第二次开放日")])
        activities = list(DepartmentActivity.objects.filter(campaign=campaign, department=department).select_related("menu_item", "campaign"))
        for a_index, activity in enumerate(activities):
            # Departments keep up unevenly (the board shows who): most activities are done by December, some run
            # on into the last weeks, some fell behind (an end date or a milestone passed, nothing reported since).
            fate = ("done", "done", "done", "running", "behind")[(d_index + a_index) % 5]
            if fate == "running":
                starts, ends, dates = dt.date(year, 5, 1), dt.date(year, 12, 25), [today - dt.timedelta(days=20), today + dt.timedelta(days=5)]
            else:
                starts, ends, dates = _span(rng, year, rng.randint(3, 5), rng.randint(3, 6), rng.randint(1, 2))
            if activity.menu_item_id or fate == "running":  # the department's first activity is its signature activity
                _plan(activity, rng, starts=starts, ends=ends, milestones=dates, owner_pool=staff, signature=a_index == 0,
                      today=dt.date(year, 3, 1))
            activity.refresh_from_db()
            days = [activity.starts_on + dt.timedelta(days=15)]
            if fate != "behind":
                days += [m.due_on for m in activity.milestones.all() if m.due_on <= today]
            for n, day in enumerate(sorted(set(days))):
                _report(activity, rng, n, min(day, today), by, staff, photo=n == 0, key=f"demo-{year}-r-{activity.pk}-{n}")
            activity.refresh_from_db()
            if fate == "done" and not activity.is_closed:
                ACTIVITY.apply(activity, "complete", by=by, system=True, summary="活动按计划完成，佐证材料已上传。",
                               done_on=min(activity.ends_on - dt.timedelta(days=rng.choice([3, 3, 0, -10])), today))
    services.refresh_statuses(today)
    return campaign


def seed(out, rng) -> None:
    supervisor, heads = _actors()
    centres = {d.code: d for d in Department.objects.centres()}
    if not centres:
        return
    seed_2010(out, rng, centres, supervisor, heads)
    plan = Campaign.objects.get(submission_key=scoped("campaign", "demo-campaign-2010"))
    template, _created = services.copy_campaign(plan, key="demo-menu-template", by=supervisor, year=2010, name=TEMPLATE_NAME,
                                                name_en="Quality Service Year: activity menu (template)", template=True)
    year = timezone.localdate().year
    if year != 2010:
        seed_current(out, rng, template, centres, supervisor, heads, year)
    made = 0
    for staff in Staff.objects.filter(is_active=True, department__in=centres.values()).order_by("pk"):
        party, league = rng.random() < 0.22, rng.random() < 0.1
        _row, created = StaffAffiliation.objects.get_or_create(staff=staff, defaults={
            "party_member": party, "league_member": league and not party, "union_member": rng.random() < 0.85,
            "cadre": staff.role in (Role.HEAD, Role.SUPERVISOR) or rng.random() < 0.05})
        made += created
    out.write(f"campaigns: the 2010 plan's campaign, its menu template and the {year} campaign; {made} staff attributes")
