"""Steps per second of the Gymnasium environment (`evaluation.gym`), one step a simulated day.

Run as `python -m benchmarks.gym_env [--episodes 3] [--json]`. Each row is a
scenario: random actions for whole episodes (seeded), the wall time of
`step` calls only (resets apart), and the steps and simulated minutes per
second. A step runs a day of research mode: readings into the agents, the
coordinator, the reorder rule carrying the action out, the simulator.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from evaluation.gym import SupplyChainEnv
from supplysync.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = (
    "scenarios/demo.toml",
    "scenarios/suite/regional-1.toml",
    "scenarios/suite/large-1.toml",
)


def measure(path: Path, episodes: int) -> dict[str, float | str]:
    env = SupplyChainEnv(load_scenario(path))
    env.action_space.seed(0)
    steps, seconds, resets = 0, 0.0, 0.0
    for episode in range(episodes):
        started = time.perf_counter()
        env.reset(seed=episode)
        resets += time.perf_counter() - started
        done = False
        while not done:
            action = env.action_space.sample()
            started = time.perf_counter()
            _, _, done, _, _ = env.step(action)
            seconds += time.perf_counter() - started
            steps += 1
    env.close()
    return {
        "scenario": path.stem,
        "pairs": len(env.pairs),
        "observation": int(np.prod(env.observation_space.shape or (0,))),
        "steps": steps,
        "steps_per_s": steps / seconds,
        "reset_s": resets / episodes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [measure(ROOT / s, args.episodes) for s in SCENARIOS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'scenario':<12} {'pairs':>5} {'obs':>5} {'steps':>6} {'steps/s':>8} {'reset s':>8}")
    for r in rows:
        print(
            f"{r['scenario']:<12} {r['pairs']:>5} {r['observation']:>5} {r['steps']:>6} "
            f"{r['steps_per_s']:>8.2f} {r['reset_s']:>8.2f}"
        )


if __name__ == "__main__":
    main()
