"""Checklists in two languages: the shipped templates have English text (new installs and, by migration,
existing ones), the template editor takes it, and every page, the PDF report and the Excel ledger show it
to an English reader (the Chinese when a text has no English). A finding copies its problem at submission
in both languages."""

import io

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from qualityservice.core.i18n import pick
from qualityservice.inspections import checklists, services
from qualityservice.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate, Finding, Kind

from .helpers import answer_all, items_of, make_inspection, six_checks

pytestmark = pytest.mark.django_db

SHIPPED = ("six-checks", "kitchen-hygiene", "dormitory")


def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _assert_english_everywhere(codes=SHIPPED):
    for template in ChecklistTemplate.objects.filter(code__in=codes):
        assert template.name_en and template.description_en, template.code
        for section in template.sections.all():
            assert section.title_en, section.title
            for item in section.items.all():
                assert item.text_en, item.text
                assert bool(item.guidance_en) == bool(item.guidance), item.text


def _submitted_with_one_failure(org, *, inspector=None, template=None, note="地面有积水"):
    inspector = inspector or org.supervisor
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=inspector, template=template, title="物业抽查")
    failing = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, inspector, fail={failing.pk})
    inspection.answers.filter(item=failing).update(note=note)
    services.submit_inspection(inspection, inspector)
    return inspection, failing, Finding.objects.get(inspection=inspection)


def test_it_gives_every_section_and_item_of_the_shipped_checklists_english_text_after_the_migrations(org):
    assert ChecklistItem.objects.filter(section__template__code="six-checks").count() == 21
    _assert_english_everywhere()
    template = ChecklistTemplate.objects.get(code="six-checks")
    assert template.name_en == "“Six checks, six looks” service quality self-check"
    assert template.sections.get(order=1).title_en == "1. Service skills: do they meet the requirements of the post?"


def test_it_installs_the_english_text_with_the_checklists_on_a_new_install(org):
    ChecklistTemplate.objects.filter(code__in=SHIPPED).delete()
    assert checklists.install(ChecklistTemplate, ChecklistSection, ChecklistItem) == 3
    _assert_english_everywhere()


def test_it_translates_installed_checklists_and_keeps_english_a_supervisor_wrote(org):
    template = six_checks()
    ChecklistItem.objects.filter(section__template=template).update(text_en="", guidance_en="")
    ChecklistSection.objects.filter(template=template).update(title_en="")
    first = template.sections.get(order=1)
    first.title_en = "Skills (our own wording)"
    first.save()
    assert checklists.translate(ChecklistTemplate, ChecklistSection, ChecklistItem) > 20
    _assert_english_everywhere(["six-checks"])
    first.refresh_from_db()
    assert first.title_en == "Skills (our own wording)"
    assert checklists.translate(ChecklistTemplate, ChecklistSection, ChecklistItem) == 0  # nothing left to do


def test_it_picks_the_english_text_only_for_an_english_reader_and_falls_back_to_chinese(org):
    item = items_of(six_checks())[0]
    with translation.override("en"):
        assert item.display_text == "Knows the duties and the operating procedures of the post"
        assert str(item) == item.text_en and pick("中文", "") == "中文"
        item.text_en = ""
        assert item.display_text == "熟悉本岗位职责和操作规程"
    with translation.override("zh-hans"):
        assert items_of(six_checks())[0].display_text == "熟悉本岗位职责和操作规程" and pick("中文", "English") == "中文"


def test_it_shows_the_fill_page_of_a_six_checks_inspection_in_english(client, org, settings):
    inspection = make_inspection(org.wuye, inspector=org.head_wuye)
    section = six_checks().sections.get(order=2)
    section.title_en = ""  # no English: the Chinese title shows
    section.save()
    client.force_login(org.head_wuye)
    _english(client, settings)
    body = client.get(reverse("inspections:fill", args=[inspection.pk])).content.decode()
    assert "1. Service skills: do they meet the requirements of the post?" in body
    assert "Knows the duties and the operating procedures of the post" in body
    assert "Ask at random about the duties and the key points of the procedures" in body
    assert "6. Language at work" in body and "Property Centre" in body
    assert "熟悉本岗位职责和操作规程" not in body and "一查服务技能" not in body
    assert "二查服务态度：看是否有态度冷漠、推诿现象" in body  # the fallback
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(reverse("inspections:fill", args=[inspection.pk])).content.decode()
    assert "熟悉本岗位职责和操作规程" in body and "Knows the duties" not in body


def test_it_shows_the_template_pages_and_the_inspection_in_english(client, org, settings):
    inspection, failing, finding = _submitted_with_one_failure(org)
    client.force_login(org.supervisor)
    _english(client, settings)
    template = inspection.template
    body = client.get(reverse("inspections:template_list")).content.decode()
    assert "“Six checks, six looks” service quality self-check" in body and "Canteen kitchen hygiene checklist" in body
    body = client.get(template.get_absolute_url()).content.decode()
    assert "Based on part III (2) 2" in body and "Posing as a teacher or student" in body and "一查服务技能" not in body
    body = client.get(inspection.get_absolute_url()).content.decode()
    assert failing.text_en in body and "3. Service environment" in body and failing.text not in body
    assert finding.problem_en[:70] in body  # the finding (shortened on this page), in English


