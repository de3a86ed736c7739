"""Running agents on Ray: the only package that says `ray.`.

Entry points:

- `cluster.bootstrap`: `start_ray(settings)`, `connect(address)`, `shutdown()`.
- `cluster.hosts`: `RayDirectory.start` places agents on Ray actors
  (per-asset or sharded) behind `runtime.directory`'s `Directory`.
- `cluster.coordinator_actor`: `RemoteCoordinator`, the plain coordinator
  as a restartable actor.
- `cluster.demo`, `cluster.evaluate`, `cluster.tune` and `cluster.live`: the
  loops built on them (`supplysync demo`, `evaluate`, `tune`, `run`).

What runs inside the actors (the hosts, the coordinator, the research
runner) is `runtime/`'s, plain Python that runs in one process as well.
"""
