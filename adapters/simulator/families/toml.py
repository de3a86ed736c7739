"""A scenario as TOML text that `load_scenario` reads back to the same scenario.

Written with `tomli-w`. Values that are None are left out (TOML has no
null, and the models default them to None); `[planning]` and `[costs]`
list only what differs from the project's defaults, so a generated
scenario follows them as they change, and are left out when nothing
differs. An empty device registry is left out too: generated networks
register no devices.
"""

from __future__ import annotations

from collections.abc import Sequence

import tomli_w

from supplysync.scenario import Scenario


def to_toml(scenario: Scenario, header: Sequence[str] = ()) -> str:
    """TOML text of `scenario`, after `header` lines written as comments."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    if not data["network"]["devices"]:
        del data["network"]["devices"]
    for table in ("planning", "costs"):
        changed = getattr(scenario, table).model_dump(mode="json", exclude_defaults=True)
        if changed:
            data[table] = changed
        else:
            del data[table]
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header)
    return comments + tomli_w.dumps(data)