def test_it_takes_the_english_text_in_the_template_editor(client, org):
    client.force_login(org.supervisor)
    client.post(reverse("inspections:template_new"), {"code": "night", "name": "夜宵检查表", "name_en": "Late-night meals",
                                                      "description": "夜宵", "description_en": "Late meals", "pass_mark": "85",
                                                      "is_active": "on"})
    template = ChecklistTemplate.objects.get(code="night")
    assert (template.name_en, template.description_en) == ("Late-night meals", "Late meals")
    client.post(reverse("inspections:section_new", args=[template.pk]),
                {"title": "环境", "title_en": "Environment", "dimension": "environment", "weight": "1", "order": 1})
    section = template.sections.get()
    assert section.title_en == "Environment"
    client.post(reverse("inspections:item_new", args=[section.pk]), {
        "text": "餐桌清洁", "text_en": "Tables are clean", "guidance": "看桌面", "guidance_en": "Look at the tables",
        "answer_type": "pass_fail", "max_score": 10, "weight": "1", "order": 1})
    item = section.items.get()
    assert (item.text_en, item.guidance_en) == ("Tables are clean", "Look at the tables")
    form = client.get(reverse("inspections:item_edit", args=[section.pk, item.pk])).content.decode()
    assert 'name="text_en"' in form and 'value="Tables are clean"' in form and 'name="guidance_en"' in form


def test_it_copies_the_problem_of_a_failed_item_in_both_languages_at_submission(org):
    _inspection, failing, finding = _submitted_with_one_failure(org)
    assert finding.problem == f"{failing.section.title} · {failing.text}：地面有积水"
    assert finding.problem_en == f"{failing.section.title_en} · {failing.text_en}: 地面有积水"
    failing.text_en = "Changed later"
    failing.save()  # a later edit of the checklist does not rewrite the record
    finding.refresh_from_db()
    assert "Changed later" not in finding.problem_en
    with translation.override("en"):
        assert finding.display_problem == finding.problem_en
    with translation.override("zh-hans"):
        assert finding.display_problem == finding.problem


def test_it_leaves_the_english_problem_empty_for_a_checklist_without_english_and_shows_the_chinese(client, org, settings):
    template = ChecklistTemplate.objects.create(code="plain", name="普通检查表")
    section = ChecklistSection.objects.create(template=template, title="卫生", order=1)
    ChecklistItem.objects.create(section=section, text="地面干净", photo_on_fail=True, order=1)
    inspection, _failing, finding = _submitted_with_one_failure(org, template=template)
    assert finding.problem == "卫生 · 地面干净：地面有积水" and finding.problem_en == ""
    client.force_login(org.supervisor)
    _english(client, settings)
    assert "卫生 · 地面干净：地面有积水" in client.get(finding.get_absolute_url()).content.decode()


def test_it_shows_the_finding_and_the_ledger_in_english_and_finds_english_words(client, org, settings):
    _inspection, failing, finding = _submitted_with_one_failure(org)
    client.force_login(org.head_wuye)
    _english(client, settings)
    body = client.get(finding.get_absolute_url()).content.decode()
    assert finding.problem_en in body and failing.text not in body
    body = client.get(reverse("inspections:ledger")).content.decode()
    assert failing.section.title_en[:30] in body and "Property Centre" in body
    found = client.get(reverse("inspections:ledger"), {"q": failing.text_en.split()[1]}).content.decode()
    assert finding.get_absolute_url() in found


def test_it_exports_the_excel_ledger_in_english_for_an_english_reader(client, org, settings):
    _inspection, _failing, finding = _submitted_with_one_failure(org)
    client.force_login(org.supervisor)
    _english(client, settings)
    response = client.get(reverse("inspections:ledger_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:5] == ("No.", "Department", "Found on", "Source", "Problem found")
    assert rows[1][1] == "Property Centre" and rows[1][3] == "Spot check · 物业抽查 (Failed item)"
    assert rows[1][4] == finding.problem_en and rows[1][8] == "Awaiting rectification"


def test_it_prints_the_inspection_report_in_english(client, org, settings):
    inspection, failing, finding = _submitted_with_one_failure(org)
    client.force_login(org.supervisor)
    _english(client, settings)
    pdf = pypdfium2.PdfDocument(client.get(reverse("inspections:report", args=[inspection.pk])).content)
    text = " ".join(" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    assert "Service skills" in text and "Knows the duties" in text and "Property Centre" in text
    assert "“Six checks, six looks”" in text and "熟悉本岗位职责" not in text
