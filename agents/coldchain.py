"""The temperature range a set of cold-chain products allows.

Goods stored or carried together share one air volume, so the range that
keeps all of them safe is the intersection of their ranges.
"""

from __future__ import annotations

from collections.abc import Iterable

from supplysync.network import Product

Range = tuple[float, float]


def cold_range(products: Iterable[Product]) -> Range | None:
    """The intersection of the cold-chain products' ranges; None when none is cold."""
    lows, highs = [], []
    for product in products:
        if product.cold_chain and product.temp_min_c is not None and product.temp_max_c is not None:
            lows.append(product.temp_min_c)
            highs.append(product.temp_max_c)
    if not lows:
        return None
    return max(lows), min(highs)


def outside(celsius: float, allowed: Range) -> bool:
    """Whether a temperature lies outside an allowed range."""
    return celsius < allowed[0] or celsius > allowed[1]
