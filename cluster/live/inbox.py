"""Operator requests read from the store, each handled once, in arrival order.

The API appends `OperatorRequest`s to the event store; the live loop reads
them back on every turn. Pure bookkeeping: which requests are new and which
overrides are in force. The store is read with some overlap
(`LiveSettings.request_lookback_s`), so the same request is seen more than
once and only its id says it is old.

Every new request calls for a replan: `replan` by definition, and `set` or
`clear` because an operator who takes a machine out expects the plan in
force to stop using it now, not at the next tick.
"""

from __future__ import annotations

from collections.abc import Iterable

from replan.overrides import AnyOverride
from supplysync.control import OperatorRequest, active_overrides


class RequestInbox:
    """The requests handled so far and the overrides they leave in force."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._changes: list[OperatorRequest] = []
        self._overrides: tuple[AnyOverride, ...] = ()

    @property
    def overrides(self) -> tuple[AnyOverride, ...]:
        """The overrides in force: an immutable value, safe to read from the planner's thread."""
        return self._overrides

    def take(self, requests: Iterable[OperatorRequest]) -> list[OperatorRequest]:
        """Fold in the requests not seen before, in the order given; return them.

        At start-up the loop takes every stored request and ignores the
        result: a replan asked for back then was made by the process that
        ran then, or is superseded by the plan every start makes at once;
        their overrides are still in force.
        """
        fresh = [r for r in requests if r.request_id not in self._seen]
        self._seen.update(r.request_id for r in fresh)
        changes = [r for r in fresh if r.action != "replan"]
        if changes:
            self._changes.extend(changes)
            self._overrides = tuple(active_overrides(self._changes))
        return fresh
