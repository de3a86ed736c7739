"""The server refuses to start with a default secret outside development."""

from __future__ import annotations

import argparse

import pytest
from pydantic import ValidationError

from api.serve import main
from api.settings import DEVELOPMENT_SECRET, Settings


@pytest.mark.parametrize(
    ("environment", "secret"),
    [
        ("production", None),  # missing
        ("production", ""),  # empty
        ("staging", DEVELOPMENT_SECRET),  # the placeholder
        ("production", "short-but-not-default"),  # guessable by length
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
    monkeypatch.setenv("SUPPLYSYNC_API_SECRET_KEY", "k" * 40)
    assert Settings().environment == "production"


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
