"""The built-in policies, as classes on the route a researcher's policy takes.

Each is registered under the entry-point group `supplysync.policy.ENTRY_POINT_GROUP`
(``pyproject.toml``), so ``milp`` on the command line is found exactly as an
installed package's policy is, and takes parameters the same way:
``milp[routed_periods=1,time_limit_s=20]``. Their parameters
(`SettingsParams`) override the scenario's planning settings for the
planner alone, validated by the settings' own bounds; the loop's timing
(tick, debounce) stays the scenario's, since the coordinator, not the
policy, keeps it.

- `Milp`: the replanning loop, one `WarmPlanner` per coordinator;
- `Static`: the MILP once over the whole run, never revised;
- `ReorderPoint`: the reorder-point rule, reviewed on the tick and on
  below-reorder-point alerts; no parameters (its points are the
  scenario's);
- `Hindsight`: the MILP told what the simulated run will do; research
  only (`for_run`).

`Milp`, `Static` and `Hindsight` fall back on the rule's plan where the
MILP has none (`policies.policy.WithFallback`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, create_model

from adapters.simulator.oracle import Oracle
from optimizer import plan_milp, plan_reorder_point
from optimizer.warm import WarmPlanner
from policies.hindsight import HindsightPlanner
from policies.policy import WithFallback
from replan import Planner
from supplysync.events import AlertKind
from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings, Scenario

TUNABLE = (
    "routed_periods",
    "time_limit_s",
    "mip_gap",
    "transfer_days",
    "transfer_lanes",
    "frozen_hours",
    "repair",
    "pricing_rounds",
)
"""The planning settings a built-in MILP policy takes as parameters: the ones
only the planner reads. The horizon is not one of them: the coordinator cuts
the window its snapshot covers."""


def _optional(name: str) -> Any:
    field = PlanningSettings.model_fields[name]
    kind: Any = field.annotation
    if field.metadata:
        kind = Annotated[kind, *field.metadata]
    return (kind | None, None)


def _settings_params(name: str, fields: Sequence[str]) -> type[BaseModel]:
    optional: dict[str, Any] = {f: _optional(f) for f in fields}
    model: type[BaseModel] = create_model(
        name,
        __config__=ConfigDict(extra="forbid"),
        __doc__="Planning settings to use instead of the scenario's; unset ones stay its own.",
        **optional,
    )
    return model


SettingsParams = _settings_params("SettingsParams", TUNABLE)
"""`Milp`'s and `Hindsight`'s parameters."""

StaticParams = _settings_params("StaticParams", [f for f in TUNABLE if f != "routed_periods"])
"""`Static`'s: it routes every day of its one plan, so `routed_periods` is not its to take."""


def overridden(settings: PlanningSettings, params: BaseModel) -> PlanningSettings:
    """`settings` with the parameters that are set, revalidated as a whole."""
    changes = params.model_dump(exclude_none=True)
    if not changes:
        return settings
    return PlanningSettings.model_validate({**settings.model_dump(), **changes})


class _MilpPolicy:
    """A policy whose planner is a MILP covered by the rule, under overridden settings.

    Attributes:
        params: the settings it overrides.
        planner: the covered planner it runs.
    """

    Params: ClassVar[type[BaseModel]] = SettingsParams

    def __init__(self, params: BaseModel | None = None) -> None:
        self.params = params if params is not None else self.Params()
        self.planner = WithFallback(self._planner_of())

    def _planner_of(self) -> Planner:
        raise NotImplementedError

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        """The covered planner's plan under the overridden settings."""
        s = overridden(settings, self.params)
        return self.planner(snapshot, s, plan_id, causes, previous)


class Milp(_MilpPolicy):
    """The replanning loop: the MILP on a rolling horizon, triggered by
    significant alerts (debounced) and the tick; its warm model is kept
    between one coordinator's replans, and the plan in force is passed on
    for stability."""

    def _planner_of(self) -> Planner:
        warm = WarmPlanner()

        def planner(
            snapshot: NetworkSnapshot,
            s: PlanningSettings,
            plan_id: str,
            causes: Sequence[str],
            previous: Plan | None,
        ) -> Plan:
            return warm.plan(snapshot, s, plan_id=plan_id, causes=causes, previous=previous)

        return planner


class Static(_MilpPolicy):
    """The MILP once at the start over the whole run, never revised."""

    Params: ClassVar[type[BaseModel]] = StaticParams
    replans: ClassVar[bool] = False
    whole_run: ClassVar[bool] = True

    def _planner_of(self) -> Planner:
        return _static


def _static(
    snapshot: NetworkSnapshot,
    s: PlanningSettings,
    plan_id: str,
    causes: Sequence[str],
    previous: Plan | None,
) -> Plan:
    # Never revised, so every day's routes must be in this one plan, and it
    # gets the time of the daily replans it stands for.
    periods = snapshot.window.periods
    every_day = s.model_copy(
        update={
            "routed_periods": periods,
            "time_limit_s": s.time_limit_s * max(1.0, periods / s.horizon_periods),
        }
    )
    return plan_milp(snapshot, every_day, plan_id=plan_id, policy="static", causes=causes)


class ReorderPoint:
    """The reorder-point rule with no optimizer, reviewed on the tick and
    whenever a warehouse reports stock below its reorder point."""

    trigger_kinds: ClassVar[frozenset[AlertKind]] = frozenset({AlertKind.BELOW_REORDER_POINT})

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        """The rule's plan for `snapshot`."""
        return plan_reorder_point(snapshot, settings, plan_id=plan_id, causes=causes)


class Hindsight(_MilpPolicy):
    """The MILP told everything the simulated run will do (every order, every
    disruption: `policies.hindsight`), over the whole remaining run, replanned
    when `milp` replans, so what separates the two is what they know and how
    far they plan, not how often. An alert tells it nothing of the future,
    but the replan it triggers sees the present as it is then.

    The yardstick for regret in `supplysync evaluate`; a bound in spirit,
    not a proof. It exists only for a simulated run: it cannot be made
    without the run's oracle, which research mode gives it through
    `for_run`, so live mode can never run it.
    """

    whole_run: ClassVar[bool] = True

    def __init__(self, params: BaseModel | None, oracle: Oracle) -> None:
        self._oracle = oracle
        super().__init__(params)

    @classmethod
    def for_run(cls, scenario: Scenario, params: BaseModel | None) -> Hindsight:
        """The policy told what the run of `scenario` (its seed included) will do."""
        return cls(params, Oracle(scenario))

    def _planner_of(self) -> Planner:
        return HindsightPlanner(self._oracle)


BUILT_IN = ("static", "reorder_point", "milp", "hindsight")
"""The built-in policies' entry-point names, in the order tables show them."""
