"""Running agents on Ray: the only package that says `ray.`.

Entry points:

- `cluster.bootstrap`: `start_ray(settings)`, `connect(address)`, `shutdown()`.
- `cluster.directory`: the `Directory` facade; `AgentDirectory.start` places
  agents on Ray actors (per-asset or sharded), `InlineDirectory.start` keeps
  them in this process.
- `cluster.batching`: `ReadingBatcher`, size-or-deadline batching of readings.

Inside: `agent_host` (the plain host class), `pool` (the host-call seam and
its in-process version), `hosts` (`ray.remote` and every actor-handle call),
`placement` (stable sharding), `errors`.
"""
