"""How times are spelt in the agents' typed memories and states.

Snapshots (supplysync.snapshots) must restore an agent exactly, so a time
keeps its offset (ISO 8601 as `datetime.isoformat` writes it round-trips
it); the states keep the spelling the API has always served.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import PlainSerializer


def _iso(ts: datetime) -> str:
    return ts.isoformat()


IsoTime = Annotated[datetime, PlainSerializer(_iso, return_type=str)]
"""A time, dumped as `datetime.isoformat` writes it in every mode (Python and JSON)."""
