"""WarehouseAgent: stock, space, cold room, transfers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.warehouse import WarehouseAgent
from supplysync.commands import TransferOrder
from supplysync.events import AlertKind
from supplysync.network import Network
from supplysync.plan import Transfer
from supplysync.planning import PlanningWindow
from supplysync.readings import Reading
from tests.agents.conftest import Feed, at, command

WH = "W-EHV"  # capacity 2600 (below); initial stock 120/260/520/330/60 = 1290; PUMP s=80, Q=100


@pytest.fixture(scope="module")
def network(network: Network) -> Network:
    """The demo network with W-EHV at the 2600-unit capacity the figures below assume."""
    raw = network.model_dump()
    for w in raw["warehouses"]:
        if w["id"] == WH:
            w["capacity_units"] = 2600
    return Network.model_validate(raw)


def scan(
    feed: Feed, hours: float, product: str, units: float, direction: str, lot: str = "lot"
) -> Reading:
    return feed(
        "rfid_scan",
        "W-rfid",
        at(hours),
        lot_id=lot,
        product_id=product,
        units=units,
        direction=direction,
        site_id=WH,
    )


def shelf(feed: Feed, hours: float, product: str, units: float) -> Reading:
    return feed("stock_level", "W-shelf", at(hours), product_id=product, units=units)


def test_shelf_is_authoritative_and_scans_move_stock(network: Network) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    agent.ingest([shelf(feed, 1, "VALVE", 200), scan(feed, 1.5, "VALVE", 30, "out")], at(2))
    assert agent.state().stock["VALVE"] == 170
    agent.ingest([scan(feed, 1.7, "VALVE", 50, "in")], at(2))
    assert agent.state().stock["VALVE"] == 220
    agent.ingest([shelf(feed, 2, "VALVE", 215)], at(2))  # the count wins over the tally
    assert agent.state().stock["VALVE"] == 215


def test_scan_already_counted_by_shelf_is_skipped(network: Network) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    agent.ingest([shelf(feed, 2, "VALVE", 200), scan(feed, 1.5, "VALVE", 30, "out")], at(2))
    assert agent.state().stock["VALVE"] == 200


def test_a_movement_scanned_at_the_instant_of_a_count_is_not_in_it(network: Network) -> None:
    """Vehicles load at 07:00, the hour the shelves are counted: the count is the stock before.

    The hourly count is taken at the end of the simulator's step and the
    loading scans at the start of the next, both stamped 07:00. Skipping
    scans not newer than the count left every vehicle's load in the
    warehouse's stock until the 08:00 count: a replan in that hour counted
    those goods twice, on the shelf and on the truck (`make_to_stock-2`
    seed 0, 07:30: 2,476 units of phantom stock in 4 warehouses).
    """
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    agent.ingest([shelf(feed, 7, "VALVE", 200), scan(feed, 7, "VALVE", 30, "out")], at(7.5))
    assert agent.state().stock["VALVE"] == 170
    # a count arriving after a scan of its own instant still has the last word
    agent.ingest([scan(feed, 8, "VALVE", 5, "in"), shelf(feed, 8, "VALVE", 175)], at(8.5))
    assert agent.state().stock["VALVE"] == 175


def test_unknown_product_and_other_site_are_ignored(network: Network) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    before = agent.state().stock
    stray = feed(
        "rfid_scan",
        "W-rfid",
        at(1),
        lot_id="x",
        product_id="GADGET",
        units=5,
        direction="in",
        site_id=WH,
    )
    elsewhere = feed(
        "rfid_scan",
        "W-rfid",
        at(1),
        lot_id="y",
        product_id="PUMP",
        units=5,
        direction="in",
        site_id="W-DUI",
    )
    unknown_shelf = shelf(feed, 1, "GADGET", 10)
    assert agent.ingest([stray, elsewhere, unknown_shelf], at(1)) == []
    assert agent.state().stock == before


movements = st.lists(
    st.tuples(
        st.sampled_from(["scan", "shelf"]),
        st.sampled_from(["PUMP", "REAGENT"]),
        st.floats(min_value=0.5, max_value=500, allow_nan=False),
        st.sampled_from(["in", "out"]),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(movements)
def test_stock_is_never_negative(
    network: Network, moves: list[tuple[str, str, float, str]]
) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    for i, (what, product, units, direction) in enumerate(moves):
        reading = (
            scan(feed, i, product, units, direction)
            if what == "scan"
            else shelf(feed, i, product, units)
        )
        agent.ingest([reading], at(i))
        state = agent.state()
        assert min(state.stock.values()) >= 0
        assert 0 <= state.free_units <= 2600


def test_below_reorder_point_once_until_recovered(network: Network) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    first = agent.ingest([shelf(feed, 1, "PUMP", 70)], at(1))
    assert [(a.kind, a.data["product_id"]) for a in first] == [
        (AlertKind.BELOW_REORDER_POINT, "PUMP")
    ]
    assert first[0].data["position"] == 70 and first[0].data["reorder_point"] == 80
    assert agent.ingest([shelf(feed, 2, "PUMP", 60)], at(2)) == []  # still below: quiet
    agent.ingest([shelf(feed, 3, "PUMP", 90)], at(3))  # recovered
    again = agent.ingest([shelf(feed, 4, "PUMP", 10)], at(4))
    assert [a.kind for a in again] == [AlertKind.BELOW_REORDER_POINT]
    (request,) = agent.offer(PlanningWindow(start=at(0)), at(4)).reorder_requests
    assert (request.product_id, request.quantity) == ("PUMP", 100)


def transfer(
    tid: str, origin: str, dest: str, qty: float, ship: int = 0, arrive: int = 1
) -> Transfer:
    return Transfer(
        transfer_id=tid,
        origin_id=origin,
        destination_id=dest,
        product_id="PUMP",
        quantity=qty,
        ship_period=ship,
        arrival_period=arrive,
    )


def test_inbound_transfer_counts_toward_reorder_and_offer(
    network: Network, window: PlanningWindow
) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    order = TransferOrder(
        transfers=[transfer("T1", "W-DUI", WH, 50), transfer("T2", WH, "W-CGN", 30)]
    )
    agent.commit(command(WH, "warehouse", order))
    assert agent.ingest([shelf(feed, 1, "PUMP", 70)], at(1)) == []  # 70 + 50 inbound >= 80
    offer = agent.offer(window, at(1))
    (inbound,) = offer.inbound  # T2 leaves this warehouse: not inbound here
    assert (inbound.shipment_id, inbound.quantity, inbound.arrival_period) == ("T1", 50, 1)
    # the same transfer seen from a window a day later arrives in period 0
    later = PlanningWindow(start=at(24), period_hours=24, periods=3)
    assert agent.offer(later, at(25)).inbound[0].arrival_period == 0
    # arrival: the lot id is the transfer id
    agent.ingest([scan(feed, 30, "PUMP", 50, "in", lot="T1")], at(30))
    assert agent.offer(later, at(31)).inbound == []
    assert agent.state().stock["PUMP"] == 120


def test_unshipped_transfers_are_not_offered_as_inbound(
    network: Network, window: PlanningWindow
) -> None:
    agent = WarehouseAgent(WH, network)
    agent.commit(
        command(WH, "warehouse", TransferOrder(transfers=[transfer("T9", "W-DUI", WH, 50, 1, 2)]))
    )
    assert agent.offer(window, at(5)).inbound == []  # leaves tomorrow; the new plan decides it
    assert [i.shipment_id for i in agent.offer(window, at(25)).inbound] == ["T9"]


def test_review_rejects_inbound_beyond_free_space(network: Network) -> None:
    agent = WarehouseAgent(WH, network)  # 2600 - 1290 = 1310 free
    fits = TransferOrder(
        transfers=[transfer("A", "W-DUI", WH, 1300), transfer("B", WH, "W-CGN", 500, 1, 2)]
    )
    assert agent.review(command(WH, "warehouse", fits)).accepted
    too_much = TransferOrder(
        transfers=[transfer("A", "W-DUI", WH, 1500, 0, 1), transfer("B", WH, "W-CGN", 100, 1, 2)]
    )
    answer = agent.review(command(WH, "warehouse", too_much))
    assert not answer.accepted
    assert answer.reason == "period 1: 1500 units inbound exceed 1310 free + 100 outbound"


def test_near_capacity_with_hysteresis(network: Network) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)  # others hold 1170 units
    near = agent.ingest([shelf(feed, 1, "BOLT", 1300)], at(1))  # 1300 + 770 = 2070: 80 %
    assert near == []
    (alert,) = agent.ingest([shelf(feed, 2, "BOLT", 1600)], at(2))  # 2370: 91 %
    assert alert.kind is AlertKind.NEAR_CAPACITY and float(alert.data["fill"]) > 0.9
    assert agent.ingest([shelf(feed, 3, "BOLT", 1450)], at(3)) == []  # 85.4 %: still latched
    assert agent.ingest([shelf(feed, 4, "BOLT", 1600)], at(4)) == []
    agent.ingest([shelf(feed, 5, "BOLT", 1300)], at(5))  # 80 %: re-armed
    assert [a.kind for a in agent.ingest([shelf(feed, 6, "BOLT", 1600)], at(6))] == [
        AlertKind.NEAR_CAPACITY
    ]


def test_cold_room_and_humidity(network: Network, window: PlanningWindow) -> None:
    agent, feed = WarehouseAgent(WH, network), Feed(WH)
    temps = [4.0, 9.5, 10.0, 5.0, 1.0]
    alerts = agent.ingest(
        [feed("temperature", "W-env", at(i), celsius=c) for i, c in enumerate(temps)], at(5)
    )
    assert [a.data["celsius"] for a in alerts] == [9.5, 1.0]  # once per excursion, either side
    assert agent.offer(window, at(5)).cold_storage_ok is False
    humid = agent.ingest(
        [feed("humidity", "W-env", at(6 + i), percent_rh=h) for i, h in enumerate([60, 75, 80])],
        at(9),
    )
    assert [(a.kind, a.data["percent_rh"]) for a in humid] == [(AlertKind.THRESHOLD, 75)]


def test_a_transfer_due_to_leave_at_the_replan_instant_is_still_replaceable(
    network: Network,
) -> None:
    """A plan made at midnight replaces the transfers that were to leave at midnight.

    The world ships a transfer in the first step after its time
    (`TransferBook.command`); expecting it then would offer the new plan goods
    that never come.
    """
    agent = WarehouseAgent(WH, network)
    agent.commit(
        command(WH, "warehouse", TransferOrder(transfers=[transfer("T9", "W-DUI", WH, 50, 1, 2)]))
    )
    midnight = at(24)
    today = PlanningWindow(start=midnight, period_hours=24, periods=3)
    assert agent.offer(today, midnight).inbound == []
    agent.commit(
        command(WH, "warehouse", TransferOrder(transfers=[]), window=today, issued_at=midnight)
    )
    assert agent.offer(today, at(25)).inbound == []
