"""Contact-volume forecasts per interval: MSTL seasonality, holidays, and backtest metrics.

The model is the one statsforecast calls MSTL (Bandara, Hyndman and Bergmeir, "MSTL: A
Seasonal-Trend Decomposition Algorithm for Time Series with Multiple Seasonal Patterns",
2021, arXiv:2107.13462), built from statsmodels: the history is decomposed into a daily and
a weekly seasonal component plus trend and remainder; the seasonally adjusted series
(trend + remainder) is forecast with simple exponential smoothing (ETS(A,N,N), Hyndman and
Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., section 8.1), and each
seasonal component is carried forward by repeating its last cycle. Forecasts are clipped at
zero: a volume is never negative.

Holidays: history on a holiday is replaced by the same interval one week earlier (or later)
before fitting, so one quiet day does not bend the weekly shape; forecast intervals on a
holiday are scaled by a holiday factor, measured on past holidays when the history holds
any, otherwise the quietest weekday's volume relative to the average day (a holiday looks
like a Sunday).

Intervals are counted in UTC; weekdays and holidays are read in the calendar's zone. Across
a DST change the daily shape is one interval off for the season's first days; the weekly
component absorbs most of it.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

INTERVAL_MINUTES = (15, 30, 60)
# MSTL needs more than two full cycles of the longest season (it drops a season otherwise):
# two weeks and a day.
MIN_HISTORY_DAYS = 15
# Seasonal smoother span in cycles: wide, so that sparse counts give a stable shape instead
# of one that chases last week's noise (statsmodels' default 7 + 4i follows the noise).
SEASONAL_WINDOW = 101


class ForecastInputError(ValueError):
    """A forecast request the history cannot support; `field` names the culprit."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Backtest:
    """A forecast of held-out weeks next to seasonal-naive (same interval a week earlier)."""

    actual: Floats
    forecast: Floats
    naive: Floats
    mape: float
    wape: float
    naive_mape: float
    naive_wape: float


def intervals_per_day(interval_minutes: int) -> int:
    if interval_minutes not in INTERVAL_MINUTES:
        raise ForecastInputError(
            f"interval must be one of {INTERVAL_MINUTES} minutes, got {interval_minutes}",
            field="interval_minutes",
        )
    return 24 * 60 // interval_minutes


def max_horizon(history_intervals: int, interval_minutes: int) -> int:
    """How many intervals ahead the history supports: half its length, from 15 days on.

    Half the history keeps at least as many observed weeks as forecast ones, the rule of
    thumb for seasonal models; 0 means the history is too short to forecast at all.
    """
    if history_intervals < MIN_HISTORY_DAYS * intervals_per_day(interval_minutes):
        return 0
    return history_intervals // 2


def check_horizon(*, history_intervals: int, horizon: int, interval_minutes: int) -> None:
    per_day = intervals_per_day(interval_minutes)
    if horizon < 1:
        raise ForecastInputError("horizon must be at least one interval", field="horizon")
    limit = max_horizon(history_intervals, interval_minutes)
    days = history_intervals / per_day
    if limit == 0:
        raise ForecastInputError(
            f"the history holds {days:.1f} days; forecasting needs at least "
            f"{MIN_HISTORY_DAYS} days of ticket history",
            field="horizon",
        )
    if horizon > limit:
        raise ForecastInputError(
            f"{horizon / per_day:.1f} days ahead is beyond what {days:.1f} days of history "
            f"support; ask for at most {limit / per_day:.1f} days",
            field="horizon",
        )


def mape(actual: Floats, forecast: Floats) -> float:
    """Mean absolute percentage error over the intervals with contacts (nan if none).

    Intervals with no contacts are left out: their percentage error is undefined.
    """
    actual, forecast = _pair(actual, forecast)
    seen = actual > 0
    if not seen.any():
        return float("nan")
    return float(np.mean(np.abs(actual[seen] - forecast[seen]) / actual[seen]))


def wape(actual: Floats, forecast: Floats) -> float:
    """Weighted absolute percentage error: sum |actual - forecast| / sum actual (nan if 0)."""
    actual, forecast = _pair(actual, forecast)
    total = float(actual.sum())
    if total == 0:
        return float("nan")
    return float(np.abs(actual - forecast).sum() / total)


def seasonal_naive(history: Floats, *, horizon: int, season: int) -> Floats:
    """The last observed season repeated: each interval as it was one season earlier."""
    history = np.asarray(history, dtype=np.float64)
    if history.size < season:
        raise ForecastInputError("history is shorter than one season", field="horizon")
    last = history[-season:]
    return np.asarray(np.resize(last, horizon), dtype=np.float64)


def holiday_mask(
    *, start: datetime, intervals: int, interval_minutes: int, tz: ZoneInfo, days: Collection[date]
) -> npt.NDArray[np.bool_]:
    """True for each interval whose start falls on one of `days` in the calendar's zone."""
    return np.isin(_local_days(start, intervals, interval_minutes, tz), _ordinals(days))


