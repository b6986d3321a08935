"""Single-use voting codes: the supervisor generates a batch (printable, Excel), a voter without an account votes
with a code on the vote page, one ballot per code (the voter record's unique constraint), the code never linkable
to the ballot; fraud signals for review (bursts for one nominee, many ballots from one browser, odd hours, codes
of one batch used within seconds), a ballot voided by its receipt with a reason; the pages' permissions."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from qualityservice.recognition import codes, services, staff_urls
from qualityservice.recognition.models import Ballot, VoterRecord
from qualityservice.recognition.results_models import BrowserTally, CodeUse, VoteActivity, VotingCode

from .factories import voter, voting_round

pytestmark = pytest.mark.django_db

CODE_VIEWS = ("round_codes", "round_codes_new", "round_void_ballot", "batch_print", "batch_export", "batch_void")
KEY = "0123456789abcdef0123456789abcdef"


def _batch(org, rnd, size=5, label="退休教师"):
    batch, _created = codes.generate_batch(rnd, label=label, size=size, by=org.supervisor, key=None)
    return batch, list(batch.codes.values_list("code", flat=True))


def test_the_supervisor_generates_a_batch_once_per_form_and_a_bad_size_is_refused(org):
    rnd, _nominations = voting_round(org)
    first, created = codes.generate_batch(rnd, label="退休教师", size=50, by=org.supervisor, key=KEY)
    again, created_again = codes.generate_batch(rnd, label="退休教师", size=50, by=org.supervisor, key=KEY)
    assert created and not created_again and first == again
    made = list(VotingCode.objects.values_list("code", flat=True))
    assert len(made) == len(set(made)) == 50 and all(len(c) == 10 and set(c) <= set(codes.CODE_ALPHABET) for c in made)
    for size in (0, 100000):
        with pytest.raises(ValidationError, match="每批投票码数量"):
            codes.generate_batch(rnd, label="x", size=size, by=org.supervisor, key=None)
    assert VotingCode.objects.count() == 50


def test_a_voter_without_an_account_votes_once_with_a_code_on_the_vote_page(client, org):
    rnd, (a, b, _c) = voting_round(org, k=2)
    _batch_row, (code, other, *_rest) = _batch(org, rnd)
    assert "我有投票码" in client.get(rnd.get_vote_url()).content.decode()
    url = reverse("recognition:vote_code", args=[rnd.code])
    assert 'name="voting_code"' in client.get(url).content.decode()
    response = client.post(url, {"voting_code": code.lower(), "choice": [a.pk, b.pk]})
    receipt = Ballot.objects.get().receipt
    assert response.status_code == 200 and receipt in response.content.decode()
    again = client.post(url, {"voting_code": code, "choice": [a.pk]})
    assert again.status_code == 400 and "该投票码无效或已使用" in again.content.decode()
    unknown = client.post(url, {"voting_code": "NOPE", "choice": [a.pk]})
    assert unknown.status_code == 400 and "该投票码无效或已使用" in unknown.content.decode()
    bad = client.post(url, {"voting_code": other, "choice": []})
    assert bad.status_code == 400 and "请选择1至2名候选人" in bad.content.decode()
    assert Ballot.objects.count() == VoterRecord.objects.count() == 1
    assert VotingCode.objects.get(code=code).used and not VotingCode.objects.get(code=other).used


def test_a_code_is_never_linkable_to_its_ballot(org):
    rnd, (a, *_rest) = voting_round(org)
    _batch_row, (code, *_rest) = _batch(org, rnd)
    codes.cast_with_code(rnd, code, [a.pk])
    fields = {f.name: f for f in VotingCode._meta.concrete_fields}
    assert set(fields) == {"id", "batch", "round", "code", "used"}  # no ballot, no receipt, no time
    assert not any(isinstance(f, models.DateTimeField) for f in fields.values())
    record = VoterRecord.objects.get()
    assert code not in record.voter and len(record.voter) == 64  # a keyed hash of the code
    assert {f.name for f in Ballot._meta.concrete_fields} == {"id", "round", "choices", "receipt", "cast_on", "voided", "void_reason"}


def test_a_voided_batch_refuses_its_unused_codes_and_keeps_its_ballots(org):
    rnd, (a, *_rest) = voting_round(org)
    batch, (used, unused, *_rest) = _batch(org, rnd)
    codes.cast_with_code(rnd, used, [a.pk])
    with pytest.raises(ValidationError, match="原因"):
        codes.void_batch(batch, by=org.supervisor, reason=" ")
    codes.void_batch(batch, by=org.supervisor, reason="发放名单有误")
    with pytest.raises(ValidationError, match="无效或已使用"):
        codes.cast_with_code(rnd, unused, [a.pk])
    assert Ballot.objects.count() == 1


def test_the_batch_prints_and_exports_its_codes(client, org):
    rnd, _nominations = voting_round(org)
    batch, made = _batch(org, rnd, size=8)
    codes.cast_with_code(rnd, made[0], [rnd.nominations.first().pk])
    client.force_login(org.supervisor)
    body = client.get(reverse("recognition:batch_print", args=[batch.pk])).content.decode()
    assert body.count('class="slip"') == 7 and made[1] in body and made[0] not in body
    response = client.get(reverse("recognition:batch_export", args=[batch.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("投票码", "是否已使用") and len(rows) == 9 and (made[0], "已使用") in rows


def test_the_signals_show_bursts_odd_hours_one_browser_and_codes_used_within_seconds(client, org, settings):
    settings.QS_RECOGNITION_BURST_MIN = 8
    rnd, (a, b, c) = voting_round(org, k=1)
    day = timezone.make_aware(dt.datetime(2026, 5, 4, 10, 0))
    for minutes in (0, 10, 20, 30):
        codes.record_activity(rnd, [b.pk], now=day + dt.timedelta(minutes=minutes))
    for _ in range(9):  # 9 for A in one window; A's usual rate is 1 in 10 minutes
        codes.record_activity(rnd, [a.pk], now=day + dt.timedelta(minutes=41))
    for minutes in (70, 80, 90, 100, 110):
        codes.record_activity(rnd, [a.pk], now=day + dt.timedelta(minutes=minutes))
    codes.record_activity(rnd, [b.pk], now=timezone.make_aware(dt.datetime(2026, 5, 5, 3, 12)))
    batch, made = _batch(org, rnd, size=4)
    for code in made[:3]:
        codes.cast_with_code(rnd, code, [b.pk])  # within seconds
    url = reverse("recognition:vote_code", args=[rnd.code])
    client.get(url)  # the browser id cookie
    for _ in range(5):
        client.post(reverse("recognition:vote_code", args=[rnd.code]), {"voting_code": "X", "choice": [b.pk]})
    member_client = client
    for _ in range(5):
        member_client.force_login(voter())
        member_client.post(rnd.get_vote_url(), {"choice": [c.pk]})
    kinds = [s["kind"] for s in codes.signals(rnd)]
    assert kinds.count("burst") == 1 and "odd_hours" in kinds and "browser" in kinds and "codes" in kinds
    burst = next(s for s in codes.signals(rnd) if s["kind"] == "burst")
    assert burst["nomination"] == "候选人1" and burst["count"] == 9
    assert BrowserTally.objects.get().ballots == 5
    client.force_login(org.supervisor)
    body = client.get(reverse("recognition:round_codes", args=[rnd.pk])).content.decode()
    assert "10分钟内候选人1得9票" in body and "同一浏览器投出5张选票" in body and "在10秒内被使用" in body and "夜间投出" in body


def test_the_supervisor_voids_a_ballot_by_its_receipt_with_a_reason(client, org):
    rnd, (a, *_rest) = voting_round(org)
    receipt = services.cast_ballot(rnd, voter(), [a.pk])
    client.force_login(org.supervisor)
    url = reverse("recognition:round_void_ballot", args=[rnd.pk])
    client.post(url, {"receipt": receipt, "reason": ""})
    assert not Ballot.objects.get().voided
    client.post(url, {"receipt": receipt.lower(), "reason": "同一浏览器连续投票，经核实为代投"})
    ballot = Ballot.objects.get()
    assert ballot.voided and ballot.void_reason == "同一浏览器连续投票，经核实为代投"


def test_the_counters_are_forgotten_when_the_round_becomes_final(org):
    rnd, (a, *_rest) = voting_round(org)
    _batch_row, made = _batch(org, rnd)
    codes.cast_with_code(rnd, made[0], [a.pk], browser="b1")
    assert VoteActivity.objects.exists() and CodeUse.objects.exists() and BrowserTally.objects.exists()
    codes.forget_activity(rnd)
    assert not (VoteActivity.objects.exists() or CodeUse.objects.exists() or BrowserTally.objects.exists())


def test_only_the_supervisor_and_the_administrator_open_the_code_pages(client, org):
    rnd, (a, *_rest) = voting_round(org)
    batch, _made = _batch(org, rnd)
    views = {
        "round_codes": ("get", reverse("recognition:round_codes", args=[rnd.pk]), {}),
        "round_codes_new": ("post", reverse("recognition:round_codes_new", args=[rnd.pk]), {"label": "新批", "size": "2"}),
        "round_void_ballot": ("post", reverse("recognition:round_void_ballot", args=[rnd.pk]), {"receipt": "X", "reason": "y"}),
        "batch_print": ("get", reverse("recognition:batch_print", args=[batch.pk]), {}),
        "batch_export": ("get", reverse("recognition:batch_export", args=[batch.pk]), {}),
        "batch_void": ("post", reverse("recognition:batch_void", args=[batch.pk]), {"reason": "核查"}),
    }
    assert tuple(views) == CODE_VIEWS and set(CODE_VIEWS) <= {p.name for p in staff_urls.urlpatterns}
    for name, (method, url, data) in views.items():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    for who in ("head_wuye", "head_yinshi", "staff_wuye", "operator", "judge"):
        client.force_login(getattr(org, who))
        for name, (method, url, data) in views.items():
            assert getattr(client, method)(url, data).status_code == 404, (who, name)
    assert VotingCode.objects.count() == 5 and batch.__class__.objects.get(pk=batch.pk).voided_at is None
    for who in ("supervisor", "admin"):
        client.force_login(getattr(org, who))
        for name, (method, url, data) in views.items():
            response = getattr(client, method)(url, data)
            assert response.status_code == (200 if method == "get" else 302), (who, name)
    assert batch.__class__.objects.get(pk=batch.pk).voided_at is not None


def test_the_published_receipts_are_ordered_by_receipt_not_by_insertion_and_only_after_the_close(client, org):
    rnd, nominations = voting_round(org, k=1)
    cast = [services.cast_ballot(rnd, voter(), [nominations[i % 3].pk]) for i in range(25)]
    voided = cast[3]
    services.void_ballot(rnd, voided, by=org.supervisor, reason="核查")
    url = reverse("recognition:receipts", args=[rnd.code])
    assert client.get(url).status_code == 404  # nothing published before the close
    services.move_round(rnd, "close_vote", by=org.supervisor)
    listed = b"".join(client.get(url).streaming_content).decode().split()
    counted = [r for r in cast if r != voided]
    assert listed == sorted(counted) and listed != counted  # 1 in 24! that the casting order is the sorted one
    assert voided not in listed
    assert services.figures(rnd) == {"voters": 25, "counted": 24, "voided": 1}
    Ballot.objects.filter(receipt=cast[0]).delete()  # the figures are the stored ones, counted at the close
    assert services.figures(rnd)["counted"] == 24
