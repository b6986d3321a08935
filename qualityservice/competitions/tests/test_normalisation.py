"""Normalising a judge who scores systematically harshly or leniently (the competition's optional normalisation):
chosen before scoring opens and fixed with the rubric; a judge the bias rule flags on enough scores has their mean
offset from the other judges subtracted per criterion before the aggregation; the results keep the total before
and after and name the judges adjusted; the per-judge analysis page shows the offsets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Entry, Flag, Normalisation, Round
from qualityservice.competitions.workflows import FLAG, ROUND
from qualityservice.core import pagecache

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db

D = Decimal
QUALITY = {1: 8, 2: 7, 3: 9, 4: 6}  # what the four agreeing judges give each contestant on every criterion
HARSHNESS = 6  # the harsh judge gives six points less


def _world(org, *, normalisation=Normalisation.OFFSET, aggregation="mean"):
    """Four contestants, five judges (the chief and four panel members); the last panel member is harsh and has a
    declared conflict with contestant 2 (so contestant 2 alone escapes the harshness in the raw totals). Scored,
    closed, the flags accepted, confirmed and verified."""
    setup = build(org, contestants=4, panel=4, reserves=0, open_round=False, aggregation=aggregation)
    setup.competition = services.update_competition(setup.competition, normalisation=normalisation)
    harsh = setup.appointments[-1]
    services.declare_conflict(harsh, setup.contestants[1], reason="师徒关系", by=setup.by, key=None)
    setup.round = ROUND.apply(setup.round, "open", by=setup.by)
    for sheet in sheets_of(setup.round):
        q = QUALITY[sheet.entry.contestant.number]
        v = q - HARSHNESS if sheet.appointment_id == harsh.pk else q
        score(sheet, values(v, v, v))
    setup.round = ROUND.apply(setup.round, "close", by=setup.by)
    for flag in Flag.objects.filter(round=setup.round, status=Flag.Status.OPEN):
        FLAG.apply(flag, "accept", by=setup.chief, note="已核实")
    confirm_all(setup)
    setup.round = ROUND.apply(Round.objects.get(pk=setup.round.pk), "verify", by=setup.chief)
    setup.harsh = harsh
    return setup


def _table(rnd):
    return list(Entry.objects.filter(round=rnd).order_by("rank").values_list("contestant__number", "raw_total", "total"))


def test_it_subtracts_the_flagged_judges_offset_and_keeps_the_total_before_and_after(org):
    setup = _world(org)
    # Raw (mean of five judges, weights 1 + 1.5 + 0.5 = 3): contestant 3 (9 × 4, 3) → 7.8 × 3 = 23.4; contestant 1 (8, 8, 8, 8, 2) → 6.8 × 3 = 20.4; contestant 2
    # (7 × 4, the harsh judge did not score) → 21. Normalised, the harsh judge's −6 is taken off: 8 → 24.
    assert _table(setup.round) == [(3, D("23.4000"), D("27.0000")), (1, D("20.4000"), D("24.0000")),
                                   (2, D("21.0000"), D("21.0000")), (4, D("14.4000"), D("18.0000"))]
    assert setup.round.adjustments == {str(setup.harsh.pk): {"caozuo": "-6.0000", "chengpin": "-6.0000", "weisheng": "-6.0000"}}
    assert Flag.objects.filter(round=setup.round, kind=Flag.Kind.BIAS).values_list("appointment_id", flat=True).get() == setup.harsh.pk


def test_without_normalisation_the_same_scores_rank_as_given(org):
    setup = _world(org, normalisation=Normalisation.NONE)
    assert _table(setup.round) == [(3, None, D("23.4000")), (2, None, D("21.0000")), (1, None, D("20.4000")), (4, None, D("14.4000"))]
    assert setup.round.adjustments == {}


def test_the_normalisation_is_fixed_once_a_round_has_opened(org):
    setup = build(org, contestants=2, panel=2, reserves=0)
    with pytest.raises(ValidationError, match="评分开始后"):
        services.update_competition(setup.competition, normalisation=Normalisation.OFFSET)
    setup.competition.refresh_from_db()
    assert setup.competition.normalisation == Normalisation.NONE


def test_the_edit_form_offers_the_normalisation_and_the_detail_page_states_it(client, org):
    setup = build(org, contestants=2, panel=2, reserves=0, open_round=False)
    client.force_login(org.supervisor)
    assert 'name="normalisation"' in client.get(setup.competition.get_edit_url()).content.decode()
    services.update_competition(setup.competition, normalisation=Normalisation.OFFSET)
    body = client.get(setup.competition.get_absolute_url()).content.decode()
    assert "减去偏差评委对其他评委的平均偏差" in body


def test_the_standings_show_both_totals_and_name_the_adjusted_judge_and_the_public_page_counts_them(client, org):
    setup = _world(org)
    client.force_login(org.supervisor)
    body = client.get(reverse("competitions:standings", args=[setup.round.pk])).content.decode()
    assert 'data-testid="adjusted-judges"' in body and f"{setup.harsh.staff.name}: 操作规范 +6" in body
    assert body.count('data-testid="raw-total"') == 4 and "20.40" in body and "24.00" in body
    ROUND.apply(setup.round, "publish", by=setup.by)
    client.logout()
    pagecache.clear()
    public = client.get(setup.competition.get_public_url()).content.decode()
    assert "1 位评委的评分经过校正" in public and setup.harsh.staff.name not in public
    assert "20.40" in public and "24.00" in public


def test_the_provisional_standings_are_normalised_too(client, org):
    setup = build(org, contestants=4, panel=4, reserves=0, open_round=False, aggregation="mean")
    services.update_competition(setup.competition, normalisation=Normalisation.OFFSET)
    harsh = setup.appointments[-1]
    rnd = ROUND.apply(setup.round, "open", by=setup.by)
    for sheet in sheets_of(rnd):
        q = QUALITY[sheet.entry.contestant.number]
        score(sheet, values(*(3 * [q - HARSHNESS if sheet.appointment_id == harsh.pk else q])))
    results = services.compute_results(Round.objects.get(pk=rnd.pk))
    assert [(r.number, r.raw_total, r.total) for r in results][0] == (3, D("7.8") * 3, D(27))


def test_the_judge_analysis_page_shows_each_judges_offsets_and_the_adjustment(client, org):
    setup = _world(org)
    client.force_login(setup.chief)
    body = client.get(reverse("competitions:judge_analysis", args=[setup.round.pk])).content.decode()
    assert body.count('data-testid="judge-row"') == 5
    assert body.count('data-testid="biased"') == 1 and body.count('data-testid="adjusted"') == 1
    # The harsh judge: 6 points below the other four on every criterion; 9 scores (three contestants × 3 criteria).
    assert "-6.00" in body and body.count("(+6.00)") == 3
    assert "括号中的数字为汇总前对该评委在该项每个分数所作的调整" in body


def test_the_judge_analysis_page_waits_for_scoring_to_close(client, org):
    setup = build(org, contestants=2, panel=2, reserves=0)
    client.force_login(org.supervisor)
    body = client.get(reverse("competitions:judge_analysis", args=[setup.round.pk])).content.decode()
    assert 'data-testid="not-yet"' in body and 'data-testid="judge-row"' not in body


def test_a_round_opening_later_still_refuses_the_change(org):
    setup = build(org, contestants=2, panel=2, reserves=0, open_round=False)
    Round.objects.filter(pk=setup.round.pk).update(scoring_opens_at=timezone.now() + dt.timedelta(hours=1))
    services.update_competition(setup.competition, normalisation=Normalisation.OFFSET)  # nothing has opened: allowed
    ROUND.apply(Round.objects.get(pk=setup.round.pk), "open", by=setup.by)
    with pytest.raises(ValidationError):
        services.update_competition(setup.competition, normalisation=Normalisation.NONE)
