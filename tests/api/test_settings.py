"""The server refuses to start with a default secret outside development."""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from api.serve import main
from api.settings import DEVELOPMENT_SECRET, Settings

STRONG = secrets.token_urlsafe(48)


@pytest.mark.parametrize(
    ("environment", "secret"),
    [
        ("production", None),  # missing
        ("production", ""),  # empty
        ("staging", DEVELOPMENT_SECRET),  # the placeholder
        ("production", "short-but-not-default"),  # guessable by length
        ("production", "k" * 40),  # long, but one character: no secret at all
        ("production", "abab" * 10),  # two characters: 40 bits at best
    ],
)
def test_bad_secrets_are_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str, secret: str | None
) -> None:
    monkeypatch.setenv("SUPPLYSYNC_API_ENVIRONMENT", environment)
    if secret is None:
        monkeypatch.delenv("SUPPLYSYNC_API_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SUPPLYSYNC_API_SECRET_KEY", secret)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()


def test_development_gets_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPLYSYNC_API_ENVIRONMENT", "development")
    monkeypatch.delenv("SUPPLYSYNC_API_SECRET_KEY", raising=False)
    assert Settings().secret_key.get_secret_value() == DEVELOPMENT_SECRET


def test_production_default_is_assumed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPLYSYNC_API_ENVIRONMENT", raising=False)
    monkeypatch.setenv("SUPPLYSYNC_API_SECRET_KEY", STRONG)
    assert Settings().environment == "production"


@pytest.mark.parametrize(
    ("admin_key", "rule"),
    [
        ("x", "has 1 characters; expected at least 16"),
        ("a" * 36, "at least 64 bits"),
        ("admin-admin-admin-admin", "at least 64 bits"),
    ],
)
def test_weak_admin_keys_are_refused_naming_the_rule_not_the_key(
    monkeypatch: pytest.MonkeyPatch, admin_key: str, rule: str
) -> None:
    monkeypatch.setenv("SUPPLYSYNC_API_ENVIRONMENT", "production")
    monkeypatch.setenv("SUPPLYSYNC_API_SECRET_KEY", STRONG)
    monkeypatch.setenv("SUPPLYSYNC_API_ADMIN_KEY", admin_key)
    with pytest.raises(ValidationError) as err:
        Settings()
    (message,) = [e["msg"] for e in err.value.errors()]
    assert message.startswith("Value error, SUPPLYSYNC_API_ADMIN_KEY ") and rule in message
    assert "admin-admin" not in message


@pytest.mark.parametrize(
    ("make", "secret_bytes"), [(secrets.token_urlsafe, 24), (secrets.token_hex, 16)]
)
def test_random_keys_of_the_least_length_pass_the_rules(
    make: Callable[[int], str], secret_bytes: int
) -> None:
    """32 characters of random secret key and 16 random bytes of admin key, however spelt."""
    for _ in range(500):
        settings = Settings(
            environment="production", secret_key=make(secret_bytes), admin_key=make(16)
        )
        assert settings.admin_key is not None


def test_serve_exits_2_before_listening(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SUPPLYSYNC_API_ENVIRONMENT", raising=False)
    monkeypatch.setenv("SUPPLYSYNC_API_SECRET_KEY", DEVELOPMENT_SECRET)
    admin_secret = "a-very-private-admin-secret-0123456789"
    monkeypatch.setenv("SUPPLYSYNC_API_ADMIN_KEY", admin_secret)
    args = argparse.Namespace(db="sqlite:///unused.db", host="127.0.0.1", port=1, scenario=None)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "SECRET_KEY" in err
    assert admin_secret[:12] not in err  # the refusal never echoes the settings' input
