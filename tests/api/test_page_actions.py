"""The page's actions by role, the plan in detail, and any screen from a phone to a wall.

Each action goes through the page as a user would (buttons, the comment
prompt) and is checked in the API's records; a viewer sees no action. The
screenshots are kept in `tests/artifacts/` (git-ignored).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.store import open_store
from supplysync.control import FreezeRoute, OperatorRequest, PinSupplier
from supplysync.ledger import Role
from supplysync.readings import LocationReading, VibrationReading
from tests.api.conftest import Server
from tests.api.data import NOW, machine_readings
from tests.api.test_page import ARTIFACTS, chromium  # noqa: F401  (the fixture)

WIDTHS = (360, 390, 1280, 1920)


@pytest.fixture
def browser(chromium: str) -> Iterator[Any]:  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(
    browser: Any, server: Server, role: Role, width: int = 1400, *, plan_id: str = "live-0002"
) -> tuple[Any, list[str]]:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept(f"{role} says why"))
    page.goto(f"{server.base}/")
    page.fill("#api-key", server.api.keys[role])
    page.click("#login button")
    expect(page.locator("#plan-id")).to_have_text(plan_id)
    return page, errors


def test_a_viewer_sees_the_plan_in_detail_and_no_action(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "viewer")
    expect(page.locator("#actions")).to_be_hidden()
    plan = httpx.get(
        f"{server.base}/api/plans/live-0002", headers=server.api.headers("viewer")
    ).json()["plan"]
    expect(page.locator("#plan-routes tbody tr")).to_have_count(len(plan["routes"]))
    stop = plan["routes"][0]["stops"][0]
    start = datetime.fromisoformat(plan["window"]["start"])
    period = timedelta(hours=plan["window"]["period_hours"] * plan["routes"][0]["period"])
    eta = start + period + timedelta(hours=stop["arrive_h"])
    expect(page.locator("#plan-routes tbody tr").first).to_contain_text(
        f"{stop['site_id']} {eta:%H:%M}"
    )
    expect(page.locator("#plan-shortages tbody tr")).to_have_count(len(plan["shortages"]))
    expect(page.locator("#plan-production g.run")).to_have_count(len(plan["production"]))
    expect(page.locator("#plan-diff")).to_contain_text("units")
    expect(page.locator("#map path.land").first).to_be_attached()
    expect(page.locator("#map text.customer-label")).to_have_count(6)
    today = min(r["period"] for r in plan["routes"])
    vehicles = {r["vehicle_id"] for r in plan["routes"] if r["period"] == today}
    expect(page.locator("#map polyline.route")).to_have_count(len(vehicles))
    strokes = page.locator("#map polyline.route").evaluate_all(
        "lines => lines.map(l => l.getAttribute('stroke'))"
    )
    assert len(set(strokes)) == len(vehicles), "one colour per vehicle"
    page.get_by_text("Production by machine").click()
    page.get_by_text("Purchase orders by supplier").click()
    expect(page.locator("#plan-production svg.gantt")).to_be_visible()
    shown = page.locator("main button:visible").evaluate_all("bs => bs.map(b => b.textContent)")
    assert shown == [], "a viewer has no action on the page"
    assert errors == []


def test_the_kpi_strip_and_an_assets_trends_come_from_the_api(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "viewer")
    kpis = httpx.get(f"{server.base}/api/kpis", headers=server.api.headers("viewer")).json()
    expect(page.locator("#kpi-fill")).to_have_text(f"{100 * kpis['fill_rate']:.1f} %")
    expect(page.locator("#kpi-ontime")).to_have_text(f"{100 * kpis['on_time_rate']:.1f} %")
    assets = httpx.get(f"{server.base}/api/assets", headers=server.api.headers("viewer")).json()
    on_hand = sum(sum(a["stock"].values()) for a in assets if a["kind"] == "warehouse")
    expect(page.locator("#kpi-cover")).to_have_text(f"{on_hand / kpis['ordered_units']:.1f} d")
    expect(page.locator("#kpi-open")).to_have_text("2")
    expect(page.locator("#kpi-latency")).to_have_text(
        f"{kpis['replan_latency_p50_ms'] / 1000:.1f} s"
    )
    page.select_option("#trend-asset", "W00")
    expect(page.locator('#trends .trend[data-series="stock_level P00"]')).to_contain_text(
        "now 321.0"
    )
    expect(page.locator('#trends .trend[data-series="temperature"]')).to_have_count(1)
    assert errors == []


def test_a_machines_trend_charts_its_vibration_from_the_store(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    readings = [
        VibrationReading(
            device_id="M00-vib", asset_id="M00", seq=i, ts=NOW - timedelta(hours=3 - i), mm_s_rms=v
        )
        for i, v in enumerate((2.1, 2.4, 4.5))
    ]
    with open_store(server.api.url) as store:
        store.append(readings)
    page, errors = signed_in(browser, server, "viewer")
    page.select_option("#trend-asset", "M00")
    chart = page.locator('#trends .trend[data-series="vibration"]')
    expect(chart).to_contain_text("vibration (mm_s_rms)")
    expect(chart).to_contain_text("now 4.5")
    expect(chart).to_contain_text("min 2.1")
    expect(chart.locator("polyline")).to_have_attribute("points", re.compile(r"^(\S+ ){2}\S+$"))
    assert errors == []


def test_a_machines_health_is_charted_beside_its_vibration(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    with open_store(server.api.url) as store:
        store.append(machine_readings("M00"))
    history = httpx.get(
        f"{server.base}/api/assets/M00/history", headers=server.api.headers("viewer")
    ).json()
    health = [p["health"] for p in history["health"]]
    page, errors = signed_in(browser, server, "viewer")
    page.select_option("#trend-asset", "M00")
    chart = page.get_by_role("img", name="health (estimate 0-1) over the last 24 hours")
    expect(chart).to_be_visible()
    trend = page.locator('#trends .trend[data-series="health"]')
    expect(trend).to_contain_text(f"now {health[-1]:.2f}")
    expect(trend).to_contain_text(f"min {min(health):.2f}")
    expect(chart.locator("polyline")).to_have_attribute(
        "points", re.compile(rf"^(\S+ ){{{len(health) - 1}}}\S+$")
    )
    order = page.locator("#trends .trend").evaluate_all("ts => ts.map(t => t.dataset.series)")
    assert order[order.index("vibration") + 1] == "health"
    assert errors == []


PLAN_FIGURES = (
    "objective",
    "production (units)",
    "purchases (units)",
    "deliveries (units)",
    "route km",
    "shortage (units)",
    "planned fill",
)


def plan_figures(plan: dict[str, Any]) -> dict[str, int | str]:
    """A plan's side of the what-if table, rounded as the page rounds (halves up)."""

    def total(rows: str, field: str = "quantity") -> int:
        return math.floor(sum(float(r[field]) for r in plan[rows]) + 0.5)

    delivered = sum(float(r["quantity"]) for r in plan["deliveries"])
    short = sum(float(r["quantity"]) for r in plan["shortages"])
    return {
        "objective": math.floor(float(plan["objective"]) + 0.5),
        "production (units)": total("production"),
        "purchases (units)": total("purchases"),
        "deliveries (units)": total("deliveries"),
        "route km": total("routes", "distance_km"),
        "shortage (units)": total("shortages"),
        "planned fill": f"{100 * delivered / (delivered + short):.1f} %",
    }


