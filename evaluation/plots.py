"""PNG figures of an evaluation, drawn from its summary (matplotlib, Agg backend).

- `paired_differences.png`: per KPI with a better direction, A − B of every
  (scenario, seed) pair, one column of points per scenario, the mean
  difference as a line and its confidence interval as a band, zero dashed;
- `families.png`: each family's mean objective KPI per policy, as bars.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display, in any process

import matplotlib.pyplot as plt

COLUMNS = 3
JITTER = 0.08


def plot_differences(summary: Mapping[str, Any], root: Path) -> Path:
    """Draw `paired_differences.png` in `root` and return its path."""
    cmp_ = summary["comparison"]
    kpis = [k for k in summary["kpis"] if cmp_["kpis"][k]["direction"] != 0]
    rows = max(1, math.ceil(len(kpis) / COLUMNS))
    fig, axes = plt.subplots(rows, COLUMNS, figsize=(4.2 * COLUMNS, 3.2 * rows), squeeze=False)
    scenarios = [s["name"] for s in summary["settings"]["scenarios"]]
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        stats = cmp_["kpis"][kpi]
        diffs = summary["differences"][kpi]
        seen: dict[str, int] = {}
        xs = []
        for name, _, _ in diffs:
            seen[name] = seen.get(name, -1) + 1
            xs.append(scenarios.index(name) + JITTER * (seen[name] % 5 - 2))
        ax.scatter(xs, [d for _, _, d in diffs], s=14, alpha=0.75)
        ax.set_xlim(-0.5, len(scenarios) - 0.5)
        if all(d == 0 for _, _, d in diffs):
            ax.set_ylim(-1.0, 1.0)
            ax.text(0.5, 0.75, "A = B on every pair", ha="center", transform=ax.transAxes)
        ax.axhline(0.0, color="grey", linestyle="--", linewidth=0.8)
        if stats["mean_diff"] is not None:
            ax.axhline(stats["mean_diff"], color="C3", linewidth=1.2)
        if stats["ci_low"] is not None and stats["ci_high"] is not None:
            ax.axhspan(stats["ci_low"], stats["ci_high"], color="C3", alpha=0.15)
        better = "higher" if stats["direction"] > 0 else "lower"
        ax.set_title(f"{kpi} ({better} is better)", fontsize=9)
        ax.set_xticks(range(len(scenarios)), scenarios, rotation=30, ha="right", fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
    for ax in list(axes.flat)[len(kpis) :]:
        ax.axis("off")
    fig.suptitle(f"A − B per (scenario, seed): A = {cmp_['candidate']}, B = {cmp_['baseline']}")
    fig.tight_layout()
    path = Path(root) / "paired_differences.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_families(summary: Mapping[str, Any], root: Path) -> Path:
    """Draw `families.png` in `root` and return its path."""
    fam = summary["families"]
    means: Mapping[str, Mapping[str, float]] = fam["means"]
    families = list(means)
    policies = [p for p in summary["settings"]["policies"] if any(p in m for m in means.values())]
    width = 0.8 / max(1, len(policies))
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 * len(families) + 2), 3.6))
    for i, policy in enumerate(policies):
        xs = [f + (i - (len(policies) - 1) / 2) * width for f in range(len(families))]
        ax.bar(xs, [means[f].get(policy, 0.0) or 0.0 for f in families], width, label=policy)
    ax.set_xticks(range(len(families)), families, rotation=20, ha="right")
    ax.set_ylabel(f"mean {fam['kpi']}")
    ax.legend(fontsize=8)
    ax.set_title(f"mean {fam['kpi']} per family and policy")
    fig.tight_layout()
    path = Path(root) / "families.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_all(summary: Mapping[str, Any], root: Path) -> list[Path]:
    """Every figure above, in `root`."""
    Path(root).mkdir(parents=True, exist_ok=True)
    return [plot_differences(summary, root), plot_families(summary, root)]
