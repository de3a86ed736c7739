"""What the rest of the system may ask of an event store.

Writes are appends, idempotent by each record's natural key (a record
written twice is stored once; the first write wins) and atomic per call.
Reads are scoped to one run: a live system is the run `live`, a research
run is named after its policy, so several runs can share one database.
Time ranges are half-open, `[since, until)`, and take aware datetimes.

Agent snapshots are kept beside the log: an agent is rebuilt from its
`latest_snapshot` plus `readings_after` the position that snapshot covers.

The operations center's own records (`Ledger`) live in the same database
but are not part of the log: nothing replays them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Final, Protocol, Self

from adapters.store.schema import Record
from supplysync.commands import Command, CommandAck
from supplysync.control import OperatorRequest
from supplysync.deadletters import DeadLetter
from supplysync.events import Alert
from supplysync.ledger import AlertAck, Refusal, UserRecord
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.plan import Plan, PlanSummary
from supplysync.readings import Reading
from supplysync.snapshots import AgentSnapshot, ReadingPosition
from supplysync.status import LoopStatus

LIVE_RUN: Final = "live"


class EventStore(Protocol):
    """An append-only log of readings, alerts, orders and their fates, plans and commands."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def append(self, records: Iterable[Record], *, run_id: str = LIVE_RUN) -> None:
        """Record `records` in one transaction: all of them or none."""
        ...

    def runs(self) -> list[str]:
        """The run ids that have records, sorted."""
        ...

    def plan(self, plan_id: str, *, run_id: str = LIVE_RUN) -> Plan | None: ...

    def plans(self, *, run_id: str = LIVE_RUN, since: datetime | None = None) -> list[Plan]:
        """Every plan of the run (created at or after `since`, if given), oldest first."""
        ...

    def plan_summaries(
        self,
        *,
        run_id: str = LIVE_RUN,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[PlanSummary]:
        """The headline of every plan created in `[since, until)` (either open), oldest first."""
        ...

    def latest_plan(self, *, run_id: str = LIVE_RUN) -> Plan | None:
        """The plan created last, if any."""
        ...

    def causes_of(self, plan_id: str, *, run_id: str = LIVE_RUN) -> list[Alert]:
        """The stored alerts that caused the plan, in the plan's order of causes."""
        ...

    def alerts(
        self,
        since: datetime,
        until: datetime,
        asset_id: str | None = None,
        *,
        run_id: str = LIVE_RUN,
    ) -> list[Alert]: ...

    def readings(
        self, asset_id: str, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[Reading]: ...

    def latest_readings(self, since: datetime, *, run_id: str = LIVE_RUN) -> list[Reading]:
        """Every asset's newest reading of each kind and subject, taken at or after `since`."""
        ...

    def readings_after(
        self, asset_id: str, position: ReadingPosition | None, *, run_id: str = LIVE_RUN
    ) -> list[Reading]:
        """An asset's readings that `position` does not cover (all for None), in log order."""
        ...

    def save_snapshots(self, snapshots: Iterable[AgentSnapshot], *, run_id: str = LIVE_RUN) -> None:
        """Record agent snapshots in one transaction; a generation is written once."""
        ...

    def latest_snapshot(self, asset_id: str, *, run_id: str = LIVE_RUN) -> AgentSnapshot | None:
        """The asset's snapshot of the highest generation, if any."""
        ...

    def commands(self, plan_id: str, *, run_id: str = LIVE_RUN) -> list[Command]: ...

    def recent_commands(
        self, limit: int, *, plan_id: str | None = None, run_id: str = LIVE_RUN
    ) -> list[Command]:
        """The `limit` commands issued last (of `plan_id` only, if given), newest first."""
        ...

    def requests(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[OperatorRequest]:
        """Operator requests accepted in `[since, until)`, oldest first."""
        ...

    def latest_network(self, *, run_id: str = LIVE_RUN) -> NetworkSnapshot | None:
        """The most recent network snapshot the planner saw (what-ifs start from it)."""
        ...

    def latest_status(self, *, run_id: str = LIVE_RUN) -> LoopStatus | None:
        """The live loop's most recent status (the API reports its queues from it)."""
        ...

    def acks(self, command_id: str, *, run_id: str = LIVE_RUN) -> list[CommandAck]: ...

    def dead_letters(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[DeadLetter]: ...

    def orders(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[CustomerOrder]: ...

    def orders_named(
        self, order_ids: Sequence[str], *, run_id: str = LIVE_RUN
    ) -> list[CustomerOrder]:
        """The stored orders with these ids (an id names one order of a run)."""
        ...

    def deliveries(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[ProofOfDelivery]: ...

    def cancellations(
        self, since: datetime, until: datetime, *, run_id: str = LIVE_RUN
    ) -> list[OrderCancellation]: ...


class Ledger(Protocol):
    """The operations center's records beside the log: users, acknowledgements, refusals.

    Unlike the log, a user changes in place (a key replaced, a user revoked).
    Acknowledgements are scoped to a run like the alerts they answer.
    """

    def add_user(self, user: UserRecord) -> bool:
        """Store a new user; False when the name is taken."""
        ...

    def user(self, name: str) -> UserRecord | None:
        """The user called `name`, active or not."""
        ...

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        ...

    def deactivate(self, name: str) -> bool:
        """Revoke a user's key; False when there is no such active user."""
        ...

    def set_key(self, name: str, salt: str, key_hash: str) -> bool:
        """Replace an active user's key (its salt and hash); False when there is no such user."""
        ...

    def acknowledge(self, run_id: str, ack: AlertAck) -> AlertAck:
        """Record `ack` unless the alert is acknowledged already; the stored one either way."""
        ...

    def acks(self, run_id: str, alert_ids: Iterable[str]) -> dict[str, AlertAck]:
        """The acknowledgements of the given alerts, by alert id."""
        ...

    def record_refusals(self, refusals: Iterable[Refusal]) -> None:
        """Append refused requests in one transaction."""
        ...

    def refusals(self, since: datetime, until: datetime, limit: int) -> list[Refusal]:
        """Refused requests in `[since, until)`, newest first, at most `limit`."""
        ...
