"""SupplierAgent: quotes, shipment tracking, late shipments, review."""

from __future__ import annotations

import pytest

from agents.geo import km_between
from agents.settings import AgentSettings
from agents.supplier import SupplierAgent
from supplysync.commands import SupplyOrder
from supplysync.costs import ROAD_FACTOR
from supplysync.events import AlertKind
from supplysync.network import Network
from supplysync.plan import PurchaseOrder
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from tests.agents.conftest import T0, Feed, at, command

SUPPLIER = "S-RHEIN"  # FILTER 450/day and BOLT 400/day, both 2 days lead
MIDWAY = (51.385, 6.680)  # between Krefeld and the Duisburg hub
HUB = (51.430, 6.775)  # W-DUI


def po(po_id: str, quantity: float, period: int = 0, product: str = "FILTER") -> PurchaseOrder:
    return PurchaseOrder(
        po_id=po_id,
        supplier_id=SUPPLIER,
        product_id=product,
        destination_id="W-DUI",
        quantity=quantity,
        order_period=period,
        arrival_period=period + 2,
        unit_price=19,
    )


def ordered(network: Network, *orders: PurchaseOrder) -> tuple[SupplierAgent, Feed]:
    agent = SupplierAgent(SUPPLIER, network)
    agent.commit(command(SUPPLIER, "supplier", SupplyOrder(orders=list(orders))))
    return agent, Feed(SUPPLIER)


def track(
    feed: Feed, po_id: str, hours: float, where: tuple[float, float], speed: float
) -> Reading:
    return feed(
        "location",
        f"S-trk-{po_id}",
        at(hours),
        lat=where[0],
        lon=where[1],
        speed_kmh=speed,
        shipment_id=po_id,
    )


@pytest.mark.parametrize(
    ("period_hours", "quantity", "lead"),
    [
        (24, 450, 2),  # daily periods: a day's capacity, two periods of lead time
        (12, 225, 4),  # half days: half the capacity, four periods
        (36, 675, 2),  # 48 h of lead time round up to two 36 h periods
    ],
)
def test_quotes_per_period(
    network: Network, period_hours: float, quantity: float, lead: int
) -> None:
    window = PlanningWindow(start=T0, period_hours=period_hours, periods=3)
    quotes = {q.product_id: q for q in SupplierAgent(SUPPLIER, network).offer(window, T0).quotes}
    assert quotes["FILTER"].quantity_per_period == quantity
    assert quotes["FILTER"].lead_time_periods == lead
    assert quotes["FILTER"].unit_price == 19


def test_held_shipment_is_late_and_lengthens_the_quote(
    network: Network, window: PlanningWindow
) -> None:
    agent, feed = ordered(network, po("PO-1", 300))
    moving = [track(feed, "PO-1", h, MIDWAY, 40) for h in (1, 2)]
    held = [track(feed, "PO-1", h, MIDWAY, 0) for h in (3, 4, 5)]
    assert agent.ingest(moving + held, at(5)) == []  # 2 h held so far
    (late,) = agent.ingest([track(feed, "PO-1", 6, MIDWAY, 0)], at(6))
    assert late.kind is AlertKind.LATE_SHIPMENT
    assert late.data["po_id"] == "PO-1" and late.data["hours_stationary"] == 3
    assert late.data["promised_arrival"] == at(48).isoformat()
    # 3 h held and 24 h to come (the buffer: as long again, 3 h, is less)
    assert late.data["estimated_arrival"] == at(48 + 3 + 24).isoformat()
    assert agent.ingest([track(feed, "PO-1", 7, MIDWAY, 0)], at(7)) == []  # once

    offer = agent.offer(window, at(7))
    assert offer.late_shipments == ["PO-1"]
    (inbound,) = offer.inbound
    assert inbound.arrival_period == 3  # promised day 2, now expected day 3 at 04:00
    quotes = {q.product_id: q.lead_time_periods for q in offer.quotes}
    assert quotes == {"FILTER": 4, "BOLT": 4}  # (48 + 4 held + 24) h round up to 4 days


