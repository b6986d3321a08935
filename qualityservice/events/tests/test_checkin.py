"""Check-in at the door: scans uploaded by a phone (one, or hundreds after an offline period) are each recorded once
(their nonce), accepted or refused with a reason — unknown, cancelled, already used, another session, no confirmed
seat — and kept, refused ones too; a scan the phone showed green but the server refused is a conflict the organiser
is told about. The door list for offline use names every ticket with its status."""

import datetime as dt
import json
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from qualityservice.events import services
from qualityservice.events.models import CheckIn, Registration, signed_ticket, ticket_code_of

from .helpers import add_session, make_event, visitor

pytestmark = pytest.mark.django_db


def scan(registration_or_text, n, *, shown="accepted", at=None, offline=False):
    code = registration_or_text if isinstance(registration_or_text, str) else registration_or_text.ticket
    return {"nonce": f"nonce-{n:06d}-abcdef", "code": code, "at": at if at is not None else int(time.time() * 1000), "shown": shown,
            "offline": offline}


def upload(client, session, scans, **extra):
    response = client.post(reverse("events:checkin_upload", args=[session.pk]), json.dumps({"scans": scans, **extra}),
                           content_type="application/json")
    return response, response.json()


def test_it_accepts_a_valid_ticket_once_and_keeps_the_phones_time(client, org, session):
    registration = visitor(session, 1)
    client.force_login(org.staff_wuye)
    at = timezone.now() - dt.timedelta(minutes=7)
    response, data = upload(client, session, [scan(registration, 1, at=at.isoformat(), offline=True)], device="door-east")
    assert response.status_code == 200
    assert [(r["outcome"], r["name"], r["message"], r["duplicate"]) for r in data["results"]] == [("accepted", "访客1", "已签到", False)]
    assert data["checked_in"] == 1
    registration.refresh_from_db()
    assert registration.status == "attended" and abs((registration.checked_in_at - at).total_seconds()) < 1
    record = CheckIn.objects.get()
    assert (record.outcome, record.offline, record.device, record.by) == ("accepted", True, "door-east", org.staff_wuye)


def test_an_upload_sent_again_records_each_scan_once_and_answers_the_same(client, org, session):
    registration = visitor(session, 1)
    client.force_login(org.head_wuye)
    scans = [scan(registration, 1)]
    _r, first = upload(client, session, scans)
    _r, again = upload(client, session, scans)
    assert CheckIn.objects.count() == 1
    assert [r["outcome"] for r in again["results"]] == ["accepted"] and again["results"][0]["duplicate"] is True
    assert first["results"][0]["nonce"] == again["results"][0]["nonce"]


def test_it_refuses_and_keeps_every_bad_scan_with_its_reason(client, org, session):
    event = session.event
    other = add_session(event)
    good = visitor(session, 1)
    cancelled = visitor(session, 2)
    services.cancel_by_person(cancelled)
    elsewhere = visitor(other, 3)
    for n in range(4, 9):  # fill the session: the next one waits
        visitor(session, n)
    waiting = visitor(session, 9)
    assert waiting.status == "waiting"
    client.force_login(org.head_wuye)
    scans = [scan(good, 1), scan(good, 2), scan(cancelled, 3), scan(elsewhere, 4), scan(waiting, 5),
             scan("NOTATICKET-123", 6), scan(signed_ticket("ABCDEFGHJKLM"), 7), scan(good.code + "-AAAAAAAA", 8)]
    _r, data = upload(client, session, scans)
    assert [(r["outcome"], r["reason"]) for r in data["results"]] == [
        ("accepted", ""), ("refused", "already_used"), ("refused", "cancelled"), ("refused", "wrong_session"),
        ("refused", "not_confirmed"), ("refused", "unknown"), ("refused", "unknown"), ("refused", "unknown")]
    assert CheckIn.objects.filter(outcome="refused").count() == 7
    assert Registration.objects.get(pk=elsewhere.pk).status == "confirmed"  # a scan at the wrong door changes nothing
    log = client.get(reverse("events:checkin_log", args=[session.pk]) + "?only=refused").content.decode()
    assert "票券已取消" in log and "其他场次的票券" in log and "已签到过" in log and "无效票券" in log


def test_a_ticket_shown_green_offline_but_cancelled_meanwhile_is_a_conflict_told_to_the_organiser(
        client, org, session, django_capture_on_commit_callbacks):
    org.head_wuye.email = "head@example.edu.cn"
    org.head_wuye.save()
    registration = visitor(session, 1)
    services.cancel_by_person(registration)  # while the door phone was offline
    client.force_login(org.staff_wuye)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _r, data = upload(client, session, [scan(registration, 1, shown="accepted", offline=True)])
    assert data["results"][0]["conflict"] is True and data["results"][0]["reason"] == "cancelled"
    [notice] = [m for m in mail.outbox if "签到冲突" in m.subject]
    assert notice.to == ["head@example.edu.cn"] and "访客1: 票券已取消" in notice.body
    assert CheckIn.objects.get().conflict is True


