"""Scenario files: a network, how to simulate it, and what goes wrong.

Scenarios are TOML. `load_scenario` turns any problem (missing file, bad TOML,
a field out of range, an unknown reference) into `ScenarioError`, whose
message names the file and the field, so the CLI can exit 2 with it.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, ValidationError, model_validator

from supplysync.costs import CostRates
from supplysync.network import Frozen, Id, Network, Pos

DEFAULT_LAST_DEPARTURE_HOUR = 16.0
"""The latest start of a day's route when a scenario sets none: later runs into the night."""


class SimulationSettings(Frozen):
    """How the simulator runs: start, length, sampling and its seed."""

    start: AwareDatetime
    days: Annotated[int, Field(ge=1, le=365)] = 7
    step_minutes: Annotated[int, Field(ge=1, le=60)] = 15
    seed: int = 0
    demand_cv: Annotated[float, Field(ge=0, le=2)] = 0.15
    order_lead_days: Annotated[int, Field(ge=0, le=14)] = 1
    silence_minutes: Annotated[float, Field(gt=0)] = 90.0


class SolverSettings(Frozen):
    """How the planner spends its time budget and how hard it searches (`[planning.solver]`).

    Each is a trade of plan quality against time or memory; the defaults
    are the figures the benchmarks and the regional runs were measured
    with. A full solve dives first (`optimizer.dive`), then runs HiGHS's
    MIP; candidate routes come from the routing engine (`optimizer.columns`)
    and are rerouted by the relaxation (`optimizer.pricing`); the rule's
    plans are routed by the same engine (`optimizer.routing`).
    """

    dive_share: Annotated[
        float,
        Field(
            gt=0,
            le=1,
            description="Most of a full solve's time left that the dive (the LP relaxation "
            "rounded up) may take; the MIP gets the rest. More lets a large network's dive "
            "finish, less leaves the MIP longer to improve on it.",
        ),
    ] = 0.5
    route_rounds: Annotated[
        int,
        Field(
            ge=0,
            le=50,
            description="Most LPs a dive spends fixing the most-used fractional route of each "
            "depot and day before rounding the rest up. Each round costs an LP; rounding "
            "overlapping routes all up at once (0 rounds) pays for every one of them.",
        ),
    ] = 6
    highs_share: Annotated[
        float,
        Field(
            gt=0,
            le=1,
            description="Share of the time left after the dive that HiGHS gets as its own "
            "limit. HiGHS checks it only between steps (a round of root cuts can take "
            "seconds) and overruns it; the rest absorbs the overrun and pays for reading the "
            "plan. More gives the MIP longer, at the risk of a replan coming back stale.",
        ),
    ] = 0.75
    grace_share: Annotated[
        float,
        Field(
            ge=0,
            le=1,
            description="Share of the time budget the guard waits past it for a cancelled "
            "solve to stop before keeping the previous plan. More lets a solve that overran "
            "deliver; less bounds how late a replan can answer.",
        ),
    ] = 0.1
    kept_incumbents: Annotated[
        int,
        Field(
            ge=1,
            le=1000,
            description="Plans whose on/off decisions a planner keeps, least recently used "
            "dropped first, so a replan naming one as the plan in force can repair it. More "
            "costs memory; a replan after a plan no longer kept solves in full.",
        ),
    ] = 8
    stability_blocks: Annotated[
        int,
        Field(
            ge=1,
            le=1000,
            description="Blocks of stability rows one built model can take (one per replan "
            "whose plan in force names new work) before it is rebuilt. More keeps a model "
            "warm for longer, each block a variable in every model; fewer rebuild sooner.",
        ),
    ] = 32
    candidate_min_iterations: Annotated[
        int,
        Field(
            ge=1,
            le=100_000,
            description="Fewest routing-engine iterations per depot and day when generating "
            "candidate routes, however many clients the depot has.",
        ),
    ] = 40
    candidate_client_iterations: Annotated[
        int,
        Field(
            ge=1,
            le=1_000_000,
            description="Candidate-route iterations per depot and day are this divided by the "
            "depot's clients (an iteration's work grows with them), within the fewest and the "
            "most: more finds better sequences for the MILP to choose among, at build time.",
        ),
    ] = 2000
    candidate_max_iterations: Annotated[
        int,
        Field(
            ge=1,
            le=100_000,
            description="Most routing-engine iterations per depot and day when generating "
            "candidate routes. Counted in iterations, not seconds, so a snapshot gives the "
            "same candidates, and plans, on any machine and under any load.",
        ),
    ] = 200
    candidate_no_improvement: Annotated[
        int,
        Field(
            ge=1,
            le=100_000,
            description="A depot's candidate-route search stops after this many iterations "
            "without a better solution: less saves build time on depots that converge early.",
        ),
    ] = 100
    candidate_seconds: Annotated[
        float,
        Field(
            gt=0,
            le=600,
            description="Wall-clock cap per depot and day of the candidate-route search, far "
            "above what the iterations take, so a pathologically slow machine still plans; "
            "a search the clock cuts off no longer gives the same candidates on every machine.",
        ),
    ] = 1.0
    pricing_min_gain: Annotated[
        float,
        Field(
            ge=0,
            le=1,
            description="Relative gain of the relaxation below which another pricing round "
            "(`pricing_rounds`) is not worth its model build and LP.",
        ),
    ] = 0.001
    pricing_lp_seconds: Annotated[
        float,
        Field(
            gt=0,
            le=3600,
            description="Wall seconds one pricing relaxation may take; a round whose LP does "
            "not finish ends the pricing with the routes found so far.",
        ),
    ] = 5.0
    routing_base_seconds: Annotated[
        float,
        Field(
            gt=0,
            le=60,
            description="Routing-engine time for one depot and day of a rule's deliveries, "
            "before the per-client part: more may find shorter routes, at replan time.",
        ),
    ] = 0.02
    routing_client_seconds: Annotated[
        float,
        Field(
            ge=0,
            le=60,
            description="Routing-engine time added per client of a depot's day of deliveries.",
        ),
    ] = 0.004
    routing_most_seconds: Annotated[
        float,
        Field(
            gt=0,
            le=600,
            description="Most routing-engine time for one depot and day of deliveries, however "
            "many clients: bounds a rule's replan on a large network.",
        ),
    ] = 0.25
    routing_no_improvement: Annotated[
        int,
        Field(
            ge=1,
            le=100_000,
            description="A depot's delivery routing stops after this many iterations without "
            "a better solution: small problems converge in milliseconds and need not spend "
            "their whole time.",
        ),
    ] = 150

    @model_validator(mode="after")
    def _least_below_most(self) -> SolverSettings:
        if self.candidate_min_iterations > self.candidate_max_iterations:
            raise ValueError(
                f"candidate_min_iterations ({self.candidate_min_iterations}) is above "
                f"candidate_max_iterations ({self.candidate_max_iterations})"
            )
        if self.routing_base_seconds > self.routing_most_seconds:
            raise ValueError(
                f"routing_base_seconds ({self.routing_base_seconds}) is above "
                f"routing_most_seconds ({self.routing_most_seconds})"
            )
        return self

    def candidate_iterations(self, clients: int) -> int:
        """Routing-engine iterations for candidate routes of a depot's day with `clients`."""
        per_client = self.candidate_client_iterations // max(clients, 1)
        return min(self.candidate_max_iterations, max(self.candidate_min_iterations, per_client))

    def routing_seconds(self, clients: int) -> float:
        """Routing-engine time for a depot's day of deliveries with `clients`."""
        return min(
            self.routing_most_seconds,
            self.routing_base_seconds + self.routing_client_seconds * clients,
        )


