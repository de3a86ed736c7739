"""A machine's runs in the order that makes no setup the planner did not price."""

from __future__ import annotations

from optimizer.sequence import sequenced
from supplysync.offers import ProductionRun


def _run(machine: str, product: str, period: int) -> ProductionRun:
    return ProductionRun(
        machine_id=machine, product_id=product, period=period, quantity=10, hours=2
    )


def _order(runs: list[ProductionRun]) -> list[tuple[str, str, int]]:
    return [(r.machine_id, r.product_id, r.period) for r in runs]


def test_the_product_a_machine_is_set_up_for_goes_first() -> None:
    """The planner priced no setup for it today; made second, it would need one."""
    runs = [_run("M1", "COG", 0), _run("M1", "GEAR", 0)]
    assert _order(sequenced(runs, {"M1": "GEAR"})) == [("M1", "GEAR", 0), ("M1", "COG", 0)]


def test_a_product_the_next_period_makes_closes_the_period() -> None:
    """So the machine starts the next period set up for it, saving a changeover."""
    runs = [_run("M1", "A", 0), _run("M1", "B", 0), _run("M1", "C", 0), _run("M1", "A", 2)]
    assert _order(sequenced(runs, {"M1": None})) == [
        ("M1", "B", 0),
        ("M1", "C", 0),
        ("M1", "A", 0),
        ("M1", "A", 2),
    ]


def test_the_setup_in_place_goes_first_and_a_carried_one_last() -> None:
    runs = [_run("M1", "A", 0), _run("M1", "B", 0), _run("M1", "C", 0), _run("M1", "A", 1)]
    runs += [_run("M1", "B", 1)]
    assert _order(sequenced(runs, {"M1": "B"})) == [
        ("M1", "B", 0),
        ("M1", "C", 0),
        ("M1", "A", 0),
        ("M1", "A", 1),
        ("M1", "B", 1),
    ]


def test_machines_keep_their_own_runs_and_nothing_is_lost() -> None:
    runs = [_run("M2", "X", 1), _run("M1", "B", 0), _run("M2", "Y", 1), _run("M1", "A", 0)]
    out = sequenced(runs, {"M1": "A", "M2": "Y"})
    assert sorted(_order(out)) == sorted(_order(runs))
    assert _order([r for r in out if r.machine_id == "M1"]) == [("M1", "A", 0), ("M1", "B", 0)]
    # M2 is set up for Y, but its runs are tomorrow's: the setup still carries (nothing in between)
    assert _order([r for r in out if r.machine_id == "M2"]) == [("M2", "Y", 1), ("M2", "X", 1)]


def test_equal_runs_are_each_kept() -> None:
    runs = [_run("M1", "A", 0), _run("M1", "A", 0), _run("M1", "B", 0)]
    assert _order(sequenced(runs, {"M1": "B"})) == [
        ("M1", "B", 0),
        ("M1", "A", 0),
        ("M1", "A", 0),
    ]
