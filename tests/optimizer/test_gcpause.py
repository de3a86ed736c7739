"""What a planner's build leaves to the cyclic collector, and what it gets back."""

from __future__ import annotations

import gc
import weakref

from optimizer.gcpause import collect_frozen, kept_out_of_collections, paused_gc


class _Node:
    """A reference cycle's member: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_a_build_is_frozen_with_the_collector_resumed_and_given_back_whole() -> None:
    assert gc.isenabled()
    try:
        with kept_out_of_collections():
            assert not gc.isenabled()
            kept = _Node()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        ref = weakref.ref(kept)
        del kept
        gc.collect()
        assert ref() is not None  # frozen: the collector does not look at it
    finally:
        collect_frozen()
    assert gc.get_freeze_count() == 0
    assert ref() is None  # given back and collected


def test_a_pause_inside_a_pause_leaves_the_collector_to_the_outer_one() -> None:
    with paused_gc():
        with paused_gc():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