class PlanningSettings(Frozen):
    """Replanning loop and solver tunables.

    `transfer_lanes` is how many nearest warehouses may send transfers to
    each warehouse (plant output warehouses may send to any): line-haul
    lanes are contracts, and the model stays linear in warehouses instead of
    quadratic. `routed_periods` is how many periods' routes the MILP decides.
    `frozen_hours` extends the frozen near horizon: decisions of periods
    starting within it keep the previous plan's figures unless impossible.
    It defaults to 0 because work already under way is frozen by
    construction (agents offer only the hours left, started runs and
    vehicles out are committed); set it to publish tomorrow's schedule.
    `repair` lets a replan after a small event re-decide only the on/off
    choices the event touched (`optimizer.repair`) and keep the rest of the
    plan in force; off, every replan re-solves in full. `pricing_rounds` is how
    many times a rebuild reroutes what the LP relaxation ships before the MILP
    chooses among the routes (`optimizer.pricing`); 0 keeps the first routes.
    `last_departure_hour` is the latest hour a day's route may leave: a
    vehicle not away by then drops the route (it could not be back within
    a day shift), so a replan later in the day plans no new route for that
    day; the simulator's vehicles and the planner read the same figure,
    `last_departure`: 16:00 unless set, or `departure_hour` if that is later.
    `solver` holds the solver's tunables (`SolverSettings`).
    """

    period_hours: Annotated[float, Field(gt=0, le=168)] = 24.0
    horizon_periods: Annotated[int, Field(ge=1, le=30)] = 3
    tick_hours: Annotated[float, Field(gt=0)] = 24.0
    debounce_minutes: Annotated[float, Field(ge=0)] = 60.0
    time_limit_s: Annotated[float, Field(gt=0, le=3600)] = 10.0
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 0.01
    transfer_days: Annotated[int, Field(ge=0, le=14)] = 1
    transfer_lanes: Annotated[int, Field(ge=1, le=100)] = 3
    departure_hour: Annotated[float, Field(ge=0, lt=24)] = 7.0
    last_departure_hour: Annotated[float, Field(ge=0, lt=24)] | None = None
    frozen_hours: Annotated[float, Field(ge=0, le=720)] = 0.0
    routed_periods: Annotated[int, Field(ge=0, le=30)] = 2
    pricing_rounds: Annotated[int, Field(ge=0, le=10)] = 3
    repair: bool = True
    solver: SolverSettings = SolverSettings()

    @model_validator(mode="after")
    def _departures_in_order(self) -> PlanningSettings:
        if self.last_departure_hour is not None and self.last_departure_hour < self.departure_hour:
            raise ValueError(
                f"last_departure_hour ({self.last_departure_hour}) is before "
                f"departure_hour ({self.departure_hour})"
            )
        return self

    @property
    def last_departure(self) -> float:
        """The hour after which no route of the day leaves (see `last_departure_hour`)."""
        if self.last_departure_hour is not None:
            return self.last_departure_hour
        return max(DEFAULT_LAST_DEPARTURE_HOUR, self.departure_hour)


