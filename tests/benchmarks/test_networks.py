"""The benchmark's generated networks have the documented sizes and plan at all."""

from __future__ import annotations

import random

import pytest

from benchmarks.networks import (
    EVENT_KINDS,
    SIZES,
    Size,
    apply_event,
    generate_network,
    snapshot_for,
)
from optimizer.data import planning_data
from supplysync.scenario import PlanningSettings


@pytest.mark.parametrize("name", ["S", "M", "L"])
def test_generated_networks_have_the_documented_size(name: str) -> None:
    size = SIZES[name]
    net = generate_network(size, seed=1)
    counts = (
        len(net.suppliers),
        len(net.machines),
        len(net.products),
        len(net.warehouses),
        len(net.customers),
        len(net.vehicles),
    )
    assert counts == (
        size.suppliers,
        size.machines,
        size.products,
        size.warehouses,
        size.customers,
        size.vehicles,
    )
    snap = snapshot_for(net, size.days, seed=1)
    data = planning_data(snap, PlanningSettings(horizon_periods=size.days))
    assert {c for c, _ in [(a[1], 0) for a in data.arcs]} == {c.id for c in net.customers}
    assert not data.notes
    assert generate_network(size, seed=1) == net


def test_events_change_one_offer() -> None:
    net = generate_network(SIZES["S"])
    snap = snapshot_for(net, 7)
    rng = random.Random(0)
    for kind in EVENT_KINDS:
        changed, label = apply_event(snap, kind, rng)
        assert changed != snap and label


def test_size_is_validated() -> None:
    with pytest.raises(ValueError, match="machines"):
        Size(suppliers=1, machines=0, products=1, warehouses=1, customers=1, vehicles=1)
