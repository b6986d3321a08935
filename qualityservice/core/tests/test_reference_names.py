"""The names of the reference data — departments and teams, places, feedback categories, commitments, service
phrases, colleges, checklists — in the reader's language on every staff page, in form choices, exports, PDFs
and the admin, through the one rule of ``core.i18n``: the demo organisation read in English shows no Chinese
name where an English one exists, and read in Chinese still shows the Chinese.

This test looks at the whole platform as it is installed (every app's demo data and page fragments), unlike the
foundation's other tests."""

from __future__ import annotations

import io
import random
import re
from types import SimpleNamespace

import lxml.html
import pypdfium2
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from qualityservice.core.registry import app_modules

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")
# (model, field): every model whose rows name something the pages refer to, and the field with the name.
REFERENCE_NAMES = [
    ("org.Department", "name"), ("org.Place", "name"), ("org.Commitment", "title"), ("org.ServicePhrase", "text"),
    ("org.ServicePhrase", "situation"), ("feedback.Category", "name"), ("members.College", "name"),
    ("inspections.ChecklistTemplate", "name"), ("inspections.ChecklistSection", "title"),
    ("inspections.ChecklistItem", "text"),
]


@pytest.fixture(autouse=True)
def _foundation_only_extensions():
    """Overrides the core tests' fixture of this name: here the other apps' page fragments are rendered too."""


@pytest.fixture
def demo(settings):
    """Every app's demo data (the surveys' rounds of thousands of answers replaced by one small survey)."""
    from qualityservice.org.models import Department, Place
    from qualityservice.surveys.tests.factories import add_responses, make_survey

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo accounts, quickly
    for config, module in app_modules("demo"):
        if config.label != "surveys":
            module.seed(io.StringIO(), random.Random(2026))  # seed(out, rng): out is a writer
    yinshi, wuye = Department.objects.get(code="yinshi"), Department.objects.get(code="wuye")
    canteen = Place.objects.get(name="第一餐厅")
    survey = make_survey(SimpleNamespace(yinshi=yinshi, wuye=wuye), ask_place=True)
    add_responses(survey, 3, place=canteen, text="窗口太少")
    User = get_user_model()
    return SimpleNamespace(supervisor=User.objects.get(username="supervisor"), admin=User.objects.get(username="admin"),
                           yinshi=yinshi, wuye=wuye, canteen=canteen, survey=survey.survey)


def chinese_names() -> dict[str, str]:
    """Chinese name → English name of every reference row that has both."""
    names = {}
    for label, field in REFERENCE_NAMES:
        model = apps.get_model(label)
        for chinese, english in model.objects.exclude(**{f"{field}_en": ""}).values_list(field, f"{field}_en"):
            if chinese:
                names[chinese] = english
    return names


def untranslated(html: str, names: dict[str, str]) -> list[str]:
    """The texts of a page (text nodes, option labels, titles) whose only Chinese is reference names that have an
    English one: a name left in Chinese where the page shows it. Text a person wrote (a complaint mentioning
    “第一餐厅”) has Chinese of its own and is not counted."""
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    doc = lxml.html.fromstring(html)
    for element in doc.xpath("//script|//style|//textarea"):
        element.drop_tree()
    texts = []
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        texts += [element.text, element.tail, element.get("title"), element.get("aria-label"), element.get("alt")]
    return sorted({" ".join(t.split()) for t in texts if t and pattern.search(t) and not CJK.search(pattern.sub("", t))})


