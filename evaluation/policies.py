"""The policies an evaluation can run: the coordinator's, plus the tuned rule.

Names come from `cluster.policies.POLICIES` at call time, so a policy added
there (a hindsight bound, a researcher's own) is evaluable with no change
here. `reorder_tuned` is the reorder-point rule run on the scenario with
reorder tables tuned for it (`evaluation.tuning`).
"""

from __future__ import annotations

from dataclasses import replace

from cluster.policies import POLICIES, Policy

TUNED = "reorder_tuned"
TUNED_BASE = "reorder_point"
HINDSIGHT = "hindsight"


def policy_names() -> list[str]:
    """Every policy name an evaluation accepts, in the coordinator's order then the tuned rule."""
    return [*POLICIES, TUNED]


def resolve(name: str) -> Policy:
    """The policy called `name` (KeyError naming the known ones if there is none)."""
    if name == TUNED:
        return replace(POLICIES[TUNED_BASE], name=TUNED)
    if name not in POLICIES:
        raise KeyError(f"unknown policy {name!r} (known: {', '.join(policy_names())})")
    return POLICIES[name]
