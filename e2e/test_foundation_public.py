"""The public home page on a phone: hotline, mailbox and commitments by department, no sideways scrolling."""

import pytest

from e2e.foundation import ConsoleWatch, no_horizontal_overflow, shot
from qualityservice.org.models import Commitment, SiteSettings

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def public_site(org):
    SiteSettings.objects.create(organisation_name="后勤集团", organisation_name_en="Logistics Group", hotline="66781315",
                                mailbox="hqjt@ouc.edu.cn", service_hours="周一至周日 8:00-22:00")
    Commitment.objects.create(department=org.yinshi, title="就餐高峰期窗口全部开放，排队不超过10分钟", is_measurable=False)
    return org


def test_it_shows_hotline_mailbox_and_commitments_on_a_phone(phone, live_server, public_site):
    console = ConsoleWatch(phone)
    phone.goto(live_server.url + "/")
    assert phone.get_by_test_id("hotline").inner_text() == "66781315"
    assert phone.get_by_test_id("mailbox").inner_text() == "hqjt@ouc.edu.cn"
    assert phone.get_by_test_id("hotline").get_attribute("href") == "tel:66781315"
    cards = phone.get_by_test_id("dept-commitments")
    assert cards.count() >= 2
    text = phone.locator("main").inner_text()
    for expected in ("物业管理中心", "报修30分钟内响应", "饮食服务中心", "饭菜明码标价", "投诉热线", "投诉邮箱"):
        assert expected in text
    assert no_horizontal_overflow(phone, 390), phone.evaluate("document.documentElement.scrollWidth")
    shot(phone, "home-phone")
    assert console.csp_violations() == []
    assert console.errors() == []


def test_it_lists_the_staff_directory_and_opens_a_badge_page_on_a_phone(phone, live_server, public_site):
    console = ConsoleWatch(phone)
    phone.goto(live_server.url + "/directory/")
    assert phone.get_by_test_id("directory-entry").count() == 8
    phone.select_option("select[name=department]", label="物业管理中心")  # data-autosubmit submits the form
    phone.wait_for_url("**/directory/?department=*")
    names = phone.get_by_test_id("directory-entry").all_inner_texts()
    assert any("物业员工" in n for n in names) and not any("饮食员工" in n for n in names)
    assert no_horizontal_overflow(phone, 390)
    shot(phone, "directory-phone")
    phone.get_by_test_id("directory-entry").filter(has_text="物业员工").click()
    assert phone.get_by_test_id("staff-name").inner_text() == "物业员工"
    phone.goto(live_server.url + "/phrases/")
    assert "不归我管" in phone.get_by_test_id("taboo").inner_text()
    assert no_horizontal_overflow(phone, 390)
    shot(phone, "phrases-phone")
    assert console.csp_violations() == [] and console.errors() == []


def test_it_shows_the_home_page_on_a_desktop(page, live_server, public_site):
    console = ConsoleWatch(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/")
    assert page.get_by_test_id("hotline").is_visible()
    shot(page, "home-desktop")
    page.goto(live_server.url + "/commitments/")
    assert "报修 · 30 分钟" in page.locator("main").inner_text()
    shot(page, "commitments-desktop")
    assert console.csp_violations() == [] and console.errors() == []
