"""Disruptions: every kind on its own, mixes overlapping, starts by timing."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from adapters.simulator.families import DISRUPTION_KINDS, generate
from adapters.simulator.families.disruptions import start_days
from adapters.simulator.families.knobs import Timing
from supplysync.scenario import DemandSpike, InboundSurge, ReeferFailure


@pytest.mark.parametrize("kind", DISRUPTION_KINDS)
def test_every_kind_can_come_alone_on_a_chosen_day(kind: str) -> None:
    s = generate("single", 3, {"disruptions": kind, "disruption_day": "4"})
    (d,) = s.disruptions
    assert d.kind == kind
    assert getattr(d, "start_day", getattr(d, "day", None)) == 4


def test_no_disruption_at_all() -> None:
    assert generate("metro", 1, {"disruptions": "none"}).disruptions == []


@pytest.mark.parametrize(
    ("timing", "low", "high"), [("early", 1, 3), ("mid", 3, 5), ("late", 5, 8)]
)
def test_timing_puts_starts_in_a_third_of_the_run(timing: Timing, low: int, high: int) -> None:
    starts = start_days(random.Random(1), 40, 10, timing)
    assert low <= min(starts) and max(starts) <= high
    assert len(set(starts)) > 1


def test_spread_starts_cover_the_run() -> None:
    starts = sorted(start_days(random.Random(1), 4, 10, "spread"))
    assert starts == [2, 4, 5, 7]  # evenly over days 1-8, in shuffled order


def test_a_one_day_run_starts_everything_on_day_0() -> None:
    assert start_days(random.Random(1), 3, 1, "late") == [0, 0, 0]


def test_repeated_kinds_hit_different_targets_and_overlap() -> None:
    s = generate("regional", 1, {"timing": "mid"})
    counts = Counter(d.kind for d in s.disruptions)
    assert counts == {
        "demand_spike": 2,
        "machine_degradation": 2,
        "traffic_delay": 2,
        "supplier_delay": 1,
        "reefer_failure": 1,
        "inbound_surge": 1,
    }
    worn = [d.machine_id for d in s.disruptions if d.kind == "machine_degradation"]
    assert len(set(worn)) == 2
    days = [getattr(d, "start_day", getattr(d, "day", -1)) for d in s.disruptions]
    assert max(days) - min(days) <= 3


def test_severity_scales_the_same_draws() -> None:
    mild, bad = (
        generate("single", 2, {"disruptions": "reefer_failure,demand_spike", "severity": sev})
        for sev in ("0.5", "2")
    )
    for a, b in zip(mild.disruptions, bad.disruptions, strict=True):
        if isinstance(a, ReeferFailure) and isinstance(b, ReeferFailure):
            assert b.duration_hours > 3 * a.duration_hours
        if isinstance(a, DemandSpike) and isinstance(b, DemandSpike):
            assert b.factor > a.factor


def test_a_surge_fills_most_of_the_free_room_with_a_product_the_warehouse_takes() -> None:
    s = generate("single", 5, {"disruptions": "inbound_surge"})
    (d,) = s.disruptions
    assert isinstance(d, InboundSurge)
    w = s.network.warehouse(d.warehouse_id)
    free = w.capacity_units - sum(w.initial_stock.values())
    assert 0.55 * free <= d.quantity <= 0.95 * free
    assert w.cold_storage or not s.network.product(d.product_id).cold_chain


def test_disruptions_come_in_order_of_their_start() -> None:
    s = generate("large", 2)
    days = [getattr(d, "start_day", getattr(d, "day", -1)) for d in s.disruptions]
    assert days == sorted(days)
