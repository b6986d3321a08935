"""Privacy of the complainant against the staff member the item is about: the rating link reaches
only the submitter, the person concerned never sees the submitter's identity nor the tracking code
(whatever happens to the item afterwards), and ``next`` never redirects off the site."""

import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.core.models import Notification
from qualityservice.core.permissions import user_role
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError
from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, PublishedFigure, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import make_feedback

INBOX = "/staff/feedback/"
NAME, PHONE, EMAIL = "张晓梅", "13912345678", "zhang.xm@example.edu.cn"
RATE_LINK = re.compile(r"/feedback/t/[A-Z0-9]+/rate/[^\"'/]+/")


def profile(user):
    return Staff.objects.get(user=user)


def about(org, user, **kwargs):
    """A named complaint about ``user``'s staff record."""
    defaults = {"staff": profile(user), "title": "保洁员态度恶劣", "submitter_name": NAME, "submitter_contact": PHONE}
    defaults.update(kwargs)
    return make_feedback(org, **defaults)


def export_text(client, **params) -> str:
    response = client.get(reverse("feedback:export"), params)
    rows = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)


def staff_pages(client, user, items) -> dict[str, str]:
    """The text of every staff page ``user`` may open that could show these items."""
    pages = {"inbox": client.get(INBOX).content.decode(), "export": export_text(client)}
    for fb in items:
        pages[f"detail {fb.pk}"] = client.get(reverse("feedback:detail", args=[fb.pk])).content.decode()
    if user_role(user) in (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR):
        pages["callbacks"] = client.get(reverse("feedback:callbacks")).content.decode()
    return pages


def leaks(pages: dict[str, str], fb: Feedback) -> list[tuple[str, str]]:
    return [(where, secret) for where, text in pages.items() for secret in (NAME, PHONE, EMAIL, fb.code) if secret in text]


# --- 1. the rating link reaches only the submitter ----------------------------------------------


def test_it_never_shows_the_rating_link_to_whoever_holds_the_tracking_code(client, org):
    fb = about(org, org.staff_wuye)
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已批评教育。")
    fb.refresh_from_db()
    for viewer in (None, org.staff_wuye):
        visitor = Client()
        if viewer is not None:
            visitor.force_login(viewer)
        html = visitor.get(reverse("feedback:track", args=[fb.code]) + "?new=1").content.decode()
        assert "已批评教育。" in html  # the status page itself still works for the code's holder
        assert fb.rating_token not in html and not RATE_LINK.search(html)


def test_it_does_not_let_the_person_complained_about_close_the_item_through_a_public_url(client, org):
    fb = about(org, org.staff_wuye)
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已处理。")
    client.force_login(org.staff_wuye)
    html = client.get(reverse("feedback:track", args=[fb.code])).content.decode()
    for link in RATE_LINK.findall(html):  # whatever the page offers, the attacker tries
        client.post(link, {"score": 5, "comment": "很满意"})
    guessed = reverse("feedback:rate_handling", args=[fb.code, "A" * 24])
    assert client.post(guessed, {"score": 5}).status_code == 404
    fb.refresh_from_db()
    assert (fb.status, fb.satisfaction, fb.rating_used_at) == (Status.RESOLVED, None, None)
    services.refresh_public_figures()
    assert PublishedFigure.objects.get(department=org.wuye).rated == 0


def test_it_shows_the_submitting_browser_its_rating_link_once_right_after_submitting(org):
    submitter = Client()
    response = submitter.post("/feedback/new/", {"kind": "complaint", "body": "宿舍热水不热", "anonymous": "on",
                                                 "website": "", "submission_key": "s1-key-0001"})
    fb = Feedback.objects.get()
    assert response["Location"] == f"/feedback/t/{fb.code}/?new=1"
    thanks = submitter.get(response["Location"]).content.decode()
    assert fb.get_rating_url() in thanks and 'data-testid="private-rating-link"' in thanks
    assert fb.get_rating_url() not in submitter.get(response["Location"]).content.decode()  # once
    # Someone else with the same address (the code) gets the thank-you page without the link.
    assert fb.get_rating_url() not in Client().get(response["Location"]).content.decode()
    # The saved link works once the item is answered.
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已修好。")
    submitter.post(fb.get_rating_url(), {"score": 4})
    fb.refresh_from_db()
    assert (fb.status, fb.satisfaction) == (Status.CLOSED, 4)


