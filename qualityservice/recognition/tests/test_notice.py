"""公示 and after: the winners on the public site with their stories during the notice, an objection becomes a
feedback record of the group office (the supervisor's), the round becomes final after the notice period, the
public 服务明星 list, the star on the winner's badge page, the winners' certificates (PDF with the serial and a QR
code that verifies at /c/<serial>/), revocable with a reason."""

import datetime as dt
import re

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse

from qualityservice.core.workflow import TransitionError
from qualityservice.feedback.models import Feedback
from qualityservice.recognition import results, services
from qualityservice.recognition.models import Nomination
from qualityservice.recognition.results_models import Certificate, Objection

from .factories_results import round_with_jury, score

pytestmark = pytest.mark.django_db

VOTES = [[0, 1]] * 4 + [[0]] * 2 + [[2]] * 2


def _noticed(org, **extra):
    """A round in notice: 候选人2 and 候选人1 win (83 and 65), 候选人3 does not."""
    rnd, nominations, members = round_with_jury(org, votes=VOTES, winners=2, **extra)
    for i, nomination in enumerate(nominations):
        Nomination.objects.filter(pk=nomination.pk).update(story=f"候选人{i + 1}的事迹：耐心细致", staff=org.staff_wuye.staff if i == 1 else None)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    for member in members:
        score(member, nominations, {0: (5, 5), 1: (9, 9), 2: (7, 7)})
    services.move_round(rnd, "publish", by=org.supervisor)
    rnd.refresh_from_db()
    return rnd, nominations


def _final(org):
    rnd, nominations = _noticed(org)
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    return rnd, nominations


def test_the_winners_are_published_with_their_stories_during_the_notice(client, org):
    rnd, nominations = _noticed(org)
    body = client.get(reverse("recognition:winners", args=[rnd.code])).content.decode()
    assert body.count('data-testid="winner"') == 2 and "候选人2的事迹" in body and "候选人1的事迹" in body
    assert "候选人3" not in body and "当选者公示" in body and "提出异议" in body
    assert "83.00" in body  # the breakdown of the result
    draft, _created = services.create_round(key=None, by=org.supervisor, title="未公示", period_start="2026-01-01", period_end="2026-12-31")
    assert client.get(reverse("recognition:winners", args=[draft.code])).status_code == 404


def test_an_objection_becomes_a_feedback_record_of_the_group_office(client, org):
    rnd, nominations = _noticed(org)
    page = client.get(reverse("recognition:winners", args=[rnd.code])).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {"nomination": nominations[1].pk, "text": "该候选人本年度曾被投诉，请核实。", "contact": "", "submission_key": key}
    first = client.post(reverse("recognition:objection", args=[rnd.code]), data)
    second = client.post(reverse("recognition:objection", args=[rnd.code]), data)  # a double click
    objection = Objection.objects.get()
    feedback = Feedback.objects.get()
    assert first.status_code == second.status_code == 302 and objection.feedback_code == feedback.code
    assert (feedback.department, feedback.kind, feedback.source_ref) == (org.group, "objection", f"recognition.objection:{objection.pk}")
    assert "本年度曾被投诉" in feedback.body and feedback.title.startswith("公示异议")
    body = client.get(first["Location"]).content.decode()
    assert feedback.code in body and "集团办公室答复" in body
    bad = client.post(reverse("recognition:objection", args=[rnd.code]), {**data, "text": "短", "submission_key": ""})
    assert bad.status_code == 400 and Objection.objects.count() == 1
    loser = client.post(reverse("recognition:objection", args=[rnd.code]), {**data, "nomination": nominations[2].pk, "submission_key": ""})
    assert loser.status_code == 400 and Objection.objects.count() == 1  # not a winner: not a valid choice


