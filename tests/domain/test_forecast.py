"""The contact forecast: exact backtest metrics, known seasonal shapes, holidays, refusals."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tierdesk.domain.workforce import forecast as fc

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday; London is on UTC in winter
LONDON = ZoneInfo("Europe/London")


def weekly_shape(weeks, per_day=24, peak=20.0):
    """Busy 08-18 on weekdays, quiet nights, weekends at 30 %: the expected contacts."""
    hours = np.arange(weeks * 7 * per_day)
    hour_of_day = (hours % per_day) * 24 // per_day
    day = (hours // per_day) % 7
    daily = np.where((hour_of_day >= 8) & (hour_of_day < 18), 1.0, 0.15)
    weekly = np.where(day < 5, 1.0, 0.3)
    return peak * daily * weekly


def test_mape_and_wape_on_a_hand_made_series():
    actual = np.array([1.0, 2.0, 4.0, 0.0])
    forecast = np.array([2.0, 2.0, 2.0, 1.0])
    # MAPE skips the zero: (1/1 + 0/2 + 2/4) / 3; WAPE: (1 + 0 + 2 + 1) / 7.
    assert fc.mape(actual, forecast) == pytest.approx(0.5)
    assert fc.wape(actual, forecast) == pytest.approx(4 / 7)


def test_metrics_are_nan_without_contacts():
    assert np.isnan(fc.mape(np.zeros(3), np.ones(3)))
    assert np.isnan(fc.wape(np.zeros(3), np.ones(3)))


def test_seasonal_naive_repeats_the_last_season():
    history = np.arange(10.0)
    assert fc.seasonal_naive(history, horizon=5, season=3).tolist() == [7, 8, 9, 7, 8]


def test_a_noise_free_weekly_pattern_is_forecast_to_within_five_percent():
    # Not exact: MSTL splits the shape between its daily and weekly smoothers and the trend
    # loess keeps a little of it at the edges (observed WAPE 0.023).
    expected = weekly_shape(5)
    history, future = expected[: 4 * 168], expected[4 * 168 :]
    result = fc.forecast_counts(history, start=MONDAY, interval_minutes=60, horizon=168, tz=LONDON)
    assert fc.wape(future, result) < 0.05


def test_backtest_of_a_noise_free_pattern_scores_both_methods_perfect():
    test = fc.backtest(
        weekly_shape(6), start=MONDAY, interval_minutes=60, holdout_weeks=2, tz=LONDON
    )
    assert test.naive_wape == 0.0
    assert test.wape < 0.05
    assert len(test.actual) == len(test.forecast) == len(test.naive) == 2 * 168


def test_on_noisy_counts_the_forecast_beats_seasonal_naive():
    # Poisson noise around a known shape: naive copies last week's noise, the model
    # averages it out. Margin: at least 10 % lower WAPE (seed fixed, observed 0.29 vs 0.38).
    rng = np.random.default_rng(1)
    counts = rng.poisson(weekly_shape(12)).astype(float)
    test = fc.backtest(counts, start=MONDAY, interval_minutes=60, holdout_weeks=1, tz=LONDON)
    assert test.wape < 0.9 * test.naive_wape
    assert test.mape < test.naive_mape


def test_the_forecast_keeps_the_daily_and_weekly_shape_at_15_minutes():
    rng = np.random.default_rng(2)
    counts = rng.poisson(weekly_shape(3, per_day=96, peak=5.0)).astype(float)
    result = fc.forecast_counts(
        counts, start=MONDAY, interval_minutes=15, horizon=7 * 96, tz=LONDON
    ).reshape(7, 96)
    # Three noisy weeks give each quarter-hour three samples, so compare totals, not points.
    # Expected: office hours 1.0 vs night 0.15 per quarter-hour; weekend days 0.3 of a weekday.
    office, night = result[:5, 32:72].mean(), result[:5, np.r_[0:32, 72:96]].mean()
    assert office / night == pytest.approx(1.0 / 0.15, rel=0.25)
    assert result[5:].sum() / result[:5].sum() * 5 / 2 == pytest.approx(0.3, rel=0.25)


def test_a_holiday_ahead_looks_like_the_quietest_weekday_when_history_has_none():
    expected = weekly_shape(4)
    plain = fc.forecast_counts(expected, start=MONDAY, interval_minutes=60, horizon=24, tz=LONDON)
    holiday = MONDAY + timedelta(weeks=4)  # the Monday being forecast
    scaled = fc.forecast_counts(
        expected,
        start=MONDAY,
        interval_minutes=60,
        horizon=24,
        tz=LONDON,
        holidays=[holiday.date()],
    )
    # Quietest weekday (Saturday or Sunday: 30 %) over the average day (5 + 0.6) / 7.
    factor = 0.3 / (5.6 / 7)
    assert scaled == pytest.approx(plain * factor, rel=0.02)


def test_a_holiday_factor_is_measured_on_past_holidays():
    expected = weekly_shape(5)
    past_holiday = date(2026, 1, 19)  # third Monday: contacts halve that day
    day = (past_holiday - MONDAY.date()).days
    expected[day * 24 : (day + 1) * 24] *= 0.5
    ahead = MONDAY + timedelta(weeks=5)
    result = fc.forecast_counts(
        expected,
        start=MONDAY,
        interval_minutes=60,
        horizon=48,
        tz=LONDON,
        holidays=[past_holiday, ahead.date()],
    )
    # The holiday Monday is forecast at half an ordinary one (Tuesday has the same shape).
    assert result[:24] == pytest.approx(0.5 * result[24:48], rel=0.03)


def test_a_horizon_beyond_half_the_history_is_refused_naming_the_horizon():
    with pytest.raises(fc.ForecastInputError, match="at most 14.0 days") as error:
        fc.forecast_counts(
            weekly_shape(4), start=MONDAY, interval_minutes=60, horizon=15 * 24, tz=LONDON
        )
    assert error.value.field == "horizon"


def test_less_than_two_weeks_of_history_is_refused():
    with pytest.raises(fc.ForecastInputError, match="at least 15 days") as error:
        fc.forecast_counts(
            weekly_shape(1), start=MONDAY, interval_minutes=60, horizon=24, tz=LONDON
        )
    assert error.value.field == "horizon"


def test_negative_counts_and_odd_intervals_are_refused():
    with pytest.raises(fc.ForecastInputError) as negative:
        fc.forecast_counts(
            -weekly_shape(3), start=MONDAY, interval_minutes=60, horizon=24, tz=LONDON
        )
    assert negative.value.field == "history"
    with pytest.raises(fc.ForecastInputError) as odd:
        fc.forecast_counts(
            weekly_shape(3), start=MONDAY, interval_minutes=20, horizon=24, tz=LONDON
        )
    assert odd.value.field == "interval_minutes"


def test_an_empty_history_forecasts_zero():
    result = fc.forecast_counts(
        np.zeros(3 * 168), start=MONDAY, interval_minutes=60, horizon=24, tz=LONDON
    )
    assert result.tolist() == [0.0] * 24