def test_it_shows_a_badge_complaints_rating_link_only_to_the_submitting_browser(org):
    cook = profile(org.staff_yinshi)
    submitter = Client()
    data = {d: 2 for d in ("skill", "attitude", "environment", "process", "appearance", "language")}
    data.update({"text_kind": "complaint", "body": "打饭时态度恶劣", "anonymous": "on", "website": "", "submission_key": "b1-key-0001"})
    response = submitter.post(reverse("feedback:badge_rate", args=[cook.public_code]), data)
    fb = Feedback.objects.get()
    assert fb.get_rating_url() in submitter.get(response["Location"]).content.decode()
    assert fb.get_rating_url() not in Client().get(response["Location"]).content.decode()


def test_it_shows_a_signed_in_submitter_the_rating_link_on_the_status_page(client, org):
    client.force_login(org.judge)
    client.post("/feedback/new/", {"kind": "complaint", "body": "班车晚点", "name": "评委", "contact": "13000000000",
                                   "website": "", "submission_key": "u1-key-0001"})
    fb = Feedback.objects.get()
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已协调。")
    fb.refresh_from_db()
    assert fb.get_rating_url() in client.get(fb.get_public_url()).content.decode()
    client.force_login(org.staff_wuye)
    assert fb.get_rating_url() not in client.get(fb.get_public_url()).content.decode()


def test_it_mails_the_rating_link_to_the_submitter_and_not_to_the_group_robot(
        org, settings, monkeypatch, django_capture_on_commit_callbacks):
    from qualityservice.core import notifications

    robot = []
    monkeypatch.setattr(notifications, "post_webhook", lambda target, message: robot.append(message) or True)
    settings.QS_NOTIFY_WEBHOOK_URL = "http://robot.invalid/hook"
    by_mail = about(org, org.staff_wuye, submitter_contact=EMAIL)
    by_phone = about(org, org.staff_wuye)
    with django_capture_on_commit_callbacks(execute=True):
        FEEDBACK.apply(by_mail, "resolve", by=org.head_wuye, note="已对该员工批评教育。")
        FEEDBACK.apply(by_phone, "resolve", by=org.head_wuye, note="已处理。")
    to_submitter = [m for m in mail.outbox if EMAIL in m.to]
    assert len(to_submitter) == 1 and to_submitter[0].to == [EMAIL]
    assert "已对该员工批评教育。" in to_submitter[0].body
    assert "http://testserver" + by_mail.get_rating_url() in to_submitter[0].body
    assert not any(by_phone.rating_token in m.body for m in mail.outbox)
    assert not any(by_mail.rating_token in str(m) for m in robot)


# --- 1. the code is hidden from the person concerned on every staff page -----------------------


@pytest.mark.parametrize("subject", ["staff_wuye", "head_wuye"])
def test_it_hides_the_tracking_code_from_the_person_concerned_and_refuses_their_lookup(client, org, subject):
    x = getattr(org, subject)
    fb = about(org, x)
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已处理。")
    client.force_login(x)
    pages = staff_pages(client, x, [fb])
    assert fb.title in pages["inbox"] and fb.title in pages[f"detail {fb.pk}"] and fb.title in pages["export"]
    assert leaks(pages, fb) == []
    assert client.get(reverse("feedback:detail_by_code", args=[fb.code])).status_code == 404
    assert fb.title not in client.get(INBOX, {"q": fb.code}).content.decode()
    # Those who handle it (the head, or the supervisor for an item about the head) still see the code.
    other = org.head_wuye if subject == "staff_wuye" else org.supervisor
    client.force_login(other)
    assert fb.code in client.get(fb.get_absolute_url()).content.decode()
    assert client.get(reverse("feedback:detail_by_code", args=[fb.code]))["Location"] == fb.get_absolute_url()


def test_it_does_not_name_the_code_to_the_person_concerned_in_action_messages(client, org):
    fb = about(org, org.head_wuye)  # a head may handle an item about them (front-line staff may not)
    services.assign(fb, profile(org.head_wuye), by=org.supervisor)
    client.force_login(org.head_wuye)
    page = client.post(reverse("feedback:act", args=[fb.pk]), {"action": "start"}, follow=True).content.decode()
    fb.refresh_from_db()
    assert fb.status == Status.IN_PROGRESS and fb.code not in page