def test_a_browser_sending_many_objections_is_held_back_with_its_text_kept_and_nothing_saved(client, org, settings):
    settings.QS_RECOGNITION_OBJECTION_RATE_PER_VISITOR = "2/h"
    rnd, nominations = _noticed(org)
    client.get(reverse("recognition:winners", args=[rnd.code]))  # the browser id
    for n in range(2):
        sent = client.post(reverse("recognition:objection", args=[rnd.code]),
                           {"nomination": nominations[1].pk, "text": f"第{n}条异议：请核实事迹", "contact": "", "submission_key": ""})
        assert sent.status_code == 302
    held = client.post(reverse("recognition:objection", args=[rnd.code]),
                       {"nomination": nominations[1].pk, "text": "第三条异议：请核实事迹", "contact": "", "submission_key": ""})
    body = held.content.decode()
    assert held.status_code == 429 and "短时间内提交了较多异议" in body and "第三条异议：请核实事迹" in body
    assert Objection.objects.count() == 2


def test_the_round_becomes_final_after_the_notice_period_and_objections_stop(client, org):
    rnd, nominations = _noticed(org)
    services.update_round(rnd, notice_until=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(TransitionError, match="公示期满后"):
        services.move_round(rnd, "finalise", by=org.supervisor)
    services.update_round(rnd, notice_until=dt.date.today() - dt.timedelta(days=1))
    assert not results.notice_open(rnd.__class__.objects.get(pk=rnd.pk))
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    body = client.get(reverse("recognition:winners", args=[rnd.code])).content.decode()
    assert rnd.status == "final" and "当选者名单（最终）" in body and "提出异议" not in body
    response = client.post(reverse("recognition:objection", args=[rnd.code]), {"text": "迟到的异议内容", "submission_key": ""})
    assert response.status_code == 400 and "只在公示期内受理异议" in response.content.decode() and not Objection.objects.exists()


def test_the_public_star_list_and_the_badge_page_show_the_winners_of_final_rounds(client, org, django_capture_on_commit_callbacks):
    rnd, nominations = _noticed(org)
    stars_url = reverse("recognition:stars", args=["service-stars"])
    body = client.get(stars_url).content.decode()
    assert body.count('data-testid="star"') == 2 and "候选人2" in body
    badge = org.staff_wuye.staff.get_public_url()
    assert 'data-testid="badge-stars"' not in client.get(badge).content.decode()  # not final yet
    with django_capture_on_commit_callbacks(execute=True):  # the cached stars are dropped once the move commits
        services.move_round(rnd, "finalise", by=org.supervisor)
    body = client.get(badge).content.decode()
    assert 'data-testid="badge-stars"' in body and "2026年度服务明星" in body
    assert client.get(reverse("recognition:stars", args=["nope"])).status_code == 404


def _pdf_text_and_qr(pdf: bytes):
    page = list(pypdfium2.PdfDocument(pdf))[0]
    text = re.sub(r"\s", "", page.get_textpage().get_text_range())
    codes = zxingcpp.read_barcodes(page.render(scale=2.5).to_pil())
    return text, [c.text for c in codes if c.format == zxingcpp.BarcodeFormat.QRCode]


def test_each_winner_gets_a_certificate_whose_pdf_carries_the_serial_and_a_qr_that_verifies(client, org, settings):
    rnd, nominations = _noticed(org)
    with pytest.raises(Exception, match="确定后"):
        results.issue_certificates(rnd, by=org.supervisor)
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    made = results.issue_certificates(rnd, by=org.supervisor)
    assert results.issue_certificates(rnd, by=org.supervisor) == made  # once each
    assert sorted(c.nomination_id for c in made) == sorted([nominations[0].pk, nominations[1].pk])
    star = next(c for c in made if c.nomination_id == nominations[1].pk)
    assert star.holder == org.staff_wuye.staff.name and star.serial.startswith("RY-2026-")
    client.force_login(org.supervisor)
    response = client.get(star.get_pdf_url())
    assert response["Content-Type"] == "application/pdf"
    text, qr = _pdf_text_and_qr(response.content)
    assert star.serial in text and star.holder in text and "服务明星" in text and "2026年度服务明星" in text
    assert qr == [f"http://testserver/c/{star.serial}/"]
    client.logout()
    body = client.get(f"/c/{star.serial}/").content.decode()
    assert star.holder in body and "真实有效" in body


def test_a_certificate_is_revoked_with_a_reason_that_the_verification_page_shows(client, org):
    rnd, _nominations = _final(org)
    certificate = results.issue_certificates(rnd, by=org.supervisor)[0]
    client.force_login(org.supervisor)
    url = reverse("recognition:certificate_revoke", args=[certificate.pk])
    client.post(url, {"reason": ""})
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"
    client.post(url, {"reason": "公示期后查实曾有有效投诉"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "公示期后查实曾有有效投诉"
    client.logout()
    body = client.get(f"/c/{certificate.serial}/").content.decode()
    assert "已撤销" in body and "公示期后查实曾有有效投诉" in body


def test_the_round_becoming_final_is_evidence_of_the_departments_recognition_activity(org):
    from qualityservice.campaigns import services as campaigns
    from qualityservice.campaigns.models import Evidence
    from qualityservice.campaigns.tests.helpers import make_campaign
    from qualityservice.campaigns.workflows import CAMPAIGN

    campaign = make_campaign(org, launch=False)
    campaigns.add_menu_item(campaign, key=None, by=org.supervisor, code="三(五)", title="服务明星评选", title_en="Service stars",
                            description="评选服务明星。", kind="required", carriers=["recognition"], sort_order=50)
    CAMPAIGN.apply(campaign, "launch", by=org.supervisor)
    campaigns.adopt_required(campaign, by=org.supervisor)
    rnd, _nominations = _final(org)
    rows = list(Evidence.objects.filter(carrier="recognition").values_list("activity__department", "title", "url", "is_public"))
    assert rows == [(org.wuye.pk, "服务明星评选：2026年度服务明星", reverse("recognition:winners", args=[rnd.code]), True)]
    results.on_final(rnd)  # idempotent
    assert Evidence.objects.filter(carrier="recognition").count() == 1


def test_the_indicator_counts_each_departments_winners_with_a_valid_certificate_in_one_query(org, django_assert_num_queries):
    from qualityservice.core import indicators
    from qualityservice.core.indicators import Period

    rnd, _nominations = _final(org)
    made = results.issue_certificates(rnd, by=org.supervisor)
    results.revoke(made[0], by=org.supervisor, reason="核查后撤销")
    ids = [org.wuye.pk, org.yinshi.pk]
    with django_assert_num_queries(1):
        table = indicators.values(["recognition.winners"], ids, Period.this_year())
    assert [table.value("recognition.winners", d) for d in ids] == [1, 0]


def test_a_nominee_who_organises_the_round_sees_objections_about_them_without_their_tracking_code(client, org):
    """The results page lists the objections for the organisers; the one about the supervisor's own nomination shows
    them no tracking code (with it they could follow the objection's record), the administrator sees it."""
    rnd, nominations = _noticed(org)
    Nomination.objects.filter(pk=nominations[1].pk).update(staff=org.supervisor.staff)
    page = client.get(reverse("recognition:winners", args=[rnd.code])).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    client.post(reverse("recognition:objection", args=[rnd.code]),
                {"nomination": nominations[1].pk, "text": "该候选人本年度曾被投诉，请核实。", "contact": "", "submission_key": key})
    code = Objection.objects.get().feedback_code
    assert code
    client.force_login(org.supervisor)
    body = client.get(reverse("recognition:round_results", args=[rnd.pk])).content.decode()
    assert "本年度曾被投诉" in body and code not in body and "跟踪码不予显示" in body
    client.force_login(org.admin)
    body = client.get(reverse("recognition:round_results", args=[rnd.pk])).content.decode()
    assert code in body and "跟踪码不予显示" not in body
