"""Skipping tests whose service is absent, unless CI demands the service.

`.ci/run` sets `SUPPLYSYNC_REQUIRE_SERVICES=1`: there a missing broker or
database is a failure, not a skip, so a green CI run has really exercised
them.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def unavailable(reason: str) -> NoReturn:
    """Skip with `reason`, or fail with it when services are required."""
    if os.environ.get("SUPPLYSYNC_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (SUPPLYSYNC_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def executable(name: str) -> str:
    """The path of a program the test needs, or `unavailable`."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if path is None:
        unavailable(f"`{name}` is not installed")
    return path