def forecast_counts(
    history: Floats,
    *,
    start: datetime,
    interval_minutes: int,
    horizon: int,
    tz: ZoneInfo,
    holidays: Collection[date] = (),
) -> Floats:
    """Expected contacts in each of the `horizon` intervals after `history`.

    `history[i]` is the count in the interval starting at start + i * interval; `start`
    must be timezone-aware.
    """
    if start.tzinfo is None:
        raise ValueError(f"start must be timezone-aware, got {start!r}")
    y = np.asarray(history, dtype=np.float64)
    if (y < 0).any():
        raise ForecastInputError("contact counts cannot be negative", field="history")
    check_horizon(history_intervals=y.size, horizon=horizon, interval_minutes=interval_minutes)
    per_day = intervals_per_day(interval_minutes)
    week = 7 * per_day
    past = holiday_mask(
        start=start, intervals=y.size, interval_minutes=interval_minutes, tz=tz, days=holidays
    )
    adjusted = _without_holidays(y, past, week)
    if adjusted.sum() == 0:
        return np.zeros(horizon)
    ahead_start = start + timedelta(minutes=interval_minutes * y.size)
    ahead = holiday_mask(
        start=ahead_start,
        intervals=horizon,
        interval_minutes=interval_minutes,
        tz=tz,
        days=holidays,
    )
    result = _mstl_forecast(adjusted, per_day=per_day, horizon=horizon)
    if ahead.any():
        factor = _holiday_factor(y, adjusted, past, start, interval_minutes, tz)
        result = np.where(ahead, result * factor, result)
    return result


def backtest(
    history: Floats,
    *,
    start: datetime,
    interval_minutes: int,
    holdout_weeks: int,
    tz: ZoneInfo,
    holidays: Collection[date] = (),
) -> Backtest:
    """Fit on all but the last `holdout_weeks`, forecast them, and score against naive."""
    y = np.asarray(history, dtype=np.float64)
    week = 7 * intervals_per_day(interval_minutes)
    if holdout_weeks < 1:
        raise ForecastInputError("hold out at least one week", field="holdout_weeks")
    held = holdout_weeks * week
    train = y[:-held] if held < y.size else y[:0]
    if max_horizon(train.size, interval_minutes) < held:
        raise ForecastInputError(
            f"{holdout_weeks} held-out weeks need {2 * holdout_weeks} weeks of history "
            f"(at least {MIN_HISTORY_DAYS} days before them); the history holds "
            f"{y.size / week:.1f} weeks",
            field="holdout_weeks",
        )
    actual = y[-held:]
    fitted = forecast_counts(
        train,
        start=start,
        interval_minutes=interval_minutes,
        horizon=held,
        tz=tz,
        holidays=holidays,
    )
    naive = seasonal_naive(train, horizon=held, season=week)
    return Backtest(
        actual=actual,
        forecast=fitted,
        naive=naive,
        mape=mape(actual, fitted),
        wape=wape(actual, fitted),
        naive_mape=mape(actual, naive),
        naive_wape=wape(actual, naive),
    )


def _mstl_forecast(y: Floats, *, per_day: int, horizon: int) -> Floats:
    # statsmodels brings pandas: a second of imports paid by the first forecast, not at start.
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.seasonal import MSTL

    week = 7 * per_day
    with warnings.catch_warnings():
        # statsmodels warns about optimiser convergence on flat series; the fit stands.
        warnings.simplefilter("ignore")
        parts = MSTL(y, periods=(per_day, week), windows=(SEASONAL_WINDOW, SEASONAL_WINDOW)).fit()
        seasonal = np.asarray(parts.seasonal, dtype=np.float64)
        if seasonal.ndim == 1:  # a season statsmodels judged too long for the history
            seasonal = np.column_stack([seasonal, np.zeros_like(seasonal)])
        adjusted = np.asarray(parts.trend, dtype=np.float64) + np.asarray(parts.resid)
        level = ETSModel(adjusted, error="add", trend=None).fit(disp=False)
        base = np.asarray(level.forecast(horizon), dtype=np.float64)
    daily = np.resize(seasonal[-per_day:, 0], horizon)
    weekly = np.resize(seasonal[-week:, 1], horizon)
    return np.asarray(np.clip(base + daily + weekly, 0.0, None), dtype=np.float64)


def _without_holidays(y: Floats, mask: npt.NDArray[np.bool_], week: int) -> Floats:
    out = y.copy()
    for i in np.flatnonzero(mask):
        # The same interval a week away that is not itself a holiday: earlier first.
        for j in (i - week, i + week, i - 2 * week, i + 2 * week):
            if 0 <= j < y.size and not mask[j]:
                out[i] = y[j]
                break
    return out


def _holiday_factor(
    y: Floats,
    adjusted: Floats,
    mask: npt.NDArray[np.bool_],
    start: datetime,
    interval_minutes: int,
    tz: ZoneInfo,
) -> float:
    expected = float(adjusted[mask].sum())
    if expected > 0:
        return float(y[mask].sum()) / expected
    days = _local_days(start, y.size, interval_minutes, tz)
    weekdays = (days + 6) % 7  # date.toordinal() of a Monday is 1 mod 7 -> 0
    totals = np.bincount(weekdays, weights=y, minlength=7)
    counts = np.array([np.unique(days[weekdays == d]).size for d in range(7)])
    per_day = np.divide(totals, counts, out=np.zeros(7), where=counts > 0)
    average = float(totals.sum() / max(counts.sum(), 1))
    return float(per_day[counts > 0].min() / average) if average > 0 else 1.0


def _local_days(
    start: datetime, intervals: int, interval_minutes: int, tz: ZoneInfo
) -> npt.NDArray[np.int64]:
    """The proleptic ordinal of each interval's local date in `tz`."""
    stamps = [
        (start + timedelta(minutes=interval_minutes * i)).astimezone(tz).date().toordinal()
        for i in range(intervals)
    ]
    return np.asarray(stamps, dtype=np.int64)


def _ordinals(days: Collection[date]) -> npt.NDArray[np.int64]:
    return np.asarray([d.toordinal() for d in days], dtype=np.int64)


def _pair(actual: Floats, forecast: Floats) -> tuple[Floats, Floats]:
    a = np.asarray(actual, dtype=np.float64)
    f = np.asarray(forecast, dtype=np.float64)
    if a.shape != f.shape:
        raise ForecastInputError(
            f"actual and forecast differ in length: {a.shape} vs {f.shape}", field="forecast"
        )
    return a, f