def test_a_vehicle_moves_on_the_map_with_its_location_readings(
    server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "viewer")
    vehicle = page.locator('#map circle.vehicle[data-asset-id="V00"]')
    expect(vehicle).to_have_count(1)
    before = vehicle.evaluate("c => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]")
    asset = httpx.get(f"{server.base}/api/assets/V00", headers=server.api.headers("viewer")).json()
    moved = LocationReading(
        device_id="V00-gps",
        asset_id="V00",
        seq=1,
        ts=NOW - timedelta(minutes=1),
        lat=asset["location"]["lat"] - 0.2,
        lon=asset["location"]["lon"] + 0.2,
        speed_kmh=50,
    )
    with open_store(server.api.url) as store:
        store.append([moved])
    expect(vehicle).not_to_have_attribute("cx", str(before[0]), timeout=10_000)
    after = vehicle.evaluate("c => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]")
    assert after[0] > before[0] and after[1] > before[1], "east and south on the map"
    assert errors == []


def test_a_plans_causes_say_who_did_what_in_words(server: Server, browser: Any) -> None:
    asked = OperatorRequest(
        request_id="api-r-1", action="replan", by="olga", at=NOW, comment="after the morning call"
    )
    pinned = OperatorRequest(
        request_id="api-r-2",
        action="set",
        override=PinSupplier(product_id="P01", supplier_id="S01"),
        by="ada",
        at=NOW,
        comment="S00 is on strike",
    )
    frozen = OperatorRequest(
        request_id="api-r-3",
        action="clear",
        override=FreezeRoute(vehicle_id="V00", period=1, stops=["C004", "C002"]),
        by="ada",
        at=NOW,
    )
    with open_store(server.api.url) as store:
        plan = store.plan("live-0002")
        assert plan is not None
        causes = ["a-1", "api-r-1", "api-r-2", "api-r-3"]
        replan = plan.model_copy(
            update={"plan_id": "live-0003", "created_at": NOW, "causes": causes}
        )
        store.append([asked, pinned, frozen, replan])
    page, errors = signed_in(browser, server, "viewer", plan_id="live-0003")
    detail = httpx.get(
        f"{server.base}/api/plans/live-0003", headers=server.api.headers("viewer")
    ).json()
    alerts = [f"{a['asset_id']} · {a['kind']}: {a['message']}" for a in detail["causes"]]
    assert page.locator("#plan-causes li").all_text_contents() == [
        *alerts,
        "olga asked for a replan: “after the morning call”",
        "ada set P01 only from S01: “S00 is on strike”",
        "ada cleared route of V00, day 2, frozen: C004 → C002",
    ]
    assert errors == []