def test_it_never_puts_the_code_in_notifications_about_an_item_about_someone(org, settings):
    head = org.head_wuye  # the head is the one complained about, and receives the department's notices
    fb = about(org, head)
    services.assign(fb, profile(head), by=org.supervisor)
    FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi)
    Feedback.objects.filter(pk=fb.pk).update(deadline=fb.created_at)
    services.escalate_overdue()
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已处理。")
    services.record_callback(fb, by=org.operator, reached=True, satisfied=1)
    payloads = [n.payload for n in Notification.objects.order_by("pk")]
    assert len(payloads) >= 5  # new item, assigned, transferred, overdue, reopened
    for payload in payloads:
        text = " ".join((payload["subject"], payload["body"], payload["url"]))
        assert fb.code not in text and NAME not in text and PHONE not in text
    plain = make_feedback(org, title="路灯不亮")  # an item about nobody keeps its code in the notice
    assert plain.code in Notification.objects.order_by("pk").last().payload["subject"]


def test_it_does_not_let_the_person_concerned_record_the_callback_or_close_the_item(client, org):
    fb = about(org, org.head_wuye)
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已处理。")
    client.force_login(org.head_wuye)
    client.post(reverse("feedback:callback", args=[fb.pk]), {"reached": "1", "satisfied": "5"})
    client.post(reverse("feedback:act", args=[fb.pk]), {"action": "close"})
    fb.refresh_from_db()
    assert (fb.status, fb.satisfaction, fb.callbacks.count()) == (Status.RESOLVED, None, 0)
    services.record_callback(fb, by=org.operator, reached=True, satisfied=5)
    fb.refresh_from_db()
    assert fb.status == Status.CLOSED


# --- 2. the "about whom" fact survives every transition ----------------------------------------


def test_it_keeps_the_complainant_hidden_after_a_transfer_away_and_back(client, org):
    fb = about(org, org.staff_wuye)
    FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi)
    FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.wuye)
    client.force_login(org.staff_wuye)
    pages = staff_pages(client, org.staff_wuye, [fb])
    assert fb.title in pages[f"detail {fb.pk}"]
    assert leaks(pages, fb) == []


def test_it_records_the_fact_at_intake_and_never_clears_it(org):
    fb = about(org, org.staff_wuye)
    assert fb.about_staff == profile(org.staff_wuye)
    FEEDBACK.apply(fb, "transfer", by=org.supervisor, department=org.yinshi)
    fb.refresh_from_db()
    assert fb.staff is None and fb.about_staff == profile(org.staff_wuye)
    assert make_feedback(org).about_staff is None


def test_it_fills_the_fact_in_the_migration_from_the_staff_concerned_or_the_history(org):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("qualityservice.feedback.migrations.0003_about_staff")
    kept = about(org, org.staff_wuye)
    moved = about(org, org.staff_wuye)
    FEEDBACK.apply(moved, "transfer", by=org.supervisor, department=org.yinshi)  # staff cleared, as before
    nobody = make_feedback(org)
    Feedback.objects.update(about_staff=None)  # rows as they were before the field existed
    migration.fill_about_staff(apps, None)
    got = dict(Feedback.objects.values_list("pk", "about_staff"))
    me = profile(org.staff_wuye).pk
    assert got == {kept.pk: me, moved.pk: me, nobody.pk: None}


OPS = ["assign_subject", "assign_other", "accept", "start", "resolve", "transfer_away", "transfer_back", "reopen",
       "close", "callback_unhappy", "callback_unreached", "rate_unhappy", "merge_into", "merge_here"]


def _apply(op, fb, target, duplicate, x, org):
    fb.refresh_from_db()
    home = fb.department_id == org.wuye.pk
    members = [profile(org.head_wuye), profile(org.staff_wuye)] if home else [profile(org.staff_yinshi)]
    sup = org.supervisor
    if op == "assign_subject":
        services.assign(fb, profile(x), by=sup)
    elif op == "assign_other":
        services.assign(fb, next(m for m in members if m.user_id != x.pk), by=sup)
    elif op in ("accept", "start", "reopen", "close"):
        FEEDBACK.apply(fb, op, by=sup)
    elif op == "resolve":
        FEEDBACK.apply(fb, "resolve", by=sup, note="已处理，感谢反映。")
    elif op == "transfer_away":
        FEEDBACK.apply(fb, "transfer", by=sup, department=org.yinshi if home else org.office)
    elif op == "transfer_back":
        FEEDBACK.apply(fb, "transfer", by=sup, department=org.wuye)
    elif op in ("callback_unhappy", "callback_unreached"):
        services.record_callback(fb, by=org.operator, reached=op == "callback_unhappy", satisfied=1)
    elif op == "rate_unhappy":
        services.rate_handling(fb, fb.rating_token, 1, "没解决")
    elif op == "merge_into":
        FEEDBACK.apply(fb, "merge", by=sup, target=target)
    elif op == "merge_here":
        FEEDBACK.apply(duplicate, "merge", by=sup, target=fb)


