"""Policies by spec: built in, a class outside the project, an entry point; parameters checked."""

from __future__ import annotations

import importlib
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from datetime import timedelta
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from policies.builtin import BUILT_IN
from policies.plugins import PolicyError, load_policy, params_file, parse_spec, with_params
from supplysync.events import AlertKind
from supplysync.offers import DemandLine, NetworkSnapshot
from supplysync.plan import PlanStatus
from supplysync.policy import ENTRY_POINT_GROUP, split_specs
from supplysync.scenario import Scenario
from tests.conftest import ROOT
from tests.optimizer.conftest import snapshot_of

OUTSIDE = '''
from pydantic import BaseModel, Field

from supplysync.plan import Plan, PlanStatus


class Idle:
    """Plans nothing; counts its calls (state kept between replans)."""

    replans = False
    trigger_kinds = ["machine_down"]

    class Params(BaseModel):
        note: str = "idle"
        level: float = Field(1.0, ge=0)

    def __init__(self, params):
        self.params = params
        self.calls = 0

    def plan(self, snapshot, settings, *, plan_id, causes, previous):
        self.calls += 1
        return Plan(
            plan_id=plan_id,
            policy="idle",
            created_at=snapshot.taken_at,
            window=snapshot.window,
            status=PlanStatus.HEURISTIC,
            notes=[f"{self.params.note} {self.params.level} call {self.calls} causes {causes}"],
        )


class NoPlan:
    pass


class BadKinds(Idle):
    trigger_kinds = ["machine_on_fire"]


class WrongId(Idle):
    def plan(self, snapshot, settings, *, plan_id, causes, previous):
        return super().plan(snapshot, settings, plan_id="other", causes=causes, previous=previous)
'''


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package of the researcher's own, importable, and registered as an entry point."""
    (tmp_path / "lab_policies.py").write_text(textwrap.dedent(OUTSIDE), encoding="utf-8")
    dist = tmp_path / "lab_policies-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lab-policies\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[supplysync.policies]\nidle = lab_policies:Idle\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("lab_policies", None)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("milp", "Milp"),
        ("static", "Static"),
        ("reorder_point", "ReorderPoint"),
        ("hindsight", "Hindsight"),
    ],
)
def test_a_built_in_name_is_an_entry_point_like_any_other(name: str, cls: str) -> None:
    (found,) = entry_points(group=ENTRY_POINT_GROUP, name=name)
    assert found.value == f"policies.builtin:{cls}"


def test_the_project_registers_each_built_in_policy_where_it_is() -> None:
    # Read from pyproject.toml, not the environment: installed entry points
    # are only as new as the last install.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    registered = pyproject["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert sorted(registered) == sorted(BUILT_IN)
    for value in registered.values():
        module, _, attr = value.partition(":")
        cls = getattr(importlib.import_module(module), attr)
        assert cls.__module__ == "policies.builtin" and callable(cls.plan), value


