"""Bodies JSON allows but no field does: refused with 422 naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, TestClient


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/control/what-if", b'{"event": {"kind": "demand_change", "factor": NaN}}', "factor"),
        (
            "/api/control/what-if",
            b'{"event": {"kind": "demand_change", "factor": 1e400}}',
            "factor",
        ),
        (
            "/api/control/overrides",
            b'{"override": {"kind": "machine_out", "machine_id": "M00"}, "comment": Infinity}',
            "comment",
        ),
        ("/api/control/replan", b'{"comment": "\\ud800", "extra": -Infinity}', "extra"),
        ("/api/control/replan", b'{"\\udc00": 1}', "body"),  # a key that is no text
        ("/api/users", b'{"name": NaN, "role": "viewer"}', "name"),
        ("/api/alerts/a-1/ack", b'{"comment": ["\\ud800", NaN]}', "comment"),
    ],
)
def test_a_body_json_cannot_answer_with_is_a_422_naming_the_field(
    api: Api, path: str, body: bytes, field: str
) -> None:
    with TestClient(api.app, raise_server_exceptions=False) as client:
        response = client.post(
            path, content=body, headers={**api.headers("admin"), "content-type": "application/json"}
        )
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(field in [str(p) for p in error["loc"]] for error in detail), detail
    assert all(set(error) == {"type", "loc", "msg"} for error in detail), detail  # no echo
