"""Building and loading a model with Python's cyclic garbage collector paused.

A build allocates hundreds of thousands of small, long-lived Pyomo objects
(variables, terms, rows). Each allocation burst triggers the collector, and
its older generations rescan everything allocated so far, none of which is
garbage: on the M benchmark network that is about half of an unpaused
build. The collector is paused for the build and resumed after (reference counting
still frees everything it can meanwhile). Pyomo's own writers do the same
(`pyomo.common.gc_manager.PauseGC`), but that one refuses to be exited out
of order, which overlapping builds in the guard's worker threads can do.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector inside the block; resume it after if this block paused it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def kept_out_of_collections() -> Iterator[None]:
    """Pause the collector inside the block; after it, exempt everything alive from its scans.

    A built model lives until the next rebuild, and its million objects are
    never garbage meanwhile; but each full collection rescans them all: on
    the M benchmark network the first replan after a build pays 0.43 s of
    collection for them, a third of its time. Frozen (`gc.freeze`), they cost
    nothing. Freezing before the collector resumes also spares the young
    generation's scan that resuming would start at the next allocation
    (every object the block made, about 0.05 s after an M build). Whoever
    enters must `collect_frozen` before dropping what it froze, or its
    reference cycles would never be freed.
    """
    with paused_gc():
        try:
            yield
        finally:
            gc.freeze()  # inside the pause: before the collector resumes


def collect_frozen() -> None:
    """Return frozen objects to the collector and collect (what was dropped since is freed)."""
    gc.unfreeze()
    gc.collect()
