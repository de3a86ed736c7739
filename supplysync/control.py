"""Operator requests: how the operations center steers a running system.

The API (`supplysync serve`) and the live loop (`supplysync run`) are
separate processes that share the event store. An operator's request to
replan now, or to set or clear an override, is appended to the store as an
`OperatorRequest`; the live loop reads requests it has not handled yet on
every turn, so the request is durable, ordered, attributed and replayable
like every other event, and neither process needs the other to be up.

Overrides constrain every later replan until cleared:

- `FreezeRoute`: a vehicle drives exactly these stops in this period.
- `MachineOut`: a machine offers no hours (maintenance, an operator's call).
- `PinSupplier`: a product is bought only from this supplier.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from supplysync.network import Frozen, Id


class FreezeRoute(Frozen):
    """Keep a vehicle's route of one period exactly as given."""

    kind: Literal["freeze_route"] = "freeze_route"
    vehicle_id: Id
    period: Annotated[int, Field(ge=0, le=30)]
    stops: Annotated[list[Id], Field(min_length=1, max_length=100)]


class MachineOut(Frozen):
    """Take a machine out of planning."""

    kind: Literal["machine_out"] = "machine_out"
    machine_id: Id


class PinSupplier(Frozen):
    """Buy a product only from one supplier."""

    kind: Literal["pin_supplier"] = "pin_supplier"
    product_id: Id
    supplier_id: Id


Override = Annotated[FreezeRoute | MachineOut | PinSupplier, Field(discriminator="kind")]


def override_key(o: FreezeRoute | MachineOut | PinSupplier) -> str:
    """What an override is about: a later override with the same key replaces it."""
    if isinstance(o, FreezeRoute):
        return f"freeze_route:{o.vehicle_id}:{o.period}"
    if isinstance(o, MachineOut):
        return f"machine_out:{o.machine_id}"
    return f"pin_supplier:{o.product_id}"


class OperatorRequest(Frozen):
    """One request from the operations center, as recorded.

    Attributes:
        request_id: unique, chosen by the API (the idempotency key).
        action: `replan` asks for a replan now; `set` and `clear` change
            the override in `override` (for `clear`, only its key matters).
        by: the user who asked.
        at: when the API accepted it.
        comment: why, in the operator's words.
    """

    request_id: Annotated[str, Field(min_length=1, max_length=128)]
    action: Literal["replan", "set", "clear"]
    override: Override | None = None
    by: Annotated[str, Field(min_length=1, max_length=128)]
    at: AwareDatetime
    comment: Annotated[str, Field(max_length=2000)] = ""


def active_overrides(
    requests: list[OperatorRequest],
) -> list[FreezeRoute | MachineOut | PinSupplier]:
    """The overrides in force after `requests`, applied in order."""
    live: dict[str, FreezeRoute | MachineOut | PinSupplier] = {}
    for r in requests:
        if r.override is None:
            continue
        key = override_key(r.override)
        if r.action == "set":
            live[key] = r.override
        elif r.action == "clear":
            live.pop(key, None)
    return list(live.values())
