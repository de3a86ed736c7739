"""start_ray joins a cluster when told to and never starts a second Ray."""

from __future__ import annotations

from typing import Any

import pytest
import ray

from cluster import bootstrap
from supplysync.settings import RuntimeSettings


@pytest.fixture
def init_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kwargs: calls.append(kwargs))
    return calls


def test_local_start_is_quiet_and_dashboardless(init_calls: list[dict[str, Any]]) -> None:
    bootstrap.start_ray(RuntimeSettings(), num_cpus=2)
    [kwargs] = init_calls
    assert kwargs["num_cpus"] == 2
    assert kwargs["include_dashboard"] is False
    assert kwargs["ignore_reinit_error"] is True
    assert "address" not in kwargs


def test_address_joins_the_existing_cluster(init_calls: list[dict[str, Any]]) -> None:
    bootstrap.start_ray(RuntimeSettings(ray_address="ray://head:10001"))
    [kwargs] = init_calls
    assert kwargs["address"] == "ray://head:10001"
    assert "num_cpus" not in kwargs


@pytest.mark.ray
def test_start_is_a_no_op_when_ray_runs(ray_session: None) -> None:
    bootstrap.start_ray(RuntimeSettings())
    assert ray.is_initialized()
