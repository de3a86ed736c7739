"""Shared test fixtures.

Unit tests refuse to start Ray: an autouse fixture makes `ray.init` raise
unless the test carries the `ray` marker. Ray tests share one local
instance per session (starting one costs 5-9 s); see tests/cluster/conftest.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DEMO_SCENARIO = ROOT / "scenarios" / "demo.toml"


@pytest.fixture(autouse=True)
def _refuse_ray(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("ray") is not None:
        return
    try:
        import ray
    except ImportError:  # pragma: no cover - ray is a hard dependency
        return

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("unit tests must not start Ray; mark the test with @pytest.mark.ray")

    monkeypatch.setattr(ray, "init", refuse)


@pytest.fixture(scope="session")
def demo_scenario():  # type: ignore[no-untyped-def]
    """The shipped demo scenario, parsed once."""
    from supplysync.scenario import load_scenario

    return load_scenario(DEMO_SCENARIO)


def require_services() -> bool:
    """Whether a missing service is a failure (CI) rather than a skip."""
    return os.environ.get("SUPPLYSYNC_REQUIRE_SERVICES") == "1"