def staff_pages(demo) -> list[str]:
    from qualityservice.feedback.models import Feedback
    from qualityservice.inspections.models import ChecklistTemplate, Finding, Inspection
    from qualityservice.org.models import Staff

    item = Feedback.objects.filter(place__isnull=False, category__isnull=False, department=demo.yinshi).first()
    member = Staff.objects.filter(department=demo.wuye, team__isnull=False).first()
    inspection = Inspection.objects.filter(place__isnull=False, status="submitted").first()
    finding = Finding.objects.filter(department=demo.wuye).first()
    template = ChecklistTemplate.objects.get(code="six-checks")
    section = template.sections.order_by("order").first()
    survey = demo.survey.pk
    return [
        reverse("core:workbench"), reverse("feedback:inbox"), f"{reverse('feedback:inbox')}?department={demo.yinshi.pk}",
        reverse("feedback:detail", args=[item.pk]), reverse("feedback:callbacks"), reverse("feedback:hotline"),
        reverse("feedback:department_figures", args=[demo.yinshi.pk]),
        reverse("org:department_list"), reverse("org:department_detail", args=[demo.wuye.pk]), reverse("org:staff_list"),
        reverse("org:staff_detail", args=[member.pk]), reverse("org:staff_edit", args=[member.pk]),
        reverse("org:commitment_list"), reverse("org:commitment_new"), reverse("org:phrase_list"),
        reverse("inspections:list"), reverse("inspections:detail", args=[inspection.pk]), reverse("inspections:new"),
        reverse("inspections:finding_detail", args=[finding.pk]), reverse("inspections:ledger"),
        reverse("inspections:template_list"), reverse("inspections:template_detail", args=[template.pk]),
        reverse("inspections:section_edit", args=[template.pk, section.pk]),
        reverse("inspections:item_new", args=[section.pk]), reverse("inspections:schedule_list"),
        reverse("inspections:dashboard"), reverse("inspections:department", args=[demo.wuye.pk]),
        reverse("inspections:discussion_list"),
        reverse("surveys:list"), reverse("surveys:builder", args=[survey]), reverse("surveys:edit", args=[survey]),
        reverse("surveys:results", args=[survey]), reverse("surveys:index"),
        reverse("members:staff_list"),
    ]


def _read(client, user, language: str, url: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_it_shows_no_chinese_name_on_the_staff_pages_of_an_english_reader_where_an_english_name_exists(client, demo):
    names = chinese_names()
    assert {"饮食服务中心", "保洁一班", "第一餐厅", "您好！", "问候", "饭菜质量", "信息科学与工程学院"} <= set(names)
    left = {url: found for url in staff_pages(demo) if (found := untranslated(_read(client, demo.admin, "en", url), names))}
    assert left == {}
    inbox = _read(client, demo.supervisor, "en", reverse("feedback:inbox"))
    assert "Catering Service Centre" in inbox and "Canteen No. 1" in inbox
    edit = _read(client, demo.admin, "en", staff_pages(demo)[11])
    assert ">Property Management Centre</option>" in edit and ">Cleaning team 1</option>" in edit


def test_it_shows_the_names_in_english_in_the_admin_lists_and_on_the_public_phrases_page(client, demo):
    names = chinese_names()
    for url in ("/admin/org/department/", "/admin/org/place/", "/admin/org/commitment/", "/admin/org/servicephrase/",
                "/admin/inspections/checklisttemplate/", reverse("org:public_phrases")):
        html = _read(client, demo.admin, "en", url)
        assert untranslated(html, names) == [], url
    assert "Halal Canteen" in _read(client, demo.admin, "en", "/admin/org/place/")
    assert "How can I help you?" in _read(client, demo.admin, "en", reverse("org:public_phrases"))


def test_it_still_shows_the_chinese_names_to_a_chinese_reader(client, demo):
    inbox = _read(client, demo.supervisor, "zh-hans", reverse("feedback:inbox"))
    assert "饮食服务中心" in inbox and "第一餐厅" in inbox and "Catering Service Centre" not in inbox
    phrases = _read(client, demo.admin, "zh-hans", reverse("org:phrase_list"))
    assert "请问您需要什么帮助？" in phrases and "问候" in phrases and "How can I help you?" not in phrases
    member = staff_pages(demo)[11]
    edit = _read(client, demo.admin, "zh-hans", member)
    assert ">物业管理中心</option>" in edit and ">保洁一班</option>" in edit
    members = _read(client, demo.admin, "zh-hans", reverse("members:staff_list"))
    assert "信息科学与工程学院" in members and "College of Information Science" not in members


def _sheet(response) -> list[tuple]:
    return _sheet_of(b"".join(response.streaming_content) if response.streaming else response.content)


def _sheet_of(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))


