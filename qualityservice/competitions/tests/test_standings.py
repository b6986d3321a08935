"""Standings: the tie-break chain, link by link (a table), and the aggregation of real sheets — the trimmed mean
over the judges who actually scored each contestant, weighted by criteria, minus deductions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qualityservice.competitions import services
from qualityservice.competitions.models import Entry, Round
from qualityservice.competitions.workflows import ROUND
from qualityservice.core import panel as scoring

from .factories import build, confirm_all, score, sheets_of, values

D = Decimal


def _r(number, *, total="80", caozuo="9", deductions="0", chief="80"):
    return scoring.EntryResult(entry=number, number=number, judges=5, per_criterion={"caozuo": D(caozuo)}, per_deduction={},
                               deductions=D(deductions), total=D(total), chief_total=D(chief) if chief is not None else None)


# (chain, contestant A, contestant B, who is first, the link that decided)
CASES = [
    ("a higher total wins whatever the chain", ["criterion:caozuo"], _r(2, total="81", caozuo="5"), _r(1, total="80", caozuo="10"), 2, "total"),
    ("equal totals: the higher criterion score", ["criterion:caozuo", "deductions"], _r(1, caozuo="8"), _r(2, caozuo="9"), 2, "criterion:caozuo"),
    ("equal criterion: fewer deductions", ["criterion:caozuo", "deductions"], _r(1, deductions="2"), _r(2, deductions="0"), 2, "deductions"),
    ("deductions first when the chain says so", ["deductions", "criterion:caozuo"], _r(1, caozuo="10", deductions="1"), _r(2, caozuo="7"), 2, "deductions"),
    ("then the chief judge's higher score", ["criterion:caozuo", "deductions", "chief"], _r(1, chief="79"), _r(2, chief="82"), 2, "chief"),
    ("a chief judge who did not score ranks below one who did", ["chief"], _r(1, chief=None), _r(2, chief="60"), 2, "chief"),
    ("all equal: the lower contestant number", ["criterion:caozuo", "deductions", "chief"], _r(2), _r(1), 1, "number"),
    ("an empty chain goes straight to the number", [], _r(3, caozuo="10"), _r(1, caozuo="1"), 1, "number"),
]


@pytest.mark.parametrize("case, chain, a, b, first, decided", CASES, ids=[c[0] for c in CASES])
def test_the_tie_break_chain_decides_link_by_link(case, chain, a, b, first, decided):
    ranked = scoring.rank([a, b], chain)
    assert [r.number for r in ranked][0] == first
    assert [r.rank for r in ranked] == [1, 2]
    assert scoring.deciding_link(ranked[0], ranked[1], chain) == decided
    assert ranked[1].decided_by == ("" if decided == "total" else decided)


def test_it_drops_a_chain_link_naming_a_criterion_the_rubric_does_not_have():
    assert scoring.valid_link("criterion:caozuo", ["caozuo"]) and not scoring.valid_link("criterion:gone", ["caozuo"])
    assert not scoring.valid_link("whatever", ["caozuo"])


@pytest.mark.django_db
def test_it_aggregates_each_criterion_with_the_trimmed_mean_over_the_judges_who_scored(org):
    setup = build(org, contestants=2, panel=4, reserves=0)  # chief + 4 panel members = 5 judges
    rnd = setup.round
    first, second = sorted({s.entry for s in sheets_of(rnd)}, key=lambda e: e.contestant.number)
    # Contestant 1: criterion "caozuo" 5, 6, 7, 8, 10 → the trimmed mean drops 5 and 10: 7.
    # The chief judge's sheet comes first (appointment order): the chief gives 5.
    for sheet, caozuo in zip([s for s in sheets_of(rnd) if s.entry_id == first.pk], ["5", "6", "7", "8", "10"], strict=True):
        score(sheet, values(caozuo, 8, 8, 1 if caozuo == "10" else 0))
    for sheet in [s for s in sheets_of(rnd) if s.entry_id == second.pk]:
        score(sheet, values(7, 8, 8))
    results = {r.entry: r for r in services.compute_results(Round.objects.get(pk=rnd.pk))}
    one = results[first.pk]
    assert one.judges == 5
    assert one.per_criterion == {"caozuo": D(7), "chengpin": D(8), "weisheng": D(8)}
    # One judge of five counted a deduction: the trimmed mean of (0, 0, 0, 0, 1) is 0.
    assert one.per_deduction == {"chaoshi": D(0)} and one.deductions == 0
    assert one.total == D(7) * 1 + D(8) * D("1.5") + D(8) * D("0.5")
    # Equal totals (both 23): the chain's first link, "caozuo", is equal too (7); deductions equal; the chief
    # judge gave contestant 1 a 5 on caozuo, contestant 2 a 7: contestant 2 ranks first.
    assert results[second.pk].total == one.total
    assert (results[second.pk].rank, one.rank, one.decided_by) == (1, 2, "chief")


@pytest.mark.django_db
def test_the_standings_page_states_the_method_and_the_tie_break_and_shows_the_breakdown(client, org):
    setup = build(org, contestants=2, panel=2, reserves=0)
    for sheet in sheets_of(setup.round):
        score(sheet, values(8, 8, 8) if sheet.entry.contestant.number == 1 else values(9, 7, 9))
    ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    ROUND.apply(setup.round, "verify", by=setup.chief)
    client.force_login(org.supervisor)
    body = client.get(reverse("competitions:standings", args=[setup.round.pk])).content.decode()
    assert "截尾平均" in body and "去掉一个最高分和一个最低分" in body
    assert "同分时依次比较：“操作规范”得分较高者 → 扣分较少者 → 裁判长评分较高者 → 参赛编号较小者。" in body
    # Contestants 1 and 2 both total 24; contestant 2's 9 on caozuo beats 8: the row says why.
    assert "同分，按“操作规范”得分较高者排前" in body
    rows = list(Entry.objects.filter(round=setup.round).order_by("rank").values_list("contestant__number", "total"))
    assert rows == [(2, D("24.0000")), (1, D("24.0000"))]
