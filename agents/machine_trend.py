"""The running-vibration history of one machine and its failure prediction.

Samples are `(hour meter, vibration)` pairs taken while the machine runs,
kept for the last `trend_window_hours` of running time. The line is refitted
when a sample arrives `trend_refit_hours` of running time after the last fit,
so the number of fits follows the running hours, not the readings. The
moment of a fit depends on the samples alone, never on how ingest happened
to batch them: an agent rebuilt from a snapshot plus a replay of the log
fits at the same samples and reaches the same trend as the agent
that saw the readings live. PREDICTED_FAILURE is raised once per degradation
episode; `reset` starts a new episode after maintenance or repair.
"""

from __future__ import annotations

from collections import deque
from dataclasses import astuple
from datetime import datetime
from typing import Any

from agents.alerts import AlertMaker, reading_key
from agents.health import WearTrend, failure_predicted, fit_wear_trend
from agents.persist import iso, when
from agents.settings import AgentSettings
from agents.shifts import after_shift_hours
from supplysync.events import Alert, AlertKind, Severity
from supplysync.readings import VibrationReading


class TrendWatch:
    """Fits wear against running hours and remembers the predicted failure."""

    def __init__(self, settings: AgentSettings, hours_per_day: float) -> None:
        self._s = settings
        self._hours_per_day = hours_per_day
        self._samples: deque[tuple[float, float]] = deque(maxlen=settings.trend_max_samples)
        self._latest: VibrationReading | None = None
        self._new = 0
        self._fitted_at: float | None = None
        self._alerted = False
        self.trend: WearTrend | None = None
        self.predicted_at: datetime | None = None

    def add(self, hour_meter: float, mm_s: float, reading: VibrationReading) -> None:
        """Record one running sample, forgetting those older than the window."""
        samples = self._samples
        samples.append((hour_meter, mm_s))
        oldest = hour_meter - self._s.trend_window_hours
        while samples[0][0] < oldest:
            samples.popleft()
        self._latest = reading
        self._new += 1

    def reset(self) -> None:
        """Forget the episode: the machine was serviced and wears from new."""
        self._samples.clear()
        self._latest, self._new, self._fitted_at = None, 0, None
        self._alerted = False
        self.trend, self.predicted_at = None, None

    def refresh(self, make_alert: AlertMaker, asset_id: str) -> Alert | None:
        """Refit when due; the PREDICTED_FAILURE alert the first time a failure is predicted.

        Called after every `add`, so the samples alone decide when a fit happens.
        """
        latest, s = self._latest, self._s
        if not self._new or latest is None:
            return None
        hour_meter = self._samples[-1][0]
        if self._fitted_at is not None and hour_meter - self._fitted_at < s.trend_refit_hours:
            return None
        self._new, self._fitted_at = 0, hour_meter
        hours = [h for h, _ in self._samples]
        vibration = [v for _, v in self._samples]
        self.trend = trend = fit_wear_trend(
            hours,
            vibration,
            danger=s.vibration_danger_mm_s,
            base=s.wear_baseline_mm_s,
            gain=s.wear_gain_mm_s,
        )
        if trend is None or not failure_predicted(
            trend,
            min_samples=s.trend_min_samples,
            min_t=s.trend_min_t,
            horizon_h=s.prediction_horizon_hours,
        ):
            return None
        self.predicted_at = after_shift_hours(
            latest.ts, trend.hours_to_danger, s.shift_start_hour, self._hours_per_day
        )
        if self._alerted:
            return None
        self._alerted = True
        wall_hours = (self.predicted_at - latest.ts).total_seconds() / 3600.0
        return make_alert(
            AlertKind.PREDICTED_FAILURE,
            Severity.CRITICAL,
            latest.ts,
            reading_key(latest.device_id, latest.seq),
            f"{asset_id} vibration trend reaches the danger level "
            f"({s.vibration_danger_mm_s} mm/s) in {trend.hours_to_danger:.1f} running hours, "
            f"about {self.predicted_at:%Y-%m-%d %H:%M}",
            data={
                "hours_to_failure": trend.hours_to_danger,
                "wall_hours_to_failure": wall_hours,
                "predicted_failure_at": self.predicted_at.isoformat(),
                "wear_per_hour": trend.slope_per_hour,
                "t_stat": trend.t_stat,
                "samples": trend.samples,
            },
        )

    def snapshot(self) -> dict[str, Any]:
        """The samples, the latest fit and the episode's latch, as JSON."""
        trend = self.trend
        return {
            "samples": [list(sample) for sample in self._samples],
            "latest": None if self._latest is None else self._latest.model_dump(mode="json"),
            "new": self._new,
            "fitted_at": self._fitted_at,
            "alerted": self._alerted,
            "trend": None if trend is None else list(astuple(trend)),
            "predicted_at": iso(self.predicted_at),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back what `snapshot` wrote."""
        self._samples.clear()
        self._samples.extend((float(h), float(v)) for h, v in data["samples"])
        latest = data["latest"]
        self._latest = None if latest is None else VibrationReading.model_validate(latest)
        self._new, self._fitted_at, self._alerted = data["new"], data["fitted_at"], data["alerted"]
        trend = data["trend"]
        if trend is None:
            self.trend = None
        else:
            slope, t_stat, wear_now, to_danger, samples = trend
            self.trend = WearTrend(slope, t_stat, wear_now, to_danger, int(samples))
        self.predicted_at = when(data["predicted_at"])
