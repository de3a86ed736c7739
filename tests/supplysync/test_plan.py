"""Plans as stored values: how a plan was made is a typed record, optional for old plans."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from supplysync.plan import (
    Plan,
    PlanMaking,
    PlanMode,
    PlanStatus,
    PlanSummary,
    RepairedKeys,
)

START = datetime(2026, 3, 2, tzinfo=UTC)

OLD_PLAN_JSON = json.dumps(
    {
        "plan_id": "milp-0007",
        "policy": "milp",
        "created_at": START.isoformat(),
        "window": {"start": START.isoformat(), "periods": 3, "period_hours": 24.0},
        "status": "stale",
        "objective": 1234.5,
        "mip_gap": None,
        "build_seconds": 0.2,
        "solve_seconds": 10.1,
        "notes": ["stale: no plan within the time budget; milp-0006 stays in force"],
        "diff": None,
    }
)
"""A plan as the event store held it before `how` existed."""


def test_a_plan_stored_before_the_record_still_loads_without_one() -> None:
    plan = Plan.model_validate_json(OLD_PLAN_JSON)
    assert plan.status is PlanStatus.STALE and plan.how is None


def test_the_record_round_trips_through_json() -> None:
    how = PlanMaking(
        mode=PlanMode.REPAIR,
        bound=100.0,
        gap=0.01,
        rounded=True,
        rebuilt=False,
        repaired=RepairedKeys(customers=["C1"], products=["P1"], redecided=4, kept=40),
        withdrawn=["M1"],
    )
    plan = Plan.model_validate_json(OLD_PLAN_JSON).model_copy(update={"how": how})
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again == plan and again.how == how
    assert json.loads(plan.model_dump_json())["how"]["mode"] == "repair"


def test_the_record_is_frozen_and_checked() -> None:
    how = PlanMaking(mode=PlanMode.KEPT, kept_plan_id="p1")
    with pytest.raises(ValidationError):
        how.mode = PlanMode.FULL  # type: ignore[misc]
    with pytest.raises(ValidationError):
        PlanMaking.model_validate({"mode": "guessed"})
    with pytest.raises(ValidationError):
        PlanMaking(mode=PlanMode.FULL, gap=-0.1)


def test_the_summary_names_the_mode_and_old_summaries_load_without_it() -> None:
    old = Plan.model_validate_json(OLD_PLAN_JSON)
    assert PlanSummary.of(old).mode is None
    kept = old.model_copy(update={"how": PlanMaking(mode=PlanMode.KEPT, kept_plan_id="p6")})
    summary = PlanSummary.of(kept)
    assert summary.mode is PlanMode.KEPT
    body = json.loads(summary.model_dump_json())
    del body["mode"]  # a summary stored before the field
    assert PlanSummary.model_validate(body).mode is None
