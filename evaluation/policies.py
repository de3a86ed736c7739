"""The policies an evaluation can run: the coordinator's, plus the tuned rule.

Names come from `cluster.policies.POLICIES` at call time, and any other
spec is loaded by `cluster.plugins` (a researcher's class, an installed
entry point, either with parameters), so every policy the coordinator can
run is evaluable with no change here. `reorder_tuned` is the reorder-point
rule run on the scenario with reorder tables tuned for it
(`evaluation.tuning`).
"""

from __future__ import annotations

from dataclasses import replace

from cluster.plugins import load_policy
from cluster.policies import POLICIES, Policy

TUNED = "reorder_tuned"
TUNED_BASE = "reorder_point"
HINDSIGHT = "hindsight"


def policy_names() -> list[str]:
    """Every policy name an evaluation accepts, in the coordinator's order then the tuned rule."""
    return [*POLICIES, TUNED]


def resolve(name: str) -> Policy:
    """The policy `name` names: built in, the tuned rule, or a spec `cluster.plugins` loads.

    Raises `cluster.plugins.PolicyError` (a ValueError) naming what is wrong.
    """
    if name == TUNED:
        return replace(POLICIES[TUNED_BASE], name=TUNED)
    return load_policy(name)
