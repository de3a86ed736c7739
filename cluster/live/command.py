"""`supplysync run`: the system live against a broker and a store, until a signal.

    supplysync run --broker mqtt://127.0.0.1:1883 --db sqlite:///events.db \\
        --scenario scenarios/demo.toml [--placement sharded] [--tick-seconds 60] \\
        [--credentials auth/credentials.json] [--ingest-workers N] \\
        [--coordinator inline|actor]

Inputs are checked before anything starts (exit 2 naming the flag and what
is wrong): the scenario validates, the broker URL parses, the store opens,
the credentials file (from `supplysync broker-config`) holds the system's
two MQTT users, `--ingest-workers` is at least 1 and, above 1, the store is
PostgreSQL (SQLite takes one writer at a time; `adapters.mqtt.workers`),
and `--coordinator actor` comes with agents on Ray (not `--placement
inline`): the actor reaches them there.
Then the agents start (on Ray, or in this process with
`--placement inline`), rebuilding from the store, and the loop runs until
SIGINT or SIGTERM; it then finishes the turn under way (a replan; commands
the broker has not taken by then stay recorded, unsent), disconnects, closes
the store and stops the agent hosts (and Ray, if it started it). Exit 1 if
the loop fails (the store or an agent host refusing for good).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from adapters.devices.credentials import Credentials
from adapters.devices.errors import CredentialsError
from adapters.mqtt.broker import BrokerAddress
from adapters.mqtt.collector import tune_for_ingest
from adapters.mqtt.workers import check_store
from adapters.store import StoreError, open_store
from agents.settings import AgentSettings
from cluster.bootstrap import is_running, shutdown
from cluster.hosts import RayDirectory
from cluster.live.loop import COORDINATOR_MODES, LiveLoop
from cluster.live.settings import Brokers, LiveSettings
from runtime.directory import AgentDirectory, InlineDirectory
from runtime.errors import DirectoryError
from supplysync.scenario import Scenario, ScenarioError, load_scenario
from supplysync.settings import RuntimeSettings

PLACEMENTS = ("auto", "per-asset", "sharded", "inline")


class _BadInputError(ValueError):
    """An argument that keeps the run from starting; the message names it."""


def main(args: argparse.Namespace) -> int:
    """Run live as `args` say; 0 after a signal, 1 if the loop failed, 2 on bad input."""
    try:
        scenario, brokers, settings = _checked(args)
    except _BadInputError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="supplysync run: %(message)s", stream=sys.stderr)
    owns_ray = args.placement != "inline" and not is_running()
    directory: AgentDirectory
    agents = AgentSettings().following(scenario.planning)  # the scenario's shift
    try:
        if args.placement == "inline":
            directory = InlineDirectory.start(
                scenario.network, agent_settings=agents, store_url=args.db
            )
        else:
            runtime = RuntimeSettings.from_env(placement=args.placement)
            directory = RayDirectory.start(scenario.network, runtime, agents, store_url=args.db)
    except (DirectoryError, StoreError) as exc:
        print(f"supplysync: agents did not start: {exc}", file=sys.stderr)
        return 1
    loop = LiveLoop(
        network=scenario.network,
        planning=scenario.planning,
        directory=directory,
        store_url=args.db,
        brokers=brokers,
        settings=settings,
        ingest_workers=getattr(args, "ingest_workers", 1),
        coordinator=getattr(args, "coordinator", "inline"),
    )
    tune_for_ingest()
    try:
        asyncio.run(_until_signal(loop))
    except Exception as exc:  # the loop's infrastructure failed: say so, exit 1
        print(f"supplysync: live run failed: {exc!r}", file=sys.stderr)
        return 1
    finally:
        directory.close()
        if owns_ray:
            shutdown()
    _summary(loop)
    return 0


async def _until_signal(loop: LiveLoop) -> None:
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        running.add_signal_handler(sig, stop.set)
    await loop.run(stop)


def _checked(args: argparse.Namespace) -> tuple[Scenario, Brokers, LiveSettings]:
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        raise _BadInputError(str(exc)) from exc
    if args.placement is not None and args.placement not in PLACEMENTS:
        raise _BadInputError(f"--placement: expected one of {', '.join(PLACEMENTS)}")
    try:
        settings = LiveSettings(agent_tick_s=args.tick_seconds)
    except ValueError as exc:
        raise _BadInputError(f"--tick-seconds: {exc}") from exc
    try:
        BrokerAddress.parse(args.broker)
    except ValueError as exc:
        raise _BadInputError(f"--broker: {exc}") from exc
    brokers = Brokers.same(args.broker)
    if args.credentials is not None:
        brokers = _logged_in(args.broker, args.credentials)
    try:
        with open_store(args.db):
            pass
    except (StoreError, ValueError) as exc:
        raise _BadInputError(f"--db: {exc}") from exc
    try:
        check_store(args.db, getattr(args, "ingest_workers", 1))
    except ValueError as exc:
        raise _BadInputError(str(exc)) from exc  # names --ingest-workers
    coordinator = getattr(args, "coordinator", "inline")
    if coordinator not in COORDINATOR_MODES:
        raise _BadInputError(f"--coordinator: expected one of {', '.join(COORDINATOR_MODES)}")
    if coordinator == "actor" and args.placement == "inline":
        raise _BadInputError("--coordinator actor: needs the agents on Ray, not --placement inline")
    return scenario, brokers, settings


def _logged_in(url: str, path: Path) -> Brokers:
    try:
        return Brokers.logged_in(url, Credentials.load(path))
    except (CredentialsError, ValueError) as exc:
        raise _BadInputError(f"--credentials: {exc}") from exc


def _summary(loop: LiveLoop) -> None:
    s = loop.stats
    outcomes: dict[str, int] = {}
    for outcome in loop.outcomes().values():
        outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
    answered = ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())) or "none"
    print(
        f"supplysync run: stopped: {s.readings} readings, {s.alerts} alerts, {s.plans} plans, "
        f"{s.commands} commands ({answered}), {s.acks} acks, {s.requests} operator requests, "
        f"{s.orders} customer orders, {s.deliveries} proofs of delivery, "
        f"{s.cancellations} cancellations",
        file=sys.stderr,
    )
