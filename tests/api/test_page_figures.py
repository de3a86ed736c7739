"""Every figure the page shows of a plan equals the API's, row by row.

The page is read back from its DOM (table cells, the Gantt's bars with
their names and geometry, the plan's facts) and compared with the API's
JSON for the same plan, formatted as the page formats it: whole units as
JavaScript rounds them, days as dates, clock times in UTC. Whole lists of
rows are compared, so a row dropped, added or misrendered fails.

The plan is live-0002 made again at 06:00 with maintenance added: M01's
starts then and holds its runs back, M00's falls in the night; its first
route is a trip under way.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from adapters.store import open_store
from supplysync.offers import MaintenanceWindow
from supplysync.plan import PlanMaking, PlanMode, RepairedKeys
from tests.api.conftest import Server
from tests.api.data import NOW
from tests.api.test_page import chromium  # noqa: F401  (the fixture)
from tests.api.test_page_actions import browser, signed_in  # noqa: F401  (the fixture)

PLAN = "live-0003"
HOW = PlanMaking(
    mode=PlanMode.REPAIR,
    rounded=True,
    rebuilt=False,
    repaired=RepairedKeys(customers=["C01"], redecided=3, kept=40),
)
SECONDS = 5.0
"""How far a bar's drawn edge may sit from its time: the page writes x to 1/100 px (1.5 s)."""


@dataclass
class Shown:
    """The page signed in on `PLAN`, and what the API says of it."""

    page: Any
    errors: list[str]
    plan: dict[str, Any]
    timetable: dict[str, Any]


