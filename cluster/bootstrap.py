"""Starting and stopping Ray for this process.

Locally, `ray.init` gets the machine's cores, no dashboard and quiet logs;
with `settings.ray_address` the process joins an existing cluster instead.
Both are idempotent: a process that already runs Ray keeps it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import ray

from supplysync.settings import RuntimeSettings


def start_ray(
    settings: RuntimeSettings,
    *,
    num_cpus: int | None = None,
    runtime_env: dict[str, Any] | None = None,
) -> None:
    """Join `settings.ray_address` if set, else start a local Ray; no-op if running.

    Args:
        settings: Runtime settings; only `ray_address` is read.
        num_cpus: Local cores to offer (default: all of this machine's).
        runtime_env: the job's Ray runtime environment (code shipped to the
            workers, for one).
    """
    if ray.is_initialized():
        return
    if settings.ray_address:
        connect(settings.ray_address, runtime_env=runtime_env)
        return
    ray.init(
        num_cpus=num_cpus or os.cpu_count() or 1,
        include_dashboard=False,
        logging_level=logging.WARNING,
        log_to_driver=False,
        ignore_reinit_error=True,
        runtime_env=runtime_env,
    )


def connect(address: str, *, runtime_env: dict[str, Any] | None = None) -> None:
    """Join the existing Ray cluster at `address` (e.g. `ray://head:10001` or `auto`)."""
    if ray.is_initialized():
        return
    ray.init(
        address=address,
        logging_level=logging.WARNING,
        ignore_reinit_error=True,
        runtime_env=runtime_env,
    )


def is_running() -> bool:
    """Whether this process is connected to Ray."""
    return bool(ray.is_initialized())


def shutdown() -> None:
    """Disconnect from Ray (stopping it if this process started it); no-op if not running."""
    if ray.is_initialized():
        ray.shutdown()
