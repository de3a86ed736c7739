"""The running-vibration history of one machine and its failure prediction.

Samples are `(hour meter, vibration)` pairs taken while the machine runs,
kept for the last `trend_window_hours` of running time. The line is refitted
when a sample arrives `trend_refit_hours` of running time after the last fit,
so the number of fits follows the running hours, not the readings. The
moment of a fit depends on the samples alone, never on how ingest happened
to batch them: an agent rebuilt from a snapshot plus a replay of the log
fits at the same samples and reaches the same trend as the agent
that saw the readings live. PREDICTED_FAILURE is raised once per degradation
episode; a fresh `TrendMemory()` starts a new episode after maintenance or
repair. `observe` is the one step: the memory is frozen and each sample gives
a new one.
"""

from __future__ import annotations

from agents.alerts import AlertMaker, reading_key
from agents.health import WearTrend, failure_predicted, fit_wear_trend
from agents.memory import Memory
from agents.persist import IsoTime
from agents.settings import AgentSettings
from agents.shifts import after_shift_hours
from supplysync.events import Alert, AlertKind, Severity
from supplysync.readings import VibrationReading


class TrendMemory(Memory):
    """One degradation episode: its samples, the latest fit and the alert's latch.

    Attributes:
        samples: `(hour meter, mm/s)` of running samples, oldest first.
        latest: the reading of the newest sample (it dates the prediction).
        new: samples added since the last fit.
        fitted_at: the hour meter of the last fit.
        alerted: whether this episode's PREDICTED_FAILURE went out.
        trend: the last fit, None before one could be made.
        predicted_at: when the danger level will be crossed, once predicted.
    """

    samples: tuple[tuple[float, float], ...] = ()
    latest: VibrationReading | None = None
    new: int = 0
    fitted_at: float | None = None
    alerted: bool = False
    trend: WearTrend | None = None
    predicted_at: IsoTime | None = None


def observe(
    memory: TrendMemory,
    hour_meter: float,
    reading: VibrationReading,
    *,
    s: AgentSettings,
    hours_per_day: float,
    make_alert: AlertMaker,
) -> tuple[TrendMemory, Alert | None]:
    """The episode after one running sample, and PREDICTED_FAILURE the first time one is due.

    The sample joins the window (older ones drop out); the line is refitted
    when the refit interval of running hours has passed since the last fit,
    so the samples alone decide when a fit happens.
    """
    # window + (sample,) copies the window once; (*window, sample) copies it
    # into a list and then into the tuple, twice per running sample
    sample = (hour_meter, reading.mm_s_rms)
    samples = (memory.samples + (sample,))[-s.trend_max_samples :]  # noqa: RUF005
    oldest, first = hour_meter - s.trend_window_hours, 0
    while samples[first][0] < oldest:
        first += 1
    samples = samples[first:]
    if memory.fitted_at is not None and hour_meter - memory.fitted_at < s.trend_refit_hours:
        return memory.replace(samples=samples, latest=reading, new=memory.new + 1), None
    trend = fit_wear_trend(
        [h for h, _ in samples],
        [v for _, v in samples],
        danger=s.vibration_danger_mm_s,
        base=s.wear_baseline_mm_s,
        gain=s.wear_gain_mm_s,
    )
    fitted = {"samples": samples, "latest": reading, "new": 0, "fitted_at": hour_meter}
    if trend is None or not failure_predicted(
        trend,
        min_samples=s.trend_min_samples,
        min_t=s.trend_min_t,
        horizon_h=s.prediction_horizon_hours,
    ):
        return memory.replace(**fitted, trend=trend), None
    predicted_at = after_shift_hours(
        reading.ts, trend.hours_to_danger, s.shift_start_hour, hours_per_day
    )
    predicted = {**fitted, "trend": trend, "predicted_at": predicted_at}
    if memory.alerted:
        return memory.replace(**predicted), None
    wall_hours = (predicted_at - reading.ts).total_seconds() / 3600.0
    return memory.replace(**predicted, alerted=True), make_alert(
        AlertKind.PREDICTED_FAILURE,
        Severity.CRITICAL,
        reading.ts,
        reading_key(reading.device_id, reading.seq),
        f"{make_alert.asset_id} vibration trend reaches the danger level "
        f"({s.vibration_danger_mm_s} mm/s) in {trend.hours_to_danger:.1f} running hours, "
        f"about {predicted_at:%Y-%m-%d %H:%M}",
        data={
            "hours_to_failure": trend.hours_to_danger,
            "wall_hours_to_failure": wall_hours,
            "predicted_failure_at": predicted_at.isoformat(),
            "wear_per_hour": trend.slope_per_hour,
            "t_stat": trend.t_stat,
            "samples": trend.samples,
        },
    )
