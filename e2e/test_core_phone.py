"""Staff pages on a phone (390×844): every staff page of the main journeys of a head, a supervisor, an operator,
front-line staff and a judge fits the screen (no horizontal scroll), lists are cards whose titles read across the
card, filters fold behind a button, the item page puts its actions first; the confirmation dialog; dates in
the page's language; a feedback form refused by the CSRF check keeps what was typed. Screenshots:
/tmp/phone-*.png."""

import io
import random

import pytest
from django.db import transaction
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, shot
from qualityservice.core.registry import app_modules

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390
PASSWORD = "demo-2026"

# Text that wraps one character per line: a box of two or more characters narrower than two characters and
# taller than two lines.
NARROW_TEXT = """() => {
  const bad = [];
  document.querySelectorAll("main *").forEach(el => {
    if (el.children.length) return;
    const text = (el.innerText || "").trim();
    if (text.length < 2) return;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return;
    const box = el.getBoundingClientRect(), size = parseFloat(style.fontSize);
    const width = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const height = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    if (box.width > 0 && width < 1.9 * size && height > 1.8 * size) bad.push(text.slice(0, 24) + " @" + Math.round(width) + "px");
  });
  return bad;
}"""
CARD_TITLES = """() => Array.from(document.querySelectorAll("table.qs-cards td.qs-card-title"))
  .filter(td => td.getBoundingClientRect().width > 0).map(td => Math.round(td.getBoundingClientRect().width))"""


def seed_demo():
    """The demo organisation, feedback, inspections and surveys (each app's demo.seed, as `manage.py seed_demo`)."""
    for _config, module in app_modules("demo"):
        with transaction.atomic():
            module.seed(io.StringIO(), random.Random(2026))


