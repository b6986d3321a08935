"""The waiting list: strictly first come, first served. A freed seat is offered to the first in line (or given
straight away when the session is near); an offer not confirmed in time lapses and goes to the next; a manual move
needs a written reason, is logged and told to the supervisors. A property: whatever happens, nobody is ever over
capacity, no seat stays free while someone waits, and the order of offers is the order of joining except for the
logged moves."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from qualityservice.events import services
from qualityservice.events.models import Offer, QueueMove, Registration, RegistrationStatus, Session

from .helpers import cohost, key, make_event, member, register, visitor

pytestmark = pytest.mark.django_db
R = RegistrationStatus


def _full(org, capacity=1, **kwargs):
    event = make_event(org, capacity=capacity, **kwargs)
    session = event.sessions.get()
    seated = [visitor(session, n) for n in range(capacity)]
    return session, seated


def _status(*registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def test_a_freed_seat_is_offered_to_the_first_in_line_with_a_deadline(org, settings):
    settings.QS_EVENTS_OFFER_HOURS = 24
    session, (seated,) = _full(org)
    first, second = visitor(session, 10), visitor(session, 11)
    before = timezone.now()
    services.cancel_by_person(seated)
    assert _status(first, second) == ["offered", "waiting"]
    offer = Offer.objects.get()
    assert offer.registration_id == first.pk and offer.status == "open"
    assert before + dt.timedelta(hours=24) <= offer.expires_at <= timezone.now() + dt.timedelta(hours=24)
    session.refresh_from_db()
    assert session.general_taken == 1  # the offered seat is held for the person


def test_an_offer_never_runs_past_the_start_of_the_session(org, settings):
    settings.QS_EVENTS_OFFER_HOURS = 72
    settings.QS_EVENTS_AUTO_PROMOTE_HOURS = 24
    session, (seated,) = _full(org, starts_in=dt.timedelta(hours=30))
    first = visitor(session, 10)
    services.cancel_by_person(seated)
    assert Offer.objects.get(registration=first).expires_at == Session.objects.get(pk=session.pk).starts_at


def test_the_first_in_line_gets_the_seat_straight_away_when_the_session_is_near(org, settings):
    settings.QS_EVENTS_AUTO_PROMOTE_HOURS = 24
    session, (seated,) = _full(org, starts_in=dt.timedelta(hours=20))
    first, second = visitor(session, 10), visitor(session, 11)
    services.cancel_by_person(seated)
    assert _status(first, second) == ["confirmed", "waiting"] and not Offer.objects.exists()


def test_an_offer_not_confirmed_in_time_lapses_and_goes_to_the_next_once(org, django_capture_on_commit_callbacks):
    session, (seated,) = _full(org)
    first_member = member("第一位", email="first@example.edu.cn")
    first, second = register(session, first_member), visitor(session, 11)
    services.cancel_by_person(seated)
    Offer.objects.filter(registration=first).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_offers() == 1
    assert services.expire_offers() == 0  # idempotent
    assert _status(first, second) == ["lapsed", "offered"]
    assert list(Offer.objects.order_by("pk").values_list("registration_id", "status")) == [(first.pk, "expired"), (second.pk, "open")]
    assert [m.subject for m in mail.outbox if m.to == ["first@example.edu.cn"]][-1] == "候补确认已过期：物业开放日"


def test_accepting_an_expired_offer_is_refused_with_a_message(client, org):
    session, (seated,) = _full(org)
    first = visitor(session, 10)
    services.cancel_by_person(seated)
    Offer.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    body = client.post(f"{first.get_ticket_url()}action/", {"action": "accept"}, follow=True).content.decode()
    assert "确认时间已过" in body
    assert _status(first) == ["offered"]  # the job lapses it


def test_accepting_the_offer_confirms_the_seat_from_the_ticket(client, org):
    session, (seated,) = _full(org)
    first = visitor(session, 10)
    services.cancel_by_person(seated)
    page = client.get(first.get_ticket_url()).content.decode()
    assert "有一个座位留给您" in page and 'value="accept"' in page
    client.post(f"{first.get_ticket_url()}action/", {"action": "accept"})
    assert _status(first) == ["confirmed"] and Offer.objects.get().status == "accepted"
    assert "<svg" in client.get(first.get_ticket_url()).content.decode()


def test_declining_the_offer_passes_it_to_the_next_and_tells_the_organiser(org, django_capture_on_commit_callbacks):
    org.head_wuye.email = "head@example.edu.cn"
    org.head_wuye.save()
    session, (seated,) = _full(org)
    first, second = visitor(session, 10), visitor(session, 11)
    services.cancel_by_person(seated)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_registration(first, "decline", system=True)
    assert _status(first, second) == ["withdrawn", "offered"]
    assert "退出报名：访客10，物业开放日" in [m.subject for m in mail.outbox]


def test_a_manual_move_needs_a_reason_is_logged_and_told_to_the_supervisors(client, org, django_capture_on_commit_callbacks):
    org.supervisor.email = "sup@example.edu.cn"
    org.supervisor.save()
    session, _seated = _full(org)
    line = [visitor(session, n) for n in range(10, 14)]
    client.force_login(org.head_wuye)
    url = f"{session.get_absolute_url()}reorder/"
    body = client.post(url, {"registration": line[3].pk, "position": 1, "reason": "", "submission_key": key()}, follow=True).content.decode()
    assert "这个字段是必填项" in body or "请写明调整顺序的原因" in body
    assert not QueueMove.objects.exists()
    data = {"registration": line[3].pk, "position": 2, "reason": "行动不便的老师，优先安排", "submission_key": key()}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        client.post(url, data)  # the same form again: one move
    move = QueueMove.objects.get()
    assert (move.from_position, move.to_position, move.reason, move.by) == (4, 2, "行动不便的老师，优先安排", org.head_wuye)
    order = list(Registration.objects.waiting_list(session).values_list("pk", flat=True))
    assert order == [line[0].pk, line[3].pk, line[1].pk, line[2].pk]
    [notice] = [m for m in mail.outbox if m.to == ["sup@example.edu.cn"]]
    assert "候补顺序调整" in notice.subject and "从第 4 位调整到第 2 位" in notice.body and "行动不便的老师" in notice.body
    client.force_login(org.supervisor)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "访客13 从第 4 位调到第 2 位" in page and "行动不便的老师，优先安排" in page


def test_a_manual_move_to_the_same_place_or_of_someone_not_waiting_changes_nothing(org):
    session, (seated,) = _full(org)
    line = [visitor(session, n) for n in range(10, 12)]
    with pytest.raises(services.ValidationError, match="已在该位次"):
        services.reorder(session, line[0], position=1, reason="测试调整", by=org.head_wuye, key=key())
    with pytest.raises(services.ValidationError, match="已不在候补名单"):
        services.reorder(session, seated, position=1, reason="测试调整", by=org.head_wuye, key=key())
    assert not QueueMove.objects.exists()


def test_more_capacity_fills_the_waiting_list_and_less_than_taken_is_refused(org):
    session, _seated = _full(org, capacity=2)
    line = [visitor(session, n) for n in range(10, 13)]
    services.update_session(session, capacity=4)
    assert _status(*line) == ["offered", "offered", "waiting"]
    with pytest.raises(services.ValidationError) as exc:
        services.update_session(session, capacity=3)
    assert "已有 4 个名额被占用或预留" in " ".join(exc.value.messages)
    assert Session.objects.get(pk=session.pk).capacity == 4


def test_a_smaller_reservation_gives_its_seats_to_the_waiting_list(org):
    event = make_event(org, capacity=3)
    session = event.sessions.get()
    union, _c = services.save_allocation(session, key=key(), co_host=cohost(), seats=2)
    visitor(session, 0)
    waiting = visitor(session, 1)
    assert _status(waiting) == ["waiting"]
    services.save_allocation(session, key=key(), co_host=union.co_host, seats=1, allocation=union)
    assert _status(waiting) == ["offered"]
    session.refresh_from_db()
    assert (session.reserved, session.general_taken) == (1, 2)


def test_cancelling_a_session_cancels_every_registration_and_tells_each_person(org, django_capture_on_commit_callbacks):
    session, _seated = _full(org)
    someone = member("受影响的同学", email="x@example.edu.cn")
    waiting = register(session, someone)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_session(session, "cancel", by=org.head_wuye)
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    assert Session.objects.get(pk=session.pk).general_taken == 0
    assert [m.subject for m in mail.outbox if m.to == ["x@example.edu.cn"]][-1] == "活动取消：物业开放日"
    assert waiting.pk


# --- The property ----------------------------------------------------------------------------------------------

OPS = ["register", "register", "register", "cancel", "cancel", "expire", "accept", "decline", "move"]


def _check(session, queue: list[int], served: list[int]) -> list[int]:
    """The invariants, and the model queue with those who left it for a seat removed from its front."""
    s = Session.objects.get(pk=session.pk)
    holders = Registration.objects.filter(session=s, status__in=[R.OFFERED, R.CONFIRMED]).count()
    assert holders == s.general_taken <= s.capacity
    waiting = list(Registration.objects.waiting_list(s).values_list("pk", flat=True))
    if waiting:
        assert s.general_taken == s.capacity  # no seat stays free while someone waits
    statuses = dict(Registration.objects.filter(pk__in=queue).values_list("pk", "status"))
    left = [pk for pk in queue if statuses[pk] != R.WAITING]
    assert queue[:len(left)] == left, "a seat went to someone who was not first in line"
    assert all(statuses[pk] in (R.OFFERED, R.CONFIRMED) for pk in left)
    served.extend(left)
    queue = queue[len(left):]
    assert waiting == queue, "the waiting list is not in the order of joining and the logged moves"
    return queue


def test_the_waiting_list_is_fair_whatever_happens(org):
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    @hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(capacity=st.integers(1, 3), near=st.booleans(),
           ops=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 9), st.integers(1, 6)), min_size=1, max_size=25))
    def run(capacity, near, ops):
        with transaction.atomic():
            event = make_event(org, capacity=capacity, starts_in=dt.timedelta(hours=5) if near else dt.timedelta(days=10))
            session = event.sessions.get()
            queue, served, n = [], [], 0
            for op, pick, position in ops:
                active = list(Registration.objects.filter(session=session, status__in=[R.WAITING, R.OFFERED, R.CONFIRMED]).order_by("seq"))
                if op == "register":
                    n += 1
                    registration = visitor(session, n)
                    if registration.status == R.WAITING:
                        queue.append(registration.pk)
                elif op == "cancel" and active:
                    victim = active[pick % len(active)]
                    services.cancel_by_person(victim)
                    if victim.pk in queue:
                        queue.remove(victim.pk)
                elif op == "expire":
                    Offer.objects.filter(status="open", registration__session=session).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
                    services.expire_offers()
                elif op in ("accept", "decline"):
                    offered = [r for r in active if r.status == R.OFFERED]
                    if offered:
                        services.move_registration(offered[pick % len(offered)], op, system=True)
                elif op == "move" and len(queue) >= 2:
                    who = Registration.objects.get(pk=queue[pick % len(queue)])
                    to = min(position, len(queue))
                    try:
                        services.reorder(session, who, position=to, reason="按规定调整", by=org.head_wuye, key=key())
                    except services.ValidationError:
                        pass  # already at that place
                    else:
                        queue.remove(who.pk)
                        queue.insert(to - 1, who.pk)
                queue = _check(session, queue, served)
            offered_order = list(Offer.objects.filter(registration__session=session).order_by("pk").values_list("registration_id", flat=True))
            assert offered_order == [pk for pk in served if pk in set(offered_order)]
            transaction.set_rollback(True)

    run()
