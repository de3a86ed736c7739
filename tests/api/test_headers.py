"""Security headers: the page that takes an API key cannot be framed or fed foreign script."""

from __future__ import annotations

import pytest

from api.headers import POLICY
from tests.api.conftest import Api, TestClient


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/auth/me", "/nowhere"])
def test_every_response_carries_the_headers(client: TestClient, path: str) -> None:
    """Refusals and 404s too: a framed error page is still a frame."""
    headers = client.get(path).headers
    assert headers["content-security-policy"] == POLICY
    assert "script-src 'self'" in POLICY and "frame-ancestors 'none'" in POLICY
    assert "unsafe-inline" not in POLICY
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_the_api_viewer_keeps_its_cdn_script_but_not_framing(client: TestClient) -> None:
    headers = client.get("/docs").headers
    assert "content-security-policy" not in headers
    assert headers["x-frame-options"] == "DENY"


def test_the_page_has_no_inline_script_or_style(client: TestClient, api: Api) -> None:
    page = client.get("/").text
    assert "<script>" not in page and "style=" not in page
    assert "<script src=" in page