def test_an_operator_replans_and_compares_a_what_if(server: Server, browser: Any) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "operator")
    page.locator('#alerts li[data-alert-id="a-2"] button').click()
    expect(page.locator('#alerts li[data-alert-id="a-2"]')).to_contain_text(
        "ack by operator: operator says why"
    )
    page.click("#replan")
    expect(page.locator("#whatif-machine option")).to_have_count(3)
    page.select_option("#whatif-machine", "M01")
    with page.expect_response("**/api/control/what-if", timeout=60_000) as answer:
        page.click("#whatif")
    expect(page.locator("#whatif-result")).to_be_visible(timeout=30_000)
    in_force = httpx.get(
        f"{server.base}/api/plans/current", headers=server.api.headers("viewer")
    ).json()["plan"]
    rows = page.locator("#whatif-table tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    what_if = answer.value.json()["plan"]
    assert rows[:7] == [
        [k, str(plan_figures(in_force)[k]), str(plan_figures(what_if)[k])] for k in PLAN_FIGURES
    ]
    short = {r[0] for r in rows[7:]}
    products = {s["product_id"] for p in (in_force, what_if) for s in p["shortages"]}
    assert short == {f"shortage of {p} (units)" for p in products}
    page.get_by_text("Production by machine").click()
    page.get_by_text("Purchase orders by supplier").click()
    for admins in ("take out", "freeze", "pin", "remove"):
        assert page.locator("button", has_text=admins).count() == 0, "overrides are the admin's"
    requests = httpx.get(
        f"{server.base}/api/control/requests", headers=server.api.headers("viewer")
    ).json()
    assert [(r["action"], r["by"], r["comment"]) for r in requests] == [
        ("replan", "operator", "operator says why")
    ]
    assert errors == []


def test_an_admin_takes_a_machine_out_sees_it_on_the_machine_and_puts_it_back(
    server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "admin")
    page.get_by_text("Production by machine").click()
    page.locator("button[aria-label='take M00 out of planning']").first.click()
    expect(page.locator("#overrides li")).to_have_text(["machine M00 out of planning remove"])
    expect(page.locator('#machines .bar[data-asset-id="M00"]')).to_contain_text("OUT (override)")
    overrides = httpx.get(
        f"{server.base}/api/control/overrides", headers=server.api.headers("viewer")
    ).json()
    assert [o["override"] for o in overrides] == [{"kind": "machine_out", "machine_id": "M00"}]
    page.click("#overrides button")
    expect(page.locator("#overrides li")).to_have_text(["none"])
    assert errors == []


def test_an_admin_freezes_a_route_and_pins_a_supplier_and_sees_them_on_their_rows(
    server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "admin")
    plan = httpx.get(
        f"{server.base}/api/plans/live-0002", headers=server.api.headers("viewer")
    ).json()["plan"]
    route = plan["routes"][0]
    day = (
        datetime.fromisoformat(plan["window"]["start"])
        + timedelta(hours=plan["window"]["period_hours"] * route["period"])
    ).date()
    page.get_by_role("button", name=f"freeze the route of {route['vehicle_id']} on {day}").click()
    stops = " → ".join(s["site_id"] for s in route["stops"])
    frozen = f"route of {route['vehicle_id']}, day {route['period'] + 1}, frozen: {stops}"
    expect(page.locator("#overrides li")).to_have_text([f"{frozen} remove"])
    row = page.locator("#plan-routes tbody tr").first
    expect(row.locator("td").last).to_have_text("frozen (override)")
    expect(row.locator("button")).to_have_count(0)

    purchase = min(plan["purchases"], key=lambda o: (o["supplier_id"], o["order_period"]))
    page.get_by_text("Purchase orders by supplier").click()
    pin = f"buy {purchase['product_id']} only from {purchase['supplier_id']}"
    page.get_by_role("button", name=pin).first.click()
    pinned = f"{purchase['product_id']} only from {purchase['supplier_id']}"
    expect(page.locator("#overrides li")).to_have_count(2)
    expect(page.locator("#overrides li").last).to_have_text(f"{pinned} remove")
    same = page.locator("#plan-purchases tbody tr").filter(has_text=purchase["product_id"])
    expect(same.filter(has_text=purchase["supplier_id"]).first.locator("td").last).to_have_text(
        "pinned (override)"
    )
    overrides = httpx.get(
        f"{server.base}/api/control/overrides", headers=server.api.headers("viewer")
    ).json()
    assert [o["override"]["kind"] for o in overrides] == ["freeze_route", "pin_supplier"]
    requests = httpx.get(
        f"{server.base}/api/control/requests", headers=server.api.headers("viewer")
    ).json()
    assert [(r["action"], r["by"], r["comment"], r["override"]["kind"]) for r in requests] == [
        ("set", "admin", "admin says why", "freeze_route"),
        ("set", "admin", "admin says why", "pin_supplier"),
    ]
    assert errors == []


def test_the_wrong_role_is_refused_and_the_page_says_so(server: Server, browser: Any) -> None:
    """A viewer who forces the hidden actions open is refused by the API, and told."""
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "viewer")
    page.locator("#actions").evaluate("box => { box.hidden = false; }")
    page.click("#replan")
    expect(page.locator("#status")).to_have_text("refused: needs role operator (403)")
    expect(page.locator("#status")).to_have_attribute("role", "status")
    requests = httpx.get(
        f"{server.base}/api/control/requests", headers=server.api.headers("viewer")
    ).json()
    assert requests == []
    refusals = httpx.get(
        f"{server.base}/api/audit/refusals", headers=server.api.headers("admin")
    ).json()
    assert [(r["who"], r["status"], r["path"]) for r in refusals][-1:] == [
        ("viewer", 403, "/api/control/replan")
    ]
    assert [e for e in errors if "status of 403" not in e] == []


