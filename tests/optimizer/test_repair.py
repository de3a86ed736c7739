"""A replan after a small event re-decides only what the event touched.

These run the real model and HiGHS on the demo network (3 days): the plan in
force comes from a full solve, the event is applied with
`benchmarks.networks.apply_event`, and the repaired plan is compared with the
plan in force and with a full re-solve of the same snapshot.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from benchmarks.networks import apply_event
from optimizer.data import planning_data
from optimizer.repair import touched
from optimizer.rounding import rounded
from optimizer.warm import WarmPlanner
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan, PlanMode, PlanStatus
from tests.optimizer.conftest import SETTINGS

PLAN = SETTINGS.model_copy(update={"mip_gap": 0.005})
FULL = PLAN.model_copy(update={"repair": False})


def _runs(plan: Plan) -> set[tuple[str, str, int]]:
    return {(r.machine_id, r.product_id, r.period) for r in plan.production if r.quantity > 0}


def _surge(snap: NetworkSnapshot) -> tuple[NetworkSnapshot, str]:
    """The demand of the snapshot's first demand line's customer, +30 %."""
    customer = snap.demand[0].customer_id
    demand = [
        d.model_copy(update={"quantity": d.quantity * 1.3}) if d.customer_id == customer else d
        for d in snap.demand
    ]
    return snap.model_copy(update={"demand": demand}), customer


def test_a_repair_keeps_what_the_event_did_not_touch(demo_snapshot: NetworkSnapshot) -> None:
    warm = WarmPlanner()
    in_force = warm.plan(demo_snapshot, PLAN, plan_id="p0")
    event, customer = _surge(demo_snapshot)
    touched_products = {d.product_id for d in event.demand if d.customer_id == customer}

    plan = warm.plan(event, PLAN, plan_id="p1", previous=in_force)

    assert plan.status is PlanStatus.FEASIBLE
    assert plan.mip_gap is None
    how = plan.how
    assert how is not None and how.mode is PlanMode.REPAIR and how.repaired is not None
    assert customer in how.repaired.customers and how.rebuilt is False
    assert how.repaired.redecided > 0  # on the demo a surge touches every product and depot
    assert how.gap is not None and how.bound is not None and plan.objective is not None
    assert how.bound <= plan.objective * (1 + 1e-9)
    untouched = {r for r in _runs(in_force) if r[1] not in touched_products}
    assert {r for r in _runs(plan) if r[1] not in touched_products} == untouched
    assert (warm.rebuilds, warm.updates) == (1, 1)


def test_a_repair_is_no_better_than_the_optimum_and_close_to_it(
    demo_snapshot: NetworkSnapshot,
) -> None:
    warm = WarmPlanner()
    in_force = warm.plan(demo_snapshot, PLAN, plan_id="p0")
    event, _ = _surge(demo_snapshot)

    repaired = warm.plan(event, PLAN, plan_id="p1", previous=in_force)
    optimum = warm.plan(event, FULL, plan_id="p2", previous=in_force)

    assert repaired.objective is not None and optimum.objective is not None
    assert optimum.mip_gap is not None and in_force.objective is not None
    bound = optimum.objective - optimum.mip_gap * abs(optimum.objective)
    assert repaired.objective >= bound - 1e-6 * abs(bound)
    assert repaired.objective <= optimum.objective * 1.05
    assert repaired.objective < in_force.objective * 1.5  # the surge is served, not just kept


def test_without_repair_or_without_the_plan_in_force_the_replan_is_full(
    demo_snapshot: NetworkSnapshot,
) -> None:
    warm = WarmPlanner()
    in_force = warm.plan(demo_snapshot, PLAN, plan_id="p0")
    event, _ = _surge(demo_snapshot)
    stranger = in_force.model_copy(update={"plan_id": "made-elsewhere"})

    for settings, previous in ((FULL, in_force), (PLAN, stranger)):
        plan = warm.plan(event, settings, plan_id="p1", previous=previous)
        assert plan.status in {PlanStatus.OPTIMAL, PlanStatus.TIME_LIMIT}
        assert plan.how is not None and plan.how.mode is PlanMode.FULL
        assert plan.how.repaired is None


def test_touched_names_what_changed(demo_snapshot: NetworkSnapshot) -> None:
    warm = WarmPlanner()
    in_force = warm.plan(demo_snapshot, PLAN, plan_id="p0")
    incumbent = warm._incumbent(in_force)
    model, cands = warm._model, warm.candidates
    assert incumbent is not None and model is not None and cands is not None

    same = touched(incumbent, planning_data(demo_snapshot, PLAN), cands, model)
    assert same is not None and same.describe() == "nothing"

    event, customer = _surge(demo_snapshot)
    hood = touched(incumbent, planning_data(event, PLAN), cands, model)
    assert hood is not None
    assert hood.customers == {customer}
    assert hood.products == {d.product_id for d in event.demand if d.customer_id == customer}
    assert not hood.machines
    assert hood.depots == {c.depot_id for c in cands.columns if customer in c.stops}

    delayed, _ = apply_event(demo_snapshot, "supplier_delay", random.Random(0))
    quoted = touched(incumbent, planning_data(delayed, PLAN), cands, model)
    assert quoted is not None and quoted.products and not quoted.customers

    data = planning_data(demo_snapshot, PLAN)
    pricier = replace(data, penalty={p: v * 2 for p, v in data.penalty.items()})
    assert touched(incumbent, pricier, cands, model) is None


@pytest.mark.parametrize("below", [False, True])
def test_a_capacity_loss_matters_only_below_the_hours_in_use(
    demo_snapshot: NetworkSnapshot, below: bool
) -> None:
    warm = WarmPlanner()
    in_force = warm.plan(demo_snapshot, PLAN, plan_id="p0")
    incumbent = warm._incumbent(in_force)
    model, cands = warm._model, warm.candidates
    assert incumbent is not None and model is not None and cands is not None
    offered = {m.machine_id: m for m in demo_snapshot.machines}
    (m_id, t), used = next(
        (k, h)
        for k, h in sorted(incumbent.hours.items())
        if 1.0 < h < offered[k[0]].capacity_hours[k[1]] - 1.0
    )
    cut = used - 0.5 if below else used + 0.5
    hours = [cut if i == t else h for i, h in enumerate(offered[m_id].capacity_hours)]
    machines = [
        m.model_copy(update={"capacity_hours": hours}) if m.machine_id == m_id else m
        for m in demo_snapshot.machines
    ]
    event = demo_snapshot.model_copy(update={"machines": machines})

    hood = touched(incumbent, planning_data(event, PLAN), cands, model)

    assert hood is not None
    assert (m_id in hood.machines) is below


def test_rounding_keeps_crew_limits_and_one_maintenance(demo_snapshot: NetworkSnapshot) -> None:
    """Every free route relaxed to 0.5 asks for more vehicles than crews have."""
    warm = WarmPlanner()
    in_force = warm.plan(demo_snapshot, PLAN, plan_id="p0")
    model, cands = warm._model, warm.candidates
    assert model is not None and cands is not None
    free = [*model.use.values(), *model.maint.values(), *model.setup.values()]
    half = {id(v): 0.5 for v in free}
    maint_keys = list(model.maint)
    if maint_keys:
        half[id(model.maint[maint_keys[-1]])] = 0.9

    choice = rounded(model, free, cands, lambda v: half[id(v)])

    assert set(choice) == {id(v) for v in free}
    for k in model.crew_size:
        routes = [j for j, c in enumerate(cands.columns) if c.crew == k]
        assert sum(choice[id(model.use[j])] for j in routes) <= model.crew_size[k].value
        assert sum(choice[id(model.use[j])] for j in routes) == min(
            len(routes), int(model.crew_size[k].value)
        )
    machines = {m for m, _ in maint_keys}
    for m in machines:
        picked = [t for mm, t in maint_keys if mm == m and choice[id(model.maint[mm, t])]]
        assert len(picked) == 1
    assert all(choice[id(v)] == 1 for v in model.setup.values())
    assert in_force.status.is_ok
