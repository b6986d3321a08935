"""The measured benefit: the saving formula (per-day rates of a baseline and an after period × 365, yuan through
the tariff — property tests for annualisation, units, zero and missing periods), the periods that may not overlap
or differ in length unnormalised, absurd savings refused, meter readings that run backwards refused, and the
owner's form that says what is wrong and stores nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import assume, given
from hypothesis import strategies as st

from qualityservice.ideas import services
from qualityservice.ideas.models import IdeaFile, Measurement
from qualityservice.ideas.tests.factories import jpeg, judge, make_idea, make_round, to_implemented

DAY0 = dt.date(2025, 1, 1)
days = st.integers(1, 400)
amounts = st.integers(0, 10**6).map(Decimal)
units = st.sampled_from(["kwh", "water", "yuan"])
tariffs = st.integers(1, 5000).map(lambda c: Decimal(c) / 1000)


def _saving(unit, b_days, before, a_days, after, *, gap=0, tariff=Decimal("0.6"), normalised=True, readings=False, ceilings=False):
    """The saving of a baseline of ``b_days`` from 1 January 2025 and an after period of ``a_days`` ``gap`` days
    later; the ceilings out of the way unless ``ceilings``."""
    b0 = DAY0
    b1 = b0 + dt.timedelta(days=b_days - 1)
    a0 = b1 + dt.timedelta(days=1 + gap)
    a1 = a0 + dt.timedelta(days=a_days - 1)
    figures = {"baseline_readings": (Decimal(100), Decimal(100) + before), "after_readings": (Decimal(5000), Decimal(5000) + after)} if readings \
        else {"baseline_amount": before, "after_amount": after}
    high = {} if ceilings else {"QS_IDEAS_MAX_YUAN": 10**12, "QS_IDEAS_MAX_KWH": 10**12, "QS_IDEAS_MAX_WATER": 10**12}
    with override_settings(**high):
        return services.annual_saving(unit=unit, baseline_start=b0, baseline_end=b1, after_start=a0, after_end=a1, tariff=tariff,
                                      normalised=normalised, **figures)


@given(units, days, amounts, days, amounts, tariffs, st.booleans())
def test_the_saving_is_the_difference_of_the_daily_rates_times_365_and_the_yuan_follow_the_tariff(unit, bd, before, ad, after, tariff, readings):
    result = _saving(unit, bd, before, ad, after, tariff=tariff, readings=readings)
    expected = (before / bd - after / ad) * 365
    assert abs(result.per_year - expected) <= Decimal("0.005")
    assert (result.baseline_days, result.after_days, result.baseline_amount, result.after_amount) == (bd, ad, before, after)
    if unit == "yuan":
        assert result.yuan_per_year == result.per_year
    else:
        assert abs(result.yuan_per_year - result.per_year * tariff) <= Decimal("0.005")


@given(units, days, amounts, st.integers(1, 12))
def test_the_same_daily_consumption_saves_nothing_whatever_the_lengths(unit, bd, daily, factor):
    ad = min(400, bd * factor)
    assert _saving(unit, bd, daily * bd, ad, daily * ad).per_year == 0


@given(units, days, amounts, amounts)
def test_a_year_long_period_of_equal_length_saves_exactly_the_difference_scaled_to_365_days(unit, bd, before, after):
    result = _saving(unit, bd, before, bd, after, normalised=False)
    assert abs(result.per_year - (before - after) * 365 / bd) <= Decimal("0.005")
    if bd == 365:
        assert result.per_year == before - after


@given(units, days, amounts)
def test_zero_consumption_after_saves_the_whole_baseline_rate(unit, bd, before):
    assert abs(_saving(unit, bd, before, bd, Decimal(0)).per_year - before * 365 / bd) <= Decimal("0.005")


@given(units, days, days)
def test_periods_of_different_lengths_need_the_per_day_comparison(unit, bd, ad):
    assume(bd != ad)
    with pytest.raises(ValidationError) as exc:
        _saving(unit, bd, Decimal(100), ad, Decimal(50), normalised=False)
    assert "normalised" in exc.value.message_dict


@given(units, days, days, st.integers(0, 30))
def test_overlapping_periods_are_refused(unit, bd, ad, overlap):
    assume(overlap < bd)
    with pytest.raises(ValidationError) as exc:
        _saving(unit, bd, Decimal(100), ad, Decimal(50), gap=-1 - overlap)
    assert "重叠" in " ".join(exc.value.message_dict["after_start"])


@pytest.mark.parametrize("missing, field", [("baseline_start", "baseline_start"), ("baseline_end", "baseline_start"),
                                            ("after_start", "after_start"), ("after_end", "after_start")])
def test_a_missing_period_is_named(missing, field):
    dates = {"baseline_start": DAY0, "baseline_end": DAY0 + dt.timedelta(days=29), "after_start": DAY0 + dt.timedelta(days=365),
             "after_end": DAY0 + dt.timedelta(days=394)}
    dates[missing] = None
    with pytest.raises(ValidationError) as exc:
        services.annual_saving(unit="kwh", baseline_amount=Decimal(1), after_amount=Decimal(1), tariff=Decimal(1), **dates)
    assert field in exc.value.message_dict


def test_a_one_day_period_is_a_period():
    result = _saving("kwh", 1, Decimal(400), 1, Decimal(300))
    assert (result.per_year, result.yuan_per_year) == (Decimal("36500.00"), Decimal("21900.00"))


def test_meter_readings_that_run_backwards_or_only_one_reading_are_refused():
    with pytest.raises(ValidationError, match="结束读数低于起始读数"):
        services.annual_saving(unit="kwh", baseline_start=DAY0, baseline_end=DAY0, after_start=DAY0 + dt.timedelta(days=2),
                               after_end=DAY0 + dt.timedelta(days=2), baseline_readings=(Decimal(500), Decimal(400)),
                               after_amount=Decimal(1), tariff=Decimal(1))
    with pytest.raises(ValidationError, match="两次读数"):
        services.annual_saving(unit="kwh", baseline_start=DAY0, baseline_end=DAY0, after_start=DAY0 + dt.timedelta(days=2),
                               after_end=DAY0 + dt.timedelta(days=2), baseline_readings=(Decimal(500), None),
                               after_amount=Decimal(1), tariff=Decimal(1))


def test_a_saving_beyond_the_ceiling_or_without_a_tariff_is_refused(settings):
    settings.QS_IDEAS_MAX_KWH = 100000
    with pytest.raises(ValidationError, match="超过上限"):
        _saving("kwh", 30, Decimal(30000), 30, Decimal(0), ceilings=True)  # 365,000 kWh a year
    with pytest.raises(ValidationError, match="请填写单价"):
        _saving("water", 30, Decimal(300), 30, Decimal(200), tariff=None)
    assert _saving("yuan", 30, Decimal(300), 30, Decimal(200), tariff=None).yuan_per_year == Decimal("1216.67")


# --- the owner's form ------------------------------------------------------------------------------


@pytest.fixture
def implemented(org):
    round_ = make_round(org.wuye)
    return to_implemented(make_idea(round_, org.staff_wuye), org.head_wuye, judge(org), org.head_wuye)


def _post(client, idea, **changes):
    data = {"unit": "kwh", "baseline_start": "2025-03-01", "baseline_end": "2025-03-31", "after_start": "2026-03-01",
            "after_end": "2026-03-31", "baseline_reading_start": "12000", "baseline_reading_end": "24710",
            "after_reading_start": "30000", "after_reading_end": "39858", "tariff": "0.62", "note": "后厨分表",
            "submission_key": "m" * 32}
    data.update(changes)
    return client.post(f"/staff/ideas/{idea.pk}/measure/", data)


@pytest.mark.django_db
def test_the_owner_records_meter_readings_with_a_photo_and_the_saving_is_computed(client, org, implemented):
    client.force_login(org.head_wuye)
    response = _post(client, implemented, files=jpeg("抄表.jpg"))
    assert response.status_code == 302
    m = Measurement.objects.get()
    # (12,710 − 9,858) kWh over 31 days each: 92 kWh a day, 33,580 a year, 20,819.60 yuan at 0.62
    assert (m.baseline_amount, m.after_amount, m.saving, m.saving_yuan) == (Decimal("12710"), Decimal("9858"), Decimal("33580.00"),
                                                                            Decimal("20819.60"))
    assert IdeaFile.objects.get(measurement=m).is_image
    body = client.get(implemented.get_absolute_url()).content.decode()
    assert "33580.00" in body and "20819.60" in body and "等待核实" in body


@pytest.mark.django_db
@pytest.mark.parametrize("changes, message", [
    ({"after_start": "2025-03-15"}, "重叠"),
    ({"after_end": "2026-03-20"}, "按日折算比较"),
    ({"after_reading_end": "29000"}, "结束读数低于起始读数"),
    ({"baseline_reading_end": "", "baseline_reading_start": ""}, "请填写基准期的消耗"),
    ({"baseline_start": ""}, "请填写基准期"),
    ({"baseline_amount": "-5", "baseline_reading_start": "", "baseline_reading_end": ""}, "消耗不能为负数"),
    ({"baseline_reading_end": "9999999"}, "超过上限"),
    ({"tariff": ""}, "请填写单价"),
    ({"unit": "qualitative", "note": ""}, "请描述观察到的效益"),
])
def test_bad_measurements_are_named_and_nothing_is_stored(client, org, implemented, changes, message):
    client.force_login(org.head_wuye)
    response = _post(client, implemented, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


@pytest.mark.django_db
def test_an_unsupported_or_fake_evidence_file_is_refused(client, org, implemented):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.head_wuye)
    body = _post(client, implemented, files=SimpleUploadedFile("invoice.exe", b"MZ\x90\x00")).content.decode()
    assert "只接受照片、PDF、Word 和 Excel 文件" in body
    body = _post(client, implemented, files=SimpleUploadedFile("invoice.pdf", b"not a pdf at all")).content.decode()
    assert "不是有效的 PDF 文件" in body
    assert not Measurement.objects.exists() and not IdeaFile.objects.exists()


@pytest.mark.django_db
def test_a_measurement_form_sent_twice_records_one_measurement(client, org, implemented):
    client.force_login(org.head_wuye)
    _post(client, implemented)
    _post(client, implemented)
    assert Measurement.objects.count() == 1


@pytest.mark.django_db
def test_the_verifier_confirms_and_the_idea_carries_the_verified_saving(client, org, implemented):
    client.force_login(org.head_wuye)
    _post(client, implemented)
    client.force_login(org.supervisor)
    body = client.post(f"/staff/ideas/{implemented.pk}/verify/", {"decision": "confirm"}, follow=True).content.decode()
    assert "测量的效益已核实" in body
    implemented.refresh_from_db()
    assert (implemented.status, implemented.verified_kwh, implemented.verified_yuan) == ("measured", Decimal("33580.00"), Decimal("20819.60"))