def test_an_alert_someone_else_acknowledged_first_is_said_not_thrown(
    server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    page, errors = signed_in(browser, server, "operator")
    first = httpx.post(
        f"{server.base}/api/alerts/a-2/ack",
        headers=server.api.headers("admin"),
        json={"comment": "on it"},
    )
    assert first.status_code == 201
    page.locator('#alerts li[data-alert-id="a-2"] button').click()
    expect(page.locator("#status")).to_contain_text("already acknowledged by admin")
    expect(page.locator('#alerts li[data-alert-id="a-2"]')).to_contain_text("ack by admin: on it")
    assert [e for e in errors if "status of 409" not in e] == []


def test_an_operator_with_only_a_keyboard_signs_in_and_acknowledges(
    server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: d.accept("seen from the keyboard"))
    page.goto(f"{server.base}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "api-key"
    page.keyboard.type(server.api.keys["operator"])
    page.keyboard.press("Enter")
    expect(page.locator("#plan-id")).to_have_text("live-0002")
    ack = page.locator('#alerts li[data-alert-id="a-2"] button')
    for _ in range(200):
        page.keyboard.press("Tab")
        if ack.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reaches the alert's ack button")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator('#alerts li[data-alert-id="a-2"]')).to_contain_text(
        "ack by operator: seen from the keyboard"
    )
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_the_screen(server: Server, browser: Any, width: int) -> None:
    page, errors = signed_in(browser, server, "admin", width)
    page.locator("#detail-panel details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    page.wait_for_timeout(300)
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ops-center-{width}.png"), full_page=True)
    assert scroll <= width, f"{scroll} px wide on a {width} px screen"
    icon = httpx.get(f"{server.base}/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")
    assert errors == []


def test_a_wall_display_fills_the_row_of_the_map(server: Server, browser: Any) -> None:
    """At 1920 px the three columns beside the map are all in use: alerts sit at the top right."""
    page, errors = signed_in(browser, server, "viewer", 1920)
    row: list[str] = page.evaluate(
        """() => {
          const top = document.getElementById('map-panel').getBoundingClientRect().top;
          return [...document.querySelectorAll('main > section')]
            .filter(s => Math.abs(s.getBoundingClientRect().top - top) < 1).map(s => s.id);
        }"""
    )
    assert row == ["map-panel", "plan-panel", "alert-panel"]
    assert errors == []


def test_axe_finds_no_serious_accessibility_violation(server: Server, browser: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, errors = signed_in(browser, server, "admin")
    page.get_by_text("Production by machine").click()
    page.get_by_text("Purchase orders by supplier").click()
    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert results.violations_count == 0, results.generate_snapshot()
    assert errors == []
