"""Keys and tokens: what proves who the caller is, and what must not."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import jwt
import pytest

from api.app import create_app
from api.schemas import Me
from api.security import issue_token
from supplysync.ledger import Role
from tests.api.conftest import SECRET, Api, TestClient, settings


def _b64(obj: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _token(client: TestClient, api: Api, role: Role = "operator") -> str:
    response = client.post("/api/auth/token", headers=api.headers(role))
    assert response.status_code == 200
    token: str = response.json()["access_token"]
    return token


def _me(client: TestClient, token: str) -> int:
    status: int = client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {token}"}
    ).status_code
    return status


def test_a_key_buys_a_token_that_names_the_user(client: TestClient, api: Api) -> None:
    token = _token(client, api)
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"name": "operator", "role": "operator"}
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] - claims["iat"] == 30 * 60


def test_an_expired_token_is_refused(client: TestClient, api: Api) -> None:
    token = _token(client, api)
    api.clock.at += timedelta(minutes=29)
    assert _me(client, token) == 200
    api.clock.at += timedelta(minutes=1)
    assert _me(client, token) == 401


def test_a_tampered_token_is_refused(client: TestClient, api: Api) -> None:
    header, _, signature = _token(client, api, "viewer").split(".")
    claims = jwt.decode(_token(client, api, "viewer"), options={"verify_signature": False})
    promoted = _b64({**claims, "role": "admin"})
    assert _me(client, f"{header}.{promoted}.{signature}") == 401
    assert (
        client.get(
            "/api/users", headers={"Authorization": f"Bearer {header}.{promoted}.{signature}"}
        ).status_code
        == 401
    )


@pytest.mark.parametrize(
    "forge",
    [
        # alg none, no signature: the classic bypass
        lambda claims: f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        # right secret, wrong algorithm
        lambda claims: jwt.encode(claims, SECRET, algorithm="HS512"),
        # right algorithm, wrong secret
        lambda claims: jwt.encode(claims, "x" * 48, algorithm="HS256"),
    ],
    ids=["alg-none", "hs512", "wrong-secret"],
)
def test_forged_tokens_are_refused(
    client: TestClient, api: Api, forge: Callable[[dict[str, Any]], str]
) -> None:
    claims = jwt.decode(_token(client, api, "admin"), options={"verify_signature": False})
    assert _me(client, forge(claims)) == 401


def test_a_token_missing_a_claim_is_refused(client: TestClient, api: Api) -> None:
    now = api.clock.now()
    bare = jwt.encode({"sub": "admin", "exp": int((now + timedelta(hours=1)).timestamp())}, SECRET)
    assert _me(client, bare) == 401


def test_a_revoked_user_loses_key_and_token_at_once(client: TestClient, api: Api) -> None:
    token = _token(client, api, "operator")
    assert client.get("/api/auth/me", headers=api.headers("operator")).status_code == 200
    assert client.delete("/api/users/operator", headers=api.headers("admin")).status_code == 200
    assert client.get("/api/auth/me", headers=api.headers("operator")).status_code == 401
    assert _me(client, token) == 401


def test_wrong_and_malformed_keys_are_refused(client: TestClient, api: Api) -> None:
    for key in ("admin.wrong", "admin", "nobody.secret", "." * 600):
        assert client.get("/api/auth/me", headers={"X-API-Key": key}).status_code == 401, key


def test_keys_are_stored_hashed(api: Api) -> None:
    stored = api.app.state.context.ledger.user("viewer")
    assert "viewer-key" not in stored.key_hash and len(stored.key_hash) == 64
    assert len(stored.salt) == 32


def test_token_helper_round_trip(api: Api) -> None:
    token = issue_token(Me(name="a", role="viewer"), SECRET, now=api.clock.now(), minutes=1)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_a_changed_admin_key_rotates_the_admin_key(api: Api) -> None:
    """A start with another SUPPLYSYNC_API_ADMIN_KEY replaces the admin's key, and says so.

    It was ignored silently: the operator believed the old key dead while it
    still opened everything.
    """
    new = "rotated-admin-key-" + "9f8e7d6c5b4a" * 3
    again = create_app(settings(admin_key=new), store_url=api.url, clock=api.clock, wall=api.clock)
    with TestClient(again) as client:
        assert client.get("/api/auth/me", headers={"X-API-Key": f"admin.{new}"}).json() == {
            "name": "admin",
            "role": "admin",
        }
        old = {"X-API-Key": api.keys["admin"]}
        assert client.get("/api/auth/me", headers=old).status_code == 401
    same = create_app(settings(admin_key=new), store_url=api.url, clock=api.clock, wall=api.clock)
    assert same.state.context.ledger.user("admin") == again.state.context.ledger.user("admin")