def _column(rows, header) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_it_writes_the_names_and_headers_of_the_exports_in_the_readers_language(client, demo):
    client.force_login(demo.admin)
    client.cookies["django_language"] = "en"
    feedback = _sheet(client.get(reverse("feedback:export")))
    assert "Catering Service Centre" in _column(feedback, "Department")
    assert "Laoshan Campus · Canteen No. 1" in _column(feedback, "Place")
    roster = _sheet(client.get(reverse("org:roster_export")))
    assert {"Property Management Centre"} <= set(_column(roster, "Department")) and "Cleaning team 1" in _column(roster, "Team")
    members = _sheet(client.get(reverse("members:roster_export")))
    assert "College of Information Science and Engineering" in _column(members, "College / unit")
    answers = _sheet(client.get(reverse("surveys:export_raw", args=[demo.survey.pk])))
    assert set(_column(answers, "Place")) == {"Canteen No. 1"}
    names = chinese_names()
    for rows in (feedback, roster, members, answers):
        assert not [cell for row in rows for cell in row if isinstance(cell, str) and cell in names]

    client.cookies["django_language"] = "zh-hans"
    feedback = _sheet(client.get(reverse("feedback:export")))
    assert "饮食服务中心" in _column(feedback, "部门") and "Catering Service Centre" not in _column(feedback, "部门")
    assert set(_column(_sheet(client.get(reverse("surveys:export_raw", args=[demo.survey.pk]))), "场所")) == {"第一餐厅"}


def test_it_reads_back_a_roster_and_a_member_list_exported_in_english(client, demo):
    from qualityservice.members.models import College, Member
    from qualityservice.org.models import Staff

    client.force_login(demo.admin)
    client.cookies["django_language"] = "en"
    roster = b"".join(client.get(reverse("org:roster_export")).streaming_content)
    assert "Cleaning team 1" in _column(_sheet_of(roster), "Team")
    teams_before = dict(Staff.objects.values_list("pk", "team_id"))
    response = client.post(reverse("org:roster_import"), {"file": io.BytesIO(roster)}, follow=True)
    assert response.status_code == 200 and dict(Staff.objects.values_list("pk", "team_id")) == teams_before
    members = b"".join(client.get(reverse("members:roster_export")).streaming_content)
    assert "School of Economics" in _column(_sheet_of(members), "College / unit")
    colleges, assigned = College.objects.count(), dict(Member.objects.values_list("pk", "college_id"))
    client.post(reverse("members:roster_import"), {"file": io.BytesIO(members)})
    assert College.objects.count() == colleges and dict(Member.objects.values_list("pk", "college_id")) == assigned


def _pdf_text(response) -> str:
    pdf = pypdfium2.PdfDocument(response.content)
    return " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))


def test_it_prints_the_department_on_the_badges_in_the_readers_language(client, demo):
    from qualityservice.org.models import Department

    kindergarten = Department.objects.get(code="youeryuan")  # a small department: two pages of badges
    client.force_login(demo.admin)
    client.cookies["django_language"] = "en"
    text = _pdf_text(client.get(reverse("org:badge_sheet", args=[kindergarten.pk])))
    assert "Department: Kindergarten" in text and "OUC Logistics Group" in text and "幼儿园" not in text
    client.cookies["django_language"] = "zh-hans"
    assert "幼儿园" in _pdf_text(client.get(reverse("org:badge_sheet", args=[kindergarten.pk])))


def test_it_names_the_department_of_a_notification_in_the_language_it_is_written_in(demo):
    from qualityservice.core.models import Notification
    from qualityservice.inspections.models import Finding
    from qualityservice.inspections.services import escalate_overdue_rectifications

    finding = Finding.objects.filter(department=demo.wuye, status__in=Finding.OPEN_STATES).first()
    Finding.objects.filter(pk=finding.pk).update(escalated_at=None, deadline="2020-01-01")
    Finding.objects.exclude(pk=finding.pk).update(escalated_at="2020-01-01T00:00Z")
    with translation.override("en"):
        assert escalate_overdue_rectifications() == 1
    assert Notification.objects.order_by("-pk").first().payload["subject"] == "Overdue rectification: Property Management Centre"
