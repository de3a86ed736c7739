"""The MILP policy end to end: the demo network, solver outcomes, and plan invariants.

The property test recomputes machine hours and stock from the plan alone
(`check_plan`), independently of the model's constraints.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.chosen_routes import METHOD as CHOSEN
from optimizer.milp import plan_milp
from optimizer.routing import METHOD
from optimizer.session import Session, SolveParams
from supplysync.network import Machine
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanMode, PlanStatus
from tests.optimizer.conftest import (
    SETTINGS,
    line,
    line_network,
    machine_offer,
    quote,
    snapshot_of,
    supplier,
)

TOL = 1e-2


def check_plan(snap: NetworkSnapshot, plan: Plan) -> None:
    """Recompute capacity use and stock from the plan's decisions and the snapshot."""
    n = snap.window.periods
    offers = {m.machine_id: m for m in snap.machines}
    hours: dict[tuple[str, int], float] = defaultdict(float)
    for r in plan.production:
        hours[r.machine_id, r.period] += r.hours
    for w in plan.maintenance:
        hours[w.machine_id, w.period] += w.hours
    for (m, t), used in hours.items():
        assert used <= offers[m].capacity_hours[t] + TOL, (m, t, used)
    output = {p.id: p.output_warehouse_id for p in snap.network.plants}
    flow: dict[tuple[str, str, int], float] = defaultdict(float)
    for r in plan.production:
        flow[output[offers[r.machine_id].plant_id], r.product_id, r.period] += r.quantity
    for po in plan.purchases:
        flow[po.destination_id, po.product_id, po.arrival_period] += po.quantity
    for tr in plan.transfers:
        flow[tr.origin_id, tr.product_id, tr.ship_period] -= tr.quantity
        flow[tr.destination_id, tr.product_id, tr.arrival_period] += tr.quantity
    for d in plan.deliveries:
        flow[d.warehouse_id, d.product_id, d.period] -= d.quantity
    for wo in snap.warehouses:
        level = dict(wo.stock)
        for t in range(n):
            for p in (q.id for q in snap.network.products):
                level[p] = level.get(p, 0.0) + flow[wo.warehouse_id, p, t]
                assert level[p] >= -TOL, (wo.warehouse_id, p, t, level[p])
            assert sum(level.values()) <= wo.capacity_units + TOL, (wo.warehouse_id, t)
    for s in plan.shortages:
        assert s.penalty > 0
    served: dict[tuple[str, str, int], float] = defaultdict(float)
    for d in plan.deliveries:
        served[d.customer_id, d.product_id, d.period] += d.quantity
    for s in plan.shortages:
        served[s.customer_id, s.product_id, s.period] += s.quantity
    wanted: dict[tuple[str, str, int], float] = defaultdict(float)
    for line_ in snap.demand:
        wanted[line_.customer_id, line_.product_id, line_.period] += line_.quantity
    assert served.keys() <= wanted.keys()
    for key, q in wanted.items():
        assert served[key] == pytest.approx(q, abs=TOL), key


def test_demo_plan_serves_every_order_on_routes(demo_snapshot: NetworkSnapshot) -> None:
    plan = plan_milp(demo_snapshot, SETTINGS, plan_id="demo-1", causes=["a1"])
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.causes == ["a1"]
    assert plan.shortages == []
    assert plan.objective is not None and plan.objective > 0
    assert plan.build_seconds > 0 and plan.solve_seconds > 0
    assert {(r.period, r.method) for r in plan.routes} <= {
        (0, CHOSEN),
        (1, CHOSEN),
        (2, METHOD),
    }
    check_plan(demo_snapshot, plan)
    firm = {d.order_id: d.quantity for d in demo_snapshot.demand if d.order_id}
    got: dict[str, float] = defaultdict(float)
    for d in plan.deliveries:
        if d.order_id:
            got[d.order_id] += d.quantity
    assert got == pytest.approx(firm)