@pytest.mark.django_db
def test_it_never_shows_the_person_concerned_who_sent_the_item_whatever_happens_to_it(org):
    """Property: for any sequence of moves (assign to them or to a colleague, transfer away and back,
    reopen, callbacks, merge either way), the staff member the item is about sees neither the
    submitter's name, phone or e-mail nor the item's tracking code on the inbox, the item pages, the
    callback queue or the Excel export; and no notification carries them."""
    from django.db import transaction
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    @hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(subject=st.sampled_from(["staff_wuye", "head_wuye"]), contact=st.sampled_from([PHONE, EMAIL]),
           ops=st.lists(st.sampled_from(OPS), min_size=1, max_size=7))
    def run(subject, contact, ops):
        x = getattr(org, subject)
        with transaction.atomic():
            fb = about(org, x, submitter_contact=contact)
            target = make_feedback(org, title="同一问题的另一条投诉", submitter_name="李同学", submitter_contact="13700000000")
            duplicate = make_feedback(org, title="重复的投诉", submitter_name="王同学", submitter_contact="13600000000")
            client = Client()
            client.force_login(x)
            for op in ops:
                try:
                    _apply(op, fb, target, duplicate, x, org)
                except TransitionError:
                    pass
                pages = staff_pages(client, x, [fb, target, duplicate])
                assert leaks(pages, fb) == [], (ops, op)
                assert client.get(reverse("feedback:detail_by_code", args=[fb.code])).status_code == 404
            for payload in Notification.objects.values_list("payload", flat=True):
                if payload["emails"] == [contact] and not payload["user_ids"] and not payload["heads_of"]:
                    assert payload["webhook"] is False  # the submitter's own mail, never the group robot
                    continue
                text = " ".join((payload["subject"], payload["body"], payload["url"]))
                assert not [s for s in (NAME, PHONE, EMAIL, fb.code) if s in text], (ops, payload)
            transaction.set_rollback(True)

    run()


def test_it_shows_the_identity_to_others_on_the_pages_the_property_checks(client, org):
    """The property above is not vacuous: the same pages show name, contact and code to the head."""
    fb = about(org, org.staff_wuye)
    FEEDBACK.apply(fb, "resolve", by=org.supervisor, note="已处理。")
    client.force_login(org.head_wuye)
    pages = staff_pages(client, org.head_wuye, [fb])
    assert {secret for _where, secret in leaks(pages, fb)} == {NAME, PHONE, fb.code}
    assert {where for where, _secret in leaks(pages, fb)} == {"inbox", "export", f"detail {fb.pk}", "callbacks"}


# --- 3. next never leaves the site -----------------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example",
                                    "javascript:alert(1)", "foo"])
def test_it_never_redirects_off_the_site_through_next(client, org, target):
    items = [make_feedback(org, title=f"问题{i}") for i in range(2)]
    client.force_login(org.head_wuye)
    responses = [
        client.post(reverse("feedback:bulk_assign"), {"ids": [items[0].pk], "next": target}),  # no staff chosen
        client.post(reverse("feedback:bulk_assign"), {"ids": [], "next": target}),  # nothing selected
        client.post(reverse("feedback:bulk_assign"), {"ids": [items[0].pk], "staff": profile(org.staff_wuye).pk,
                                                      "next": target}),
        client.post(reverse("feedback:act", args=[items[1].pk]), {"action": "accept", "next": target}),
    ]
    for response in responses:
        assert response.status_code == 302
        assert "evil" not in response["Location"] and not response["Location"].startswith(("javascript:", "foo"))
    assert responses[0]["Location"] == reverse("feedback:inbox") and responses[3]["Location"] == items[1].get_absolute_url()
    # A next on this site is still followed.
    kept = client.post(reverse("feedback:bulk_assign"), {"ids": [], "next": "/staff/feedback/?kind=complaint"})
    assert kept["Location"] == "/staff/feedback/?kind=complaint"


def test_it_records_whom_each_item_is_about_in_generated_scale_data(org):
    import io as _io
    import random

    from qualityservice.feedback import scale

    scale.generate(_io.StringIO(), random.Random(7), {"feedback": 200})
    rows = list(Feedback.objects.values_list("staff_id", "about_staff_id"))
    assert len(rows) == 200 and any(staff for staff, _about in rows)
    assert all(about == staff for staff, about in rows)
