"""A Gymnasium environment: one scenario, a replenishment decision a day, minus cost as reward.

`SupplyChainEnv` runs the simulator, the agents (in this process) and the
coordinator as research mode does, and stops at each daily replan for the
agent's action.

- **Observation** (`Box`, float32, from what the coordinator sees: the
  agents' snapshot): per (warehouse, product) pair of `pairs`, units on
  hand, units on their way to it, and units of open orders its customers
  placed; per machine its health (0-1) and 1 when it is down; per vehicle
  1 when it is available; then the day of the run over its length.
- **Action** (`Box` in [0, 1], one per pair): how much of `max_order`
  (`order_days` days of the pair's mean demand) to order today. The
  project's reorder rule carries it out (`optimizer.plan_reorder_point`):
  make it on the warehouse's own machines if they have the hours, else
  move another warehouse's surplus, else buy from the cheapest supplier;
  customers are served from their nearest warehouse. A much smaller space
  than every purchase, run and route, on purpose: it is the decision a
  replenishment policy makes.
- **Reward**: minus the day's total cost (`supplysync.costs.RunCosts`:
  purchases, production, holding, transport, shortage and lateness
  penalties, spoilage, refusals, downtime, and the change in the stock's
  value), open orders due today or later not counted short, so an episode's rewards
  add up to minus the run's `total_cost`.
- **Episode**: the scenario's days (or `days`); `reset(seed=N)` replays
  the same world for the same N (the simulator draws from it).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from adapters.simulator import Simulator
from agents.settings import AgentSettings
from evaluation.suite import shorten
from evaluation.tables import serving_warehouse, warehouse_demand
from optimizer import plan_reorder_point
from policies.policy import Policy
from replan import TurnInputs
from runtime.coordinator import Coordinator
from runtime.directory import InlineDirectory
from supplysync.offers import MachineOffer, NetworkSnapshot, VehicleOffer
from supplysync.plan import Plan
from supplysync.scenario import PlanningSettings, Scenario

ALWAYS = 1e12
"""A reorder point no position reaches: the rule orders the pair today."""
OBS_MAX = 1e12
"""Above any units, hours or share an observation holds (Gymnasium asks for a finite bound)."""
TICK = timedelta(hours=1)
"""How often agents get a time tick (silence checks), as in research mode."""

Observation = np.ndarray[Any, np.dtype[np.float32]]


class SupplyChainEnv(gym.Env[Observation, np.ndarray[Any, np.dtype[np.float32]]]):
    """Daily replenishment on one scenario (see the module doc)."""

    metadata = {"render_modes": []}  # noqa: RUF012 - Gymnasium's own attribute

    def __init__(self, scenario: Scenario, *, days: int | None = None, order_days: float = 3.0):
        self.scenario = shorten(scenario, days, where=scenario.name) if days else scenario
        net = self.scenario.network
        demand = warehouse_demand(net, self.scenario.simulation.demand_cv)
        self.pairs = sorted(demand)
        self.max_order = np.array([order_days * demand[k].mean for k in self.pairs], np.float32)
        self._serving = {
            (c.id, p): w
            for c in net.customers
            for p in c.demand_per_day
            if (w := serving_warehouse(net, c, p)) is not None
        }
        self.machines = sorted(m.id for m in net.machines)
        self.vehicles = sorted(v.id for v in net.vehicles)
        size = 3 * len(self.pairs) + 2 * len(self.machines) + len(self.vehicles) + 1
        self.observation_space = spaces.Box(0.0, OBS_MAX, shape=(size,), dtype=np.float32)
        self.action_space = spaces.Box(0.0, 1.0, shape=(len(self.pairs),), dtype=np.float32)
        self._directory: InlineDirectory | None = None
        self._action = np.zeros(len(self.pairs), np.float32)

    # ------------------------------------------------------------------ gym API
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Observation, dict[str, Any]]:
        super().reset(seed=seed)
        run_seed = int(self.np_random.integers(0, 2**31 - 1)) if seed is None else seed
        sim_settings = self.scenario.simulation.model_copy(update={"seed": run_seed})
        scenario = self.scenario.model_copy(update={"simulation": sim_settings})
        self.close()
        self._directory = InlineDirectory.start(
            scenario.network, agent_settings=AgentSettings().following(scenario.planning)
        )
        self._sim = Simulator(scenario)
        policy = Policy("gym", lambda: self._plan, trigger_kinds=frozenset())
        self._coordinator = Coordinator(
            network=scenario.network,
            planning=scenario.planning,
            directory=self._directory,
            policy=policy,
            origin=self._sim.now,
            run_end=self._sim.end,
        )
        self._step = timedelta(minutes=scenario.simulation.step_minutes)
        self._next_tick = self._sim.now + TICK
        self._frame = self._sim.advance(self._sim.now)
        self._cost = 0.0
        return self._observe(), {"seed": run_seed}

    def step(
        self, action: np.ndarray[Any, np.dtype[np.float32]]
    ) -> tuple[Observation, float, bool, bool, dict[str, Any]]:
        self._action = np.clip(np.asarray(action, np.float32), 0.0, 1.0)
        day_end = self._sim.now + timedelta(days=1)
        while True:  # this day's turns; the next day's first turn waits for the next action
            self._turn()
            if self._sim.now >= self._sim.end:
                break
            self._frame = self._sim.advance(self._sim.now + self._step)
            if self._sim.now >= day_end:
                break
        done = self._sim.now >= self._sim.end
        cost = self._cost_so_far()
        reward, self._cost = -(cost - self._cost), cost
        return self._observe(), float(reward), done, False, {"total_cost": cost}

    def close(self) -> None:
        if self._directory is not None:
            self._directory.close()
            self._directory = None

    # ------------------------------------------------------------------ internals
    def _cost_so_far(self) -> float:
        """The run's total cost as if it ended now, less orders not yet due.

        `kpis` counts an order short from the day it is placed until it is
        delivered; an order due today or later is not short yet. At the end
        of the run nothing is left to come due, so the rewards add up to
        minus the run's `total_cost`.
        """
        penalty = {p.id: p.shortage_penalty for p in self.scenario.network.products}
        pending = self._sim.not_yet_due()
        return self._sim.kpis().total_cost - sum(u * penalty[p] for p, u in pending.items())

    def _turn(self) -> None:
        """One simulator step of research mode: readings to the agents, then the coordinator."""
        assert self._directory is not None
        now, frame = self._sim.now, self._frame
        batch = self._directory.ingest(frame.readings, now)
        if now >= self._next_tick:
            batch.extend(self._directory.tick(now))
            self._next_tick += TICK
        news = TurnInputs(now, alerts=batch, orders=frame.orders, deliveries=frame.deliveries)
        dispatch = self._coordinator.step(news)
        if dispatch is not None:
            self._sim.execute(dispatch.commands)

    def _plan(
        self,
        snapshot: NetworkSnapshot,
        settings: PlanningSettings,
        plan_id: str,
        causes: Any,
        previous: Plan | None,
    ) -> Plan:
        """The rule, told to order each pair's share of its `max_order` today."""
        quantity = {
            k: float(q) for k, q in zip(self.pairs, self._action * self.max_order, strict=True)
        }
        warehouses = []
        for w in snapshot.network.warehouses:
            ours = {p: q for (wid, p), q in quantity.items() if wid == w.id and q >= 1.0}
            warehouses.append(
                w.model_copy(
                    update={
                        "reorder_point": dict.fromkeys(ours, ALWAYS),
                        "order_quantity": ours,
                    }
                )
            )
        network = snapshot.network.model_copy(update={"warehouses": warehouses})
        offers = [o.model_copy(update={"reorder_requests": []}) for o in snapshot.warehouses]
        told = snapshot.model_copy(update={"network": network, "warehouses": offers})
        return plan_reorder_point(told, settings, plan_id=plan_id, causes=list(causes))

    def _observe(self) -> Observation:
        snap = self._coordinator.snapshot(self._sim.now)
        houses = {o.warehouse_id: o for o in snap.warehouses}
        on_way: dict[tuple[str, str], float] = {}
        for i in snap.inbound():
            key = (i.destination_id, i.product_id)
            on_way[key] = on_way.get(key, 0.0) + i.quantity
        open_units: dict[tuple[str, str], float] = {}
        for line in snap.demand:
            w = self._serving.get((line.customer_id, line.product_id))
            if line.order_id is not None and w is not None:
                key = (w, line.product_id)
                open_units[key] = open_units.get(key, 0.0) + line.quantity
        values: list[float] = []
        for w, p in self.pairs:
            stock = houses[w].stock.get(p, 0.0) if w in houses else 0.0
            values += [stock, on_way.get((w, p), 0.0), open_units.get((w, p), 0.0)]
        machines: dict[str, MachineOffer] = {m.machine_id: m for m in snap.machines}
        for m in self.machines:
            offer = machines.get(m)
            values += [offer.health if offer else 0.0, 1.0 if offer and offer.down else 0.0]
        vehicles: dict[str, VehicleOffer] = {v.vehicle_id: v for v in snap.vehicles}
        values += [1.0 if v in vehicles and vehicles[v].available else 0.0 for v in self.vehicles]
        elapsed = (self._sim.now - self.scenario.simulation.start) / timedelta(days=1)
        values.append(max(0.0, elapsed) / self.scenario.simulation.days)
        out = np.array(values, np.float32)
        return np.clip(np.where(np.isfinite(out), out, 0.0), 0.0, OBS_MAX).astype(np.float32)


def episode_cost(env: SupplyChainEnv, act: Any, seed: int) -> float:
    """Run one episode with `act(observation) -> action`; return its total cost."""
    obs, _ = env.reset(seed=seed)
    total, done = 0.0, False
    while not done:
        obs, reward, done, _, _ = env.step(act(obs))
        total -= reward
    return total if math.isfinite(total) else math.inf


ENV_ID = "supplysync/SupplyChain-v0"
"""The id `gymnasium.make` knows the environment by once this module is imported:
``gymnasium.make("evaluation.gym:supplysync/SupplyChain-v0", scenario=..., days=...)``
imports it on the way."""

gym.register(id=ENV_ID, entry_point="evaluation.gym:SupplyChainEnv")
