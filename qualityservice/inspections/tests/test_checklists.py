"""Checklist templates maintained by the supervisor; schedules; translations."""

import pathlib

import polib
import pytest
from django.urls import reverse

from qualityservice.inspections.models import ChecklistItem, ChecklistTemplate, InspectionSchedule

from .helpers import six_checks

pytestmark = pytest.mark.django_db


def test_it_lets_only_the_supervisor_maintain_checklists(client, org):
    template = six_checks()
    urls = [reverse("inspections:template_list"), template.get_absolute_url()]
    for user in (org.head_wuye, org.staff_wuye):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
    client.force_login(org.supervisor)
    body = client.get(template.get_absolute_url()).content.decode()
    assert "无推诿" in body and "否决项" in body


def test_it_adds_a_section_and_an_item_with_failure_rules(client, org):
    client.force_login(org.supervisor)
    client.post(reverse("inspections:template_new"), {"code": "canteen-night", "name": "夜宵检查表", "pass_mark": "85", "is_active": "on"})
    template = ChecklistTemplate.objects.get(code="canteen-night")
    client.post(reverse("inspections:section_new", args=[template.pk]), {"title": "环境", "dimension": "environment", "weight": "2", "order": 1})
    section = template.sections.get()
    client.post(reverse("inspections:item_new", args=[section.pk]), {
        "text": "餐桌清洁", "answer_type": "score", "max_score": 5, "weight": "1", "photo_on_fail": "on", "is_critical": "on", "order": 1})
    item = ChecklistItem.objects.get(section=section)
    assert item.is_scored and item.max_score == 5 and item.photo_on_fail and item.is_critical and not item.note_on_fail
    response = client.post(reverse("inspections:item_new", args=[section.pk]), {"text": "x", "answer_type": "score", "max_score": 5,
                                                                                 "weight": "0", "order": 1})
    assert response.status_code == 200 and section.items.count() == 1


def test_it_lets_a_head_schedule_self_checks_of_their_department_only(client, org):
    client.force_login(org.head_wuye)
    data = {"title": "月度自查", "kind": "self", "template": six_checks().pk, "department": org.wuye.pk, "recurrence": "monthly",
            "start_date": "2026-11-01", "is_active": "on"}
    assert client.post(reverse("inspections:schedule_new"), {**data, "department": org.yinshi.pk}).status_code == 200
    assert client.post(reverse("inspections:schedule_new"), {**data, "kind": "spot"}).status_code == 200
    assert client.post(reverse("inspections:schedule_new"), data).status_code == 302
    schedule = InspectionSchedule.objects.get()
    assert schedule.inspections.exists()
    assert "月度自查" in client.get(reverse("inspections:schedule_list")).content.decode()
    client.force_login(org.head_yinshi)
    assert client.get(reverse("inspections:schedule_edit", args=[schedule.pk])).status_code == 404


def test_it_ships_a_complete_chinese_catalogue():
    po = polib.pofile(str(pathlib.Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]


def test_it_reinstalls_missing_seeded_templates_with_the_command_only_once():
    from io import StringIO

    from django.core.management import call_command

    ChecklistTemplate.objects.filter(code="dormitory").delete()
    out = StringIO()
    call_command("seed_checklists", stdout=out)
    call_command("seed_checklists", stdout=out)
    assert ChecklistTemplate.objects.filter(code="dormitory").count() == 1
    assert "created: 1" in out.getvalue() and "created: 0" in out.getvalue()


def test_it_creates_one_section_from_a_double_submitted_form(client, org):
    client.force_login(org.supervisor)
    template = six_checks()
    data = {"title": "七查安全", "dimension": "other", "weight": "1", "order": 7}
    client.post(reverse("inspections:section_new", args=[template.pk]), data)
    client.post(reverse("inspections:section_new", args=[template.pk]), data)
    assert template.sections.filter(title="七查安全").count() == 1


def test_it_shows_our_translations_and_not_those_of_an_app_listed_earlier():
    from django.utils import translation

    po = polib.pofile(str(pathlib.Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    shadowed = []
    with translation.override("zh-hans"):
        for entry in po.translated_entries():
            got = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)
            if got != entry.msgstr:
                shadowed.append((entry.msgid, entry.msgstr, got))
    assert shadowed == []