@pytest.mark.parametrize(
    "spec", ["lab_policies:Idle[level=2.5,note=hi]", "idle[level=2.5,note=hi]"]
)
def test_a_class_outside_the_project_plans_with_its_parameters(
    outside: Path, demo_scenario: Scenario, spec: str
) -> None:
    policy = load_policy(spec)
    assert policy.name == spec
    assert policy.replans is False
    assert policy.trigger_kinds == frozenset({AlertKind.MACHINE_DOWN})
    planner = policy.make_planner()
    snapshot = snapshot_of(demo_scenario.network, 3)
    first = planner(snapshot, demo_scenario.planning, "p-1", ["a-1"], None)
    second = planner(snapshot, demo_scenario.planning, "p-2", [], first)
    assert first.status is PlanStatus.HEURISTIC and first.plan_id == "p-1"
    assert first.notes == ["hi 2.5 call 1 causes ('a-1',)"]
    assert second.notes == ["hi 2.5 call 2 causes ()"]  # one instance per planner
    assert policy.make_planner()(snapshot, demo_scenario.planning, "p-3", [], None).notes == [
        "hi 2.5 call 1 causes ()"
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nope", "unknown policy 'nope'"),
        ("milp[level=1]", "unknown parameter 'level' (known: routed_periods, time_limit_s,"),
        ("milp[mip_gap=2]", "parameter 'mip_gap': Input should be less than or equal to 1"),
        ("reorder_point[z=1]", "'reorder_point[z=1]' declares no Params"),
        ("no_such_module:X", "cannot import 'no_such_module'"),
        ("lab_policies:Missing", "has no 'Missing'"),
        ("lab_policies:NoPlan", "has no plan(snapshot, settings, ...) method"),
        ("lab_policies:Idle[colour=red]", "unknown parameter 'colour' (known: note, level)"),
        ("lab_policies:Idle[level=-1]", "parameter 'level': Input should be greater than"),
        ("lab_policies:Idle[level=abc]", "parameter 'level': Input should be a valid number"),
        ("lab_policies:Idle[level]", "parameter 'level' is not key=value"),
        ("lab_policies:Idle[level=1,level=2]", "parameter 'level' given twice"),
        ("lab_policies:Idle[[x]]", "expected NAME or NAME[key=value,...]"),
        ("lab_policies:BadKinds", "trigger_kinds names 'machine_on_fire', not an alert kind"),
    ],
)
def test_a_bad_spec_is_refused_naming_what_is_wrong(outside: Path, spec: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(spec)
    assert message in str(caught.value)


def test_a_plan_for_another_id_is_refused(outside: Path, demo_scenario: Scenario) -> None:
    planner = load_policy("lab_policies:WrongId").make_planner()
    snapshot = snapshot_of(demo_scenario.network, 3)
    with pytest.raises(ValueError, match="returned plan 'other'"):
        planner(snapshot, demo_scenario.planning, "p-1", [], None)


def test_specs_split_on_commas_outside_brackets() -> None:
    assert split_specs("milp, a:B[x=1,y=2],static,") == ["milp", "a:B[x=1,y=2]", "static"]
    assert parse_spec("a:B[x=1, y = 2]") == ("a:B", {"x": "1", "y": "2"})
    assert with_params("a:B[x=1]", ["y=2", "x=3"]) == "a:B[x=3,y=2]"
    with pytest.raises(PolicyError, match="--param 'y': expected key=value"):
        with_params("a:B", ["y"])


@pytest.mark.parametrize(
    "spec", ["myopic:Myopic[horizon_periods=1]", "weighted:Weighted", "forecast:Learned"]
)
def test_the_examples_load_and_plan(
    monkeypatch: pytest.MonkeyPatch, demo_scenario: Scenario, spec: str
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    planner = load_policy(spec).make_planner()
    snapshot = snapshot_of(demo_scenario.network, 3)
    plan = planner(snapshot, demo_scenario.planning, "p-1", [], None)
    assert plan.status in {PlanStatus.OPTIMAL, PlanStatus.FEASIBLE, PlanStatus.TIME_LIMIT}
    assert plan.deliveries and plan.routes
    horizon = 1 if "horizon_periods=1" in spec else snapshot.window.periods
    assert max(d.period for d in plan.deliveries) == horizon - 1


def test_an_example_refuses_a_bad_cost_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    with pytest.raises(PolicyError, match="cannot make one"):
        load_policy("weighted:Weighted[end_cover_weight=7]")


def test_the_s_s_example_orders_bigger_lots_when_an_order_costs_more(
    monkeypatch: pytest.MonkeyPatch, demo_scenario: Scenario
) -> None:
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    policy = load_policy("ss:SS[order_cost=25]")
    assert policy.trigger_kinds == frozenset({AlertKind.BELOW_REORDER_POINT})
    plan = policy.make_planner()(
        snapshot_of(demo_scenario.network, 3), demo_scenario.planning, "p-1", [], None
    )
    assert plan.status is PlanStatus.HEURISTIC and plan.policy == "ss" and plan.deliveries
    SS = importlib.import_module("ss").SS  # noqa: N806 - the class load_policy found

    net, days = demo_scenario.network, demo_scenario.planning.transfer_days
    cheap = SS(SS.Params(order_cost=25)).levels(net, days)
    dear = SS(SS.Params(order_cost=400)).levels(net, days)
    assert cheap.keys() == dear.keys() and cheap
    for key, low in cheap.items():
        high = dear[key]
        assert low.reorder_at < low.order_up_to
        assert high.order_up_to - high.reorder_at >= low.order_up_to - low.reorder_at


def test_parameters_from_a_file_as_tune_writes_it(tmp_path: Path) -> None:
    best = tmp_path / "best.toml"
    best.write_text('policy = "x:Y"\n[params]\nscale = 1.25\nmode = "a"\nfast = true\n')
    assert params_file(best) == ["scale=1.25", "mode=a", "fast=true"]
    flat = tmp_path / "flat.toml"
    flat.write_text("scale = 2\n")
    assert params_file(flat) == ["scale=2"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[params]\nscale = [1, 2]\n")
    with pytest.raises(PolicyError, match=r"bad\.toml: scale: expected a string, number"):
        params_file(bad)
    with pytest.raises(PolicyError, match=r"nope\.toml: No such file"):
        params_file(tmp_path / "nope.toml")


def test_the_forecast_example_learns_each_day_as_it_closes(
    monkeypatch: pytest.MonkeyPatch, demo_scenario: Scenario
) -> None:
    """Holt smoothing (alpha 0.5, beta 0) of the orders of days 0 and 1, seen from day 2."""
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    learned = importlib.import_module("forecast").Learned
    policy = learned(learned.Params(alpha=0.5, beta=0.0))
    first = snapshot_of(demo_scenario.network, 3)
    customer = demo_scenario.network.customers[0]
    product = next(iter(customer.demand_per_day))

    def on_day(day: int, orders: dict[str, float]) -> NetworkSnapshot:
        window = first.window.model_copy(update={"start": first.window.start + timedelta(days=day)})
        lines = [
            DemandLine(
                customer_id=customer.id, product_id=product, period=0, quantity=q, order_id=o
            )
            for o, q in orders.items()
        ]
        lines.append(
            DemandLine(customer_id=customer.id, product_id=product, period=2, quantity=1.0)
        )
        return first.model_copy(update={"window": window, "demand": lines})

    policy.learn(on_day(0, {"o-1": 10.0}))
    policy.learn(on_day(0, {"o-1": 4.0}))  # partly delivered: the order was 10
    assert (customer.id, product) not in policy.fitted  # day 0 is not over
    policy.learn(on_day(1, {"o-2": 20.0}))
    assert policy.fitted[customer.id, product] == (10.0, 0.0)
    day2 = on_day(2, {})
    policy.learn(day2)
    assert policy.fitted[customer.id, product] == (15.0, 0.0)
    forecast_line = day2.demand[-1]
    assert policy.forecast(forecast_line, 3) == 15.0
