"""The live state of every asset, assembled from the event store.

Three sources, freshest last: the network (what the asset is and where a
site stands), the latest network snapshot the planner saw (the offer each
agent made: health, stock, capacity, position, load) and the asset's own
latest readings (a vehicle's last GNSS fix, a shelf's last count, a
machine's last vibration), which move between replans. Those come from the
store's read model of each asset's newest reading per kind and subject
(`adapters.store.read_models`), one indexed read for the whole network. Agents' snapshots
are their private format, so the page is not built on them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from adapters.store import EventStore
from supplysync.network import Location, Network
from supplysync.offers import NetworkSnapshot
from supplysync.readings import LocationReading, Reading, StockLevelReading

Kind = Literal["supplier", "plant", "machine", "warehouse", "customer", "vehicle"]


class AssetPublic(BaseModel):
    """One asset as the operations center sees it now.

    `location` is where to draw it; `health` (machines, 0..1), `down`,
    `stock` and `capacity_units` (warehouses and vehicles, whose stock is
    their load) are filled where they apply. `offer` is the agent's last
    offer to the planner, `latest` its latest reading of each kind.
    """

    model_config = ConfigDict(frozen=True)

    asset_id: str
    kind: Kind
    name: str
    location: Location | None = None
    health: float | None = None
    down: bool | None = None
    available: bool | None = None
    stock: dict[str, float] = {}
    capacity_units: float | None = None
    offer: dict[str, Any] | None = None
    latest: list[Reading] = []
    updated_at: datetime | None = None


def asset_states(
    store: EventStore,
    network: Network | None,
    *,
    run_id: str,
    now: datetime,
    lookback: timedelta,
) -> list[AssetPublic]:
    """Every asset of the latest snapshot's network (or `network`), with its live state."""
    snapshot = store.latest_network(run_id=run_id)
    net = snapshot.network if snapshot is not None else network
    if net is None:
        return []
    offers = _offers(snapshot)
    latest: dict[str, list[Reading]] = {}
    for r in store.latest_readings(now - lookback, run_id=run_id):
        if r.ts <= now:
            latest.setdefault(r.asset_id, []).append(r)
    out = [
        AssetPublic(asset_id=s.id, kind=kind, name=s.name, location=s.location)
        for kind, s in _sites(net)
    ]
    for kind, asset_id, name, where in _agents(net):
        readings = latest.get(asset_id, [])
        out.append(_agent((kind, asset_id, name), where, offers.get(asset_id), readings))
    return out


def _sites(net: Network) -> list[tuple[Kind, Any]]:
    return [
        *(("plant", p) for p in net.plants),
        *(("customer", c) for c in net.customers),
    ]


def _agents(net: Network) -> list[tuple[Kind, str, str, Location | None]]:
    plants = {p.id: p.location for p in net.plants}
    depots = {w.id: w.location for w in net.warehouses}
    return [
        *(("supplier", s.id, s.name, s.location) for s in net.suppliers),
        *(("machine", m.id, m.name, plants.get(m.plant_id)) for m in net.machines),
        *(("warehouse", w.id, w.name, w.location) for w in net.warehouses),
        *(("vehicle", v.id, v.name, depots.get(v.depot_id)) for v in net.vehicles),
    ]


def _offers(snapshot: NetworkSnapshot | None) -> dict[str, dict[str, Any]]:
    if snapshot is None:
        return {}
    offers: dict[str, dict[str, Any]] = {}
    for m in snapshot.machines:
        offers[m.machine_id] = m.model_dump(mode="json")
    for s in snapshot.suppliers:
        offers[s.supplier_id] = s.model_dump(mode="json")
    for w in snapshot.warehouses:
        offers[w.warehouse_id] = w.model_dump(mode="json")
    for v in snapshot.vehicles:
        offers[v.vehicle_id] = v.model_dump(mode="json")
    return offers


def _agent(
    who: tuple[Kind, str, str],
    where: Location | None,
    offer: dict[str, Any] | None,
    readings: list[Reading],
) -> AssetPublic:
    kind, asset_id, name = who
    latest: dict[str, Reading] = {}
    shelf: dict[str, float] = {}
    for r in readings:
        latest[r.kind] = r
        if isinstance(r, StockLevelReading):
            shelf[r.product_id] = r.units
        if isinstance(r, LocationReading) and r.shipment_id is None:
            where = Location(lat=r.lat, lon=r.lon)
    offer = offer or {}
    if kind == "vehicle" and "location" in offer and "location" not in latest:
        where = Location.model_validate(offer["location"])
    stock = {**offer.get("stock", offer.get("load", {})), **shelf}
    return AssetPublic(
        asset_id=asset_id,
        kind=kind,
        name=name,
        location=where,
        health=offer.get("health"),
        down=offer.get("down"),
        available=offer.get("available"),
        stock=stock,
        capacity_units=offer.get("capacity_units"),
        offer=offer or None,
        latest=list(latest.values()),
        updated_at=readings[-1].ts if readings else None,
    )
