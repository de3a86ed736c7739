"""The live system: `broker-config`, `devices` (a simulated MQTT fleet), `run` and `serve`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.options import Commands, refuse
from supplysync.scenario import load_scenario


def add_broker_config(sub: Commands) -> None:
    broker_config = sub.add_parser(
        "broker-config",
        help="write the Mosquitto password file and the MQTT credentials for a scenario",
    )
    broker_config.add_argument("--scenario", type=Path, required=True, help="scenario TOML")
    broker_config.add_argument(
        "--out", type=Path, required=True, help="directory for passwd and credentials.json"
    )
    broker_config.set_defaults(func=_broker_config)


def add_devices(sub: Commands) -> None:
    devices = sub.add_parser(
        "devices", help="run a scenario's simulator as a fleet of MQTT devices on the wall clock"
    )
    devices.add_argument("--broker", required=True, metavar="URL", help="mqtt://host[:port]")
    devices.add_argument("--scenario", type=Path, required=True, help="scenario TOML")
    devices.add_argument(
        "--credentials", type=Path, default=None, help="credentials.json of broker-config"
    )
    devices.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per wall second"
    )
    devices.add_argument(
        "--telemetry-qos", type=int, default=0, help="QoS of high-rate telemetry (0 or 1)"
    )
    devices.set_defaults(func=_devices)


def add_live(sub: Commands) -> None:
    """`run` (the live system) and `serve` (the operations-center API over its store)."""
    run = sub.add_parser(
        "run", help="run the system live on the network's clock: MQTT devices in, commands out"
    )
    run.add_argument("--broker", required=True, metavar="URL", help="mqtt://host[:port]")
    run.add_argument(
        "--db", required=True, metavar="URL", help="event store: sqlite:///path or postgresql://..."
    )
    run.add_argument("--scenario", type=Path, required=True, help="scenario TOML")
    run.add_argument(
        "--placement",
        choices=("auto", "per-asset", "sharded", "inline"),
        default=None,
        help="agent placement on Ray; 'inline' runs agents in-process without Ray",
    )
    run.add_argument(
        "--tick-seconds",
        type=float,
        default=60.0,
        help="seconds on the network's clock between the agents' time checks (silent sensors)",
    )
    run.add_argument(
        "--credentials",
        type=Path,
        default=None,
        help="credentials.json of broker-config (for a broker with the project's ACL)",
    )
    run.add_argument(
        "--ingest-workers",
        type=int,
        default=1,
        metavar="N",
        help="MQTT consumer processes, each owning a fixed part of the sites "
        "(N > 1 needs a PostgreSQL --db)",
    )
    run.add_argument(
        "--coordinator",
        choices=("inline", "actor"),
        default="inline",
        help="where the replanning loop runs: in this process, or as a Ray actor that Ray "
        "restarts on a surviving node, rebuilt from --db (needs agents on Ray)",
    )
    run.set_defaults(func=_run)

    serve = sub.add_parser(
        "serve", help="serve the operations-center API and web page over an event store"
    )
    serve.add_argument(
        "--db", required=True, help="event store URL (sqlite:///path or postgresql://...)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="scenario TOML: the network drawn before the first snapshot, what-if settings",
    )
    serve.set_defaults(func=_serve)


def _run(args: argparse.Namespace) -> int:
    from cluster.live.command import main as run_live

    return run_live(args)


def _serve(args: argparse.Namespace) -> int:
    from api.serve import main as serve_api

    return serve_api(args)


def _broker_config(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    from adapters.devices import DeviceError
    from adapters.devices.broker_config import write_broker_config

    try:
        creds = write_broker_config(scenario.network, args.out)
    except (DeviceError, OSError) as exc:
        return refuse(exc)
    print(f"{args.out}: passwd and credentials.json for {len(creds.users)} MQTT users")
    return 0


def _devices(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    from pydantic import ValidationError

    from adapters.devices import (
        BrokerAddress,
        Credentials,
        CredentialsError,
        DeviceError,
        FleetSettings,
    )
    from adapters.devices.run import run_fleet

    try:
        broker = BrokerAddress.parse(args.broker)
        settings = FleetSettings(speed=args.speed, telemetry_qos=args.telemetry_qos)
        creds = None if args.credentials is None else Credentials.load(args.credentials)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]).replace("_", "-")
        return refuse(f"--{field}: {error['msg']}")
    except (ValueError, DeviceError) as exc:
        return refuse(exc)
    try:
        return run_fleet(scenario, broker=broker, credentials=creds, settings=settings)
    except CredentialsError as exc:
        return refuse(exc)
    except DeviceError as exc:
        print(f"supplysync: {exc}", file=sys.stderr)
        return 1