def test_delivery_remembers_the_delay_and_retires_the_tracker(
    network: Network, window: PlanningWindow
) -> None:
    agent, feed = ordered(network, po("PO-1", 300))
    agent.ingest([track(feed, "PO-1", h, MIDWAY, 0) for h in range(1, 50)], at(49))
    agent.ingest([track(feed, "PO-1", 50, MIDWAY, 40)], at(50))  # moving again after 49 h
    assert agent.state().shipments["PO-1"].eta == at(48 + 49)
    agent.ingest([track(feed, "PO-1", 96, HUB, 0)], at(96))
    offer = agent.offer(window, at(96))
    assert offer.inbound == [] and offer.late_shipments == []
    assert {q.lead_time_periods for q in offer.quotes} == {4}  # delivered 48 h late
    assert agent.tick(at(200)) == []  # the retired tracker is not silent, just done


def test_on_time_delivery_keeps_the_quote(network: Network, window: PlanningWindow) -> None:
    agent, feed = ordered(network, po("PO-1", 300))
    agent.ingest([track(feed, "PO-1", 24, MIDWAY, 40), track(feed, "PO-1", 47, HUB, 0)], at(47))
    assert {q.lead_time_periods for q in agent.offer(window, at(48)).quotes} == {2}


def test_unknown_shipment_and_plain_fixes_are_ignored(network: Network) -> None:
    agent, feed = ordered(network, po("PO-1", 300))
    before = agent.state().shipments
    stray = [
        track(feed, "PO-404", 5, MIDWAY, 0),
        feed("location", "S-trk-x", at(5), lat=51.0, lon=6.0),
        feed("temperature", "S-trk-PO-1", at(5), celsius=20.0, shipment_id="PO-1"),
    ]
    assert agent.ingest(stray, at(5)) == []
    assert agent.state().shipments == before


def test_review_counts_committed_orders(network: Network) -> None:
    agent, _ = ordered(network, po("PO-1", 300))  # shipped at the window start
    later = at(1)
    over = agent.review(
        command(SUPPLIER, "supplier", SupplyOrder(orders=[po("PO-2", 200)]), issued_at=later)
    )
    assert not over.accepted
    assert over.reason == "FILTER period 0: asks 200, capacity 450 minus 300 committed leaves 150"
    assert agent.review(
        command(SUPPLIER, "supplier", SupplyOrder(orders=[po("PO-2", 150)]), issued_at=later)
    ).accepted
    assert agent.review(
        command(SUPPLIER, "supplier", SupplyOrder(orders=[po("PO-2", 400, 1)]), issued_at=later)
    ).accepted
    # the plan may restate the shipped order; it is not counted twice
    both = SupplyOrder(orders=[po("PO-1", 300), po("PO-2", 150)])
    assert agent.review(command(SUPPLIER, "supplier", both, issued_at=later)).accepted


def test_review_rejects_unquoted_products(network: Network) -> None:
    agent = SupplierAgent(SUPPLIER, network)
    answer = agent.review(
        command(SUPPLIER, "supplier", SupplyOrder(orders=[po("PO-9", 10, product="PUMP")]))
    )
    assert not answer.accepted and answer.reason == "does not supply PUMP"


def test_unshipped_orders_are_replaced_by_a_new_plan(
    network: Network, window: PlanningWindow
) -> None:
    agent, _ = ordered(network, po("PO-1", 300, period=1))  # leaves tomorrow
    agent.commit(
        command(
            SUPPLIER, "supplier", SupplyOrder(orders=[po("PO-2", 100, period=1)]), issued_at=at(2)
        )
    )
    assert sorted(agent.state().shipments) == ["PO-2"]
    assert agent.offer(window, at(2)).inbound == []  # nothing on the road yet
    assert [i.shipment_id for i in agent.offer(window, at(25)).inbound] == ["PO-2"]


