"""The hindsight snapshot: the agents' present with the demo run's future told, by value.

The demo's script: S-RHEIN's shipments from day 1 are held 2 days, V-CGN-1's
cooling fails at 09:00 on day 3 for 40 h, 1000 BOLT land unannounced at
W-EHV at 10:00 on day 2, M-DUI-1 wears 12 times faster from day 1 and the
Rheinland orders 2.2 times its rate for days 2-4.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from adapters.simulator.oracle import Oracle
from policies.foresight import Promise, foresee, held_periods
from supplysync.offers import DemandLine, Inbound, NetworkSnapshot
from supplysync.scenario import Scenario
from tests.optimizer.conftest import snapshot_of

DEPARTURE = 7.0


@pytest.fixture(scope="module")
def oracle(demo_scenario: Scenario) -> Oracle:
    return Oracle(demo_scenario)


def day(scenario: Scenario, d: float) -> datetime:
    return scenario.simulation.start + timedelta(days=d)


def snapshot(
    scenario: Scenario, start_day: int, *, periods: int = 3, hours_in: float = 0.0
) -> NetworkSnapshot:
    """The test snapshot of the demo network, its window from day `start_day`."""
    snap = snapshot_of(scenario.network, periods)
    start = day(scenario, start_day)
    return snap.model_copy(
        update={
            "window": snap.window.model_copy(update={"start": start}),
            "taken_at": start + timedelta(hours=hours_in),
        }
    )


def told(
    snap: NetworkSnapshot, oracle: Oracle, promises: dict[str, Promise] | None = None
) -> NetworkSnapshot:
    return foresee(snap, oracle, departure_hour=DEPARTURE, promises=promises)


def test_demand_is_the_books_orders_and_every_order_still_to_come(
    demo_scenario: Scenario, oracle: Oracle
) -> None:
    snap = snapshot(demo_scenario, 1, periods=4)
    sent = [o for o in oracle.orders if o.created_at <= snap.taken_at]
    held = next(o for o in sent if snap.window.period_of(o.due) == 1)
    book = [
        DemandLine(  # what is left of an order the book holds
            customer_id=held.customer_id,
            product_id=held.product_id,
            period=1,
            quantity=3.0,
            order_id=held.order_id,
        ),
        DemandLine(customer_id="C-BONN", product_id="VALVE", period=3, quantity=10.0),
    ]
    seen = told(snap.model_copy(update={"demand": book}), oracle)

    coming = [
        o for o in oracle.orders if o.created_at > snap.taken_at and o.due < day(demo_scenario, 5)
    ]
    assert coming  # days 2-4's orders are sent on days 1-3
    assert seen.demand[0] == book[0]  # the book's own figure, not the order's
    assert all(line.order_id is not None for line in seen.demand)  # the forecast is gone
    assert {(line.order_id, line.period, line.quantity) for line in seen.demand[1:]} == {
        (o.order_id, snap.window.period_of(o.due), o.quantity) for o in coming
    }
    # The spike is in the orders: Bonn's VALVE rate is 10 a day, 2.2 times
    # that on days 2-4 (day 2's order was sent at the snapshot's instant).
    bonn = {
        line.order_id: line.quantity for line in seen.demand if "C-BONN-VALVE" in str(line.order_id)
    }
    assert bonn == {"ord-C-BONN-VALVE-d3": 23, "ord-C-BONN-VALVE-d4": 22}
    assert told(seen, oracle) == seen  # idempotent: a withdrawal replan foresees again


def test_a_delayed_supplier_quotes_its_real_lead_time(
    demo_scenario: Scenario, oracle: Oracle
) -> None:
    before, during = snapshot(demo_scenario, 0), snapshot(demo_scenario, 1)
    # The agent's own guess (a learned delay of 5 days) is replaced by the truth.
    during = during.model_copy(
        update={
            "suppliers": [
                s.model_copy(
                    update={
                        "quotes": [q.model_copy(update={"lead_time_periods": 7}) for q in s.quotes]
                    }
                )
                for s in during.suppliers
            ]
        }
    )

    def leads(snap: NetworkSnapshot) -> dict[tuple[str, str], int]:
        seen = told(snap, oracle)
        return {
            (s.supplier_id, q.product_id): q.lead_time_periods
            for s in seen.suppliers
            for q in s.quotes
        }

    # S-RHEIN's terms are 2 days; shipments leaving from day 1 are held 2 more.
    assert leads(before)["S-RHEIN", "BOLT"] == 2
    assert leads(during)["S-RHEIN", "BOLT"] == leads(during)["S-RHEIN", "FILTER"] == 4
    assert leads(during)["S-MAAS", "BOLT"] == leads(during)["S-COLD", "REAGENT"] == 1
    assert held_periods(before, oracle) == {}
    assert held_periods(during, oracle) == {("S-RHEIN", "FILTER"): 2, ("S-RHEIN", "BOLT"): 2}


def test_a_held_shipment_is_inbound_when_it_really_lands(
    demo_scenario: Scenario, oracle: Oracle
) -> None:
    snap = snapshot(demo_scenario, 2, periods=4)
    on_road = [
        Inbound(
            shipment_id=po, product_id="BOLT", destination_id="W-DUI", quantity=50, arrival_period=1
        )
        for po in ("po-held", "po-early", "po-not-ours")
    ]
    suppliers = [
        s.model_copy(update={"inbound": on_road}) if s.supplier_id == "S-RHEIN" else s
        for s in snap.suppliers
    ]
    promises = {  # both promised for day 3 at 08:00, as the agent expects them
        "po-held": Promise(
            "S-RHEIN", "BOLT", "W-DUI", day(demo_scenario, 1), day(demo_scenario, 3)
        ),
        "po-early": Promise(
            "S-RHEIN", "BOLT", "W-DUI", day(demo_scenario, 0.5), day(demo_scenario, 3)
        ),
    }
    seen = told(snap.model_copy(update={"suppliers": suppliers}), oracle, promises=promises)

    (rhein,) = [s for s in seen.suppliers if s.supplier_id == "S-RHEIN"]
    assert {i.shipment_id: i.arrival_period for i in rhein.inbound} == {
        "po-held": 3,  # left on day 1: held 2 days, lands on day 5
        "po-early": 1,  # left before the delay: lands on day 3 as promised
        "po-not-ours": 1,  # not this policy's order: as the agent says
    }


@pytest.mark.parametrize(
    ("start_day", "cooling"),
    [
        (2, True),  # fails the next day
        (3, False),  # fails at 09:00, during the trip
        (4, False),  # out all day
        (5, True),  # back at 01:00, before the 07:00 departure
    ],
)
def test_a_reefer_failing_during_the_trip_offers_no_cooling(
    demo_scenario: Scenario, oracle: Oracle, start_day: int, cooling: bool
) -> None:
    seen = told(snapshot(demo_scenario, start_day), oracle)
    ok = {v.vehicle_id: v.refrigeration_ok for v in seen.vehicles}
    assert ok["V-CGN-1"] is cooling
    assert ok["V-DUI-1"] and ok["V-CGN-2"]  # the other reefer, a box truck


def test_the_oracle_never_gives_cooling_back_before_the_agent(
    demo_scenario: Scenario, oracle: Oracle
) -> None:
    snap = snapshot(demo_scenario, 5)
    distrusted = [
        v.model_copy(update={"refrigeration_ok": False}) if v.vehicle_id == "V-CGN-1" else v
        for v in snap.vehicles
    ]
    seen = told(snap.model_copy(update={"vehicles": distrusted}), oracle)
    assert not next(v for v in seen.vehicles if v.vehicle_id == "V-CGN-1").refrigeration_ok


def test_a_surge_still_to_come_is_inbound(demo_scenario: Scenario, oracle: Oracle) -> None:
    def surges(snap: NetworkSnapshot) -> list[tuple[str, str, str, float, int]]:
        seen = told(snap, oracle)
        return [
            (w.warehouse_id, i.shipment_id, i.product_id, i.quantity, i.arrival_period)
            for w in seen.warehouses
            for i in w.inbound
        ]

    assert surges(snapshot(demo_scenario, 0)) == [("W-EHV", "surge:0", "BOLT", 1000, 2)]
    assert surges(snapshot(demo_scenario, 2, hours_in=9.75)) == [
        ("W-EHV", "surge:0", "BOLT", 1000, 0)
    ]
    assert surges(snapshot(demo_scenario, 2, hours_in=10.5)) == []  # landed at 10:00
    assert surges(snapshot(demo_scenario, 0, periods=2)) == []  # beyond the window


def test_maintenance_is_due_on_the_day_the_machine_would_fail(
    demo_scenario: Scenario, oracle: Oracle
) -> None:
    def machine(
        snap: NetworkSnapshot, health: float, agent_due: int | None = None
    ) -> tuple[int | None, datetime | None]:
        machines = [
            m.model_copy(update={"health": health, "maintenance_due_period": agent_due})
            if m.machine_id == "M-DUI-1"
            else m
            for m in snap.machines
        ]
        seen = told(snap.model_copy(update={"machines": machines}), oracle)
        m = next(m for m in seen.machines if m.machine_id == "M-DUI-1")
        return m.maintenance_due_period, m.predicted_failure_at

    # New on day 0 (less the margin, 0.95): 16 h at 0.002, then 0.024/h
    # from day 1: 0.918 left at day 1, 0.15 at day 3, gone 6.25 h into
    # day 3's 06:00 shift. Not due before then, whatever the agent guessed.
    failure = day(demo_scenario, 3) + timedelta(hours=12.25)
    due, fails = machine(snapshot(demo_scenario, 0, periods=7), 1.0, agent_due=1)
    assert due is None
    assert fails == pytest.approx(failure, abs=timedelta(seconds=1))
    due, fails = machine(snapshot(demo_scenario, 3), 0.20)
    assert due == 0
    assert fails == pytest.approx(failure, abs=timedelta(seconds=1))
    # The others wear at their own rate and last the week.
    seen = told(snapshot(demo_scenario, 0, periods=7), oracle)
    assert [m.maintenance_due_period for m in seen.machines if m.machine_id != "M-DUI-1"] == [
        None
    ] * 5


def test_the_tail_after_the_run_expects_the_customers_rates_not_the_books_levels(
    demo_scenario: Scenario, oracle: Oracle
) -> None:
    """Within the demo's rheinland spike (2.2 times, days 2-4) or not, the book's guess goes."""
    guessed = {"ruhr": {"PUMP": 3.0}, "rheinland": {"VALVE": 2.2}}
    for start in (1, 3):
        snap = snapshot(demo_scenario, start).model_copy(update={"demand_levels": guessed})
        assert told(snap, oracle).demand_levels == {}
