"""Folding a large network for the MILP and splitting its plan back (optimizer.aggregate,
optimizer.disaggregate, optimizer.zones), on the 200-asset synthetic network."""

from __future__ import annotations

from collections import defaultdict

import pytest

from benchmarks.agents_throughput import synthetic_network
from optimizer.aggregate import aggregate
from optimizer.disaggregate import disaggregate
from optimizer.dispatch import commands_for
from optimizer.zones import zones_of
from policies.builtin import Milp
from supplysync.network import Network
from supplysync.offers import Inbound, NetworkSnapshot, WarehouseOffer
from supplysync.plan import Plan, PlanStatus, PurchaseOrder
from supplysync.scenario import PlanningSettings
from tests.optimizer.conftest import START, machine_offer, snapshot_of

ZONES = 5
SETTINGS = PlanningSettings(horizon_periods=3, time_limit_s=60, routed_periods=0)


@pytest.fixture(scope="module")
def network() -> Network:
    return synthetic_network(200)


def empty_shelves(net: Network) -> NetworkSnapshot:
    """Every warehouse empty but one product at one, so the plan must make and buy; one
    machine due for maintenance; one shipment on its way."""
    snap = snapshot_of(net, 3)
    shelves = [
        WarehouseOffer(
            warehouse_id=w.id,
            stock={"P0": 50.0 * (i + 1)} if i < 4 else {},
            capacity_units=w.capacity_units,
            free_units=w.capacity_units,
            inbound=[
                Inbound(
                    shipment_id="SH-1",
                    product_id="P1",
                    destination_id=w.id,
                    quantity=70.0,
                    arrival_period=1,
                )
            ]
            if i == 7
            else [],
        )
        for i, w in enumerate(net.warehouses)
    ]
    machines = [
        machine_offer(m, 3, maintenance_due_period=2) if i == 0 else machine_offer(m, 3)
        for i, m in enumerate(net.machines)
    ]
    return snap.model_copy(update={"warehouses": shelves, "machines": machines})


@pytest.fixture(scope="module")
def planned(network: Network) -> tuple[NetworkSnapshot, Plan, Plan]:
    snap = empty_shelves(network)
    folded, key = aggregate(snap, ZONES)
    plan = Milp().planner(folded, SETTINGS, "agg-1", [], None)
    return snap, plan, disaggregate(plan, key)


def test_every_warehouse_is_in_one_zone_around_a_member_within_its_radius(
    network: Network,
) -> None:
    zones = zones_of(network, ZONES)
    members = [m for z in zones for m in z.members]
    assert sorted(members) == sorted(w.id for w in network.warehouses)
    assert len(zones) == ZONES  # every synthetic warehouse has a cold room: no split
    where = {w.id: w.location for w in network.warehouses}
    for z in zones:
        assert z.home in z.members
        assert max(where[z.home].km_to(where[m]) for m in z.members) == pytest.approx(z.radius_km)
    assert zones_of(network, ZONES) == zones


def test_a_zone_holds_its_members_stock_room_and_shipments(network: Network) -> None:
    snap = empty_shelves(network)
    folded, key = aggregate(snap, ZONES)
    offers = {w.warehouse_id: w for w in snap.warehouses}
    for zone in key.zones:
        offer = next(w for w in folded.warehouses if w.warehouse_id == zone.zone_id)
        for p in ("P0", "P1"):
            members = sum(offers[m].stock.get(p, 0.0) for m in zone.members)
            assert offer.stock.get(p, 0.0) == pytest.approx(members)
        assert offer.capacity_units == pytest.approx(
            sum(offers[m].capacity_units for m in zone.members)
        )
    assert sum(sum(w.stock.values()) for w in folded.warehouses) == pytest.approx(500.0)
    (shipment,) = folded.inbound()
    assert shipment.destination_id == key.zone_of[network.warehouses[7].id]


def test_alike_machines_fold_into_centres_and_a_machine_due_for_maintenance_stays_itself(
    network: Network,
) -> None:
    snap = empty_shelves(network)
    folded, key = aggregate(snap, ZONES)
    due = network.machines[0].id
    assert due in {m.machine_id for m in folded.machines}
    assert due not in {m for ms in key.centres.values() for m in ms}
    assert sum(map(len, key.centres.values())) == len(network.machines) - 1
    offers = {m.machine_id: m for m in snap.machines}
    for centre in folded.machines:
        members = key.centres.get(centre.machine_id)
        if members is None:
            continue
        assert len({tuple(sorted(offers[m].rates)) for m in members}) == 1  # one product set
        assert centre.capacity_hours == pytest.approx(
            [sum(offers[m].capacity_hours[t] for m in members) for t in range(3)]
        )
        assert centre.setup_hours == pytest.approx(sum(offers[m].setup_hours for m in members))


