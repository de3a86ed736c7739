"""The simulator: a scenario's world stepped on a virtual clock.

`Simulator` owns one model per asset and steps them all through the same
`step_minutes` grid. Within a step the order is fixed (demand, surges,
suppliers, transfers, machines, vehicles, then warehouse sampling), so the
same scenario, seed and command sequence give identical output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from typing import Any

from adapters.simulator.demand import OrderLedger
from adapters.simulator.disruptions import Disruptions
from adapters.simulator.kpis import compute_kpis
from adapters.simulator.machines import MachineSim
from adapters.simulator.shipments import SupplierSim
from adapters.simulator.transfers import TransferBook
from adapters.simulator.vehicles import VehicleSim
from adapters.simulator.warehouses import WarehouseSim, surge_lots
from adapters.simulator.world import seeded_world
from supplysync.commands import Command, ProduceOrder, RouteOrder, SupplyOrder, TransferOrder
from supplysync.kpi import Kpis
from supplysync.orders import CustomerOrder, ProofOfDelivery
from supplysync.readings import Reading
from supplysync.scenario import Scenario


@dataclass(frozen=True)
class SimFrame:
    """What the world produced between two `advance` calls.

    Readings are in time order; each device's `seq` rises by one per reading.
    """

    readings: list[Reading]
    orders: list[CustomerOrder]
    deliveries: list[ProofOfDelivery]


class Simulator:
    """The simulated supply network of one scenario.

    Args:
        scenario: network, simulation settings and scripted disruptions.
        seed: overrides `scenario.simulation.seed`; all chance comes from one
            seed, split into independent streams for demand and physics.
        begin: when the world begins, within the scenario's first day (at
            its start if None): a live fleet started mid-day. Days still
            count from the start (hour 0), so shifts, windows and due days
            keep their hours of the day, and steps keep their grid from it;
            the world begins at `begin`, inside the step under way, so
            nothing in it happens before then (the hours before are not
            simulated).

    Raises:
        ValueError: `begin` lies outside the scenario's first day.
    """

    def __init__(
        self, scenario: Scenario, *, seed: int | None = None, begin: datetime | None = None
    ) -> None:
        sim = scenario.simulation
        self._scenario = scenario
        self._step = sim.step_minutes
        self._begin = sim.start if begin is None else begin
        self._k = _first_step(sim.start, self._begin, sim.step_minutes)
        self._k_end = sim.days * 24 * 60 // sim.step_minutes
        world = seeded_world(scenario, seed)
        self._world = world
        self._begin_h = world.hours(self._begin)
        net = scenario.network
        disruptions = Disruptions(scenario)
        self._warehouses = {w.id: WarehouseSim(w, net, world) for w in net.warehouses}
        surge_lots(disruptions, self._warehouses)
        self._ledger = OrderLedger(scenario, world, disruptions)
        plants = {p.id: p for p in net.plants}
        self._machines = {
            m.id: MachineSim(
                m, self._warehouses[plants[m.plant_id].output_warehouse_id], world, disruptions
            )
            for m in net.machines
        }
        self._suppliers = {
            s.id: SupplierSim(s, net, self._warehouses, world, disruptions) for s in net.suppliers
        }
        self._transfers = TransferBook(self._warehouses, world)
        planning = scenario.planning
        self._vehicles = {
            v.id: VehicleSim(
                v,
                network=net,
                depot=self._warehouses[v.depot_id],
                ledger=self._ledger,
                world=world,
                disruptions=disruptions,
                departure_hour=planning.departure_hour,
                last_departure_hour=planning.last_departure,
            )
            for v in net.vehicles
        }
        self._ledger.start_of_day(0)
        self._stock_start = self.stock_position()

    @property
    def now(self) -> datetime:
        return max(self._world.start + timedelta(minutes=self._k * self._step), self._begin)

    @property
    def end(self) -> datetime:
        return self._scenario.end

    @property
    def step(self) -> timedelta:
        """How long one step of the world's grid is (`step_minutes`)."""
        return timedelta(minutes=self._step)

    def advance(self, until: datetime) -> SimFrame:
        """Step the world to the last step boundary at or before `until` (at most `end`).

        Raises:
            ValueError: `until` lies before `now`; the world does not run backwards.
        """
        if until < self.now:
            raise ValueError(
                f"cannot advance to {until.isoformat()}: now is {self.now.isoformat()}"
            )
        minutes = (min(until, self.end) - self._world.start).total_seconds() / 60.0
        target = min(self._k_end, int(minutes // self._step))
        while self._k < target:
            self._tick()
        proofs = [p for v in self._vehicles.values() for p in v.proofs]
        for v in self._vehicles.values():
            v.proofs = []
        proofs.sort(key=lambda p: p.ts)
        orders, self._ledger.new_orders = self._ledger.new_orders, []
        return SimFrame(readings=self._world.emit.drain(), orders=orders, deliveries=proofs)

    def execute(self, commands: Sequence[Command]) -> None:
        """Carry out commands; each replaces its asset's schedule from its window start on.

        Work scheduled before the window start stays, and work already under
        way (a started run, a trip, a shipped order) is never recalled.

        Raises:
            ValueError: a command names an asset this network lacks, or a body
                that asset kind cannot carry out.
        """
        now_h = self._world.hours(self.now)
        for command in commands:
            body, asset = command.body, command.asset_id
            if isinstance(body, ProduceOrder) and asset in self._machines:
                self._machines[asset].command(body, command.window, now_h)
            elif isinstance(body, SupplyOrder) and asset in self._suppliers:
                self._suppliers[asset].command(body, command.window, now_h)
            elif isinstance(body, TransferOrder) and asset in self._warehouses:
                self._transfers.command(asset, body, command.window, now_h)
            elif isinstance(body, RouteOrder) and asset in self._vehicles:
                self._vehicles[asset].command(body, command.window, now_h)
            else:
                raise ValueError(f"command {command.command_id}: no {body.kind} asset {asset!r}")

    def kpis(self) -> Kpis:
        """Ground-truth KPIs so far; the replanning fields are the caller's to fill.

        The money figure settles the stock the network owns now against what
        it owned at the start, as if the run ended here.
        """
        ledger = self._ledger
        return compute_kpis(
            self._world.tally,
            ordered=ledger.ordered,
            accepted=ledger.accepted,
            on_time=ledger.on_time,
            stock_start=self._stock_start,
            stock_end=self.stock_position(),
            network=self._scenario.network,
            rates=self._scenario.costs,
        )

    def not_yet_due(self) -> dict[str, float]:
        """Units of open orders due today or later, by product: `kpis` counts them short."""
        return self._ledger.not_yet_due(self._world.hours(self.now))

    def stock_position(self) -> dict[str, float]:
        """Units of each product the network owns: on hand and in transit.

        In transit are supplier shipments on the road, transfers between
        warehouses and what vehicles carry. Spoiled goods on board are worth
        nothing and not counted; surges not yet landed are not the network's.
        """
        stock = dict.fromkeys((p.id for p in self._scenario.network.products), 0.0)
        moving = chain(
            *(s.in_transit() for s in self._suppliers.values()),
            self._transfers.in_transit(),
            *(v.on_board() for v in self._vehicles.values()),
        )
        for warehouse in self._warehouses.values():
            for product_id, units in warehouse.stock.items():
                stock[product_id] += units
        for product_id, units in moving:
            stock[product_id] += units
        return stock

    def ground_truth(self) -> dict[str, Any]:
        """A JSON-ready view of the true state, for tests and debugging."""
        return {
            "now": self.now.isoformat(),
            "stock": {w: sim.state()["stock"] for w, sim in self._warehouses.items()},
            "warehouses": {w: sim.state() for w, sim in self._warehouses.items()},
            "machines": {m: sim.state() for m, sim in self._machines.items()},
            "vehicles": {v: sim.state() for v, sim in self._vehicles.items()},
            "shipments": [s for sim in self._suppliers.values() for s in sim.state()],
            "transfers": self._transfers.state(),
            "orders": self._ledger.state(),
            "notes": list(self._world.notes),
        }

    def _tick(self) -> None:
        t0 = max(self._k * self._step / 60.0, self._begin_h)
        self._k += 1
        t1 = self._k * self._step / 60.0
        self._ledger.expire(t0)
        for warehouse in self._warehouses.values():
            warehouse.land_surges(t0, t1)
        for supplier in self._suppliers.values():
            supplier.step(t0, t1)
        self._transfers.step(t0, t1)
        for machine in self._machines.values():
            machine.step(t0, t1)
        for vehicle in self._vehicles.values():
            vehicle.step(t0, t1)
        for warehouse in self._warehouses.values():
            warehouse.sample(t0, t1)
        if (self._k * self._step) % (24 * 60) == 0 and self._k < self._k_end:
            self._ledger.start_of_day(self._k * self._step // (24 * 60))


def _first_step(start: datetime, begin: datetime, step_minutes: int) -> int:
    """The step of the first day at or before `begin`."""
    minutes = (begin - start).total_seconds() / 60.0
    if not 0 <= minutes < 24 * 60:
        raise ValueError(
            f"a world begins within its first day: {begin.isoformat()} is not in the day "
            f"from {start.isoformat()}"
        )
    return int(minutes // step_minutes)
