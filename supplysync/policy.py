"""What a planning policy written outside the project implements.

A policy sees what the coordinator sees when it replans and returns a
plan; the coordinator does the rest (commands to the assets, their
answers, withdrawing a rejecting asset and replanning, recording). The
policy sees:

- `snapshot` (`NetworkSnapshot`): every agent's offer (stock and what is
  on its way, machine hours and health, vehicles, supplier quotes), the
  open customer orders and forecast lines (`snapshot.demand`), the
  regions' recent demand levels, the planning window and the clock
  (`snapshot.taken_at`);
- `settings` (`PlanningSettings`): the scenario's planning settings;
- `plan_id`: the id the plan must carry;
- `causes`: the ids of the alerts and operator requests that triggered
  this replan (empty for the periodic tick and the first plan); the
  alerts among them whole (asset, kind, severity, time, message, data)
  are `snapshot.causes`;
- `previous`: the plan in force, if any.

It returns a `Plan` for `snapshot.window` whose `plan_id` is the one given.
Anything the plan leaves out is not done: a customer served needs a
delivery on a route, a purchase needs a purchase order.

A class implementing `PlanningPolicy` is named on the command line as
``package.module:Class`` or registered under the entry-point group
`ENTRY_POINT_GROUP`. It may declare, as class attributes:

- ``Params``: a pydantic model of its parameters; the class is then made
  as ``Class(params)`` with the validated model (``Class()`` otherwise), a
  fresh instance per coordinator, so it may keep state between replans;
- ``replans`` (default True): whether anything after the first plan
  triggers a new one;
- ``trigger_kinds``: the `AlertKind`s that trigger a replan (default: the
  coordinator's set of significant kinds);
- ``whole_run`` (default False): every snapshot it gets covers the rest of
  the run instead of the scenario's planning horizon;
- ``for_run``: a classmethod ``for_run(scenario, params)`` returning an
  instance, for a policy that must know its simulated run before it plans
  (an oracle). Research mode calls it with the scenario it is about to
  simulate; anything else that tries to run it (live mode) is refused.

The built-in policies (`policies.builtin`) are such classes, registered
under `ENTRY_POINT_GROUP` in the project's own ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from supplysync.offers import NetworkSnapshot
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings

ENTRY_POINT_GROUP = "supplysync.policies"
"""Where installed packages register policies by name."""


@runtime_checkable
class PlanningPolicy(Protocol):
    """A planning policy: a snapshot in, a plan out."""

    def plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        *,
        plan_id: str,
        causes: Sequence[str],
        previous: Plan | None,
    ) -> Plan:
        """The plan for `snapshot.window`, carrying `plan_id`."""
        ...


def split_specs(text: str) -> list[str]:
    """Comma-separated policy specs, where commas inside ``[...]`` separate parameters."""
    specs: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "," and depth == 0:
            specs.append("".join(current))
            current = []
            continue
        depth += {"[": 1, "]": -1}.get(ch, 0)
        current.append(ch)
    specs.append("".join(current))
    return [s.strip() for s in specs if s.strip()]
