"""The garbage collector's settings for a process that ingests readings.

An ingest process allocates several tracked objects per reading (the
model, its dict, the batch lists) and holds thousands of them until their
group commit. With CPython's default thresholds (700, 10, 10) the young
generation is collected every couple of hundred readings: the readings
still waiting for their commit are traversed again and again, promoted, and
then make full collections walk every module, class and schema the process
imported. py-spy (`--gil --native`) on a consumer taking 70,000 readings/s
found `gc_collect_main` in 36 % of the samples holding the GIL.

Two settings fix it, both standard: `gc.freeze()` once the imports are done
moves what exists then (tens of thousands of long-lived objects) out of
every later collection, and a young generation of `YOUNG` objects is
collected after most of a commit's readings have been freed by their
reference counts, so few survive to be traversed. The collector cannot
simply be switched off: paho matches every message's topic with a
recursive closure (`MQTTMatcher.iter_match`), which leaves a reference
cycle of about ten objects per message (`gc.DEBUG_SAVEALL` on a consumer:
1,000 such closures in 10,608 cyclic objects for 1,000 messages). Those are
still collected, later: at most `YOUNG` objects wait. Decode, dedupe and batch
of 100-reading gateway messages, one process: 5.2 µs a reading with the
defaults, 4.0 with these, 3.8 with the collector off.
"""

from __future__ import annotations

import gc
from typing import Final

YOUNG: Final = 20_000
"""Allocations of tracked objects between young-generation collections."""


def tune_for_ingest() -> None:
    """Freeze what exists now and collect the young generation every `YOUNG` allocations.

    Call once, after the process's imports and before its ingest starts.
    """
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