class DemandSpike(Frozen):
    """Customers of a region order `factor` times their rate from day `start_day`."""

    kind: Literal["demand_spike"] = "demand_spike"
    region: str
    factor: Annotated[float, Field(gt=0, le=20)]
    start_day: Annotated[int, Field(ge=0)]
    end_day: Annotated[int, Field(ge=0)]
    products: list[Id] = Field(default_factory=list, description="empty means every product")


class MachineDegradation(Frozen):
    """A machine wears `wear_multiplier` times faster from `start_day` on."""

    kind: Literal["machine_degradation"] = "machine_degradation"
    machine_id: Id
    start_day: Annotated[int, Field(ge=0)]
    wear_multiplier: Annotated[float, Field(ge=1, le=1000)]


class SupplierDelay(Frozen):
    """Shipments a supplier sends on or after `start_day` arrive `delay_days` late."""

    kind: Literal["supplier_delay"] = "supplier_delay"
    supplier_id: Id
    start_day: Annotated[int, Field(ge=0)]
    delay_days: Annotated[float, Field(gt=0, le=60)]


class ReeferFailure(Frozen):
    """A vehicle's refrigeration unit stops for `duration_hours`."""

    kind: Literal["reefer_failure"] = "reefer_failure"
    vehicle_id: Id
    start_day: Annotated[int, Field(ge=0)]
    start_hour: Annotated[float, Field(ge=0, lt=24)]
    duration_hours: Pos


class TrafficDelay(Frozen):
    """Road speeds in a region drop to `speed_factor` for a while."""

    kind: Literal["traffic_delay"] = "traffic_delay"
    region: str
    start_day: Annotated[int, Field(ge=0)]
    start_hour: Annotated[float, Field(ge=0, lt=24)]
    duration_hours: Pos
    speed_factor: Annotated[float, Field(gt=0, le=1)]


class InboundSurge(Frozen):
    """An unplanned delivery of `quantity` units lands at a warehouse."""

    kind: Literal["inbound_surge"] = "inbound_surge"
    warehouse_id: Id
    product_id: Id
    day: Annotated[int, Field(ge=0)]
    quantity: Pos


Disruption = Annotated[
    DemandSpike | MachineDegradation | SupplierDelay | ReeferFailure | TrafficDelay | InboundSurge,
    Field(discriminator="kind"),
]


class Scenario(Frozen):
    """A whole run: network, simulation, planning, prices and scripted disruptions.

    `costs` prices what the network does not (machine hours, maintenance,
    downtime, line haul, lateness) in the run's money figure, `total_cost`.
    The planner keeps its own `optimizer.costs.CostModel`, whose shared
    prices default to the same values.
    """

    name: str
    description: str = ""
    simulation: SimulationSettings
    planning: PlanningSettings = PlanningSettings()
    costs: CostRates = CostRates()
    network: Network
    disruptions: list[Disruption] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disruptions_resolve(self) -> Scenario:
        ids = {
            *(m.id for m in self.network.machines),
            *(s.id for s in self.network.suppliers),
            *(v.id for v in self.network.vehicles),
            *(w.id for w in self.network.warehouses),
            *(p.id for p in self.network.products),
        }
        for d in self.disruptions:
            for field in ("machine_id", "supplier_id", "vehicle_id", "warehouse_id", "product_id"):
                ref = getattr(d, field, None)
                if ref is not None and ref not in ids:
                    raise ValueError(f"disruption {d.kind} names unknown {field} {ref!r}")
        return self

    @property
    def end(self) -> datetime:
        return self.simulation.start + timedelta(days=self.simulation.days)


class ScenarioError(ValueError):
    """A scenario file that cannot be used; the message names file and field."""


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScenarioError(f"{path}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(f"{path}: {_describe(exc, raw)}") from exc


def _describe(exc: ValidationError, raw: object) -> str:
    """Name each bad field by its dotted path, with list items shown by id."""
    lines = []
    for err in exc.errors():
        parts: list[str] = []
        node = raw
        for loc in err["loc"]:
            if isinstance(loc, int) and isinstance(node, list) and loc < len(node):
                node = node[loc]
                item_id = node.get("id") if isinstance(node, dict) else None
                parts[-1:] = [f"{parts[-1]}[{item_id or loc}]"] if parts else [f"[{loc}]"]
            else:
                parts.append(str(loc))
                node = node.get(loc) if isinstance(node, dict) else None
        lines.append(f"field {'.'.join(parts) or '(top level)'}: {err['msg']}")
    return "; ".join(lines)
