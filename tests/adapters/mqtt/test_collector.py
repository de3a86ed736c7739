"""An ingest process's collector: frozen start-up objects, a larger young generation."""

from __future__ import annotations

import subprocess
import sys

from adapters.mqtt.collector import YOUNG


def test_tuning_freezes_what_exists_and_widens_only_the_young_generation() -> None:
    script = (
        "import gc\n"
        "from adapters.mqtt.collector import tune_for_ingest\n"
        "before = gc.get_threshold()\n"
        "tune_for_ingest()\n"
        "print(gc.get_freeze_count(), *before, *gc.get_threshold())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    frozen, before, after = int(out[0]), out[1:4], out[4:7]
    assert frozen > 1000
    assert after == [str(YOUNG), before[1], before[2]]
