"""The order ids vehicles carry, remembered between replans.

A vehicle out on its trip gets no route for the period under way (its trip
is frozen, never re-sent), so what it already carries must stay
remembered: forgetting it would let the next replan deliver those orders a
second time, and the customer would book the surplus against its next
order, a day early.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from supplysync.commands import Command
from supplysync.offers import VehicleOffer
from supplysync.planning import PlanningWindow

Routes = Mapping[str, tuple[tuple[datetime, tuple[str, ...]], ...]]
"""Vehicle id -> (period start, the order ids its routes of that period carry)."""


def remember(routes: Routes, commands: Iterable[Command]) -> Routes:
    """`routes` with the route commands among `commands` taken in.

    A vehicle's new routes replace what was remembered for it, except the
    period its command's window starts in when the command has no route
    for it: that is the trip under way.
    """
    kept = dict(routes)
    for command in commands:
        if command.body.kind != "route":
            continue
        fresh: dict[datetime, list[str]] = defaultdict(list)
        for r in command.body.routes:
            start = command.window.period_start(r.period)
            fresh[start].extend(oid for stop in r.stops for oid in stop.order_ids)
        under_way = tuple(
            (start, ids)
            for start, ids in kept.get(command.asset_id, ())
            if start == command.window.start and start not in fresh
        )
        kept[command.asset_id] = (
            *under_way,
            *((start, tuple(ids)) for start, ids in fresh.items()),
        )
    return kept


def on_board(routes: Routes, vehicles: Iterable[VehicleOffer], window: PlanningWindow) -> set[str]:
    """Order ids on routes of the window's first period whose vehicle is out."""
    out = {v.vehicle_id for v in vehicles if not v.available}
    return {
        order_id
        for vehicle_id in out
        for start, order_ids in routes.get(vehicle_id, ())
        if start == window.start
        for order_id in order_ids
    }
