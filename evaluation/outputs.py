"""Everything an evaluation writes after its runs: summary, report, figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluation.plan import EvaluationPlan
from evaluation.plots import plot_all
from evaluation.report import write_report
from evaluation.store import ResultStore
from evaluation.summary import summarize
from evaluation.tuning import TuningChoice


def write_outputs(
    plan: EvaluationPlan,
    store: ResultStore,
    choices: Mapping[str, TuningChoice],
    *,
    invocation: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], str]:
    """Summarise every stored run of `plan`; write summary.json, report.md and the PNGs.

    Returns the summary and the report's text.
    """
    summary = summarize(plan, store.records("evaluation"), choices, invocation=invocation)
    store.write_json("summary.json", summary)
    _, text = write_report(summary, store.root)
    plot_all(summary, store.root)
    return summary, text
