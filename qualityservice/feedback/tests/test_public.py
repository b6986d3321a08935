"""Public pages: web form, tracking page, rating link, badge rating, uploads, abuse guards."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from qualityservice.feedback import services
from qualityservice.feedback.models import Attachment, Feedback, Rating, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import jpeg_bytes, make_feedback, png_bytes

NEW = "/feedback/new/"


def post_form(client, **overrides):
    data = {"kind": "complaint", "body": "二食堂的米饭夹生，希望改进。", "anonymous": "on", "submission_key": "", "website": ""}
    data.update(overrides)
    return client.post(NEW, data)


def test_it_shows_the_form_with_categories_places_and_a_honeypot(client, org):
    response = client.get(NEW + "?kind=praise")
    html = response.content.decode()
    assert response.status_code == 200
    assert "第一餐厅" in html and 'name="website"' in html and 'name="submission_key"' in html and "data-once" in html
    assert 'value="praise"' in html and "表扬" in html


def test_it_redirects_a_good_post_to_a_location_with_the_tracking_code(client, org):
    response = post_form(client)
    assert response.status_code == 302
    fb = Feedback.objects.get()
    assert fb.code in response["Location"] and response["Location"].startswith("/feedback/t/")
    page = client.get(response["Location"])
    assert fb.code in page.content.decode() and "感谢您的反馈" in page.content.decode()


def test_it_keeps_no_identity_or_ip_for_anonymous_web_feedback(client, org):
    post_form(client, name="李四", contact="13900000000", REMOTE_ADDR="10.1.2.3")
    fb = Feedback.objects.get()
    assert fb.anonymous and fb.submitter_name == "" and fb.submitter_contact == "" and fb.client_ip is None


def test_it_needs_a_contact_for_named_feedback_and_keeps_it(client, org):
    response = post_form(client, anonymous="", name="李四", contact="")
    assert response.status_code == 400 and Feedback.objects.count() == 0
    post_form(client, anonymous="", name="李四", contact="13900000000", place=org.canteen.pk)
    fb = Feedback.objects.get()
    assert (fb.submitter_name, fb.submitter_contact, fb.department) == ("李四", "13900000000", org.yinshi)
    assert fb.client_ip == "127.0.0.1"


def test_it_stops_naive_bots_with_the_honeypot(client, org):
    response = post_form(client, website="http://spam.example")
    assert response.status_code == 400 and Feedback.objects.count() == 0


def test_it_creates_one_record_for_a_double_submitted_form(client, org):
    first = post_form(client, submission_key="abc123-key-0001")
    second = post_form(client, submission_key="abc123-key-0001")
    assert Feedback.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_it_stops_a_flood_from_one_session_but_not_a_nat(client, org, settings):
    settings.QS_FEEDBACK_RATE_PER_SESSION = "3/h"
    settings.QS_FEEDBACK_RATE_PER_IP = "8/h"
    client.get(NEW)  # opens a session
    codes = [post_form(client).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    # Other people behind the same NAT address (other sessions) still get through ...
    from django.test import Client

    for _ in range(2):
        other = Client()
        other.get(NEW)
        assert post_form(other).status_code == 302
    # ... until the generous per-address ceiling.
    flood = Client()
    flood.get(NEW)
    statuses = [post_form(flood).status_code for _ in range(4)]
    assert 429 in statuses


def test_it_accepts_a_photo_and_strips_its_exif(client, org):
    upload = SimpleUploadedFile("IMG_0001.JPG", jpeg_bytes(gps=True), content_type="image/jpeg")
    response = client.post(NEW, {"kind": "complaint", "body": "地面湿滑", "anonymous": "on", "images": [upload]})
    assert response.status_code == 302
    att = Attachment.objects.get()
    with Image.open(att.file.path) as img:
        assert not img.getexif()
        assert img.format == "JPEG"
    assert "IMG_0001" not in att.file.name  # random stored name


def test_it_keeps_png_transparency(client, org):
    upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    client.post(NEW, {"kind": "complaint", "body": "x", "anonymous": "on", "images": [upload]})
    assert Attachment.objects.get().file.name.endswith(".png")


def test_it_refuses_a_file_that_is_not_an_image_whatever_its_name(client, org):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(NEW, {"kind": "complaint", "body": "x", "anonymous": "on", "images": [fake]})
    assert response.status_code == 400 and Feedback.objects.count() == 0
    assert "photo.jpg" in response.content.decode()


def test_it_refuses_an_image_that_is_too_large(client, org, settings):
    settings.QS_FEEDBACK_MAX_IMAGE_BYTES = 1000
    big = SimpleUploadedFile("big.jpg", jpeg_bytes(gps=False, size=(400, 400)), content_type="image/jpeg")
    response = client.post(NEW, {"kind": "complaint", "body": "x", "anonymous": "on", "images": [big]})
    assert response.status_code == 400 and Feedback.objects.count() == 0


def test_it_shows_only_public_replies_and_no_staff_names_on_the_status_page(client, org):
    fb = make_feedback(org, anonymous=True)
    services.add_reply(fb, "内部：此人多次投诉", by=org.head_wuye, public=False)
    services.assign(fb, Staff.objects.get(user=org.staff_wuye), by=org.head_wuye)
    FEEDBACK.apply(fb, "resolve", by=org.staff_wuye, note="已修好，感谢反映。")
    html = client.get(reverse("feedback:track", args=[fb.code.lower()])).content.decode()
    assert "已修好，感谢反映。" in html
    assert "内部" not in html and "物业员工" not in html and "物业主任" not in html
    assert "物业管理中心" in html
    # The one-time rating link is the submitter's, never shown to whoever holds the code.
    assert fb.get_rating_url() not in html and 'data-testid="rating-hint"' in html


def test_it_answers_an_unknown_code_with_a_404_and_the_lookup_explains(client, org):
    assert client.get("/feedback/t/ZZZZZZZZZZ/").status_code == 404
    fb = make_feedback(org)
    assert client.get("/feedback/track/", {"code": fb.code.lower()})["Location"] == fb.get_public_url()
    assert "没有找到该跟踪码" in client.get("/feedback/track/", {"code": "ZZZ"}).content.decode()


def test_it_accepts_the_rating_link_one_time(client, org):
    fb = make_feedback(org)
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已处理")
    url = fb.get_rating_url()
    assert client.post(url, {"score": 5, "comment": "很好"}).status_code == 302
    fb.refresh_from_db()
    assert fb.status == Status.CLOSED and fb.satisfaction == 5
    again = client.get(url)
    assert "该评价链接已使用" in again.content.decode()
    assert client.get(url.replace(fb.rating_token, "x" * 10)).status_code == 404


@pytest.fixture
def cook(org):
    return Staff.objects.create(department=org.yinshi, name="王师傅", badge_number="Y001", post="厨师")


def badge_post(client, cook, **extra):
    data = {d: 4 for d in ("skill", "attitude", "environment", "process", "appearance", "language")}
    data.update({"text_kind": "", "body": "", "anonymous": "on", "website": ""})
    data.update(extra)
    return client.post(reverse("feedback:badge_rate", args=[cook.public_code]), data)


def test_it_links_the_badge_page_to_the_rating_page(client, cook):
    html = client.get(cook.get_public_url()).content.decode()
    assert reverse("feedback:badge_rate", args=[cook.public_code]) in html


def test_it_records_the_six_scores_of_a_badge_rating_without_text(client, cook):
    response = badge_post(client, cook, skill=5, language=3)
    assert response.status_code == 302 and "thanks" in response["Location"]
    r = Rating.objects.get()
    assert (r.skill, r.language, r.staff) == (5, 3, cook) and r.feedback is None
    assert Feedback.objects.count() == 0


def test_it_makes_a_badge_complaint_with_a_photo_feedback_about_the_person(client, cook, org):
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = badge_post(client, cook, attitude=1, text_kind="complaint", body="打饭时态度恶劣", images=photo,
                          submission_key="bk1-key-0001")
    fb = Feedback.objects.get()
    assert fb.code in response["Location"]
    assert (fb.kind, fb.channel, fb.staff, fb.department, fb.anonymous) == ("complaint", "badge_qr", cook, org.yinshi, True)
    assert fb.attachments.count() == 1 and Rating.objects.get().feedback == fb
    badge_post(client, cook, attitude=1, text_kind="complaint", body="打饭时态度恶劣", submission_key="bk1-key-0001")
    assert Feedback.objects.count() == 1 and Rating.objects.count() == 1


def test_it_refuses_invalid_scores(client, cook):
    response = badge_post(client, cook, skill=9)
    assert response.status_code == 400 and Rating.objects.count() == 0


def test_it_shows_praise_on_the_staff_record(client, cook, org):
    badge_post(client, cook, skill=5, text_kind="praise", body="王师傅的红烧肉特别好吃")
    client.force_login(org.head_yinshi)
    html = client.get(reverse("org:staff_detail", args=[cook.pk])).content.decode()
    assert "王师傅的红烧肉特别好吃" in html and 'data-testid="staff-praise"' in html


def test_it_links_home_and_nav_to_feedback(client, org):
    html = client.get("/").content.decode()
    assert 'href="/feedback/new/?kind=complaint"' in html and 'href="/feedback/figures/"' in html


def test_it_really_writes_gps_with_the_exif_helper():
    with Image.open(io.BytesIO(jpeg_bytes(gps=True))) as img:
        assert img.getexif().get_ifd(0x8825)


def test_it_shows_the_kept_items_answer_but_not_its_code_on_a_merged_duplicate(client, org):
    dup = make_feedback(org, anonymous=True, title="我的投诉")
    keep = make_feedback(org, title="别人的投诉：张三住在302")
    FEEDBACK.apply(dup, "merge", by=org.supervisor, target=keep)
    FEEDBACK.apply(keep, "resolve", by=org.head_wuye, note="两处问题已一并处理。")
    html = client.get(dup.get_public_url()).content.decode()
    assert "两处问题已一并处理。" in html and 'data-testid="merged"' in html
    assert keep.code not in html and "张三" not in html


def test_it_shows_a_new_place_and_a_renamed_category_on_the_cached_form_at_once(client, org):
    from qualityservice.feedback.models import Category
    from qualityservice.org.models import Place

    client.get(NEW)
    assert "新建学生食堂" not in client.get(NEW).content.decode()  # served from the page cache
    place = Place.objects.create(name="新建学生食堂", kind=Place.Kind.CANTEEN, department=org.yinshi)
    html = client.get(NEW).content.decode()
    assert "新建学生食堂" in html
    category = Category.objects.create(name="饭菜质量", department=org.yinshi)
    assert "饭菜质量" in client.get(NEW).content.decode()
    category.name = "饭菜质量（新）"
    category.save()
    assert "饭菜质量（新）" in client.get(NEW).content.decode()
    # and the memoised choice list used to validate the POST knows the new place
    assert post_form(client, place=str(place.pk)).status_code == 302
    assert Feedback.objects.get().department == org.yinshi


def test_it_refuses_a_deactivated_place_after_it_was_cached(client, org):
    from qualityservice.org.models import Place

    place = Place.objects.filter(is_active=True).first()
    assert post_form(client, place=str(place.pk), submission_key="a" * 32).status_code == 302
    place.is_active = False
    place.save()
    response = post_form(client, place=str(place.pk), submission_key="b" * 32)
    assert response.status_code == 400 and Feedback.objects.count() == 1
    assert "选择一个有效的选项" in response.content.decode()


def test_it_spends_a_fixed_handful_of_statements_on_a_public_post(client, org, django_assert_max_num_queries):
    """The hot path: the record, its creation event, the notification outbox row and the history row, in
    one transaction; choices, commitments and holidays come from per-process memos; no look-up of the key."""
    post_form(client, submission_key="c" * 32)  # warms the memos
    with django_assert_max_num_queries(7):  # SAVEPOINT/RELEASE where the test wraps a transaction + 4 INSERTs
        assert post_form(client, submission_key="d" * 32, department=str(org.wuye.pk)).status_code == 302


def test_it_gives_an_anonymous_visitor_a_signed_browser_id_and_no_server_session(client, org):
    from django.contrib.sessions.models import Session

    from qualityservice.feedback.views import VISITOR_COOKIE

    response = client.get(NEW)
    assert VISITOR_COOKIE in response.cookies and "sessionid" not in response.cookies
    assert response.cookies[VISITOR_COOKIE]["httponly"]
    assert not Session.objects.exists()
    first = response.cookies[VISITOR_COOKIE].value
    assert VISITOR_COOKIE not in client.get(NEW).cookies  # kept, not renewed on every view
    from django.test import RequestFactory

    from qualityservice.feedback.views import _visitor

    request = RequestFactory().get(NEW)
    request.COOKIES[VISITOR_COOKIE] = first
    assert len(_visitor(request)) == 32  # a random id, signed


def test_it_ignores_a_forged_browser_id_in_the_per_browser_limit(client, org, settings):
    settings.QS_FEEDBACK_RATE_PER_SESSION = "1/h"
    client.cookies["qs_visitor"] = "forged:value"
    assert [post_form(client).status_code for _ in range(2)] == [302, 302]  # only the per-IP limit applies


def test_it_keeps_the_clients_address_for_a_named_submission_behind_the_proxy(client, org, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.QS_TRUSTED_PROXIES = ["127.0.0.1"]
    named = {"kind": "complaint", "body": "宿舍热水不热。", "name": "李四", "contact": "13900000000", "website": ""}
    client.post(NEW, {**named, "submission_key": "e" * 32}, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert Feedback.objects.get().client_ip == "203.0.113.9"
    client.post(NEW, {**named, "name": "王五", "submission_key": "f" * 32}, REMOTE_ADDR="127.0.0.1",
                HTTP_X_REAL_IP="not-an-address")
    assert Feedback.objects.get(submitter_name="王五").client_ip is None  # junk is not stored (and no error)
    response = client.post(NEW, {**named, "name": "赵六", "submission_key": "g" * 32}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302  # no proxy header (app server reached directly): no error either
    assert Feedback.objects.get(submitter_name="赵六").client_ip == "10.0.0.7"


def test_it_refuses_a_form_with_a_malformed_submission_key_with_a_message(client, org):
    response = post_form(client, submission_key="x' OR 1=1 --")
    assert response.status_code == 400 and not Feedback.objects.exists()
    assert "表单已过期" in response.content.decode() or "out of date" in response.content.decode()