def test_a_pool_offers_what_its_members_quote(network: Network) -> None:
    snap = empty_shelves(network)
    folded, key = aggregate(snap, ZONES)
    quoted: dict[str, float] = defaultdict(float)
    for s in snap.suppliers:
        for q in s.quotes:
            quoted[q.product_id] += q.quantity_per_period
    pooled: dict[str, float] = defaultdict(float)
    for s in folded.suppliers:
        for q in s.quotes:
            pooled[q.product_id] += q.quantity_per_period
    assert pooled == pytest.approx(quoted)
    assert len(key.pools) == len(quoted)  # one lead and price per product here


def test_the_folded_plan_makes_and_buys_and_comes_back_on_member_assets(
    network: Network, planned: tuple[NetworkSnapshot, Plan, Plan]
) -> None:
    _, plan, members = planned
    assert plan.status in {PlanStatus.OPTIMAL, PlanStatus.FEASIBLE, PlanStatus.TIME_LIMIT}
    assert plan.production and plan.purchases
    assets = network.asset_kinds()
    assert {r.machine_id for r in members.production} <= set(assets)
    assert {po.supplier_id for po in members.purchases} <= set(assets)
    warehouses = {w.id for w in network.warehouses}
    assert {po.destination_id for po in members.purchases} <= warehouses
    assert {t.origin_id for t in members.transfers} <= warehouses
    assert {d.warehouse_id for d in members.deliveries} <= warehouses
    commands = commands_for(members, network, START)
    assert len(commands) == len(assets)
    assert sum(len(c.body.runs) for c in commands if c.body.kind == "produce") == len(
        members.production
    )


def test_a_centres_run_splits_into_member_runs_within_each_members_hours(
    network: Network, planned: tuple[NetworkSnapshot, Plan, Plan]
) -> None:
    snap, plan, members = planned
    made: dict[tuple[str, int], float] = defaultdict(float)
    for r in plan.production:
        made[r.product_id, r.period] += r.quantity
    split: dict[tuple[str, int], float] = defaultdict(float)
    hours: dict[tuple[str, int], float] = defaultdict(float)
    for r in members.production:
        split[r.product_id, r.period] += r.quantity
        hours[r.machine_id, r.period] += r.hours
    for k, q in made.items():
        assert split[k] == pytest.approx(q, abs=0.01 * len(network.machines))
    offers = {m.machine_id: m for m in snap.machines}
    for (m, t), h in hours.items():
        assert h <= offers[m].capacity_hours[t] + 1e-3


def test_a_pools_order_splits_within_each_members_quote(
    planned: tuple[NetworkSnapshot, Plan, Plan],
) -> None:
    snap, plan, members = planned
    ordered: dict[tuple[str, str, int], float] = defaultdict(float)
    for po in members.purchases:
        ordered[po.supplier_id, po.product_id, po.order_period] += po.quantity
    quotes = {(s.supplier_id, q.product_id): q for s in snap.suppliers for q in s.quotes}
    for (sid, p, _), q in ordered.items():
        assert q <= quotes[sid, p].quantity_per_period + 1e-3
    assert sum(ordered.values()) == pytest.approx(
        sum(po.quantity for po in plan.purchases), abs=0.01 * len(ordered)
    )


def test_a_pool_ordered_to_capacity_by_several_zones_asks_no_member_beyond_its_quote(
    network: Network,
) -> None:
    snap = empty_shelves(network)
    folded, key = aggregate(snap, ZONES)
    pool = folded.suppliers[0]
    (quote,) = pool.quotes
    full = quote.quantity_per_period
    shares = [full / 11] * 4 + [full - 4 * (full / 11)]  # member shares 300/11 round up
    orders = [
        PurchaseOrder(
            po_id=f"PO-{k}",
            supplier_id=pool.supplier_id,
            product_id=quote.product_id,
            destination_id=zone.zone_id,
            quantity=q,
            order_period=1,
            arrival_period=1 + quote.lead_time_periods,
            unit_price=quote.unit_price,
        )
        for k, (q, zone) in enumerate(zip(shares, key.zones, strict=False))
    ]
    plan = Plan(
        plan_id="full",
        policy="milp",
        created_at=START,
        window=folded.window,
        status=PlanStatus.OPTIMAL,
        purchases=orders,
    )
    split = disaggregate(plan, key).purchases
    asked: dict[str, float] = defaultdict(float)
    for po in split:
        asked[po.supplier_id] += po.quantity
    quoted = {
        s.supplier_id: q.quantity_per_period
        for s in snap.suppliers
        for q in s.quotes
        if q.product_id == quote.product_id
    }
    assert set(asked) == set(quoted)
    assert all(asked[s] <= quoted[s] for s in asked)
    assert sum(asked.values()) == pytest.approx(full, abs=0.001 * len(split))
    homes = {z.home for z in key.zones}
    assert {po.destination_id for po in split} <= homes
