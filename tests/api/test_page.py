"""The operations-center page in headless Chromium: it draws the network and follows the stream.

Debian's `chromium` is driven by Playwright through `executable_path` (no
browser download); the Makefile's test target installs it when missing. The
screenshot is kept at `tests/artifacts/ops-center.png` (git-ignored).
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.store import open_store
from optimizer.dispatch import commands_for
from supplysync.commands import CommandAck
from supplysync.events import AlertKind
from tests.api.conftest import Server
from tests.api.data import NOW, alert, network_snapshot
from tests.services import unavailable

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("Debian's `chromium` is not installed (make test installs it)")
    return path


def test_the_page_updates_live(server: Server, chromium: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{server.base}/")
            page.fill("#api-key", server.api.keys["operator"])
            page.click("#login button")
            expect = sync_api.expect
            expect(page.locator("#who")).to_have_text("operator (operator)")
            expect(page.locator("#plan-id")).to_have_text("live-0002")
            expect(page.locator("#live")).to_have_text("live")
            expect(page.locator("#map rect.warehouse")).to_have_count(2)
            expect(page.locator("#map circle.vehicle")).to_have_count(2)
            expect(page.locator("#stock .bar")).to_have_count(2)
            expect(page.locator("#machines .bar")).to_have_count(3)
            expect(page.locator("#plan-causes li")).to_contain_text(["M00 · predicted_failure"])
            expect(page.locator("#alerts li")).to_have_count(2)
            expect(page.locator("#clock")).to_have_text(f"network {NOW:%Y-%m-%d %H:%M} UTC")

            with open_store(server.api.url) as store:
                plan = store.plan("live-0002")
                assert plan is not None
                store.append([alert("a-9", "M02", 6 * 60 + 1, AlertKind.MACHINE_DOWN)])
                third = plan.model_copy(
                    update={"plan_id": "live-0003", "created_at": NOW + timedelta(minutes=2)}
                )
                commands = commands_for(third, network_snapshot().network, third.created_at)
                first = commands[0]
                done = CommandAck(
                    command_id=first.command_id, asset_id=first.asset_id, ts=NOW, status="done"
                )
                store.append([*commands, done])
                store.append([third])
            expect(page.locator('#alerts li[data-alert-id="a-9"]')).to_contain_text(
                "M02 · machine_down"
            )
            expect(page.locator("#plan-id")).to_have_text("live-0003")
            expect(page.locator("#commands li")).to_have_count(len(commands))
            expect(page.locator(f'#commands li[data-asset-id="{first.asset_id}"]')).to_contain_text(
                "done"
            )
            expect(page.locator('#commands li[data-plan-id="live-0003"]')).to_have_count(
                len(commands)
            )
            expect(page.locator("#commands li").first).to_contain_text("live-0003")
            expect(
                page.locator(f'#commands li[data-asset-id="{commands[1].asset_id}"]')
            ).to_contain_text("sent")
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / "ops-center.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
            assert shot.stat().st_size > 10_000
            assert errors == []
        finally:
            browser.close()
