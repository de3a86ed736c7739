"""An LP hot-starts from an earlier basis even after stability rows were added."""

from __future__ import annotations

import pytest

from optimizer.columns import candidates
from optimizer.data import planning_data
from optimizer.milp import plan_milp
from optimizer.model import build_model
from optimizer.session import Session
from optimizer.stability import set_targets
from supplysync.offers import NetworkSnapshot
from tests.optimizer.conftest import SETTINGS


def test_a_basis_from_before_new_stability_rows_still_starts_the_lp(
    demo_snapshot: NetworkSnapshot,
) -> None:
    data = planning_data(demo_snapshot, SETTINGS)
    model = build_model(data, candidates(data))
    session = Session(model.model)
    highs = session._highs  # the session's own test looks inside
    ints = model.integers()
    before = session.lp(ints, 30.0, None)
    assert before is not None
    _, rows = session.size()

    previous = plan_milp(demo_snapshot, SETTINGS, plan_id="p0")
    added = set_targets(model.model, data, previous, SETTINGS, demo_snapshot.taken_at)
    assert added is not None
    session.add_block(added)
    session.push_parameters()
    assert session.size()[1] > rows

    # The instance forgets its own basis, as a MIP run in between leaves it
    # with none for the LP: only the basis passed in can start it.
    highs.clearSolver()
    hot = session.lp(ints, 30.0, before.basis)
    hot_iterations = highs.getInfo().simplex_iteration_count
    highs.clearSolver()
    cold = session.lp(ints, 30.0, None)
    cold_iterations = highs.getInfo().simplex_iteration_count
    assert hot is not None and cold is not None
    assert hot.objective == pytest.approx(cold.objective, rel=1e-9)
    assert hot_iterations < cold_iterations / 2
