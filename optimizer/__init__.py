"""Pure planning: a network snapshot in, a `Plan` out.

`plan_milp` is the optimizing policy (Pyomo builders, HiGHS), and
`plan_reorder_point` the rule-based baseline it must beat. `commands_for`
cuts a plan into per-asset commands, `diff_plans` compares consecutive plans
and `decide` is the replan trigger. Nothing here imports Ray, MQTT, the web
framework or a database driver.
"""

from optimizer.baselines import plan_reorder_point
from optimizer.costs import CostModel
from optimizer.diff import diff_plans
from optimizer.dispatch import commands_for
from optimizer.milp import plan_milp
from optimizer.session import SolverUnavailableError
from optimizer.trigger import SIGNIFICANT, TriggerState, decide

__all__ = [
    "SIGNIFICANT",
    "CostModel",
    "SolverUnavailableError",
    "TriggerState",
    "commands_for",
    "decide",
    "diff_plans",
    "plan_milp",
    "plan_reorder_point",
]
