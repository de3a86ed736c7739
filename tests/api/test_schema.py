"""Schemathesis over the OpenAPI spec: no input makes the server fail (no 5xx).

Run as admin so every route is reached past authentication; the endless
event stream is left out. Examples are few per operation to keep the run
short; CI runs the same.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from tests.api.conftest import ADMIN_SECRET, Api, TestClient


def test_no_server_error(api: Api) -> None:
    with TestClient(api.app):  # run the lifespan: the feed primed, as in service
        schema = schemathesis.openapi.from_asgi("/openapi.json", api.app).exclude(
            path="/api/stream"
        )
        operations = []
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result.err()
            operations.append(result.ok())
        assert len(operations) == 29  # every route of the role table less the page, docs, stream
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=6,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def check(case: schemathesis.Case[Any]) -> None:
                response = case.call(headers={"X-API-Key": f"admin.{ADMIN_SECRET}"})
                case.validate_response(response, checks=[not_a_server_error])

            check()