def first_link(page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("href")


def check(page, live_server, path: str, name: str) -> None:
    response = page.goto(live_server.url + path)
    assert response.status == 200, (path, response.status)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth") == WIDTH, f"{path}: {width}px wide"
    assert page.evaluate(NARROW_TEXT) == [], path
    titles = page.evaluate(CARD_TITLES)
    assert all(w >= 0.7 * WIDTH for w in titles), (path, titles)  # a card title reads across the card
    shot(page, f"phone-{name}", full_page=False)


@pytest.fixture
def demo(db):
    seed_demo()


def test_it_fits_every_staff_page_of_the_main_journeys_on_a_phone(phone, live_server, demo):
    console = ConsoleWatch(phone)
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from qualityservice.feedback.models import Feedback
    from qualityservice.inspections.models import Finding, Inspection
    from qualityservice.news import bulletins
    from qualityservice.news.models import Article, Bulletin
    from qualityservice.org.models import Department, Staff
    from qualityservice.surveys.models import Survey

    User = get_user_model()

    wuye = Department.objects.get(code="wuye")
    item = Feedback.objects.filter(department=wuye).order_by("-created_at").first()
    inspection = Inspection.objects.filter(department=wuye, status=Inspection.Status.SUBMITTED).first()
    finding = Finding.objects.filter(department=wuye).first()
    survey = Survey.objects.surveys().first()
    staff = Staff.objects.filter(department=wuye).first()
    article = Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-published_at").first()
    bulletin = Bulletin.objects.filter(status=Bulletin.Status.PUBLISHED).order_by("-year", "-number").first()
    today = timezone.localdate()
    draft = bulletins.create_bulletin(key=None, by=User.objects.get(username="supervisor"), title="后勤集团工作简报",
                                      year=today.year, month=today.month, unit="集团办公室", sections="# 工作动态\n物业中心开展服务月活动")[0]
    journeys = {
        "head_wuye": [
            ("/staff/", "workbench-head"), ("/staff/feedback/", "inbox-head"), (item.get_absolute_url(), "feedback-detail-head"),
            ("/staff/feedback/callbacks/", "callbacks-head"), ("/staff/inspections/", "inspections-head"),
            (inspection.get_absolute_url(), "inspection-detail-head"), ("/staff/inspections/ledger/", "ledger-head"),
            (finding.get_absolute_url(), "finding-head"), ("/staff/inspections/discussions/", "discussions-head"),
            ("/staff/surveys/", "surveys-head"), ("/staff/org/staff/", "staff-list-head"), (staff.get_absolute_url(), "staff-detail-head"),
            ("/staff/org/departments/", "departments-head"), (f"/staff/org/departments/{wuye.pk}/", "department-head"),
            ("/staff/org/commitments/", "commitments-head"), ("/staff/indicators/", "indicators-head"),
        ],
        "supervisor": [
            ("/staff/", "workbench-supervisor"), ("/staff/feedback/", "inbox-supervisor"), ("/staff/inspections/", "inspections-supervisor"),
            ("/staff/inspections/ledger/", "ledger-supervisor"), ("/staff/inspections/checklists/", "checklists-supervisor"),
            ("/staff/inspections/schedules/", "schedules-supervisor"), ("/staff/inspections/charts/", "charts-supervisor"),
            ("/staff/surveys/", "surveys-supervisor"), (survey.get_absolute_url(), "survey-builder-supervisor"),
            (f"/staff/surveys/{survey.pk}/results/", "survey-results-supervisor"), (f"/staff/surveys/{survey.pk}/bursts/", "bursts-supervisor"),
            ("/staff/surveys/index/", "survey-index-supervisor"), ("/staff/org/phrases/", "phrases-supervisor"),
            (reverse("news:list"), "news-supervisor"), (reverse("news:new"), "news-form-supervisor"),
            (reverse("news:detail", args=[article.pk]), "news-article-supervisor"),
            (reverse("news:edit", args=[article.pk]), "news-edit-supervisor"),
            (reverse("news:compare", args=[article.pk]), "news-compare-supervisor"),
            (reverse("news:bulletins"), "bulletins-supervisor"), (reverse("news:bulletin_new"), "bulletin-new-supervisor"),
            (reverse("news:bulletin", args=[bulletin.pk]), "bulletin-supervisor"),
            (reverse("news:bulletin", args=[draft.pk]), "bulletin-draft-supervisor"),
            (reverse("news:bulletin_edit", args=[draft.pk]), "bulletin-edit-supervisor"),
            (reverse("news:bulletin_articles", args=[draft.pk]), "bulletin-articles-supervisor"),
        ],
        "operator": [
            ("/staff/", "workbench-operator"), ("/staff/feedback/", "inbox-operator"), ("/staff/feedback/hotline/", "hotline-operator"),
            ("/staff/feedback/callbacks/", "callbacks-operator"), ("/staff/feedback/mailbox/", "mailbox-operator"),
            ("/staff/org/departments/", "departments-operator"),
        ],
        "staff_wuye": [("/staff/", "workbench-staff"), ("/staff/feedback/", "inbox-staff")],
        "judge": [("/staff/", "workbench-judge")],
        "admin": [("/members/staff/", "members-admin"), ("/staff/org/roster/import/", "roster-import-admin")],
    }
    for username, pages in journeys.items():
        phone.context.clear_cookies()
        login(phone, live_server, username, PASSWORD)
        for path, name in pages:
            check(phone, live_server, path, name)
        if username == "staff_wuye":  # an item of the inbox, as front-line staff see it
            link = first_link(phone, "[data-testid=inbox-row] a")
            if link:
                check(phone, live_server, link, "feedback-detail-staff")
    assert console.csp_violations() == []


def test_it_shows_lists_as_cards_with_the_filters_folded_and_the_actions_first(phone, live_server, demo):
    from qualityservice.feedback.models import Feedback, Status

    login(phone, live_server, "head_wuye", PASSWORD)
    phone.goto(live_server.url + "/staff/feedback/")
    filters = phone.get_by_test_id("inbox-filters")
    expect(filters).to_be_hidden()
    phone.get_by_test_id("filter-toggle").click()
    expect(filters).to_be_visible()
    shot(phone, "phone-inbox-filters-open", full_page=False)
    card = phone.get_by_test_id("inbox-row").first
    assert card.evaluate("tr => getComputedStyle(tr).display") == "flex"  # a card, not a table row
    assert card.locator("td.qs-card-title").evaluate("td => td.getBoundingClientRect().top") <= card.evaluate(
        "tr => tr.getBoundingClientRect().top + 20")  # the title heads the card
    assert "部门" in card.locator("td[data-label='部门']").evaluate("td => getComputedStyle(td, '::before').content")

    # The item page: the actions come before the item's text on a phone, after it on a desktop.
    item = Feedback.objects.filter(department__code="wuye", status__in=(Status.RECEIVED, Status.ASSIGNED, Status.REOPENED)).first()
    phone.goto(live_server.url + item.get_absolute_url())
    actions, body = phone.get_by_test_id("actions"), phone.get_by_test_id("body")
    assert actions.bounding_box()["y"] < body.bounding_box()["y"]
    shot(phone, "phone-feedback-detail-actions-first", full_page=False)
    phone.set_viewport_size({"width": 1280, "height": 900})
    assert actions.bounding_box()["y"] < body.bounding_box()["y"] + body.bounding_box()["height"]
    assert actions.bounding_box()["x"] > body.bounding_box()["x"] + 300  # the side column again


def test_it_asks_before_closing_an_item_and_cancel_changes_nothing(phone, live_server, org):
    from qualityservice.feedback.models import Feedback, Status
    from qualityservice.feedback.tests.factories import make_feedback

    fb = make_feedback(org)
    Feedback.objects.filter(pk=fb.pk).update(status=Status.RESOLVED)
    console = ConsoleWatch(phone)
    login(phone, live_server, org.operator.username, org.password)
    phone.goto(live_server.url + fb.get_absolute_url())
    phone.get_by_test_id("action-close").click()
    dialog = phone.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确定关闭此事项吗？办理到此结束，不再回访")
    expect(dialog.locator("[data-confirm-ok]")).to_have_text("关闭")  # the confirming button names the action
    shot(phone, "phone-confirm-dialog", full_page=False)
    dialog.locator("[data-confirm-cancel]").click()
    expect(dialog).to_be_hidden()
    fb.refresh_from_db()
    assert fb.status == Status.RESOLVED and phone.url.endswith(fb.get_absolute_url())

    phone.get_by_test_id("action-close").click()
    dialog.locator("[data-confirm-ok]").click()
    expect(phone.get_by_test_id("status")).to_have_text("已关闭")
    fb.refresh_from_db()
    assert fb.status == Status.CLOSED
    assert console.csp_violations() == []


def test_it_reads_verbs_on_the_feedback_buttons(phone, live_server, org):
    from qualityservice.feedback.tests.factories import make_feedback

    fb = make_feedback(org)
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(live_server.url + fb.get_absolute_url())
    expect(phone.get_by_test_id("action-accept")).to_have_text("受理")


@pytest.mark.parametrize("language, month, weekday, shown", [
    ("zh-hans", "十二月", "周日", "2026年12月8日"),
    ("en", "December", "Sun", "8 Dec 2026"),
])
def test_it_picks_dates_in_the_language_of_the_page(phone, live_server, org, language, month, weekday, shown):
    console = ConsoleWatch(phone)
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    phone.goto(live_server.url + "/staff/inspections/ledger/")
    phone.get_by_test_id("filter-toggle").click()
    field = phone.locator("#id_date_from")
    phone.locator("#id_date_from[data-datepicker]").wait_for(state="attached")
    visible = phone.locator("#id_date_from_picker")
    visible.click()
    calendar = phone.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    field.evaluate("el => el._flatpickr.jumpToDate('2026-12-01')")
    expect(calendar.locator(".flatpickr-monthDropdown-months option:checked, .cur-month").first).to_contain_text(month)
    expect(calendar.locator(".flatpickr-weekday").first).to_contain_text(weekday)
    shot(phone, f"phone-datepicker-{language}", full_page=False)
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="8").first.click()
    assert field.input_value() == "2026-12-08"  # what the server parses, in every language
    assert visible.input_value() == shown
    assert console.csp_violations() == []


def test_it_keeps_the_typed_complaint_when_the_csrf_cookie_is_lost(phone, live_server, org):
    from qualityservice.feedback.models import Feedback

    text = "三号楼热水器坏了三天，一直没人来修，请尽快处理。"
    console = ConsoleWatch(phone)
    phone.goto(live_server.url + "/feedback/new/")
    phone.locator("label.fb-kind", has_text="投诉").click()
    phone.fill("#id_body", text)
    phone.check("#id_anonymous")
    phone.context.clear_cookies(name="csrftoken")  # what WeChat's browser does
    phone.click("form[data-once] button[type=submit]")
    expect(phone.locator("#id_body")).to_have_value(text)
    expect(phone.locator(".alert")).to_contain_text("您的表单没有发送成功")
    shot(phone, "phone-csrf-retry", full_page=False)
    assert Feedback.objects.count() == 0

    phone.click("form[data-once] button[type=submit]")
    phone.wait_for_url("**/feedback/t/**")
    assert Feedback.objects.count() == 1 and Feedback.objects.get().body == text
    assert console.csp_violations() == []
