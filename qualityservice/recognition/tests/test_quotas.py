"""Quotas per department when a head nominates: refused with a message naming the quota and how many are
already nominated, nothing created; a race of many heads' requests on PostgreSQL makes no more nominations than
the quota (the round's row is locked while counting)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from qualityservice.org.tests.factories import StaffFactory
from qualityservice.recognition import services
from qualityservice.recognition.models import Nomination

from .rounds import nominate, nominating_round


def _form(org, rnd, staff, **changes):
    data = {"department": org.wuye.pk, "title": "服务之星推荐", "title_en": "", "round": rnd.pk, "staff": staff.pk,
            "story": "<p>十年如一日</p>", "submission_key": "0123456789abcdef0123456789abcdef"}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_head_nominating_beyond_the_quota_is_told_the_quota_and_how_many_are_nominated(client, org):
    rnd = nominating_round(org, quotas={str(org.wuye.pk): 1})
    first, second = StaffFactory(department=org.wuye, name="张师傅"), StaffFactory(department=org.wuye, name="李师傅")
    client.force_login(org.head_wuye)
    response = client.post(reverse("recognition:new"), _form(org, rnd, first))
    assert response.status_code == 302
    body = client.post(reverse("recognition:new"), _form(org, rnd, second, submission_key="f" * 32)).content.decode()
    assert "物业管理中心在“2026年度服务明星评选”中的推荐名额为1个，已推荐1个" in body
    assert list(Nomination.objects.values_list("staff__name", flat=True)) == ["张师傅"]


@pytest.mark.django_db
def test_a_department_without_a_quota_may_not_nominate_and_a_closed_round_takes_none(org):
    rnd = nominating_round(org, quotas={str(org.wuye.pk): 2})
    with pytest.raises(ValidationError, match="名额为0个，已推荐0个"):
        nominate(org, rnd, staff=org.staff_yinshi.staff)
    services.move_round(rnd, "review", by=org.supervisor)
    with pytest.raises(ValidationError, match="未开放推荐"):
        nominate(org, rnd, staff=org.staff_wuye.staff)
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_moving_a_draft_into_a_full_round_is_refused_and_nothing_changes(org):
    rnd = nominating_round(org, quotas={str(org.wuye.pk): 1})
    nominate(org, rnd, staff=org.staff_wuye.staff, submit=False)
    outside, _created = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title="另一个")
    with pytest.raises(ValidationError, match="名额为1个，已推荐1个"):
        services.update_nomination(outside, round=rnd)
    outside.refresh_from_db()
    assert outside.round_id is None


@pytest.mark.django_db(transaction=True)
def test_parallel_nominations_of_one_department_make_no_more_than_its_quota_on_postgresql(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass (SQLite serialises writers)")
    rnd = nominating_round(org, quotas={str(org.wuye.pk): 3})
    people = [StaffFactory(department=org.wuye, name=f"员工{i}") for i in range(12)]
    barrier = threading.Barrier(len(people))
    results = [None] * len(people)

    def worker(i, staff):
        try:
            barrier.wait(timeout=20)
            results[i] = services.create_nomination(key=None, by=org.head_wuye, department=org.wuye, title=f"推荐{i}",
                                                    round=rnd, staff=staff)[0]
        except Exception as exc:  # the refused side of the race
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, s)) for i, s in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    made = [r for r in results if isinstance(r, Nomination)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 3 and len(refused) == 9, results
    assert all("名额为3个，已推荐3个" in " ".join(r.messages) for r in refused)
    assert Nomination.objects.filter(round=rnd, department=org.wuye).count() == 3
