"""The named families: each generates valid, servable scenarios of its documented shape."""

from __future__ import annotations

from collections import Counter

import pytest

from adapters.simulator.families import FAMILIES, FamilyError, Knobs, generate
from adapters.simulator.families.catalog import family_named
from tests.adapters.simulator.families.checks import unserved_lines

SEEDS = (0, 1, 2, 7)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_family_generates_servable_scenarios_of_its_size(name: str) -> None:
    knobs = Knobs.model_validate(FAMILIES[name].knobs)
    for seed in SEEDS:
        s = generate(name, seed)
        net = s.network
        sizes = (len(net.suppliers), len(net.plants), len(net.machines), len(net.warehouses))
        assert sizes == (knobs.suppliers, knobs.plants, knobs.machines, knobs.warehouses)
        assert (len(net.customers), len(net.vehicles)) == (knobs.customers, knobs.vehicles)
        assert sum(v.refrigerated for v in net.vehicles) == knobs.reefers
        assert sum(p.cold_chain for p in net.products) == knobs.cold_products
        assert len(net.products) == knobs.products
        assert len(s.disruptions) == len(knobs.disruptions)
        assert s.simulation.days == knobs.days
        assert unserved_lines(s) == [], (name, seed)


def test_regional_has_the_shape_it_promises() -> None:
    for seed in SEEDS:
        net = (s := generate("regional", seed)).network
        assert (len(net.suppliers), len(net.plants), len(net.machines)) == (4, 3, 8)
        assert len(net.warehouses) == 4
        assert all(w.cold_storage for w in net.warehouses)
        assert len(net.customers) == 18
        assert Counter(c.region for c in net.customers).most_common()[-1][1] == 6
        assert len({c.region for c in net.customers}) == 3
        assert (len(net.vehicles), sum(v.refrigerated for v in net.vehicles)) == (8, 3)
        assert (len(net.products), sum(p.cold_chain for p in net.products)) == (6, 2)
        leads = {q.lead_time_days for sp in net.suppliers for q in sp.quotes}
        assert leads <= {1, 2, 3}
        assert (s.simulation.days, s.simulation.demand_cv) == (10, 0.25)
        assert len(s.disruptions) == 9
        assert {d.kind for d in s.disruptions} == {
            "demand_spike",
            "machine_degradation",
            "supplier_delay",
            "reefer_failure",
            "traffic_delay",
            "inbound_surge",
        }


def test_families_span_size_spread_cold_and_volatility() -> None:
    knobs = {name: Knobs.model_validate(f.knobs) for name, f in FAMILIES.items()}
    assets = {n: k.suppliers + k.machines + k.warehouses + k.vehicles for n, k in knobs.items()}
    assert min(assets.values()) <= 10 and max(assets.values()) >= 90
    assert knobs["metro"].spread_km <= 60 and knobs["national"].spread_km >= 800
    assert knobs["distribution"].plants == 0
    assert knobs["coldchain"].cold_products / knobs["coldchain"].products >= 0.5
    assert knobs["make_to_stock"].cold_products == 0
    assert knobs["volatile"].demand_cv >= 0.4
    assert min(k.machine_tightness for k in knobs.values()) < knobs["tight"].machine_tightness
    assert len(knobs["single"].disruptions) == 1


def test_every_family_says_what_network_it_stands_for() -> None:
    for family in FAMILIES.values():
        assert family.summary.endswith(".")
        assert len(family.doc.splitlines()) > 2, family.name


def test_an_unknown_family_is_named_with_the_known_ones() -> None:
    with pytest.raises(FamilyError, match="unknown family 'mega'; known: metro, regional"):
        family_named("mega")
