"""The suite's table: one row per scenario file, from the file and its header.

`python scenarios/suite/table.py` prints it; `--write README.md` replaces
the table between the markers in that file. The family, seed and knobs
come from the command in each file's header, the rest from the scenario.
"""

from __future__ import annotations

import argparse
import itertools
import shlex
from collections import Counter
from pathlib import Path

from supplysync.scenario import Scenario, load_scenario

HERE = Path(__file__).resolve().parent
PROMPT = "#   supplysync scenario generate "
START, END = "<!-- table:start -->", "<!-- table:end -->"
SHORT = {
    "demand_spike": "spike",
    "machine_degradation": "wear",
    "supplier_delay": "late supplier",
    "reefer_failure": "reefer",
    "traffic_delay": "traffic",
    "inbound_surge": "surge",
}
HEADS = (
    "file",
    "family",
    "seed",
    "sets",
    "assets",
    "customers",
    "products/cold",
    "spread km",
    "leads",
    "days",
    "disruptions (start days)",
)


def command(path: Path) -> list[str]:
    """The argv after `supplysync` that the file's header says regenerates it."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(PROMPT):
            return shlex.split(line.removeprefix("#").strip())[1:]
        if not line.startswith("#"):
            break
    raise ValueError(f"{path}: no '{PROMPT.strip()}' line in the header")


def row(path: Path) -> list[str]:
    """The table's cells for one file."""
    argv = command(path)
    pairs = dict(zip(argv[2::2], argv[3::2], strict=False))
    sets = [v for k, v in zip(argv[2::2], argv[3::2], strict=False) if k == "--set"]
    s = load_scenario(path)
    net = s.network
    assets = len(net.suppliers) + len(net.machines) + len(net.warehouses) + len(net.vehicles)
    cold = sum(p.cold_chain for p in net.products)
    leads = sorted({q.lead_time_days for sp in net.suppliers for q in sp.quotes})
    return [
        path.name,
        pairs["--family"],
        pairs["--seed"],
        " ".join(sets) or "-",
        str(assets),
        str(len(net.customers)),
        f"{len(net.products)}/{cold}",
        str(round(_spread(s), -1)).removesuffix(".0"),
        f"{leads[0]}-{leads[-1]}" if len(leads) > 1 else str(leads[0]),
        str(s.simulation.days),
        _disruptions(s),
    ]


def table(directory: Path = HERE) -> str:
    """The markdown table of every scenario file in `directory`, by name."""
    rows = [row(p) for p in sorted(directory.glob("*.toml"))]
    lines = ["| " + " | ".join(HEADS) + " |", "|" + "---|" * len(HEADS)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _spread(s: Scenario) -> float:
    net = s.network
    sites = [x.location for x in (*net.suppliers, *net.plants, *net.warehouses, *net.customers)]
    return max((a.km_to(b) for a, b in itertools.combinations(sites, 2)), default=0.0)


def _disruptions(s: Scenario) -> str:
    if not s.disruptions:
        return "none"
    counts = Counter(SHORT[d.kind] for d in s.disruptions)
    days = sorted({getattr(d, "start_day", getattr(d, "day", 0)) for d in s.disruptions})
    kinds = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in counts.items())
    return f"{kinds} ({', '.join(map(str, days))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="replace the table between the markers here")
    args = parser.parse_args()
    text = table()
    if args.write is None:
        print(text, end="")
        return
    page = args.write.read_text(encoding="utf-8")
    head, _, rest = page.partition(START)
    _, _, tail = rest.partition(END)
    args.write.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