def test_an_order_due_to_ship_at_the_replan_instant_is_still_replaceable(
    network: Network,
) -> None:
    """A plan made at midnight replaces the orders that were to ship at midnight.

    The world ships an order in the first step after its departure time, so
    a command issued at that very instant replaces it (`SupplierSim.command`).
    Counting it as on the road then would offer the new plan goods that never
    leave, and the plan would not order them again.
    """
    agent, _ = ordered(network, po("PO-1", 300, period=1))
    midnight = at(24)
    today = PlanningWindow(start=midnight, period_hours=24, periods=3)
    assert agent.offer(today, midnight).inbound == []
    agent.commit(
        command(SUPPLIER, "supplier", SupplyOrder(orders=[]), window=today, issued_at=midnight)
    )
    assert agent.state().shipments == {}
    # a moment later the same order would be on its way
    agent, _ = ordered(network, po("PO-1", 300, period=1))
    assert [i.shipment_id for i in agent.offer(today, at(24.25)).inbound] == ["PO-1"]


def test_quote_for_the_current_period_is_what_is_left_after_orders_shipped_in_it(
    network: Network, window: PlanningWindow
) -> None:
    """A replan later the same day is offered only the capacity left today.

    Quoting the whole day again let the planner ask for it twice; the review
    then rejected the supplier, and the replan lost all its quotes.
    """
    agent, _ = ordered(network, po("PO-1", 300), po("PO-2", 100, period=1))
    quotes = {q.product_id: q for q in agent.offer(window, at(9)).quotes}
    assert quotes["FILTER"].quantity_per_period == 450
    assert quotes["FILTER"].quantity_first_period == 150  # 450 - 300 shipped today
    assert quotes["BOLT"].quantity_first_period == 400


@pytest.mark.parametrize(("quantile", "to_come"), [(0.5, 30), (0.9, 270), (0.2, 24)])
def test_a_long_hold_is_planned_to_last_a_multiple_of_itself(
    network: Network, quantile: float, to_come: float
) -> None:
    """After 30 h standing still, the buffer's 24 h more is no longer the plan.

    A hold that has lasted t hours, with nothing else known, ends within
    another r*t with probability r/(1+r); the quantile planned on sets r
    (0.5: as long again; 0.9: nine times). The buffer stays the floor. A
    fixed buffer kept each replan believing the goods were a day away, for
    three days, and bought nothing elsewhere.
    """
    agent = SupplierAgent(SUPPLIER, network, AgentSettings(late_hold_quantile=quantile))
    agent.commit(command(SUPPLIER, "supplier", SupplyOrder(orders=[po("PO-1", 300)])))
    feed = Feed(SUPPLIER)
    agent.ingest([track(feed, "PO-1", h, MIDWAY, 0) for h in range(1, 32)], at(31))
    assert agent.state().shipments["PO-1"].eta == at(48 + 30 + to_come)
    assert agent.state().observed_delay_h == 30 + to_come


def test_a_late_supplier_delays_its_other_shipments_on_the_road(
    network: Network, window: PlanningWindow
) -> None:
    """A supplier that holds one shipment is expected to hold the next one too.

    PO-2 left a day after PO-1 and is still moving; it has not reached the
    place where PO-1 stopped. Expecting it on its promise told the planner
    the supplier's goods were coming while all of them were held.
    """
    agent, feed = ordered(network, po("PO-1", 300), po("PO-2", 200, period=1))
    agent.ingest([track(feed, "PO-1", h, MIDWAY, 0) for h in range(1, 6)], at(5))
    agent.ingest([track(feed, "PO-2", 30, MIDWAY, 40)], at(31))
    shipments = agent.state().shipments
    assert shipments["PO-1"].late and not shipments["PO-2"].late
    # PO-1 stood still 4 h until its last fix: 4 held + 24 to come (the buffer)
    assert shipments["PO-1"].eta == at(48 + 28)
    # PO-2 left at 24 h with two days of lead time and is expected as late
    assert shipments["PO-2"].eta == at(24 + 48 + 28)
    arrivals = {i.shipment_id: i.arrival_period for i in agent.offer(window, at(31)).inbound}
    assert arrivals == {"PO-1": 3, "PO-2": 4}


