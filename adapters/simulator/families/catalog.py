"""The named families: each a kind of real network, as knob values.

A family is a function whose docstring says what network it stands for
(the first line is the one-line description `supplysync scenario families`
shows) and which returns the knobs it sets; the rest keep the defaults of
`Knobs`. Counts are assets; customers come on top.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from adapters.simulator.families.knobs import DISRUPTION_KINDS

KnobValues = dict[str, Any]


@dataclass(frozen=True)
class Family:
    """A named set of knob values and what network they stand for."""

    name: str
    knobs: Mapping[str, Any]
    doc: str

    @property
    def summary(self) -> str:
        """The docstring's first line."""
        return self.doc.splitlines()[0]


class FamilyError(LookupError):
    """A family name the catalogue does not have; the message lists the known ones."""


FAMILIES: dict[str, Family] = {}


def family_named(name: str) -> Family:
    """The family called `name`.

    Raises:
        FamilyError: no such family.
    """
    if name not in FAMILIES:
        raise FamilyError(f"unknown family {name!r}; known: {', '.join(FAMILIES)}")
    return FAMILIES[name]


def _family(fn: Callable[[], KnobValues]) -> Callable[[], KnobValues]:
    FAMILIES[fn.__name__] = Family(
        fn.__name__, MappingProxyType(fn()), inspect.cleandoc(fn.__doc__ or "")
    )
    return fn


@_family
def metro() -> KnobValues:
    """One city's spare-parts distributor: few assets, short drives, tight windows.

    A workshop with two machines beside one of two depots, vans at city
    speed on an 8-hour shift, many customers receiving in narrow windows,
    and one chilled product. Stands for a metropolitan wholesaler whose
    disruptions are jams and rushes, not distance.
    """
    return {
        "suppliers": 2,
        "plants": 1,
        "machines": 2,
        "warehouses": 2,
        "customers": 12,
        "regions": 2,
        "vehicles": 4,
        "reefers": 1,
        "products": 4,
        "cold_products": 1,
        "spread_km": 50.0,
        "speed_kmh": 35.0,
        "shift_hours": 8.0,
        "narrow_window_share": 0.4,
        "lead_max_days": 2,
        "disruptions": ("traffic_delay", "demand_spike"),
        "timing": "mid",
    }


@_family
def regional() -> KnobValues:
    """An industrial maker and distributor over about 300 km, like the demo's lower Rhine.

    Four suppliers, three plants with eight machines, four warehouses all
    with cold rooms, 18 customers in three regions, eight vehicles of which
    three are refrigerated, six products of which two need the cold chain,
    supplier leads of one to three days, ten days with nine overlapping
    disruptions of every kind.
    """
    return {
        "suppliers": 4,
        "plants": 3,
        "machines": 8,
        "warehouses": 4,
        "cold_room_share": 1.0,
        "customers": 18,
        "regions": 3,
        "vehicles": 8,
        "reefers": 3,
        "products": 6,
        "cold_products": 2,
        "spread_km": 300.0,
        "lead_min_days": 1,
        "lead_max_days": 3,
        "days": 10,
        "demand_cv": 0.25,
        "disruptions": (
            "demand_spike",
            "demand_spike",
            "machine_degradation",
            "machine_degradation",
            "supplier_delay",
            "reefer_failure",
            "traffic_delay",
            "traffic_delay",
            "inbound_surge",
        ),
        "timing": "spread",
    }


@_family
def national() -> KnobValues:
    """A national network of regional depots, 900 km across, with long supplier leads.

    Two plants feed five depots, each serving its own region; suppliers are
    far away (two to four days), trucks drive fast on long shifts. A late
    supplier hurts for days, so stock positioning matters more than routing.
    """
    return {
        "suppliers": 5,
        "plants": 2,
        "machines": 6,
        "warehouses": 5,
        "customers": 25,
        "regions": 5,
        "vehicles": 10,
        "reefers": 3,
        "products": 6,
        "cold_products": 1,
        "spread_km": 900.0,
        "speed_kmh": 75.0,
        "shift_hours": 11.0,
        "lead_min_days": 2,
        "lead_max_days": 4,
        "days": 10,
        "disruptions": ("supplier_delay", "traffic_delay", "demand_spike"),
    }


