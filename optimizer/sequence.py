"""The order a machine works a plan's runs in, so that it makes no setup the plan did not price.

A machine works its runs period by period and, within a period, in the
plan's order, setting up whenever the product changes
(`adapters.simulator.machines`, `supplysync.timetable`). The planner prices
a setup for every product a machine makes in a period, except the product
the machine is set up for when the plan starts. Listed in the planner's
own order (product by product), that product may come second and cost a
setup nobody priced: on a tight machine the day's work then spills into
the next. So each machine's runs of a period start with the product it is
set up for (the current one, or the last of its previous runs) and, where
the machine's next runs make one of them again, end with it, which carries
that setup over instead of repeating it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from supplysync.offers import ProductionRun


def sequenced(
    runs: Sequence[ProductionRun], set_up_for: Mapping[str, str | None]
) -> list[ProductionRun]:
    """`runs` by machine, then period, each machine's period ordered to spare setups.

    `set_up_for` names the product each machine is set up for now (None or
    absent: none). Runs keep their order otherwise.
    """
    by_machine: dict[str, dict[int, list[ProductionRun]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        by_machine[run.machine_id][run.period].append(run)
    out: list[ProductionRun] = []
    for machine_id in sorted(by_machine):
        periods = by_machine[machine_id]
        order = sorted(periods)
        current = set_up_for.get(machine_id)
        for i, period in enumerate(order):
            after = {r.product_id for r in periods[order[i + 1]]} if i + 1 < len(order) else set()
            day = _ordered(periods[period], current, after)
            out += day
            current = day[-1].product_id
    return out


def _ordered(
    runs: list[ProductionRun], current: str | None, after: set[str]
) -> list[ProductionRun]:
    """The product set up now first; of the rest, one made again next, last.

    By position, not by value: two equal runs are two runs.
    """
    rest = list(range(len(runs)))
    first = [i for i in rest if runs[i].product_id == current][:1]
    rest = [i for i in rest if i not in first]
    last = [i for i in rest if runs[i].product_id in after][:1]
    middle = [i for i in rest if i not in last]
    return [runs[i] for i in first + middle + last]