def test_a_shipment_that_left_before_the_held_one_keeps_its_promise(
    network: Network, window: PlanningWindow
) -> None:
    """What left before the first held shipment and still moves has passed the hold.

    PO-0 left a day before PO-1 and was on the road where PO-1 stopped a
    day earlier than PO-1 reached it. Expecting it as late as PO-1 told the
    planner a day's goods would miss their day: on `single-2` with a day-1
    supplier delay the loop left 50 units of firm orders unserved for a day
    with those goods landing on time.
    """
    agent, feed = ordered(network, po("PO-0", 150), po("PO-1", 300, period=1))
    agent.ingest([track(feed, "PO-1", h, MIDWAY, 0) for h in range(25, 30)], at(29))
    agent.ingest([track(feed, "PO-0", 30, MIDWAY, 40)], at(31))
    shipments = agent.state().shipments
    assert shipments["PO-1"].late and not shipments["PO-0"].late
    assert shipments["PO-0"].eta == at(48)
    arrivals = {i.shipment_id: i.arrival_period for i in agent.offer(window, at(31)).inbound}
    assert arrivals["PO-0"] == 2


def test_an_on_time_shipment_that_left_before_the_hold_does_not_end_it(
    network: Network, window: PlanningWindow
) -> None:
    """A late delivery teaches a delay; an older shipment landing on time unteaches nothing.

    PO-1 (left at 24 h) was held and landed late; PO-0 (left at 0 h, four
    days promised) lands after it, on time. PO-2 (left at 48 h) is still
    expected as late as PO-1 was: only a shipment that left after the held
    one can show the cause is over.
    """
    slow = po("PO-0", 150).model_copy(update={"arrival_period": 4})
    agent, feed = ordered(network, slow, po("PO-1", 300, period=1), po("PO-2", 100, period=2))
    agent.ingest([track(feed, "PO-1", h, MIDWAY, 0) for h in range(25, 31)], at(30))
    agent.ingest([track(feed, "PO-1", 80, HUB, 0)], at(80))  # 8 h after its promise
    assert agent.state().observed_delay_h == 8
    agent.ingest([track(feed, "PO-0", 90, HUB, 0)], at(90))  # on time
    state = agent.state()
    assert state.observed_delay_h == 8
    assert state.shipments["PO-2"].eta == at(96 + 8)


def test_a_supplier_without_delays_expects_its_shipments_on_their_promise(
    network: Network, window: PlanningWindow
) -> None:
    agent, feed = ordered(network, po("PO-1", 300), po("PO-2", 200, period=1))
    agent.ingest([track(feed, "PO-1", 30, MIDWAY, 40), track(feed, "PO-2", 30, MIDWAY, 40)], at(31))
    arrivals = {i.shipment_id: i.arrival_period for i in agent.offer(window, at(31)).inbound}
    assert arrivals == {"PO-1": 2, "PO-2": 3}


def test_a_moving_shipment_is_expected_when_its_last_fix_says(
    network: Network, window: PlanningWindow
) -> None:
    """The promise gives the day; the tracker gives the hour: road still to go at its speed."""
    agent, feed = ordered(network, po("PO-1", 300))
    agent.ingest([track(feed, "PO-1", 30, MIDWAY, 40)], at(31))
    [inbound] = agent.offer(window, at(31)).inbound
    road_km = ROAD_FACTOR * km_between(MIDWAY, HUB)
    assert inbound.eta is not None
    assert (inbound.eta - at(30)).total_seconds() / 3600 == pytest.approx(road_km / 40)
    agent.ingest([track(feed, "PO-1", 32, MIDWAY, 0)], at(32))  # held: no hour to count on
    [inbound] = agent.offer(window, at(32)).inbound
    assert inbound.eta is None
