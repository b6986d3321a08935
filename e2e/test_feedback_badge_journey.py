"""Journey 1: a student scans a badge QR on her phone, rates the person, complains with a
photo anonymously, gets a tracking code and later sees only the public reply."""

import io
import re

import pytest
from PIL import Image

from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, Rating
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff


def photo(tmp_path):
    path = tmp_path / "canteen.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 120, 40)).save(buf, format="JPEG")
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.django_db(transaction=True)
def test_it_lets_a_student_rate_and_complain_from_a_badge_and_track_it(phone, live_server, org, tmp_path):
    cook = Staff.objects.create(department=org.yinshi, name="王建国", badge_number="HQ2001", post="售饭员")
    page = phone
    page.goto(live_server.url + cook.get_public_url())
    page.get_by_test_id("badge-feedback-actions").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/b/.+/rate/$"))
    for dim, score in (("skill", 4), ("attitude", 1), ("environment", 3), ("process", 3), ("appearance", 4), ("language", 1)):
        page.locator(f"[data-testid=dim-{dim}] label", has_text=str(score)).click()
    page.select_option("#id_text_kind", "complaint")
    page.fill("#id_body", "打饭时售饭员说“爱吃不吃”，态度恶劣。")
    page.set_input_files("#id_images", str(photo(tmp_path)))
    assert page.locator("#id_anonymous").is_checked()
    page.screenshot(path="/tmp/feedback-badge-rate.png", full_page=True)
    page.get_by_role("button", name=re.compile("提交|发送|Send")).click()
    page.wait_for_url(re.compile(r"/feedback/t/[A-Z0-9]+/\?new=1$"))
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    # The private rating link: shown to this browser now, never derivable from the code.
    rating_href = page.get_by_test_id("private-rating-link").locator("a").first.get_attribute("href")
    page.screenshot(path="/tmp/feedback-track-new.png", full_page=True)

    fb = Feedback.objects.get(code=code)
    assert (fb.staff, fb.channel, fb.anonymous, fb.submitter_contact, fb.client_ip) == (cook, "badge_qr", True, "", None)
    assert fb.attachments.count() == 1
    rating = Rating.objects.get()
    assert (rating.attitude, rating.language, rating.feedback) == (1, 1, fb)

    # The department answers: one internal note, one public reply.
    services.add_reply(fb, "内部：该员工本月第二次被投诉", by=org.head_yinshi, public=False)
    FEEDBACK.apply(fb, "resolve", by=org.head_yinshi, note="已对该员工批评教育，感谢您的监督。")

    page.goto(f"{live_server.url}/feedback/track/")
    page.fill("#id_code", code.lower())
    page.get_by_role("button").last.click()
    page.wait_for_url(re.compile(f"/feedback/t/{code}/$"))
    replies = page.get_by_test_id("public-reply")
    assert replies.count() == 1 and "批评教育" in replies.inner_text()
    body = page.content()
    assert "内部" not in body and "饮食主任" not in body
    assert page.get_by_test_id("rating-link").count() == 0 and page.get_by_test_id("rating-hint").is_visible()
    page.screenshot(path="/tmp/feedback-track-replied.png", full_page=True)
    page.goto(live_server.url + rating_href)
    assert page.locator("input[name=score]").count() == 5


@pytest.mark.django_db(transaction=True)
def test_it_renders_the_public_form_and_figures_on_a_phone(phone, live_server, org):
    page = phone
    page.goto(live_server.url + "/feedback/new/?kind=suggestion")
    assert page.locator("input[name=kind][value=suggestion]").is_checked()
    assert not page.locator("#id_name").is_visible()  # identity fields hidden while anonymous
    page.uncheck("#id_anonymous")
    assert page.locator("#id_contact").is_visible()
    page.screenshot(path="/tmp/feedback-public-form.png", full_page=True)
    fb = services.create_record(kind="complaint", channel="web", department=org.wuye, title="t", body="b")
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="好")
    services.record_callback(fb, by=org.operator, reached=True, satisfied=5)
    services.refresh_public_figures()
    page.goto(live_server.url + "/feedback/figures/")
    assert "物业管理中心" in page.get_by_test_id("figures-summary").inner_text()
    page.wait_for_function("document.querySelector('#fb-figures-chart canvas') !== null")
    page.screenshot(path="/tmp/feedback-figures.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_it_submits_the_cached_public_form_once_and_shows_the_tracking_code(phone, live_server, org):
    """The anonymous form page is served from the rendered-page cache after its first view: each view
    still gets its own CSRF token and submission key, and a double-tapped submit makes one record."""
    page = phone
    page.goto(live_server.url + "/feedback/new/")
    first_key = page.locator("input[name=submission_key]").input_value()
    page.goto(live_server.url + "/feedback/new/")  # from the cache
    key = page.locator("input[name=submission_key]").input_value()
    assert key and key != first_key and "placeholder" not in key
    assert "placeholder" not in page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    page.check("input[name=kind][value=complaint]")
    page.select_option("#id_department", str(org.wuye.pk))
    page.fill("#id_body", "三号楼二楼楼道灯坏了，晚上很黑。")
    page.locator("[data-testid=feedback-form] button[type=submit]").dblclick()
    page.wait_for_url(re.compile(r"/feedback/t/[A-Z0-9]+/\?new=1"))
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert Feedback.objects.count() == 1
    fb = Feedback.objects.get()
    assert fb.code == code and fb.department == org.wuye and fb.anonymous and fb.submission_key == f"web:{key}"
    page.screenshot(path="/tmp/feedback-cached-form-submitted.png", full_page=True)
