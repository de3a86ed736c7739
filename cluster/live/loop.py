"""The live loop: devices in over MQTT, plans out as commands, on the network's clock.

    async with ...:
        loop = LiveLoop(network=..., planning=..., directory=..., store_url=..., brokers=...)
        await loop.run(stop)           # until `stop` is set

One asyncio program, research mode's shape (`runtime.research.run_policy`)
with the simulator replaced by the broker and the virtual clock by the
network's (`supplysync.clock.NetworkClock`: the wall, or the pace a simulated
fleet announces, followed by `adapters.mqtt.clock.ClockFollower`):

- `MqttIngest` receives, `StoreSink` records every batch durably, then hands
  its readings to the agents (`Directory.ingest`, on the `agents` thread);
  their alerts are recorded too before the MQTT messages are acknowledged,
  and queue up for the coordinator. Acks go to the `CommandDispatcher`.
- With `ingest_workers` N > 1 (`supplysync run --ingest-workers N`, a
  PostgreSQL store), N consumer processes (`adapters.mqtt.workers`) own a
  fixed part of the sites each, commit to the store and acknowledge after
  their own commit; each then sends what it committed to this process over
  a pipe, and `_committed` hands it on exactly as the sink's callbacks do
  (agents, dispatcher, order book), in each consumer's commit order. The
  difference from one consumer: a message is acknowledged once committed,
  not once the agents took it too, so the alerts of readings in the pipe
  when this process dies are not raised then; the readings are in the
  store, which the agents' hosts rebuild from, as after a host failure.
- Customer orders, proofs of delivery and cancellations (the ERP's order
  gateway, on the `orders` topics) are recorded the same way, then queue up for the
  coordinator's order book (`orders.OrderIntake`, each once); at start the
  loop reads back every stored one, so a restart forgets no open order,
  and the plans of the last period, so it goes on from the plan in force.
  As in research mode, an order does not itself call for a replan: the next
  plan (the tick, a significant alert, an operator's request) serves it.
- Every turn (`LiveSettings.turn_s`): new operator requests are read from the
  store (each asks for a replan; `set`/`clear` change the overrides every
  snapshot passes through, `replan.overrides.apply_overrides`), the agents
  get their time tick when it is due, and the queued alerts, orders and
  requests go to the coordinator as one turn's inputs (`replan.turn`, the
  turn research mode runs too), which decides, on the `planner` thread,
  whether to replan.
- Every `LiveSettings.status_every_s`, a `LoopStatus` (queue depths: messages
  not yet acknowledged, commands awaiting their final answer, alerts waiting
  for the coordinator; whether a replan runs) is recorded for the API's
  `/metrics`, which shares only the store with this process. It is written
  by a task of its own, so a replan of seconds does not delay it.
- A `Dispatch` is recorded (the offered `NetworkSnapshot` and the plan, in
  one transaction) and its commands published by the dispatcher, which
  records each before sending it and tracks it until its ack or timeout.

The coordinator runs in this process by default (`coordinator="inline"`).
With `coordinator="actor"` (`supplysync run --coordinator actor`, agents on
Ray) it is `cluster.coordinator_actor.RemoteCoordinator`: an actor placed by
soft node affinity (the node after the hosts' round robin, so the one with
fewest hosts, unless `coordinator_node` names one), restarted by Ray on a
surviving node when its node dies, and rebuilt there from the store this
loop writes (orders, plans, recent routes). The turn under way waits for
the restart and is retried on the new actor with the same inputs, after the
overrides in force; its first step replans.
The operators' overrides travel to the actor when they change, as the
inline coordinator reads them from the inbox.

Threads: Ray calls and the MILP are synchronous; run on the event loop they
would stall receiving and acknowledging. Ingest and planning get a thread
each, so a replan of seconds does not hold readings up; the directory they
share runs one call at a time (`serial.SerialDirectory`).

Failures: a host that dies mid-call is restarted by Ray and replays the
store, which already holds the readings of the failed call, so the loop
logs it and goes on; a replan that fails that way is asked for again next
turn. A database that cannot be reached (restarting) is waited out: every
write (batches, alerts, plans, commands, statuses) goes through the
`StoreSink`, which retries until the store takes it; the turn's read of
operator requests is skipped and made again, from where the last one left
off, once the store answers. The store or the broker refusing for good ends
`run` with the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from adapters.mqtt.broker import BrokerAddress
from adapters.mqtt.clock import ClockFollower
from adapters.mqtt.dispatch import CommandDispatcher
from adapters.mqtt.ingest import ChannelQos, MqttIngest
from adapters.mqtt.roster import Roster
from adapters.mqtt.sink import StoreSink
from adapters.mqtt.topics import Topic, topic_of
from adapters.mqtt.tracking import CommandTracker, Outcome
from adapters.mqtt.workers import Committed, IngestWorkers, check_store
from adapters.store import StoreError, StoreUnavailableError
from cluster.live.inbox import RequestInbox
from cluster.live.reader import StoreReader
from cluster.live.serial import SerialDirectory
from cluster.live.settings import Brokers, LiveSettings
from policies.plugins import load_policy
from replan import Dispatch, TurnInputs
from replan.intake import OrderIntake
from replan.overrides import AnyOverride, apply_overrides
from runtime.coordinator import Coordinator
from runtime.directory import AgentDirectory, Directory
from runtime.errors import DirectoryError
from supplysync.clock import NetworkClock
from supplysync.commands import Command, CommandAck
from supplysync.control import OperatorRequest
from supplysync.deadletters import DeadLetter
from supplysync.events import Alert
from supplysync.network import Network
from supplysync.offers import NetworkSnapshot
from supplysync.orders import CustomerOrder, OrderCancellation, ProofOfDelivery
from supplysync.planning import calendar_period
from supplysync.readings import Reading
from supplysync.scenario import PlanningSettings
from supplysync.status import LoopStatus

if TYPE_CHECKING:
    from cluster.coordinator_actor import RemoteCoordinator

log = logging.getLogger(__name__)

CoordinatorMode = Literal["inline", "actor"]
COORDINATOR_MODES: Final = ("inline", "actor")

R = TypeVar("R")

RETRY_CAUSE: Final = "retry-after-host-failure"
"""The cause of a replan asked for again because the last one met a dead host."""

_BEGINNING: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class LiveStats:
    """Counters since start, for the exit summary and tests."""

    readings: int = 0
    alerts: int = 0
    plans: int = 0
    commands: int = 0
    unsent: int = 0
    acks: int = 0
    requests: int = 0
    orders: int = 0
    deliveries: int = 0
    cancellations: int = 0
    host_failures: int = 0


class LiveLoop:
    """The whole system live, for one network, until told to stop.

    Args:
        network: the assets the agents and the planner know.
        planning: horizon, tick, debounce and solver settings.
        directory: the agents, already started; with a store URL so hosts
            rebuild from the store this loop writes (the caller closes it).
        store_url: the event store everything is recorded in.
        brokers: how the ingest and the dispatcher log in.
        settings: pacing of the loop.
        qos: subscription QoS per channel.
        clock: the network's clock (one on the wall's by default), kept on
            the pace a fleet announces on the broker.
        ingest_workers: MQTT consumers. 1 runs `MqttIngest` in this process;
            N > 1 runs `IngestWorkers`, N processes each owning a fixed part
            of the sites (`adapters.mqtt.partition`), on a PostgreSQL store
            only (ValueError on SQLite, which takes one writer).
        coordinator: "inline" plans in this process; "actor" in a Ray actor
            restarted on a surviving node with its node (ValueError unless
            the agents are on Ray hosts: the actor reaches them there).
        coordinator_node: the Ray node the actor is asked for (softly);
            None deals it the node after the hosts' round robin.
    """

    def __init__(
        self,
        *,
        network: Network,
        planning: PlanningSettings,
        directory: Directory,
        store_url: str,
        brokers: Brokers | None = None,
        settings: LiveSettings | None = None,
        qos: ChannelQos | None = None,
        clock: NetworkClock | None = None,
        ingest_workers: int = 1,
        coordinator: CoordinatorMode = "inline",
        coordinator_node: str | None = None,
    ) -> None:
        check_store(store_url, ingest_workers)
        if coordinator not in COORDINATOR_MODES:
            raise ValueError(f"coordinator: expected one of {COORDINATOR_MODES}: {coordinator!r}")
        if coordinator == "actor" and not _on_ray_hosts(directory):
            raise ValueError("coordinator 'actor' needs the agents on Ray hosts, not inline")
        self._coordinator_mode = coordinator
        self._coordinator_node = coordinator_node
        self._hosted = directory
        self._ingest_workers = ingest_workers
        self._network = network
        self._planning = planning
        self._directory = SerialDirectory(directory)
        self._store_url = store_url
        self._brokers = brokers or Brokers()
        self._settings = settings or LiveSettings()
        self._qos = qos
        self._clock = clock or NetworkClock()
        self._inbox = RequestInbox()
        self._orders = OrderIntake(network)
        self._alerts: list[Alert] = []
        self._ready = asyncio.Event()
        self._agents: ThreadPoolExecutor | None = None
        self._planner: ThreadPoolExecutor | None = None
        self._remote: RemoteCoordinator | None = None
        self._sink: StoreSink | None = None
        self._dispatcher: CommandDispatcher | None = None
        self._sent: list[str] = []
        self._replanning = False
        self._unread = False
        self.stats = LiveStats()

    async def wait_ready(self) -> None:
        """Return once the store is open and the ingest connected and subscribed."""
        await self._ready.wait()

    async def agent_states(self) -> dict[str, dict[str, Any]]:
        """Every agent's state now, read between two ingest batches."""
        return await self._on_agents(self._directory.states)

    @property
    def coordinator_actor(self) -> RemoteCoordinator | None:
        """The coordinator actor once started (None inline), for tests that kill it."""
        return self._remote

    async def coordinator_runs_on(self) -> str | None:
        """The Ray node the coordinator actor is on now (after a restart, the new one).

        None with the coordinator inline or before it started.
        """
        remote, planner = self._remote, self._planner
        if remote is None or planner is None:
            return None
        return await _on(planner, remote.node_id)

    def outcomes(self) -> dict[str, Outcome]:
        """Where every command this loop sent stands, by command id."""
        if self._dispatcher is None:
            return {}
        tracked = {c: self._dispatcher.status(c) for c in self._sent}
        return {c: s.outcome for c, s in tracked.items() if s is not None}

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set; a replan under way finishes first, its publishing does not.

        On the way out the ingest stops receiving (messages received but not
        yet recorded stay unacknowledged, so the broker delivers them again
        to the next run), the dispatcher disconnects and the store closes.
        """
        follower = ClockFollower(
            address=BrokerAddress.parse(self._brokers.ingest),
            clock=self._clock,
            refused=self._refused,
        )
        following = asyncio.create_task(follower.run(), name="live.clock")
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(follower.heard.wait(), self._settings.clock_wait_s)
            await self._run(stop)
        finally:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following

    async def _run(self, stop: asyncio.Event) -> None:
        started = self._clock.now()
        brokers, settings = self._brokers, self._settings
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="agents") as agents,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="planner") as planner,
        ):
            self._agents, self._planner = agents, planner
            async with (
                StoreReader(url=self._store_url) as reader,
                StoreSink(
                    url=self._store_url,
                    on_readings=self._ingest,
                    on_ack=self._acknowledged,
                    on_orders=self._ordered,
                ) as sink,
                CommandDispatcher(
                    journal=sink,
                    broker=brokers.dispatch,
                    tracker=CommandTracker(timeout=settings.ack_timeout),
                    clock=self._clock,
                ) as dispatcher,
            ):
                self._sink, self._dispatcher = sink, dispatcher
                earlier = await reader.requests(_BEGINNING, started + settings.request_lookback)
                self._inbox.take(earlier)
                self._ordered(*await reader.orders())
                coordinator = await self._coordinator(reader, started)
                try:
                    async with self._consumers(sink) as ingest:
                        connected = asyncio.create_task(
                            ingest.wait_connected(), name="live.connected"
                        )
                        connected.add_done_callback(self._connected)
                        reporting = asyncio.create_task(
                            self._report(ingest, sink, dispatcher), name="live.status"
                        )
                        try:
                            await self._turns(stop, coordinator, reader, planner)
                        finally:
                            connected.cancel()
                            reporting.cancel()
                            with contextlib.suppress(asyncio.CancelledError):
                                await reporting
                finally:
                    if self._remote is not None:
                        self._remote.close()

    async def _coordinator(
        self, reader: StoreReader, started: datetime
    ) -> Coordinator | RemoteCoordinator:
        """The replanning loop, going on from the plan in force if the store holds one.

        A first run's periods are the network's calendar days (from UTC
        midnight, `calendar_period`), whatever hour it started at: the days
        the devices' shifts, windows and orders count in. A restarted run
        keeps the last run's periods (its origin is the window start of the
        plan in force), so its first plan is diffed against that plan, and
        orders aboard a vehicle out on one of its routes of the period under
        way are not delivered again (`Coordinator.restore`). Plan ids carry
        this run's own start, so they never repeat the last run's.

        The actor rebuilds the same from the store itself, at start and at
        every restart (`CoordinatorStore`); it reaches the agents' hosts
        directly, not through this process's `SerialDirectory` (a host
        actor runs one call at a time anyway).
        """
        hours = self._planning.period_hours
        plans, commands = await reader.plans_in_force(hours)
        origin = plans[-1].window.start if plans else calendar_period(started, hours)
        kwargs: dict[str, Any] = {
            "network": self._network,
            "planning": self._planning,
            "policy": load_policy("milp"),
            "origin": origin,
            "run_end": origin + timedelta(hours=hours),
            "plan_prefix": f"live-{started:%Y%m%dT%H%M%S}",
        }
        if self._coordinator_mode == "actor":
            self._remote = await asyncio.to_thread(self._start_actor, kwargs)
            return self._remote
        coordinator = Coordinator(directory=self._directory, shape_snapshot=self._shape, **kwargs)
        if plans:
            coordinator.restore(plans, commands)
            log.info("going on from plan %s (%d commands)", plans[-1].plan_id, len(commands))
        return coordinator

    def _start_actor(self, kwargs: dict[str, Any]) -> RemoteCoordinator:
        """The coordinator actor, up and rebuilt from the store before the first turn."""
        from cluster.coordinator_actor import CoordinatorStore, RemoteCoordinator
        from cluster.hosts import cpu_nodes

        node = self._coordinator_node
        if node is None:
            nodes = cpu_nodes()
            hosts = self._hosted.host_count if isinstance(self._hosted, AgentDirectory) else 0
            node = nodes[hosts % len(nodes)] if len(nodes) > 1 else None
        remote = RemoteCoordinator(
            store=CoordinatorStore(self._store_url),
            node=node,
            directory=self._hosted,
            **kwargs,
        )
        log.info("coordinator actor on node %s", remote.node_id())
        return remote

    def _consumers(self, sink: StoreSink) -> MqttIngest | IngestWorkers:
        """One consumer in this process, or N processes over a partition of the sites."""
        brokers, settings = self._brokers, self._settings
        if self._ingest_workers == 1:
            return MqttIngest(
                sink=sink,
                broker=brokers.ingest,
                qos=self._qos,
                clock=self._clock,
                roster=Roster(self._network),
                skew=settings.skew,
            )
        return IngestWorkers(
            store_url=self._store_url,
            broker=brokers.ingest,
            n=self._ingest_workers,
            on_committed=self._committed,
            network=self._network,
            qos=self._qos,
            skew=settings.skew,
        )

    async def _committed(self, batch: Committed) -> None:
        """A consumer process's hand-off: what it committed goes where the sink's would."""
        if batch.readings:
            await self._ingest(batch.readings)
        for ack in batch.acks:
            self._acknowledged(ack)
        if batch.orders or batch.deliveries or batch.cancellations:
            self._ordered(batch.orders, batch.deliveries, batch.cancellations)

    async def _turns(
        self,
        stop: asyncio.Event,
        coordinator: Coordinator | RemoteCoordinator,
        reader: StoreReader,
        planner: ThreadPoolExecutor,
    ) -> None:
        settings = self._settings
        read_until = self._clock.now()
        next_tick = read_until + timedelta(seconds=settings.agent_tick_s)
        retry = False
        while not stop.is_set():
            now = self._clock.now()
            requests = await self._requests(
                reader, read_until - settings.request_lookback, now + settings.request_lookback
            )
            if requests is not None:
                read_until = now
            fresh = self._inbox.take(requests or [])
            self.stats.requests += len(fresh)
            if now >= next_tick:
                await self._tick(now)
                next_tick = now + timedelta(seconds=settings.agent_tick_s)
            causes = [r.request_id for r in fresh] + ([RETRY_CAUSE] if retry else [])
            alerts, self._alerts = self._alerts, []
            ordered = self._orders.drain()
            news = TurnInputs(
                now,
                alerts=alerts,
                orders=ordered.orders,
                deliveries=ordered.deliveries,
                cancellations=ordered.cancellations,
                requests=causes,
            )
            overrides = self._inbox.overrides
            self._replanning = True
            try:
                turn = partial(_plan_turn, overrides=overrides)
                dispatch = await _on(planner, turn, coordinator, news)
            except DirectoryError as exc:
                log.warning("replan failed (asked again next turn): %s", exc)
                self.stats.host_failures += 1
                retry = True
            else:
                retry = False
                if dispatch is not None:
                    await self._dispatch(dispatch, stop)
            finally:
                self._replanning = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.turn_s)

    async def _requests(
        self, reader: StoreReader, since: datetime, until: datetime
    ) -> list[OperatorRequest] | None:
        """Operator requests accepted in `[since, until)`; None while the store is away.

        Logged once per outage: the turns go on (agent ticks, replans on
        alerts already queued) and read again next turn.
        """
        try:
            found = await reader.requests(since, until)
        except StoreUnavailableError as exc:
            if not self._unread:
                log.warning("operator requests not read, again next turn: %s", exc)
            self._unread = True
            return None
        self._unread = False
        return found

    def _status(
        self, ingest: MqttIngest | IngestWorkers, dispatcher: CommandDispatcher
    ) -> LoopStatus:
        """The loop's queues and counters now."""
        return LoopStatus(
            taken_at=self._clock.now(),
            readings_total=ingest.stats.readings,
            ingest_pending_messages=ingest.pending_messages,
            unacked_messages=ingest.unacked_messages,
            commands_pending=dispatcher.commands_pending,
            alerts_queued=len(self._alerts),
            replan_running=self._replanning,
            host_failures=self.stats.host_failures,
            pace=self._clock.pace,
        )

    async def _report(
        self,
        ingest: MqttIngest | IngestWorkers,
        sink: StoreSink,
        dispatcher: CommandDispatcher,
    ) -> None:
        """Record a status now and every `status_every_s` until cancelled.

        A refused write is logged (once per run of failures) and the loop goes
        on: the status is for watching. (A database that cannot be reached is
        not a refusal: the sink waits for it.) One reason it may be refused alone:
        a store created before the `status` kind existed, whose `kind` CHECK
        still lists the old kinds (`CREATE TABLE IF NOT EXISTS` leaves it be).
        """
        failing = False
        while True:
            try:
                await sink.append([self._status(ingest, dispatcher)])
            except StoreError as exc:
                if not failing:
                    log.warning("loop status not recorded (goes on without): %s", exc)
                failing = True
            else:
                failing = False
            await asyncio.sleep(self._settings.status_every_s)

    async def _refused(self, letter: DeadLetter) -> None:
        """A clock announcement that is not a pace: recorded once the store is open."""
        if self._sink is not None:
            await self._sink.append([letter])

    def _connected(self, waiting: asyncio.Task[None]) -> None:
        if not waiting.cancelled():
            self._ready.set()

    def _shape(self, snapshot: NetworkSnapshot) -> NetworkSnapshot:
        return apply_overrides(snapshot, self._inbox.overrides)

    async def _ingest(self, readings: Sequence[Reading]) -> None:
        """The sink's hand-off: readings already recorded go to the agents."""
        try:
            alerts = await self._on_agents(self._directory.ingest, readings, self._clock.now())
        except DirectoryError as exc:
            # Stored already: the host Ray restarts replays them from the store.
            log.warning("%d readings not taken by the agents now: %s", len(readings), exc)
            self.stats.host_failures += 1
            return
        self.stats.readings += len(readings)
        await self._raised(alerts)

    async def _tick(self, now: datetime) -> None:
        try:
            alerts = await self._on_agents(self._directory.tick, now)
        except DirectoryError as exc:
            log.warning("agent tick skipped: %s", exc)
            self.stats.host_failures += 1
            return
        await self._raised(alerts)

    async def _raised(self, alerts: list[Alert]) -> None:
        """Record alerts, then queue them for the coordinator's next turn."""
        if alerts and self._sink is not None:
            await self._sink.append(alerts)
            self.stats.alerts += len(alerts)
            self._alerts.extend(alerts)

    def _ordered(
        self,
        orders: Sequence[CustomerOrder],
        deliveries: Sequence[ProofOfDelivery],
        cancellations: Sequence[OrderCancellation] = (),
    ) -> None:
        """The sink's hand-off (and the start-up read): orders for the next turn's book."""
        fresh = self._orders.take(orders, deliveries, cancellations)
        self.stats.orders += fresh[0]
        self.stats.deliveries += fresh[1]
        self.stats.cancellations += fresh[2]

    def _acknowledged(self, ack: CommandAck) -> None:
        self.stats.acks += 1
        if self._dispatcher is not None:
            self._dispatcher.acknowledge(ack)

    async def _dispatch(self, dispatch: Dispatch, stop: asyncio.Event) -> None:
        """Record the plan with the snapshot it came from, then send its commands."""
        sink, dispatcher = self._sink, self._dispatcher
        assert sink is not None and dispatcher is not None  # set before the first turn
        snapshot = [] if dispatch.snapshot is None else [dispatch.snapshot]
        await sink.append([*snapshot, dispatch.plan])
        self.stats.plans += 1
        log.info(
            "plan %s (%s, %d commands, %.2fs) caused by %s",
            dispatch.plan.plan_id,
            dispatch.plan.status,
            len(dispatch.commands),
            dispatch.latency_s,
            ", ".join(dispatch.plan.causes) or "the tick",
        )
        addressed = [(c, topic_of(self._network, c.asset_id, "cmd")) for c in dispatch.commands]
        unsent = await self._publish_unless_stopped(dispatcher, addressed, stop)
        for command in dispatch.commands:
            # Recorded and tracked, sent or not: it times out unless the device answers after all.
            self.stats.unsent += command.command_id in unsent
            self._sent.append(command.command_id)
            self.stats.commands += 1

    async def _publish_unless_stopped(
        self,
        dispatcher: CommandDispatcher,
        addressed: list[tuple[Command, Topic]],
        stop: asyncio.Event,
    ) -> set[str]:
        """Publish a plan's commands; ids of those not known sent (refused, or cut by a stop).

        A stop does not wait for a broker that is away: the commands are
        recorded, and the next run's first plan commands every asset again.
        """
        sending = asyncio.create_task(dispatcher.send_all(addressed), name="live.send")
        stopping = asyncio.create_task(stop.wait(), name="live.stopping")
        await asyncio.wait({sending, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not sending.done():
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
            log.warning("stopped while publishing: %d commands not sent", len(addressed))
            return {command.command_id for command, _ in addressed}
        unsent = set()
        for (command, _), (_, error) in zip(addressed, sending.result(), strict=True):
            if error is not None:
                log.warning("command %s not published: %s", command.command_id, error)
                unsent.add(command.command_id)
        return unsent

    async def _on_agents(self, fn: Callable[..., R], *args: object) -> R:
        if self._agents is None:
            raise RuntimeError("the live loop is not running")
        return await _on(self._agents, fn, *args)


async def _on(thread: ThreadPoolExecutor, fn: Callable[..., R], *args: object) -> R:
    return await asyncio.get_running_loop().run_in_executor(thread, fn, *args)


def _on_ray_hosts(directory: Directory) -> bool:
    if not isinstance(directory, AgentDirectory):
        return False
    from cluster.hosts import RayHostPool

    return isinstance(directory.pool, RayHostPool)


def _plan_turn(
    coordinator: Coordinator | RemoteCoordinator,
    news: TurnInputs,
    *,
    overrides: tuple[AnyOverride, ...],
) -> Dispatch | None:
    """One turn of the coordinator (`replan.turn`), on the planner thread that alone touches it.

    `overrides` reach an actor by message (the inline coordinator reads the inbox).
    """
    if not isinstance(coordinator, Coordinator):
        coordinator.override(overrides)
    return coordinator.step(news)