@_family
def coldchain() -> KnobValues:
    """A pharma and food wholesaler: mostly chilled goods, reefers nearly full.

    Three of five products need 2-8 °C and may spend at most four hours out
    of a cold room; most vehicles are reefers, sized close to the chilled
    demand, so a reefer that fails leaves a real gap.
    """
    return {
        "suppliers": 4,
        "plants": 1,
        "machines": 2,
        "warehouses": 3,
        "customers": 20,
        "regions": 3,
        "vehicles": 7,
        "reefers": 5,
        "products": 5,
        "cold_products": 3,
        "cold_hours_out": 4.0,
        "reefer_tightness": 0.85,
        "spread_km": 200.0,
        "disruptions": ("reefer_failure", "reefer_failure", "supplier_delay", "inbound_surge"),
        "timing": "mid",
    }


@_family
def tight() -> KnobValues:
    """A network run near capacity: machines, warehouses, fleet and suppliers all busy.

    The same shape as the demo, but machines use 92 % of their hours,
    warehouses hold stock at 90 % of their room, vehicles carry 90 % of what
    they can; a wearing machine, a surprise delivery and a demand spike in
    the same few days have no slack to hide in.
    """
    return {
        "customers": 18,
        "machines": 5,
        "machine_tightness": 0.92,
        "warehouse_tightness": 0.9,
        "fleet_tightness": 0.9,
        "reefer_tightness": 0.85,
        "supplier_tightness": 0.75,
        "disruptions": ("machine_degradation", "inbound_surge", "demand_spike"),
        "timing": "mid",
    }


@_family
def volatile() -> KnobValues:
    """Project business: orders swing by nearly half day to day, with repeated spikes.

    Demand's coefficient of variation is 0.45 and three demand spikes and a
    traffic jam come in turn, stronger than usual: forecasts are poor and
    safety stock is what is left.
    """
    return {
        "customers": 20,
        "demand_cv": 0.45,
        "days": 8,
        "severity": 1.3,
        "disruptions": ("demand_spike", "demand_spike", "demand_spike", "traffic_delay"),
    }


@_family
def distribution() -> KnobValues:
    """A pure distributor: suppliers to warehouses to customers, no plants.

    Eight products from six suppliers, most with a second source, leads of
    one to four days, four warehouses over 400 km. Supplier trouble is the
    disruption that matters.
    """
    return {
        "suppliers": 6,
        "plants": 0,
        "machines": 0,
        "warehouses": 4,
        "customers": 24,
        "regions": 4,
        "vehicles": 8,
        "reefers": 2,
        "products": 8,
        "cold_products": 2,
        "multi_source_share": 0.7,
        "lead_min_days": 1,
        "lead_max_days": 4,
        "spread_km": 400.0,
        "disruptions": ("supplier_delay", "supplier_delay", "inbound_surge", "demand_spike"),
    }


@_family
def make_to_stock() -> KnobValues:
    """A machinery maker that makes everything it sells and stocks it at its docks.

    Three plants with nine machines make all seven products, none chilled
    (no reefers); the two suppliers only sell backups for a few of them.
    Machine wear is the disruption that matters, and the plants' docks hold
    the network's stock for the warehouse without a plant.
    """
    return {
        "suppliers": 2,
        "plants": 3,
        "machines": 9,
        "warehouses": 4,
        "customers": 18,
        "vehicles": 6,
        "reefers": 0,
        "products": 7,
        "cold_products": 0,
        "make_share": 1.0,
        "multi_source_share": 0.3,
        "machine_tightness": 0.75,
        "disruptions": ("machine_degradation", "machine_degradation", "demand_spike"),
    }


@_family
def large() -> KnobValues:
    """A large group network: about 100 assets over 700 km.

    Fourteen suppliers, six plants with 32 machines, ten warehouses and
    forty vehicles (ten reefers), twelve products of which four are
    chilled, fifty customers in six regions, and one disruption of each
    kind plus a second spike and a second worn machine.
    """
    return {
        "suppliers": 14,
        "plants": 6,
        "machines": 32,
        "warehouses": 10,
        "customers": 50,
        "regions": 6,
        "vehicles": 40,
        "reefers": 10,
        "products": 12,
        "cold_products": 4,
        "spread_km": 700.0,
        "speed_kmh": 70.0,
        "shift_hours": 11.0,
        "lead_max_days": 4,
        "disruptions": (*DISRUPTION_KINDS, "demand_spike", "machine_degradation"),
    }


@_family
def single() -> KnobValues:
    """One disruption alone, its kind and day set by knobs, on a demo-sized network.

    Run it once per kind (`--set disruptions=reefer_failure`) and day
    (`--set disruption_day=5`) to see what each does to a policy by itself;
    the network is the same for every kind and day of one seed.
    """
    return {"disruptions": ("supplier_delay",), "disruption_day": 3}
