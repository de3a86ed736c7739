"""`supplysync serve`: the operations-center API and page over an event store.

Settings come from `SUPPLYSYNC_API_*` variables (`api.settings.Settings`);
a missing or placeholder secret outside development stops the server before
it listens, with exit code 2 like any other bad input of the CLI.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from pydantic import ValidationError

from api.app import create_app
from api.settings import Settings
from supplysync.scenario import ScenarioError, load_scenario


def main(args: argparse.Namespace) -> int:
    """Serve until interrupted; 2 for bad settings or scenario.

    Args:
        args: `db` (store URL), `host`, `port`, `scenario` (a path or None).
    """
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"supplysync serve: {_without_input(exc)}", file=sys.stderr)
        return 2
    try:
        scenario = load_scenario(args.scenario) if args.scenario else None
    except ScenarioError as exc:
        print(f"supplysync serve: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings, store_url=args.db, scenario=scenario)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=False)
    return 0


def _without_input(exc: ValidationError) -> str:
    """The settings errors by field, never echoing the input: it holds the secrets."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}" for e in exc.errors()
    )