def test_demo_cold_products_avoid_a_failed_reefer(demo_snapshot: NetworkSnapshot) -> None:
    vehicles = [
        v.model_copy(update={"refrigeration_ok": False}) if v.vehicle_id == "V-CGN-1" else v
        for v in demo_snapshot.vehicles
    ]
    snap = demo_snapshot.model_copy(update={"vehicles": vehicles})
    plan = plan_milp(snap, SETTINGS, plan_id="demo-2")
    cold = {p.id for p in snap.network.products if p.cold_chain}
    reefers = {v.vehicle_id for v in vehicles if v.refrigerated and v.refrigeration_ok}
    carrying = {r.vehicle_id for r in plan.routes if cold & set(r.load)}
    assert carrying and carrying <= reefers
    check_plan(snap, plan)


def test_demo_predicted_failure_gets_its_maintenance(demo_snapshot: NetworkSnapshot) -> None:
    machines = [
        m.model_copy(update={"maintenance_due_period": 1}) if m.machine_id == "M-DUI-1" else m
        for m in demo_snapshot.machines
    ]
    snap = demo_snapshot.model_copy(update={"machines": machines})
    plan = plan_milp(snap, SETTINGS, plan_id="demo-3")
    assert [(w.machine_id, w.period <= 1) for w in plan.maintenance] == [("M-DUI-1", True)]
    check_plan(snap, plan)


def test_a_model_without_solution_is_an_error_value_not_an_exception() -> None:
    model = pyo.ConcreteModel()
    model.x = pyo.Var(domain=pyo.NonNegativeReals)
    model.c = pyo.Constraint(expr=model.x <= -1)
    model.o = pyo.Objective(expr=model.x)
    result = Session(model).mip(SolveParams(time_limit_s=5))
    assert result.status is PlanStatus.ERROR
    assert not result.has_solution
    assert "no solution" in result.message


def test_a_tiny_time_limit_returns_a_plan_not_an_exception(demo_snapshot: NetworkSnapshot) -> None:
    hurried = SETTINGS.model_copy(update={"time_limit_s": 0.001})
    plan = plan_milp(demo_snapshot, hurried, plan_id="hurry")
    if plan.status is PlanStatus.ERROR:
        assert plan.production == [] and plan.deliveries == []
        assert plan.how is not None and plan.how.mode is PlanMode.NONE
        assert plan.how.reason
    else:
        assert plan.status in {PlanStatus.OPTIMAL, PlanStatus.TIME_LIMIT, PlanStatus.FEASIBLE}
        assert plan.mip_gap is not None
        check_plan(demo_snapshot, plan)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"time_limit_s": 0},  # no time at all
        {"mip_gap": -0.1},  # negative gap
        {"mip_gap": 1.5},  # gap above 100 %
        {"threads": 0},  # no thread
    ],
)
def test_bad_solver_parameters_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Expected"):
        SolveParams(**kwargs)  # type: ignore[arg-type]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hours=st.lists(st.sampled_from([0.0, 3.0, 8.0, 16.0]), min_size=3, max_size=3),
    setup=st.sampled_from([0.0, 1.0, 2.5]),
    stock=st.sampled_from([0.0, 40.0, 150.0]),
    capacity=st.sampled_from([150.0, 200.0, 2000.0]),  # never below the initial stock
    demand=st.lists(st.sampled_from([0.0, 30.0, 90.0, 250.0]), min_size=3, max_size=3),
    due=st.sampled_from([None, 0, 1, 2]),
    lead=st.sampled_from([0, 1, 3]),
)
def test_random_plans_respect_capacity_and_keep_stock_non_negative(
    hours: list[float],
    setup: float,
    stock: float,
    capacity: float,
    demand: list[float],
    due: int | None,
    lead: int,
) -> None:
    m = Machine(id="M", name="m", plant_id="PL", rates={"P": 10.0}, setup_hours=setup)
    net = line_network(
        machines=[m],
        suppliers=[supplier("S", quote("P", 60, lead, 30.0))],
        capacity_units=capacity,
        stock={"P": stock},
    )
    offer = machine_offer(m, 3, capacity_hours=hours, maintenance_due_period=due)
    snap = snapshot_of(
        net,
        3,
        machines=[offer],
        demand=[line(q, t, firm=t == 0) for t, q in enumerate(demand) if q],
    )
    plan = plan_milp(snap, SETTINGS, plan_id="prop")
    assert plan.status is PlanStatus.OPTIMAL
    check_plan(snap, plan)
