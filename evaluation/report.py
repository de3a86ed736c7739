"""The plain-text report of an evaluation, rendered from its summary.

Tables are fixed-width, like the project's benchmarks print them, so the
report reads the same in a terminal, in `report.md` (inside a code block)
and pasted into the README.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

WIDTH = 12
FIRST = 26


def fmt(value: float | None, kpi: str = "") -> str:
    """A figure as the report shows it: rates in %, large numbers with separators."""
    if value is None:
        return "-"
    if kpi.endswith("_rate"):
        return f"{value:.1%}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Fixed-width columns; the first as wide as its own longest cell, so a long
    scenario name widens only the tables that list scenarios."""
    first = max([FIRST, *(len(r[0]) + 2 for r in [header, *rows])])
    width = max([WIDTH, *(len(h) + 2 for h in header[1:])])
    head = f"{header[0]:<{first}}" + "".join(f"{h:>{width}}" for h in header[1:])
    lines = [head, "-" * len(head)]
    lines += [f"{r[0]:<{first}}" + "".join(f"{c:>{width}}" for c in r[1:]) for r in rows]
    return lines


def render(summary: Mapping[str, Any]) -> str:
    """The whole report as text."""
    s = summary["settings"]
    cmp_ = summary["comparison"]
    kpis: list[str] = summary["kpis"]
    a, b = cmp_["candidate"], cmp_["baseline"]
    out = [
        f"Evaluation: {len(s['scenarios'])} scenarios x {len(s['seeds'])} seeds "
        f"(seeds {', '.join(map(str, s['seeds']))}), policies {', '.join(s['policies'])}",
        f"runs recorded {summary['runs']['recorded']} of {summary['runs']['expected']}",
    ]
    inv = summary.get("invocation") or {}
    if inv:
        out.append(
            f"this invocation: {inv.get('executed', 0)} runs in {inv.get('seconds', 0):.1f} s "
            f"({inv.get('runs_per_minute', 0):.1f} runs/min, {inv.get('workers', '?')} workers), "
            f"{inv.get('skipped', 0)} already stored"
        )
    out += ["", "Mean KPIs per policy", ""]
    means = summary["policy_means"]
    policies = [p for p in s["policies"] if p in means]
    out += _table(
        ["KPI", *policies],
        [[k, *(fmt(means[p].get(k), k) for p in policies)] for k in kpis],
    )
    out += [
        "",
        f"Paired: A = {a} against B = {b} over {cmp_['pairs']} (scenario, seed) pairs, "
        f"{s['confidence']:.0%} t interval of A - B; win = A strictly better",
        "",
    ]
    rows = []
    for k in kpis:
        c = cmp_["kpis"][k]
        arrow = {1: "higher", -1: "lower", 0: ""}[c["direction"]]
        rows.append(
            [
                k,
                arrow,
                fmt(c["mean_a"], k),
                fmt(c["mean_b"], k),
                fmt(c["mean_diff"], k),
                fmt(c["ci_low"], k),
                fmt(c["ci_high"], k),
                _share(c["win_rate"]),
                _share(c["loss_rate"]),
            ]
        )
    out += _table(
        ["KPI", "better", "mean A", "mean B", "A - B", "ci low", "ci high", "win", "loss"],
        rows,
    )
    out += _objective_sections(summary)
    return "\n".join(out) + "\n"


def _objective_sections(summary: Mapping[str, Any]) -> list[str]:
    s = summary["settings"]
    kpi = s["kpi"]
    out = ["", f"Every policy against B = {s['baseline']} on {kpi}", ""]
    rows = [
        [
            p,
            str(c["n"]),
            fmt(c["mean_a"], kpi),
            fmt(c["mean_diff"], kpi),
            fmt(c["ci_low"], kpi),
            fmt(c["ci_high"], kpi),
            _share(c["win_rate"]),
        ]
        for p, c in summary["objective_vs_baseline"].items()
    ]
    out += _table(["policy", "pairs", "mean", "- B", "ci low", "ci high", "win"], rows)
    fam = summary["families"]
    out += ["", f"Per family, {kpi}: A = {s['candidate']}, B = {s['baseline']}", ""]
    out += _table(
        ["family", "pairs", "mean A", "mean B", "A - B"],
        [
            [
                g["name"],
                str(g["n"]),
                fmt(g["mean_a"], kpi),
                fmt(g["mean_b"], kpi),
                fmt(g["mean_diff"], kpi),
            ]
            for g in fam["paired"]
        ],
    )
    worst = summary["worst_scenarios"]["scenarios"]
    out += ["", f"Worst scenarios for A on {kpi} (mean loss over seeds; > 0: A worse)", ""]
    out += _table(
        ["scenario", "seeds", "mean A", "mean B", "loss"],
        [
            [
                g["name"],
                str(g["n"]),
                fmt(g["mean_a"], kpi),
                fmt(g["mean_b"], kpi),
                fmt(g["loss"], kpi),
            ]
            for g in worst
        ],
    )
    dom = summary.get("dominance")
    if dom:
        out += [
            "",
            f"{dom['candidate']} against every baseline at once "
            f"({', '.join(dom['baselines'])}), over {dom['n']} (scenario, seed) pairs:",
            f"  better than all of them on {' and '.join(dom['kpis'])}: {_share(dom['win_rate'])}",
        ]
        out += [f"  on {k} alone: {_share(v)}" for k, v in dom["by_kpi"].items()]
        lost = dom["families_lost"]
        out.append("  families where its mean loses: " + ("; ".join(lost) if lost else "none"))
    regret = summary.get("regret")
    if regret:
        out += ["", f"Regret against {regret['hindsight']} on {kpi} (relative)", ""]
        out += _table(
            ["policy", "pairs", "mean", "ci low", "ci high", "beats it"],
            [
                [
                    r["policy"],
                    str(r["n"]),
                    _pct(r["mean"]),
                    _pct(r["ci_low"]),
                    _pct(r["ci_high"]),
                    str(r.get("beats", 0)),
                ]
                for r in regret["policies"]
            ],
        )
    clock = {p: c for p, c in (summary.get("clock_bound") or {}).items() if c["affected"]}
    if clock:
        out += [
            "",
            "Runs whose plans depended on the machine's speed (a solve cut at its time",
            "limit, or a replan that kept the plan in force): rerun on a slower or busier",
            "machine, these may decide differently",
            "",
        ]
        out += _table(
            ["policy", "runs", "affected", "cut plans", "stale plans"],
            [
                [p, str(c["runs"]), str(c["affected"]), str(c["time_limit"]), str(c["stale"])]
                for p, c in clock.items()
            ],
        )
    tuned = summary.get("tuned") or {}
    if tuned:
        out += [
            "",
            f"Tuned reorder rule (grid search on train seeds {s['train_seeds']}, {kpi})",
            "",
        ]
        out += _table(
            ["scenario", "z", "cover d", "train mean", "grid edge"],
            [
                [
                    n,
                    f"{t['z']:g}",
                    f"{t['cover_days']:g}",
                    fmt(t["score"], kpi),
                    "yes" if t["on_grid_edge"] else "",
                ]
                for n, t in tuned.items()
            ],
        )
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1%}"


def write_report(summary: Mapping[str, Any], root: Path) -> tuple[Path, str]:
    """Write `report.md` (the report in a code block) to `root`; return it and the text."""
    text = render(summary)
    path = Path(root) / "report.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Evaluation report\n\n```\n{text}```\n", encoding="utf-8")
    return path, text
