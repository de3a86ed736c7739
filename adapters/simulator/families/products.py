"""The products of a generated network: what an industrial distributor carries.

Ambient products are spare parts and assemblies, cold-chain ones reagents
and biologics kept at 2-8 °C. Values are drawn around a catalogue price;
carrying costs about half the value a year (cold storage dearer), a unit
short costs 2-3 times its value. Cheap parts sell in larger numbers than
dear assemblies (`volume`), which is what gives warehouses a mix of fast
and slow movers.
"""

from __future__ import annotations

import math
import random

from supplysync.network import Product

AMBIENT = (
    ("PUMP", "Pump assembly", 180.0),
    ("VALVE", "Control valve", 60.0),
    ("BOLT", "Fastener kit", 12.0),
    ("FILTER", "Filter cartridge", 25.0),
    ("BEARING", "Bearing set", 40.0),
    ("GASKET", "Gasket pack", 8.0),
    ("MOTOR", "Electric motor", 320.0),
    ("SENSOR", "Pressure sensor", 95.0),
    ("HOSE", "Hydraulic hose", 30.0),
    ("SEAL", "Seal kit", 15.0),
    ("COUPLING", "Shaft coupling", 55.0),
    ("GEARBOX", "Gear unit", 240.0),
)
COLD = (
    ("REAGENT", "Chilled test reagent", 90.0),
    ("VACCINE", "Vaccine batch", 150.0),
    ("INSULIN", "Insulin pens", 70.0),
    ("ENZYME", "Enzyme concentrate", 120.0),
    ("CULTURE", "Dairy cultures", 20.0),
    ("MEDIA", "Cell culture media", 60.0),
    ("PLASMA", "Plasma reagent", 200.0),
    ("PROBIOTIC", "Probiotic concentrate", 35.0),
)
HOLDING_PER_DAY = 0.0014
"""Carrying cost per unit of value and day (about 50 % a year)."""
COLD_HOLDING = 1.6
EXCURSION_HOURS = (1.0, 1.5, 2.0, 2.5, 3.0)


def products(rng: random.Random, ambient: int, cold: int, hours_out: float | None) -> list[Product]:
    """`ambient` then `cold` products drawn from the catalogue, in catalogue order."""
    picked = sorted(rng.sample(range(len(AMBIENT)), ambient))
    out = [_product(rng, *AMBIENT[i], cold=False, hours_out=None) for i in picked]
    picked = sorted(rng.sample(range(len(COLD)), cold))
    out += [_product(rng, *COLD[i], cold=True, hours_out=hours_out) for i in picked]
    return out


def volume(product: Product) -> float:
    """Relative daily volume: cheap parts move more units than dear assemblies."""
    factor = min(2.5, max(0.4, math.pow(60.0 / product.unit_value, 0.4)))
    return factor * (0.6 if product.cold_chain else 1.0)


def _product(
    rng: random.Random, pid: str, name: str, price: float, *, cold: bool, hours_out: float | None
) -> Product:
    value = price * rng.uniform(0.85, 1.15)
    value = round(value) if value >= 20 else round(value, 1)
    holding = value * HOLDING_PER_DAY * (COLD_HOLDING if cold else 1.0)
    fields: dict[str, object] = {
        "id": pid,
        "name": name,
        "unit_value": value,
        "holding_cost_per_day": round(holding, 3),
        "shortage_penalty": round(value * rng.uniform(2.2, 3.3)),
    }
    if cold:
        fields.update(
            temp_min_c=2.0,
            temp_max_c=8.0,
            shelf_life_days=rng.randint(10, 30),
            max_excursion_hours=rng.choice(EXCURSION_HOURS),
            max_hours_out_of_storage=hours_out,
        )
    return Product.model_validate(fields)
