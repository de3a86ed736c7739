"""Agents and the replanning loop in one process, no Ray.

- `runtime.directory`: the `Directory` facade the coordinator, research
  runs and the live loop reach the agents through; `AgentDirectory` spreads
  them over a pool of hosts, `InlineDirectory.start` keeps them in this
  process.
- `runtime.coordinator`: `Coordinator`, the replanning loop's state held
  between `replan.turn`s.
- `runtime.research`: `run_policy`, a whole simulated run under one policy.
- `runtime.batching`: `ReadingBatcher`, size-or-deadline batching of readings.

Inside: `agent_host` (the plain host class), `pool` (the host-call seam and
its in-process version), `recovery` (agents rebuilt from the event store),
`placement` (stable sharding), `errors`.

Nothing here imports Ray or `cluster/`: `cluster/` runs these same hosts
and this same coordinator as Ray actors (`cluster.hosts`,
`cluster.coordinator_actor`), and `evaluation/` runs research in-process
with them, so `evaluation/` needs nothing of `cluster/`, which submits its
runs as Ray tasks.
"""