def test_the_same_ticket_at_two_doors_counts_once_and_the_second_is_a_conflict(client, org, session):
    registration = visitor(session, 1)
    client.force_login(org.staff_wuye)
    upload(client, session, [scan(registration, 1)], device="door-a")
    _r, data = upload(client, session, [scan(registration, 2, shown="accepted")], device="door-b")
    assert (data["results"][0]["reason"], data["results"][0]["conflict"]) == ("already_used", True)
    assert Registration.objects.get().status == "attended" and CheckIn.objects.filter(outcome="accepted").count() == 1


def test_five_hundred_scans_after_an_offline_period_are_each_recorded_once(client, org):
    event = make_event(org, capacity=500)
    session = event.sessions.get()
    tickets = [visitor(session, n) for n in range(500)]
    client.force_login(org.head_wuye)
    scans = [scan(r, n, offline=True) for n, r in enumerate(tickets)]
    started = time.perf_counter()
    _r, data = upload(client, session, scans)
    elapsed = time.perf_counter() - started
    assert [r["outcome"] for r in data["results"]] == ["accepted"] * 500 and data["checked_in"] == 500
    _r, again = upload(client, session, scans)
    assert all(r["duplicate"] for r in again["results"])
    assert CheckIn.objects.count() == 500 and Registration.objects.filter(status="attended").count() == 500
    print(f"500 scans in one upload: {elapsed:.2f} s")


def test_a_malformed_upload_is_answered_with_a_message_and_records_nothing(client, org, session):
    client.force_login(org.head_wuye)
    url = reverse("events:checkin_upload", args=[session.pk])
    response = client.post(url, "not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "无法读取上传的数据。"
    response = client.post(url, json.dumps({"scans": "x"}), content_type="application/json")
    assert response.status_code == 400
    _r, data = upload(client, session, [{"nonce": "short", "code": "X"}, {"code": "no nonce"}, "text"])
    assert data["results"] == [] and len(data["errors"]) == 3 and "格式有误" in data["errors"][0]
    assert not CheckIn.objects.exists()


def test_a_scan_time_in_the_future_is_taken_as_the_time_of_upload(org, session):
    registration = visitor(session, 1)
    results, _errors = services.record_scans(session, [scan(registration, 1, at=(timezone.now() + dt.timedelta(days=2)).isoformat())],
                                             by=org.head_wuye)
    assert CheckIn.objects.get().scanned_at <= timezone.now()
    assert results[0]["outcome"] == "accepted"


def test_the_door_list_holds_every_ticket_with_its_status_and_only_the_phones_last_digits(client, org, session):
    seated = visitor(session, 1)
    cancelled = visitor(session, 2)
    services.cancel_by_person(cancelled)
    client.force_login(org.staff_wuye)
    data = client.get(reverse("events:checkin_list", args=[session.pk])).json()
    assert {(t["t"], t["n"], t["p"], t["s"]) for t in data["tickets"]} == {
        (seated.ticket, "访客1", seated.phone[-4:], "confirmed"), (cancelled.ticket, "访客2", cancelled.phone[-4:], "cancelled")}
    assert seated.phone not in json.dumps(data)


def test_the_check_in_page_loads_its_script_and_says_how_many_wait_for_upload(client, org, session):
    client.force_login(org.staff_wuye)
    body = client.get(reverse("events:checkin", args=[session.pk])).content.decode()
    assert "events/js/checkin.js" in body and 'data-testid="checkin-pending"' in body and "待上传" in body
    assert "<script>" not in body  # no inline script (CSP)


def test_the_camera_decoder_is_served_from_the_site_itself_before_the_page_script(client, org, session):
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/jsqr/jsQR.js")  # from npm (package.json), never a CDN
    client.force_login(org.staff_wuye)
    body = client.get(reverse("events:checkin", args=[session.pk])).content.decode()
    assert body.index('src="/static/vendor/jsqr/jsQR.js"') < body.index('src="/static/events/js/checkin.js"')
    assert 'data-testid="camera"' in body and "关闭摄像头" in body


def test_the_page_registers_its_service_worker_served_beside_it_so_that_its_scope_is_the_page(client, org, session):
    client.force_login(org.staff_wuye)
    page = reverse("events:checkin", args=[session.pk])
    body = client.get(page).content.decode()
    assert f'data-sw-url="{page}sw.js"' in body  # the default scope of a worker is the folder of its script: the page
    response = client.get(f"{page}sw.js")
    script = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript") and "Service-Worker-Allowed" not in response
    assert 'var STATIC = "/static/";' in script and "caches.open" in script and "<script" not in script
    assert "private" in response["Cache-Control"]  # a staff path: never kept by a shared cache


def test_a_signed_ticket_is_read_from_a_scanner_a_url_or_typed_in_lower_case():
    code = "ABCDEFGHJKLM"
    ticket = signed_ticket(code)
    assert ticket_code_of(ticket) == code
    assert ticket_code_of(f"https://hqfw.example.edu.cn/events/t/{ticket}/") == code
    assert ticket_code_of(f"  {ticket.lower()} ") == code
    assert ticket_code_of(code + "-" + "A" * 8) is None and ticket_code_of(code) is None and ticket_code_of("") is None
