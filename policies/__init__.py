"""How plans are made: the policies the coordinator plans with, Ray-free.

A policy is a factory of planners plus when to replan (`policy.Policy`).
`plugins.load_policy` makes one from a spec: a built-in name, a
researcher's class or an installed entry point. The built-in ones
(`builtin`: ``milp``, ``static``, ``reorder_point``, ``hindsight``) are
registered under the `supplysync.policy.ENTRY_POINT_GROUP` entry points
like anyone's, and the MILP falls back on the reorder-point rule where it
has no plan (`policy.WithFallback`). Beside them: the zoned MILP for very
large networks (`aggregated`) and the hindsight bound (`hindsight`, which
plans the snapshot `foresight` tells the run's future to).

Policies are plain planning over `optimizer/`: research mode, live mode
and the evaluation run them in-process or inside `cluster/`'s actors
alike, so nothing here imports Ray or `cluster/`.
"""
