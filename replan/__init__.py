"""One replanning turn, Ray-free: what research mode and live mode both run.

`turn(state, inputs, planner, agents)` takes in what happened since the
last turn, asks the trigger whether to replan, and if so makes a plan,
negotiates it with the agents and commits it, returning the next state and
the `Dispatch` that goes out. The negotiation (a rejecting asset's offer
withdrawn, orders already on board left out, the routes vehicles carry
remembered) is plain logic over frozen records, so it lives here and not
with Ray: `cluster/` keeps placement, actors and transport, and
`runtime.coordinator` holds a `TurnState` between turns. No Ray, no asyncio, no
I/O of its own: the agents and the planner are handed in.

Around the turn, the same plain logic: operator overrides as edits of the
snapshot the planner sees (`overrides`), what-if plans that are never
dispatched (`whatif`), and the intake that passes each customer order,
proof of delivery and cancellation on to the turn once (`intake`).
"""

from replan.agents import Agents
from replan.dispatch import Dispatch
from replan.state import TurnSettings, TurnState, TurnStats, restore
from replan.turn import Planner, ShapeSnapshot, TurnInputs, offered, replan, turn

__all__ = [
    "Agents",
    "Dispatch",
    "Planner",
    "ShapeSnapshot",
    "TurnInputs",
    "TurnSettings",
    "TurnState",
    "TurnStats",
    "offered",
    "replan",
    "restore",
    "turn",
]
