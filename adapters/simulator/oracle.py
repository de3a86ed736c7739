"""What the world of one simulated run will do, known before the run starts.

The hindsight policy (`policies.hindsight`) plans with perfect knowledge of
everything the scenario and its seed decide, whatever the policy does:

- every customer order: the simulator's own `OrderLedger` run alone on the
  run's demand stream (demand has a random stream of its own, so the orders
  are the same under every policy), spikes included;
- supplier delays: how long a shipment leaving at a given time is held;
- reefer failures: when a vehicle's cooling is out;
- inbound surges: the unannounced receipts, when and how much;
- machine degradations: the wear rate in force at any hour, hence when a
  machine of a given health would fail if it worked every shift hour.

Only the world's own script is here, never its state: stock, health and
shipments under way depend on the policy and come from the agents, as for
every other policy. Traffic jams are known too (`scenario.disruptions`), but
a snapshot has no road speeds to tell them with.

This module belongs to the simulator: research mode reaches it through
`runtime.research.run_policy` only; live mode has no simulated run to know.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.simulator.demand import OrderLedger
from adapters.simulator.disruptions import Disruptions
from adapters.simulator.geo import latlon, road_km
from adapters.simulator.machines import shift_at
from adapters.simulator.shipments import ARRIVAL_HOUR, FALLBACK_KMH
from adapters.simulator.warehouses import SURGE_HOUR
from adapters.simulator.world import EPS, seeded_world
from supplysync.network import Network
from supplysync.orders import CustomerOrder
from supplysync.scenario import ReeferFailure, Scenario


@dataclass(frozen=True)
class Surge:
    """An unannounced receipt: `quantity` of a product landing at a warehouse at `at`.

    `lot` is the simulator's lot id for it (`surge:{n}`, in scenario order).
    """

    lot: str
    warehouse_id: str
    product_id: str
    quantity: float
    at: datetime


class Oracle:
    """The scripted future of one run: its orders and its disruptions.

    Args:
        scenario: the run's scenario.
        seed: overrides `scenario.simulation.seed`, as `Simulator(seed=...)` does;
            the oracle and the simulator must be given the same one.
    """

    def __init__(self, scenario: Scenario, *, seed: int | None = None) -> None:
        sim = scenario.simulation
        self._start = sim.start
        self._end = scenario.end
        self._network: Network = scenario.network
        self._disruptions = Disruptions(scenario)
        self._reefer = [d for d in scenario.disruptions if isinstance(d, ReeferFailure)]
        self._orders = tuple(_orders(scenario, self._disruptions, seed))

    @property
    def orders(self) -> tuple[CustomerOrder, ...]:
        """Every order customers will send during the run, in the order they send them."""
        return self._orders

    def orders_after(self, ts: datetime) -> list[CustomerOrder]:
        """The orders customers have not sent yet at `ts` (sent strictly later)."""
        return [o for o in self._orders if o.created_at > ts]

    def hold(self, supplier_id: str, ship: datetime) -> timedelta:
        """How long a shipment of `supplier_id` leaving at `ship` stands still on its way."""
        return timedelta(hours=self._disruptions.hold_hours(supplier_id, self._hours(ship)))

    def landing(self, promised: datetime) -> datetime:
        """When goods promised for the day starting at `promised` land, if nothing holds them."""
        return promised + timedelta(hours=ARRIVAL_HOUR)

    def arrival(
        self,
        supplier_id: str,
        product_id: str,
        destination_id: str,
        ship: datetime,
        promised: datetime,
    ) -> datetime:
        """When goods leaving at `ship`, promised for the day starting at `promised`, land.

        As `adapters.simulator.shipments`: at `ARRIVAL_HOUR` of the promised
        day, or as soon as a truck can drive there; under a delay in force
        when they left, not before the delay after the supplier's own terms.
        """
        supplier = self._network.supplier(supplier_id)
        destination = self._network.location_of(destination_id)
        km = road_km(latlon(supplier.location), latlon(destination))
        lands = max(self.landing(promised), ship + timedelta(hours=km / FALLBACK_KMH))
        hold = self.hold(supplier_id, ship)
        if not hold:
            return lands
        lead = next(q.lead_time_days for q in supplier.quotes if q.product_id == product_id)
        start = self._start + timedelta(days=math.floor(self._hours(ship) / 24.0 + 1e-9))
        return max(lands, self.landing(start + timedelta(days=lead)) + hold)

    def reefer_out(self, vehicle_id: str, begin: datetime, end: datetime) -> bool:
        """Whether the vehicle's cooling fails at any time in `[begin, end)`."""
        a, b = self._hours(begin), self._hours(end)
        for d in self._reefer:
            if d.vehicle_id != vehicle_id:
                continue
            fail = 24.0 * d.start_day + d.start_hour
            if fail < b - EPS and a < fail + d.duration_hours - EPS:
                return True
        return False

    def surges(self) -> list[Surge]:
        """Every unannounced receipt of the run."""
        return [
            Surge(
                lot=f"surge:{n}",
                warehouse_id=s.warehouse_id,
                product_id=s.product_id,
                quantity=s.quantity,
                at=self._at(24.0 * s.day + SURGE_HOUR),
            )
            for n, s in enumerate(self._disruptions.surges)
        ]

    def failure_at(self, machine_id: str, health: float, since: datetime) -> datetime | None:
        """When a machine of `health` at `since` fails if it produces every shift hour.

        Wear is the machine's `wear_per_hour` times the degradations in
        force (`adapters.simulator.machines`); a machine produces only in
        its daily shift. None when it lasts to the run's end.
        """
        spec = self._network.machine(machine_id)
        h, end = self._hours(since), self._hours(self._end)
        left = max(0.0, health)
        points = self._disruptions.machine_breakpoints(machine_id)
        while h < end - EPS:
            shift_open, edge = shift_at(h, spec.hours_per_day)
            if not shift_open:
                h = edge
                continue
            later = [p for p in points if p > h + EPS]
            stop = min(edge, end, *later[:1])
            wear = spec.wear_per_hour * self._disruptions.wear_multiplier(machine_id, h)
            if wear > 0 and wear * (stop - h) >= left - EPS:
                return self._at(h + left / wear)
            left -= wear * (stop - h)
            h = stop
        return None

    def _hours(self, ts: datetime) -> float:
        return (ts - self._start).total_seconds() / 3600.0

    def _at(self, h: float) -> datetime:
        return self._start + timedelta(microseconds=round(h * 3_600_000_000))


def _orders(scenario: Scenario, disruptions: Disruptions, seed: int | None) -> list[CustomerOrder]:
    """The orders of the run, drawn exactly as `Simulator` draws them.

    The simulator splits its seed into a physics and a demand stream and
    gives the demand stream to `OrderLedger` alone; here the same ledger
    places the same days' orders from the same stream, with no world around
    it. `start_of_day(0)` is what the simulator calls when it is made, and
    `start_of_day(d)` at each later midnight inside the run.
    """
    sim = scenario.simulation
    world = seeded_world(scenario, seed)
    ledger = OrderLedger(scenario, world, disruptions)
    for day in range(sim.days):
        ledger.start_of_day(day)
    return ledger.new_orders
