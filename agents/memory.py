"""The base of the agents' typed memories: frozen records whose dump is the snapshot.

A kind keeps all it has learnt from readings and commitments in one frozen
model and replaces it at every step (`Memory.replace`, which skips
validation on the hot path). A snapshot is then the model's JSON dump and a
restore its validation: no list of attribute names to keep in step with the
code, and a field added to the model is snapshotted without further work.
Infinite floats are kept as JSON constants (a wear trend with no end in
sight), as `supplysync.snapshots.AgentSnapshot` stores them.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict

_new = object.__new__
_set = object.__setattr__


class Memory(BaseModel):
    """Base of an agent kind's memory and of its parts."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")

    def replace(self, **changes: object) -> Self:
        """This record with `changes` to some fields, unvalidated: what a step returns.

        The same record as `model_copy(update=changes)` (same fields, same
        fields set, equal), built in about half the time, which is most of
        what a step costs. `model_copy` copies the field dict, the extras and
        the fields set one by one through `copy.copy`, looks for private
        attributes and then applies the update; a memory has neither extras
        (extra is forbidden) nor private attributes, so the new instance is
        the merged field dict plus the fields set, and nothing else. The
        fields set is shared with this record while `changes` sets no new
        field: frozen records never change it, and it saves a set copy per
        step. Like `model_copy`, it trusts its caller: the values are not
        validated and a name that is no field is not refused.
        """
        new = _new(type(self))
        _set(new, "__dict__", {**self.__dict__, **changes})
        fields_set = self.__pydantic_fields_set__
        if not fields_set.issuperset(changes):
            fields_set = fields_set.union(changes)
        _set(new, "__pydantic_fields_set__", fields_set)
        _set(new, "__pydantic_extra__", None)
        _set(new, "__pydantic_private__", None)
        return new
