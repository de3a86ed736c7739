"""Warehouses grouped into zones: the sites the planner sees when a network is too large.

A network of thousands of assets has hundreds of warehouses; the MILP
prices stock, transfers and deliveries per warehouse, so its size grows
with their square (transfer lanes, warehouse-customer arcs). Aggregating
sites into zones is the classical remedy (location-allocation and
hierarchical production planning aggregate space before time): the zone
holds its members' stock and room, and the MILP decides between zones.

Zones are formed by farthest-point sampling: the first hub is the first
warehouse in network order, each next hub the warehouse farthest from every
hub so far, and each warehouse joins its nearest hub. That bounds the
zone's radius by the distance the last hub was chosen at (a 2-approximation
of the smallest such radius, Gonzalez 1985), is deterministic, and needs no
tuning. A zone holds only warehouses of one kind of storage (cold room or
not), so a zone can receive chilled goods exactly when all its members can.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from supplysync.network import Location, Network, Warehouse


@dataclass(frozen=True)
class Zone:
    """Warehouses planned as one site.

    Attributes:
        zone_id: the site's id in the aggregated network.
        members: member warehouse ids, in network order.
        home: the member nearest the members' centroid: the zone's location,
            and where what the zone receives is sent.
        cold_storage: whether every member has a cold room.
        radius_km: the farthest member from `home`: how far off a distance
            measured from the zone may be.
    """

    zone_id: str
    members: tuple[str, ...]
    home: str
    cold_storage: bool
    radius_km: float


def zones_of(network: Network, count: int) -> tuple[Zone, ...]:
    """At most `count` hubs' zones of the network's warehouses (more if storage kinds split one)."""
    warehouses = network.warehouses
    hubs = _farthest_points([w.location for w in warehouses], max(1, count))
    groups: dict[tuple[int, bool], list[Warehouse]] = defaultdict(list)
    for w in warehouses:
        hub = min(hubs, key=lambda h: (warehouses[h].location.km_to(w.location), h))
        groups[hubs.index(hub), w.cold_storage].append(w)
    zones = []
    for (k, cold), members in sorted(groups.items()):
        home = _central(members)
        zones.append(
            Zone(
                zone_id=f"Z{k:03d}{'' if cold else 'A'}",
                members=tuple(m.id for m in members),
                home=home.id,
                cold_storage=cold,
                radius_km=max(home.location.km_to(m.location) for m in members),
            )
        )
    return tuple(zones)


def _farthest_points(points: list[Location], count: int) -> list[int]:
    """Indices of `count` points chosen farthest first, from the first point."""
    chosen = [0]
    nearest = [p.km_to(points[0]) for p in points]
    while len(chosen) < min(count, len(points)):
        far = max(range(len(points)), key=lambda i: (nearest[i], -i))
        if nearest[far] <= 0.0:
            break
        chosen.append(far)
        nearest = [min(d, p.km_to(points[far])) for d, p in zip(nearest, points, strict=True)]
    return chosen


def _central(members: list[Warehouse]) -> Warehouse:
    lat = sum(m.location.lat for m in members) / len(members)
    lon = sum(m.location.lon for m in members) / len(members)
    centre = Location(lat=lat, lon=lon)
    return min(members, key=lambda m: m.location.km_to(centre))