@pytest.fixture
def shown(server: Server, browser: Any) -> Iterator[Shown]:  # noqa: F811
    with open_store(server.api.url) as store:
        base = store.plan("live-0002")
        assert base is not None
        maintenance = [
            MaintenanceWindow(machine_id="M01", period=0, hours=6),
            MaintenanceWindow(machine_id="M00", period=1, hours=6),
        ]
        store.append(
            [
                base.model_copy(
                    update={
                        "plan_id": PLAN,
                        "created_at": NOW,
                        "maintenance": maintenance,
                        "how": HOW,
                        # one trip under way, drawn from the road rather than its depot
                        "routes": [
                            base.routes[0].model_copy(update={"frozen": True}),
                            *base.routes[1:],
                        ],
                    }
                )
            ]
        )
    page, errors = signed_in(browser, server, "viewer", plan_id=PLAN)
    page.locator("#detail-panel details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    headers = server.api.headers("viewer")
    plan = httpx.get(f"{server.base}/api/plans/{PLAN}", headers=headers).json()["plan"]
    timetable = httpx.get(f"{server.base}/api/plans/{PLAN}/timetable", headers=headers).json()
    yield Shown(page=page, errors=errors, plan=plan, timetable=timetable)
    page.close()


def units(x: float) -> str:
    """A quantity as the page writes it: JavaScript's Math.round (halves up)."""
    return str(math.floor(x + 0.5))


def period_start(plan: dict[str, Any], period: int) -> datetime:
    window = plan["window"]
    return datetime.fromisoformat(window["start"]) + timedelta(
        hours=window["period_hours"] * period
    )


def when(iso: str) -> str:
    """A time as the Gantt names it: its day and clock time to the nearest minute."""
    t = datetime.fromisoformat(iso)
    minutes = math.floor(t.timestamp() / 60 + 0.5)
    return f"{datetime.fromtimestamp(minutes * 60, t.tzinfo):%Y-%m-%d %H:%M}"


def cells(page: Any, box: str) -> list[list[str]]:
    """The text of every cell of the table in `box`, row by row."""
    rows: list[list[str]] = page.locator(f"{box} tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    return rows


def test_routes_show_each_vehicles_stops_with_etas_and_km(shown: Shown) -> None:
    expected = []
    for r in shown.plan["routes"]:
        t0 = period_start(shown.plan, r["period"])
        stops = []
        for s in r["stops"]:
            drop = ", ".join(f"{p} {units(q)}" for p, q in s["drop"].items())
            eta = t0 + timedelta(hours=s["arrive_h"])
            stops.append(f"{s['site_id']} {eta:%H:%M}" + (f" ({drop})" if drop else ""))
        leaves = t0 + timedelta(hours=r["departs_h"])
        back = leaves + timedelta(hours=r["duration_h"])
        start = f"on the road {leaves:%H:%M}" if r["frozen"] else f"{r['depot_id']} {leaves:%H:%M}"
        path = " → ".join([start, *stops, f"{r['depot_id']} {back:%H:%M}"])
        frozen = "under way" if r["frozen"] else ""
        expected.append([r["vehicle_id"], f"{t0:%Y-%m-%d}", path, units(r["distance_km"]), frozen])

    assert expected, "a plan with routes"
    assert cells(shown.page, "#plan-routes") == expected
    assert shown.errors == []


def test_purchase_orders_are_listed_by_supplier_with_their_days(shown: Shown) -> None:
    orders = sorted(shown.plan["purchases"], key=lambda o: (o["supplier_id"], o["order_period"]))
    expected = [
        [
            o["supplier_id"],
            o["product_id"],
            units(o["quantity"]),
            o["destination_id"],
            f"{period_start(shown.plan, o['order_period']):%Y-%m-%d}",
            f"{period_start(shown.plan, o['arrival_period']):%Y-%m-%d}",
            "",
        ]
        for o in orders
    ]

    assert expected, "a plan with purchases"
    assert cells(shown.page, "#plan-purchases") == expected
    assert shown.errors == []


def test_shortages_are_listed_by_customer_with_reason_and_bottleneck(shown: Shown) -> None:
    short = sorted(shown.plan["shortages"], key=lambda s: (s["customer_id"], s["period"]))
    expected = [
        [
            s["customer_id"],
            s["product_id"],
            f"{period_start(shown.plan, s['period']):%Y-%m-%d}",
            units(s["quantity"]),
            s["reason"],
            ", ".join(s["binding"]) or "–",
        ]
        for s in short
    ]

    assert expected, "a plan with shortages"
    assert cells(shown.page, "#plan-shortages") == expected
    assert shown.errors == []


def _bars(page: Any) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The Gantt's scale and, lane by lane, each bar: its lane's label, name, title and rects."""
    scale: dict[str, str] = page.locator("#plan-production svg.gantt").evaluate(
        "svg => ({ ...svg.dataset })"
    )
    bars: list[dict[str, Any]] = page.locator(
        "#plan-production g.run, #plan-production g.maintenance"
    ).evaluate_all(
        """bars => bars.map(g => ({
            lane: g.closest('g.lane').querySelector('text.lane-label').textContent,
            kind: g.getAttribute('class'),
            name: g.getAttribute('aria-label'),
            title: g.querySelector('title').textContent,
            rects: [...g.querySelectorAll('rect')].map(r => [
                r.getAttribute('class'),
                Number(r.getAttribute('x')),
                Number(r.getAttribute('width')),
            ]),
        }))"""
    )
    return scale, bars


def test_the_gantt_draws_every_run_and_maintenance_when_the_timetable_says(
    shown: Shown,
) -> None:
    table = shown.timetable
    expected = []
    for m in sorted({x["machine_id"] for x in [*table["runs"], *table["maintenance"]]}):
        for w in (w for w in table["maintenance"] if w["machine_id"] == m):
            name = f"{m}: maintenance, {when(w['start'])} to {when(w['end'])}"
            expected.append((m, "maintenance", name, [("maint", w["start"], w["end"])]))
        for r in (r for r in table["runs"] if r["machine_id"] == m):
            setup = (
                f"after {r['setup_hours']:.1f} h of setup" if r["setup_hours"] > 0 else "no setup"
            )
            name = (
                f"{m}: {r['product_id']}, {units(r['quantity'])} units, "
                f"{when(r['start'])} to {when(r['end'])}, {setup}"
            )
            spans = [(s["kind"], s["start"], s["end"]) for s in r["spans"]]
            expected.append((m, "run", name, spans))
    scale, bars = _bars(shown.page)
    start, left, px = (
        datetime.fromisoformat(scale["start"]),
        float(scale["left"]),
        float(scale["hourPx"]),
    )

    def at(x: float) -> datetime:
        return start + timedelta(hours=(x - left) / px)

    assert [(b["lane"], b["kind"], b["name"]) for b in bars] == [e[:3] for e in expected]
    assert [b["title"] for b in bars] == [e[2] for e in expected]
    for bar, (*_, spans) in zip(bars, expected, strict=True):
        drawn = [(kind, at(x), at(x + width)) for kind, x, width in bar["rects"]]
        assert [d[0] for d in drawn] == [s[0] for s in spans], bar["name"]
        for (_, a, b), (_, start_iso, end_iso) in zip(drawn, spans, strict=True):
            assert abs((a - datetime.fromisoformat(start_iso)).total_seconds()) < SECONDS
            assert abs((b - datetime.fromisoformat(end_iso)).total_seconds()) < SECONDS
    # Every run of the plan is on the chart, and the maintenance holds M01 back.
    made = Counter((r["machine_id"], r["product_id"], r["quantity"]) for r in table["runs"])
    planned = Counter(
        (r["machine_id"], r["product_id"], r["quantity"]) for r in shown.plan["production"]
    )
    assert made == planned
    assert [b["name"] for b in bars if b["kind"] == "maintenance"] == [
        "M00: maintenance, 2026-03-03 00:00 to 2026-03-03 06:00",
        "M01: maintenance, 2026-03-02 06:00 to 2026-03-02 12:00",
    ]
    first = next(b["name"] for b in bars if b["lane"] == "M01" and b["kind"] == "run")
    assert "2026-03-02 12:00 to" in first
    assert shown.errors == []


def made(how: dict[str, Any] | None) -> str:
    """The page's account of how a plan was made (app.js `made`)."""
    if how is None:
        return "–"
    bits = [how["mode"]]
    if r := how["repaired"]:
        bits.append(f"{r['redecided']} of {r['redecided'] + r['kept']} decisions re-decided")
    if how["rounded"]:
        bits.append("rounded LP relaxation")
    if how["time_limited"]:
        bits.append("cut at its time limit")
    if how["kept_plan_id"]:
        bits.append(f"{how['kept_plan_id']} stays in force")
    return ", ".join(bits)


def test_the_plans_facts_diff_and_notes_are_the_apis(shown: Shown) -> None:
    p = shown.plan
    facts = {
        "created": p["created_at"].replace("T", " ")[:19],
        "status": p["status"],
        "made": made(p["how"]),
        "objective": "–" if p["objective"] is None else units(p["objective"]),
        "production runs": str(len(p["production"])),
        "purchases": str(len(p["purchases"])),
        "routes": str(len(p["routes"])),
        "shortage units": units(sum(s["quantity"] for s in p["shortages"])),
    }
    d = p["diff"]
    changed = [f"{a} ({units(d['units_by_asset'].get(a, 0))} units)" for a in d["assets_changed"]]
    diff = {
        "from": d["previous_plan_id"] or "(first plan)",
        "production moved": f"{units(d['production_moved'])} units",
        "purchases changed": f"{units(d['purchases_changed'])} units",
        "transfers changed": f"{units(d['transfers_changed'])} units",
        "deliveries changed": f"{units(d['deliveries_changed'])} units",
        "assets changed": ", ".join(changed) or "none",
    }
    read = """dl => Object.fromEntries([...dl.querySelectorAll('dt')].map(
        t => [t.textContent, t.nextElementSibling.textContent]))"""

    assert shown.page.locator("#plan-facts").evaluate(read) == facts
    assert facts["made"] == "repair, 3 of 43 decisions re-decided, rounded LP relaxation"
    assert shown.page.locator("#plan-diff").evaluate(read) == diff
    assert shown.page.locator("#plan-notes li").all_text_contents() == (p["notes"] or ["no notes"])
    assert shown.errors == []
