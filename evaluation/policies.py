"""The policies an evaluation can run: the coordinator's, plus the tuned rule.

Every spec is loaded by `policies.plugins` (a built-in name, a researcher's
class, an installed entry point, any with parameters), so every policy the
coordinator can run is evaluable with no change here. `reorder_tuned` is the reorder-point
rule run on the scenario with reorder tables tuned for it
(`evaluation.tuning`).
"""

from __future__ import annotations

from dataclasses import replace

from policies.builtin import BUILT_IN
from policies.plugins import load_policy
from policies.policy import Policy

TUNED = "reorder_tuned"
TUNED_BASE = "reorder_point"
HINDSIGHT = "hindsight"


def policy_names() -> list[str]:
    """Every policy name an evaluation accepts, in the coordinator's order then the tuned rule."""
    return [*BUILT_IN, TUNED]


def resolve(name: str) -> Policy:
    """The policy `name` names: built in, the tuned rule, or a spec `policies.plugins` loads.

    Raises `policies.plugins.PolicyError` (a ValueError) naming what is wrong.
    """
    if name == TUNED:
        return replace(load_policy(TUNED_BASE), name=TUNED)
    return load_policy(name)
