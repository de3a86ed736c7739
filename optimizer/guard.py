"""A hard wall-clock deadline around a solve.

HiGHS can run past its own `time_limit`, in presolve above all
(ERGO-Code/HiGHS#2226, #1501): the limit is checked between presolve rules
and in the simplex, IPM and MIP loops, not inside every rule. A replan must
still answer within its budget, so the solve runs in a worker thread and the
caller waits at most until the deadline. Then it asks HiGHS to stop
(`cancelSolve`, honoured wherever HiGHS polls its interrupt callbacks) and
waits a short grace period; a solve still running after that is abandoned to
its daemon thread, and the caller treats the model it holds as lost.

One solve runs at a time in a process (`_ONE_SOLVE`): HiGHS keeps a
process-wide task scheduler, and an abandoned solve that overlapped the next
one would compete with it for the same cores, so the next solve would get
less than its budget. A solve that starts while an abandoned one is still
winding down waits for it, and that wait counts against its own deadline.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_ONE_SOLVE = threading.Lock()


class _Worker(threading.Thread, Generic[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__(name="supplysync-solve", daemon=True)
        self._fn = fn
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with _ONE_SOLVE:
                self.result = self._fn()
        except BaseException as exc:  # re-raised in the caller's thread
            self.error = exc


def within(
    fn: Callable[[], T], seconds: float, *, cancel: Callable[[], None], grace_s: float = 0.1
) -> T | None:
    """`fn()` if it returns within `seconds` (plus `grace_s` after a cancel), else None.

    Args:
        fn: the solve; an exception it raises is raised here.
        seconds: wall seconds to wait before cancelling.
        cancel: asks `fn` to stop early; called from this thread.
        grace_s: how long to wait for `fn` to return after `cancel`.
    """
    if seconds < 0 or grace_s < 0:
        raise ValueError("Expected seconds >= 0 and grace_s >= 0.")
    worker: _Worker[T] = _Worker(fn)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        cancel()
        worker.join(grace_s)
        if worker.is_alive():
            return None
    if worker.error is not None:
        raise worker.error
    return worker.result
